"""The offline allocation problem (rl4real.train.offline: exact colouring, approximate split and
cost) as a Gymnasium environment, for agents written outside rl4real."""

from __future__ import annotations

import numpy as np

from ..models import model_io
from ..optional import require
from ..session import Graph, Refusal

gymnasium = require("gymnasium", "rl4real.train.gym_env")
from .offline import cost, session


class RegAllocEnv(gymnasium.Env):
    """The offline problem as a Gymnasium environment, one decision per step.

    Observation: {"agent": one of model_io.AGENTS, "node": the node being decided, "inputs": numpy
    arrays: node_x and edges of the graph, plus task_x, cand_x (the node's rows) or use_x}; the legal actions
    are `info["action_mask"]`. select_node's action is a node; select_task's 0 = colour, 1 = split;
    color_node's is a candidate row of the node, or len(candidates) to leave it uncoloured;
    split_node's is a use point. Reward: -cost when the episode ends (0 before)."""

    metadata = {"render_modes": []}

    def __init__(self, graphs: list[Graph], split_budget: int = 0):
        self.graphs, self.split_budget = graphs, split_budget
        self.observation_space = gymnasium.spaces.Dict({})  # variable-sized: see the docstring
        self.action_space = gymnasium.spaces.Discrete(1)

    def reset(self, *, seed: int | None = None, options=None):
        super().reset(seed=seed)
        g = self.graphs[int(self.np_random.integers(len(self.graphs)))]
        self.session, self.host = session(g, self.split_budget)
        self.visited = np.zeros(g.num_nodes, bool)
        self.node = None
        self.phase = "select_node"
        return self._observe()

    def step(self, action: int):
        action = int(action)
        mask = self._mask()
        if not (0 <= action < len(mask)) or not mask[action]:
            raise ValueError(f"illegal action {action} for {self.phase}")
        g, s = self.session.graph, self.session
        if self.phase == "select_node":
            self.node = action
            self.visited[action] = True
            can_split = s.split_budget_left > 0 and g.use.split_ok[g.uses(action)].any()
            self.phase = "select_task" if can_split else "color_node"
        elif self.phase == "select_task":
            self.phase = "split_node" if action == model_io.TASK_SPLIT else "color_node"
        elif self.phase == "split_node":
            if s.split(self.node, action) == Refusal.ok:
                self.visited = np.append(self.visited, False)
                self.visited[self.node] = False
                self.phase = "select_node"
            else:
                self.phase = "color_node"
        else:
            free = s.free_candidates(self.node)
            if action < len(free):
                s.assign(self.node, g.cand.reg[g.candidates(self.node).start + action])
            self.phase = "select_node"
        if self.phase == "color_node" and not s.free_candidates(self.node).any():
            self.phase = "select_node"  # nothing free: no decision (as in the hierarchical loop)
        done = self.phase == "select_node" and self.visited.all()
        obs, info = self._observe()
        self.action_space = gymnasium.spaces.Discrete(max(len(info["action_mask"]), 1))
        return obs, (-cost(self.host) if done else 0.0), done, False, info

    def _mask(self) -> np.ndarray:
        g, s = self.session.graph, self.session
        if self.phase == "select_node":
            return ~self.visited
        if self.phase == "select_task":
            return np.array([True, True])
        if self.phase == "split_node":
            return g.use.split_ok[g.uses(self.node)].astype(bool)
        return np.append(s.free_candidates(self.node), True)

    def _observe(self):
        g = self.session.graph
        node_x = model_io.node_features(g)
        inputs = {"node_x": node_x, "edges": g.edge.nodes.reshape(-1, 2)}
        if self.phase == "select_task":
            free = int(self.session.free_candidates(self.node).sum())
            inputs["task_x"] = model_io.task_features(node_x[self.node], free, True)
        elif self.phase == "color_node":
            inputs["cand_x"] = model_io.cand_features(g)[g.candidates(self.node)]
        elif self.phase == "split_node":
            inputs["use_x"] = model_io.use_features(g, self.node)
        obs = {"agent": self.phase, "node": self.node, "inputs": inputs}
        return obs, {"action_mask": self._mask()}
