"""Initial weights by behaviour cloning of the heuristic policy on dumped graphs: select_node
learns the heuristic's order (heaviest first), select_task learns "colour", color_node learns the
first free candidate. A starting point for reinforcement learning, not a trained allocator."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import torch

from . import export, model_io, nets


def _order_loss(logits: torch.Tensor, order: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of picking order[t] among order[t:], for every t (a listwise ranking loss)."""
    seq = logits[order]
    return (nets.remaining_logsumexp(seq) - seq).mean()


def clone(graphs: list, out: Path, epochs: int = 3, seed: int = 0, log=sys.stderr) -> dict:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    modules = nets.build()
    params = [p for m in modules.values() for p in m.parameters()]
    opt = torch.optim.Adam(params, lr=3e-3)
    ce = torch.nn.functional.cross_entropy
    history = []
    for epoch in range(epochs):
        rng.shuffle(graphs)
        total, count = 0.0, 0
        for g in graphs:
            n = g.num_nodes
            if n == 0:
                continue
            node_x = torch.from_numpy(model_io.node_features(g))
            h = modules["encoder"](node_x, *(torch.from_numpy(x) for x in model_io.messages(g)))
            logits, _ = modules["select_node"](h, node_x, torch.ones(n, dtype=torch.bool))
            order = np.lexsort((np.arange(n), -g.node.spill_weight))
            loss = _order_loss(logits, torch.from_numpy(order))
            cand_x = model_io.cand_features(g)
            n_cands = len(cand_x)
            color_logits, _ = modules["color_node"](
                h, torch.from_numpy(g.cand.node.astype(np.int64)), torch.from_numpy(cand_x),
                torch.ones(n_cands + n, dtype=torch.bool))
            picks = rng.sample(range(n), min(n, 16))
            for node in picks:
                free = g.cand.free[g.candidates(node)].astype(bool)
                task_x = torch.from_numpy(model_io.task_features(node_x[node].numpy(), int(free.sum()), True))
                t_logits, _ = modules["select_task"](h[node], task_x, torch.ones(2, dtype=torch.bool))
                loss = loss + ce(t_logits.unsqueeze(0), torch.tensor([model_io.TASK_COLOR])) / len(picks)
                if free.any():
                    s = g.candidates(node)
                    rows = torch.from_numpy(np.append(np.arange(s.start, s.stop), n_cands + node))
                    c_logits = torch.where(torch.from_numpy(np.append(free, True)), color_logits[rows],
                                           torch.tensor(model_io.MASKED))
                    target = int(np.flatnonzero(free)[0])
                    loss = loss + ce(c_logits.unsqueeze(0), torch.tensor([target])) / len(picks)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            total += loss.item()
            count += 1
        history.append(total / max(count, 1))
        print(f"clone: epoch {epoch + 1}/{epochs} loss {history[-1]:.4f}", file=log, flush=True)
    export.save(modules, out, trained_by=f"behaviour cloning of the heuristic policy, {len(graphs)} "
                f"graphs, {epochs} epochs, seed {seed}")
    return {"loss": history}
