"""RL4ReAl's hierarchical policy: select_node -> select_task -> color_node | split_node, driving
the session with a backend (onnxruntime or torch) and the four models.

The encoder runs once per function (again only after an accepted split). select_node's logits
depend on the graph only, not on the decisions taken, so it is evaluated once and its masked
argmax is taken incrementally as nodes are visited: the same actions as calling it every step.
Any of the four models can be replaced by a callable with the same inputs and outputs
(`HierarchicalPolicy(overrides={"color_node": fn})`)."""

from __future__ import annotations

import numpy as np

from ..models import backends, io
from ..session import Refusal


class HierarchicalPolicy:
    def __init__(self, backend: str = "onnxruntime", model_dir: str | None = None,
                 overrides: dict | None = None, recorder=None):
        self.backend = backends.load(backend, model_dir)
        self.overrides = overrides or {}
        self.recorder = recorder  # training: called with (agent, inputs, logits, action)
        self.decisions = 0

    def run(self, model: str, *inputs):
        fn = self.overrides.get(model)
        return fn(*inputs) if fn else self.backend.run(model, *inputs)

    def _act(self, agent: str, *inputs) -> int:
        self.decisions += 1
        logits = self.run(agent, *inputs)[0]
        action = backends.choose(logits)
        if self.recorder:
            self.recorder(agent, inputs, logits, action)
        return action

    def _choose_colour(self, inputs, logits, start, stop, leave_row, free) -> int:
        """One colour decision from the batched color_node output: the node's candidate rows
        (masked as the model masks, io.MASKED where not free) and its leave row, then choose()."""
        self.decisions += 1
        sub = np.empty(stop - start + 1, dtype=np.float32)
        sub[:-1] = np.where(free, logits[start:stop], io.MASKED)
        sub[-1] = logits[leave_row]
        action = backends.choose(sub)
        if self.recorder:
            self.recorder("color_node", (inputs, start, stop, leave_row, free), sub, action)
        return action

    def allocate(self, session) -> None:
        self.decisions = 0
        try:
            self._allocate(session)
        finally:
            session.count_decisions(self.decisions)

    def _allocate(self, session) -> None:
        visited = np.zeros(session.graph.num_nodes, dtype=bool)
        while not visited.all():
            visited = self._round(session, visited)

    def _round(self, session, visited: np.ndarray) -> np.ndarray:
        """Visits the unvisited nodes in select_node's order; returns early (with the grown visited
        mask) after an accepted split, so the next round encodes the changed graph."""
        g = session.graph
        n = g.num_nodes
        node_x = io.node_features(g)
        cand_x = io.cand_features(g)
        h = self.run("encoder", node_x, io.edges(g))[0]
        cand_node = g.cand.node.astype(np.int64)
        n_cands = len(cand_node)
        color_inputs = (h, cand_node, cand_x, np.ones(n_cands + n, dtype=bool))
        color_logits = self.run("color_node", *color_inputs)[0]  # every colour decision reads it
        logits = self.run("select_node", h, node_x, ~visited)[0].astype(np.float64)
        order = np.lexsort((np.arange(n), -np.round(logits, 4)))  # masked argmax, step by step
        cand_off = g.cand_offsets.tolist()
        splitting = session.split_budget_left > 0
        for node in order[~visited[order]].tolist():
            self.decisions += 1  # a select_node step (its logits were evaluated once, above)
            if self.recorder:
                self.recorder("select_node", (h, node_x, ~visited), logits, node)
            visited[node] = True
            start, stop = cand_off[node], cand_off[node + 1]
            free = session.free_candidates(node)
            split_ok = g.use.split_ok[g.uses(node)].astype(bool) if splitting else None
            can_split = splitting and bool(split_ok.any())
            task = io.TASK_COLOR  # forced when no split is legal: no decision, no model call
            if can_split:
                task = self._act("select_task", h[node],
                                 io.task_features(node_x[node], int(free.sum()), can_split),
                                 np.array([True, can_split]))
            if task == io.TASK_SPLIT:
                use = self._act("split_node", h[node], io.use_features(g, node), split_ok)
                if session.split(node, use) == Refusal.ok:
                    grown = np.zeros(session.graph.num_nodes, dtype=bool)
                    grown[:n] = visited
                    grown[node] = False  # the part before the split point is a node again
                    return grown
            if not free.any():
                continue  # nothing legal: greedy allocates it
            choice = self._choose_colour(color_inputs, color_logits, start, stop, n_cands + node, free)
            if choice < len(free):
                session.assign(node, g.cand.reg[start + choice])
        return visited
