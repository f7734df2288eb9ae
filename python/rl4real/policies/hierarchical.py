"""RL4ReAl's hierarchical policy: select_node -> select_task -> color_node | split_node, driving
the session with a backend (onnxruntime or torch) and the four models.

The encoder runs once per function (again only after an accepted split). select_node's logits
depend on the graph only, not on the decisions taken, so it is evaluated once and its masked
argmax is taken incrementally as nodes are visited: the same actions as calling it every step.
Any of the four models can be replaced by a callable with the same inputs and outputs
(`HierarchicalPolicy(overrides={"color_node": fn})`). Deterministic and without splitting, a
round's whole visiting loop is one call (session.colour_in_order: native inside clang).

For training, `rng` makes every decision a sample from the model's distribution instead of its
argmax (Gumbel-max; for select_node, sorting Gumbel-perturbed logits samples the whole visiting
order without replacement, which is exactly sampling step by step), and `recorder` receives what
the learner needs to re-evaluate each decision (rl4real.train.trajectory.Recorder)."""

from __future__ import annotations

import numpy as np

from .. import spec
from ..models import backends, model_io
from ..session import Refusal, visiting_order
from .heuristic import HeuristicPolicy


class HierarchicalPolicy:
    def __init__(self, backend="onnxruntime", model_dir: str | None = None,
                 overrides: dict | None = None, rng: np.random.Generator | None = None,
                 recorder=None):
        # a backend name, or a backend object (training runs in-memory torch modules)
        self.backend = backends.load(backend, model_dir) if isinstance(backend, str) else backend
        self.overrides = overrides or {}
        self.rng = rng
        self.recorder = recorder
        self.decisions = 0

    @classmethod
    def from_config(cls, config: dict) -> "HierarchicalPolicy":
        return cls(backend=spec.option(config, "backend"),
                   model_dir=spec.option(config, "model_dir") or None)

    def run(self, model: str, *inputs):
        fn = self.overrides.get(model)
        return fn(*inputs) if fn else self.backend.run(model, *inputs)

    def _pick(self, logits: np.ndarray) -> int:
        if self.rng is None:
            return backends.choose(logits)
        return int(np.argmax(logits + self.rng.gumbel(size=len(logits))))

    def _act(self, agent: str, node: int, *inputs) -> int:
        self.decisions += 1
        logits, value = self.run(agent, *inputs)
        action = self._pick(logits)
        if self.recorder:
            self.recorder.decision(agent, node, action, logits, value, inputs)
        return action

    def _choose_colour(self, node, logits, value, start, stop, leave_row, free) -> int:
        """One colour decision from the batched color_node output: the node's candidate rows
        (masked as the model masks, model_io.MASKED where not free) and its leave row."""
        self.decisions += 1
        sub = np.empty(stop - start + 1, dtype=np.float32)
        sub[:-1] = np.where(free, logits[start:stop], model_io.MASKED)
        sub[-1] = logits[leave_row]
        action = self._pick(sub)
        if self.recorder:
            self.recorder.decision("color_node", node, action, sub, value, (free,))
        return action

    def allocate(self, session) -> None:
        # The encoder's memory grows with the edges (~1.9 KB per edge in onnxruntime, docs/
        # models.md): past model-max-edges the heuristic allocates instead, in linear memory.
        limit = spec.option(session.config, "model_max_edges")
        edges = len(session.graph.edge)
        if 0 < limit < edges:
            session.degrade(f"model_max_edges: {edges} edges > {limit}, heuristic instead of the models")
            HeuristicPolicy().allocate(session)
            return
        self.decisions = 0
        try:
            self._allocate(session)
        finally:
            session.count_decisions(self.decisions)

    def _allocate(self, session) -> None:
        visited = np.zeros(session.graph.num_nodes, dtype=bool)
        while not visited.all():
            visited = self._round(session, visited)

    def _order(self, logits: np.ndarray, visited: np.ndarray) -> np.ndarray:
        """The unvisited nodes in the order select_node visits them."""
        if self.rng is None:  # masked argmax, step by step
            return visiting_order(logits, ~visited)
        order = np.argsort(-(logits + self.rng.gumbel(size=len(logits))), kind="stable")
        return order[~visited[order]]

    def _evaluate(self, *inputs) -> tuple:
        """model_io.ROUND's models: one backend call, unless one of them is overridden (or the backend
        object has only run()). The value heads are evaluated only for the recorder."""
        values = self.recorder is not None
        if self.overrides.keys() & model_io.ROUND.keys() or not hasattr(self.backend, "round"):
            return backends.run_round(self.run, *inputs, values=values)
        return self.backend.round(*inputs, values=values)

    def _round(self, session, visited: np.ndarray) -> np.ndarray:
        """Visits the unvisited nodes in select_node's order; returns early (with the grown visited
        mask) after an accepted split, so the next round encodes the changed graph."""
        g = session.graph
        n = g.num_nodes
        node_x = model_io.node_features(g)
        cand_x = model_io.cand_features(g)
        messages = model_io.messages(g)
        cand_node = g.cand.node.astype(np.int64)
        n_cands = len(cand_node)
        unvisited = ~visited
        h, logits, node_value, color_logits, color_value = self._evaluate(
            node_x, *messages, unvisited, cand_node, cand_x, np.ones(n_cands + n, dtype=bool))
        splitting = session.split_budget_left > 0
        if self.rng is None and self.recorder is None and not splitting:
            # Deterministic and nothing else to decide: the visiting loop in one host call, with
            # the same order, rounding and ties as _order() and choose().
            self.decisions += int(unvisited.sum()) + session.colour_in_order(
                logits, unvisited, color_logits[:n_cands], color_logits[n_cands:])
            visited[:] = True
            return visited
        order = self._order(logits, visited)
        if self.recorder:
            self.recorder.round(node_x, messages, cand_node, cand_x, unvisited, order, logits, node_value)
        cand_off = g.cand_offsets.tolist()
        regs = g.cand.reg.tolist()  # python ints: session.assign's fast path
        for node in order.tolist():
            self.decisions += 1  # a select_node step (its logits were evaluated once, above)
            if self.recorder:
                self.recorder.step(node)
            visited[node] = True
            start, stop = cand_off[node], cand_off[node + 1]
            free = session.free_candidates(node)
            split_ok = g.use.split_ok[g.uses(node)].astype(bool) if splitting else None
            can_split = splitting and bool(split_ok.any())
            task = model_io.TASK_COLOR  # forced when no split is legal: no decision, no model call
            if can_split:
                task = self._act("select_task", node, h[node],
                                 model_io.task_features(node_x[node], int(free.sum()), can_split),
                                 np.array([True, can_split]))
            if task == model_io.TASK_SPLIT:
                use = self._act("split_node", node, h[node], model_io.use_features(g, node), split_ok)
                if session.split(node, use) == Refusal.ok:
                    grown = np.zeros(session.graph.num_nodes, dtype=bool)
                    grown[:n] = visited
                    grown[node] = False  # the part before the split point is a node again
                    return grown
            if not free.any():
                continue  # nothing legal: greedy allocates it
            choice = self._choose_colour(node, color_logits, color_value, start, stop,
                                         n_cands + node, free)
            if choice < len(free):
                session.assign(node, regs[start + choice])
        return visited
