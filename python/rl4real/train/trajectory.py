"""Episodes: one per function, the decisions of the hierarchical policy in the order they were
taken, with what the learner needs to evaluate them again under new weights.

An episode is a dict of plain numpy data (pickled to files between processes):
  rounds   one entry per encoder run: the model inputs of that graph (node_x, messages, cand_node,
           cand_x), `mask` (nodes not yet visited) and `order` (select_node's sampled order);
  agent, round, node, action, logp, value   one row per decision (agent indexes model_io.AGENTS; a
           select_node action is the position in its round's order);
  payload  per decision: the masks and small inputs of that decision (select_node: None;
           select_task: (task_x, mask); color_node: (free,); split_node: (use_x, mask));
  reward   the function's reward, set once the compiler has scored the function.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np

from ..models import model_io

AGENT_ID = {name: i for i, name in enumerate(model_io.AGENTS)}


def log_softmax(logits: np.ndarray) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    m = x.max()
    return x - m - np.log(np.exp(x - m).sum())


class Recorder:
    """Receives the hierarchical policy's decisions (HierarchicalPolicy(recorder=...))."""

    def __init__(self):
        self.rounds: list[dict] = []
        self.rows: list[tuple] = []  # (agent, round, node, action, logp, value)
        self.payload: list = []

    def round(self, node_x, messages, cand_node, cand_x, mask, order, logits, value) -> None:
        seq = np.asarray(logits, dtype=np.float64)[order]
        # log-sum-exp over the nodes still left (the numpy twin of nets.remaining_logsumexp: no
        # torch inside the compiler)
        suffix = np.logaddexp.accumulate(seq[::-1])[::-1]
        self._node_logp = seq - suffix
        self._node_value = float(value)
        self.rounds.append({"node_x": node_x, "messages": messages, "cand_node": cand_node,
                            "cand_x": cand_x, "mask": np.asarray(mask, bool),
                            "order": np.asarray(order, np.int64), "steps": 0})

    def step(self, node: int) -> None:
        r = self.rounds[-1]
        t = r["steps"]
        r["steps"] += 1
        self._add("select_node", node, t, self._node_logp[t], self._node_value, None)

    def decision(self, agent, node, action, logits, value, inputs) -> None:
        payload = (inputs[0],) if agent == "color_node" else (inputs[1], inputs[2])
        self._add(agent, node, action, log_softmax(logits)[action], float(value), payload)

    def _add(self, agent, node, action, logp, value, payload) -> None:
        self.rows.append((AGENT_ID[agent], len(self.rounds) - 1, node, action, logp, value))
        self.payload.append(payload)

    def episode(self, **meta) -> dict:
        cols = list(zip(*self.rows)) if self.rows else [[]] * 6
        dtypes = (np.int8, np.int32, np.int32, np.int64, np.float32, np.float32)
        names = ("agent", "round", "node", "action", "logp", "value")
        ep = {name: np.asarray(c, dtype=d) for name, c, d in zip(names, cols, dtypes)}
        return {**ep, "rounds": self.rounds, "payload": self.payload, "reward": None, **meta}


def append(path: str | Path, episode: dict) -> None:
    """Appends one episode to a trajectory file (a sequence of pickles)."""
    with open(path, "ab") as f:
        pickle.dump(episode, f, protocol=pickle.HIGHEST_PROTOCOL)


def read(path: str | Path) -> list[dict]:
    """The episodes of a trajectory file; a truncated last record (a killed writer) is dropped."""
    out = []
    with open(path, "rb") as f:
        while True:
            try:
                out.append(pickle.load(f))
            except EOFError:
                return out
            except (pickle.UnpicklingError, ValueError, AttributeError):
                return out


def write(path: Path, episodes: list[dict]) -> None:
    """Writes a whole file atomically (rename), so a crash never leaves half a file."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        for ep in episodes:
            pickle.dump(ep, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
