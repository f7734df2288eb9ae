"""Allocation without the compiler, over graphs dumped by the plugin (rl4real.policies.dump) or
made by rl4real.synthetic: for fast pre-training, experiments and tests.

Semantics (docs/training.md):
- colouring is exact with respect to what the plugin reports: a candidate is free for a node when
  it was free when the graph was built (no fixed-register interference) and no interfering node
  holds a register that shares a register unit with it (with the target's units, `reg_units`, as
  the plugin gives them to a session; without them, graphs made up in Python, each register is
  its first unit `cand.unit`, which misses aliases such as AL inside EAX);
- splitting is approximated: the node keeps the uses before the split point, a new node takes the
  rest, both keep all interferences and candidates, spill weight is shared by use count;
- the final cost is approximated: every node left without a register counts as spilled, cost =
  spilled weight / total weight (the compiler's greedy would still place some of them).

`OfflineHost` plays the compiler's side of a session, so the same policies run here as inside
clang; rl4real.train.gym_env exposes the decisions one at a time through the Gymnasium API."""

from __future__ import annotations

import numpy as np

from .. import spec
from ..session import Graph, Refusal, Session, offsets


class OfflineHost:
    """The compiler's side of a session over a graph (rl4real.host.Host, the same refusal rules).
    `num_regs` (the target's register count, len(session.reg_names)) bounds register numbers as
    the compiler does; without it any positive number is a register."""

    def __init__(self, graph: Graph, split_budget: int = 0, num_regs: int | None = None,
                 reg_units=None):
        self.arrays_ = {k: np.array(v) for k, v in graph.arrays.items()}
        self._rebuild()
        self.assigned = np.full(self.graph.num_nodes, -1, np.int64)  # assigned register per node
        self.reg_units = reg_units
        self.closed = False
        self.decisions = 0
        self.split_budget, self.splits = split_budget, 0
        self.num_regs = num_regs
        self.refused: list[int] = []  # refusal codes, in order (the compiler counts them by reason)
        self._assigned_row: dict[int, int] = {}  # node -> its assigned candidate row
        self.degraded = ""
        self.advice = None  # (priority, evict) of the last accepted advise

    def _rebuild(self) -> None:
        self.graph = Graph(self.arrays_)
        # both directions of every interference, grouped by node (CSR): no Python loop per edge
        e = self.graph.edge.nodes.reshape(-1, 2).astype(np.int64)
        src, dst = np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]])
        order = np.argsort(src, kind="stable")
        self._neighbours = dst[order]
        self._neighbour_offsets = offsets(src[order], self.graph.num_nodes)

    # -- the host protocol (cpp/Bridge.cpp's module has the same methods)
    def free_candidates(self, node: int) -> bytes:
        g = self.graph
        if self.closed or not 0 <= node < g.num_nodes:
            return b""
        s = g.candidates(node)
        if self.assigned[node] >= 0:
            return bytes(s.stop - s.start)
        near = self._neighbours[self._neighbour_offsets[node]:self._neighbour_offsets[node + 1]]
        held = near[self.assigned[near] >= 0].tolist()
        if self.reg_units is None:  # each register is its first unit
            taken = [int(g.cand.unit[self._assigned_row[m]]) for m in held]
            free = g.cand.free[s].astype(bool) & ~np.isin(g.cand.unit[s], taken)
            return free.astype(np.uint8).tobytes()
        taken = {u for m in held for u in self.reg_units[int(self.assigned[m])]}
        free = [bool(g.cand.free[r]) and taken.isdisjoint(self.reg_units[int(g.cand.reg[r])])
                for r in range(s.start, s.stop)]
        return bytes(free)

    def _row(self, node: int, reg: int) -> int | None:
        """Reg's position among node's candidates, or None."""
        rows = np.flatnonzero(self.graph.cand.reg[self.graph.candidates(node)] == reg)
        return int(rows[0]) if len(rows) else None

    def is_free(self, node: int, reg: int) -> bool:
        if self.closed or not 0 <= node < self.graph.num_nodes:
            return False
        row = self._row(node, reg)
        return row is not None and bool(self.free_candidates(node)[row])

    def _refuse(self, code: Refusal) -> int:
        if code != Refusal.ok:
            self.refused.append(int(code))
        return int(code)

    def assign(self, node: int, reg: int) -> int:
        g = self.graph
        if self.closed:
            return self._refuse(Refusal.closed)
        if not (0 <= node < g.num_nodes) or reg <= 0 or (self.num_regs and reg >= self.num_regs):
            return self._refuse(Refusal.bad_value)
        if self.assigned[node] >= 0:
            return self._refuse(Refusal.already_assigned)
        row = self._row(node, reg)
        if row is None:
            return self._refuse(Refusal.not_candidate)
        if not self.free_candidates(node)[row]:
            return self._refuse(Refusal.interferes)
        self.assigned[node] = reg
        self._assigned_row[node] = g.candidates(node).start + row
        return Refusal.ok

    def split(self, node: int, use_index: int) -> int:
        g = self.graph
        if self.closed:
            return self._refuse(Refusal.closed)
        if not (0 <= node < g.num_nodes):
            return self._refuse(Refusal.bad_value)
        if self.assigned[node] >= 0:
            return self._refuse(Refusal.already_assigned)
        if self.splits >= self.split_budget:
            return self._refuse(Refusal.split_budget)
        s = g.uses(node)
        if not (0 <= use_index < s.stop - s.start) or not g.use.split_ok[s.start + use_index]:
            return self._refuse(Refusal.split_point)
        self._split(node, s.start + use_index, s.stop)
        self.splits += 1
        return Refusal.ok

    def advise(self, priority: bytes, evict: bytes) -> int:
        """Validated and kept (self.advice) like the compiler does; there is no greedy here to
        act on it."""
        if self.closed:
            return self._refuse(Refusal.closed)
        n = self.graph.num_nodes
        if len(priority) != 8 * n or len(evict) != n:
            return self._refuse(Refusal.bad_value)
        p, e = np.frombuffer(priority, np.int64), np.frombuffer(evict, np.uint8)
        flags = sum(value for _, value, _ in spec.EVICT_FLAGS)
        if ((p < spec.PRIORITY_KEEP).any()
                or (p > spec.PRIORITY_MAX).any() or (e & ~np.uint8(flags)).any()):
            return self._refuse(Refusal.bad_value)
        self.advice = (p.copy(), e.copy())
        return Refusal.ok

    def arrays(self) -> dict:
        return self.graph.arrays

    def count_decisions(self, n: int) -> None:
        self.decisions += n

    def degrade(self, why: str) -> None:
        self.degraded = why

    def close(self) -> None:
        self.closed = True

    # -- the approximate split
    def _split(self, node: int, first: int, stop: int) -> None:
        a = self.arrays_
        n = self.graph.num_nodes
        new = n
        moved = np.arange(first, stop)
        kept_uses = first - self.graph.use_offsets[node]
        share = len(moved) / (kept_uses + len(moved))
        for f in spec.features("node"):
            row = a[f.key][node:node + 1].copy()
            a[f.key] = np.concatenate([a[f.key], row])
        a["node_spill_weight"][new] = a["node_spill_weight"][node] * share
        a["node_spill_weight"][node] *= 1 - share
        a["node_num_uses"][new], a["node_num_uses"][node] = len(moved), kept_uses
        e = a["edge_nodes"].reshape(-1, 2)
        mine = e[(e == node).any(1)]
        a["edge_nodes"] = np.concatenate([e, np.where(mine == node, new, mine), [[node, new]]]).astype(np.int32)
        cand = np.flatnonzero(a["cand_node"] == node)
        for f in spec.features("cand"):
            a[f.key] = np.concatenate([a[f.key], a[f.key][cand]])
        a["cand_node"][len(a["cand_node"]) - len(cand):] = new  # not [-0:] when it has none
        order = np.concatenate([np.setdiff1d(np.arange(len(a["use_node"])), moved), moved])
        for f in spec.features("use"):
            a[f.key] = a[f.key][order]
        a["use_node"][len(a["use_node"]) - len(moved):] = new
        self._rebuild()
        self.assigned = np.append(self.assigned, -1)


def session(graph: Graph, split_budget: int = 0, function: str = "") -> tuple[Session, OfflineHost]:
    host = OfflineHost(graph, split_budget)
    return Session(host=host, graph=host.graph, function=function,
                   config={"split_budget": str(split_budget)}), host


def cost(host: OfflineHost) -> float:
    """Spilled weight / total weight: the approximate final cost of an offline allocation."""
    w = host.graph.node.spill_weight.astype(np.float64)
    total = w.sum()
    return float(w[host.assigned < 0].sum() / total) if total > 0 else 0.0


def rollout(policy, graphs: list[Graph], split_budget: int = 0) -> list[dict]:
    """Episodes of a sampling policy (rl4real.train.sampler) over graphs; reward = -cost."""
    out = []
    for i, g in enumerate(graphs):
        sess, host = session(g, split_budget, function=f"graph{i}")
        ep = policy.allocate(sess)
        ep["reward"] = -cost(host)
        out.append(ep)
    return out


def train(graphs: list[Graph], cfg, iterations: int, modules: dict | None = None,
          log=None) -> tuple[dict, list[dict]]:
    """PPO on the offline problem: iterations of (sample every graph once, update). Returns the
    modules and per-iteration metrics (mean cost of the sampled allocations first of all)."""
    import torch

    from ..models import nets
    from ..models.backends import TorchBackend
    from . import ppo
    from .sampler import SamplingPolicy

    torch.manual_seed(cfg.seed)
    modules = modules or nets.build()
    for m in modules.values():
        m.to(ppo.device()).eval()
    params = [p for m in modules.values() for p in m.parameters()]
    optimizer = torch.optim.Adam(params, lr=cfg.learning_rate)
    history = []
    for it in range(iterations):
        policy = SamplingPolicy(backend=TorchBackend(modules=modules), seed=cfg.seed * 100_003 + it,
                                out="")
        episodes = rollout(policy, graphs, cfg.split_budget)
        stats = ppo.update(modules, optimizer, episodes, cfg, seed=cfg.seed * 100_003 + it)
        stats["cost"] = float(-np.mean([ep["reward"] for ep in episodes]))
        history.append(stats)
        if log:
            log(it, stats)
    return modules, history
