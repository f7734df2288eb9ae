"""A learned choice, per function, of which policy allocates it (policy `select`): RL4ReAl's
select_task lifted to the whole function. Single decisions already swing run cost both ways
(pre-assignment wins in some hot loops and loses in small functions that call), so the
selector looks at a few function-level features and hands the function to one of its
candidates: `parity` (stock greedy, untouched), `heuristic` or `advice`.

The model is linear: candidate k scores `W[k] . x(f)`, greedy scores 0, the highest wins. With no
weights, or all weights zero, every function goes to greedy and objects are byte-identical to
stock greedy's. Weights live in `select.json` in a model directory (`model-dir`; default: the
shipped model); `rl4real train-select` learns them from per-function run cost
(docs/training.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import spec
from ..models import store

FILE = "select.json"
CANDIDATES = ["parity", "heuristic", "advice"]  # parity first: the reference, scored 0
# Fixed transforms of the whole function (no normalisation over a corpus), the last is the bias.
FEATURES = ["log_nodes", "log_mean_degree", "global_share", "call_crossing_share",
            "log_max_loop_depth", "hint_share", "busy_candidate_share", "log_mean_use_freq",
            "unspillable_share", "log_instructions", "bias"]


def features(graph) -> np.ndarray:
    if not graph.num_nodes:
        return np.eye(len(FEATURES))[-1]  # the bias alone
    n, cand = graph.node, graph.cand
    crosses = np.bincount(cand.node, weights=cand.clobbered, minlength=graph.num_nodes) > 0
    return np.array([
        np.log1p(graph.num_nodes),
        np.log1p(2.0 * len(graph.edge) / graph.num_nodes),
        1.0 - n.local.astype(np.float64).mean(),
        crosses.mean(),
        np.log1p(float(n.loop_depth.max())),
        ((n.greedy_priority & spec.PRIORITY_HINT) > 0).mean(),
        (1 - cand.free.astype(np.float64)).mean() if len(cand) else 0.0,
        np.log1p(float(n.use_freq.astype(np.float64).mean())),
        n.unspillable.astype(np.float64).mean(),
        np.log1p(float(graph.use.pos.max())) if len(graph.use) else 0.0,
        1.0,
    ])


def choose(weights: np.ndarray, x: np.ndarray) -> int:
    """Index into CANDIDATES: the best-scoring candidate, greedy (0) on ties."""
    scores = np.concatenate([[0.0], weights @ x])
    return int(np.argmax(scores))


class SelectPolicy:
    def __init__(self, weights=None, config: dict | None = None):
        shape = (len(CANDIDATES) - 1, len(FEATURES))
        self.weights = np.zeros(shape) if weights is None else np.asarray(weights, np.float64)
        if self.weights.shape != shape:
            raise ValueError(f"select weights need shape {shape}: one row per candidate of "
                             f"{CANDIDATES[1:]}, one column per feature of {FEATURES}")
        self.config = dict(config or {})
        self._policies: dict[str, object] = {}

    @classmethod
    def load(cls, model_dir: str | Path | None, config: dict | None = None) -> "SelectPolicy":
        path = store.resolve(model_dir) / FILE
        try:
            w = json.loads(path.read_text())
        except FileNotFoundError:
            raise store.ModelError(f"no {FILE} in model directory {path.parent}") from None
        if w.get("features") != FEATURES or w.get("candidates") != CANDIDATES:
            raise store.ModelError(f"{path} was learned for candidates {w.get('candidates')} on "
                                   f"features {w.get('features')}; this package has {CANDIDATES} "
                                   f"on {FEATURES}")
        return cls(w["weights"], config)

    def save(self, model_dir: Path, **extra) -> None:
        model_dir.mkdir(parents=True, exist_ok=True)
        (model_dir / FILE).write_text(json.dumps(
            {"candidates": CANDIDATES, "features": FEATURES, "weights": self.weights.tolist(),
             **extra}, indent=1) + "\n")

    @classmethod
    def from_config(cls, config: dict) -> "SelectPolicy":
        return cls.load(spec.option(config, "model_dir") or None, config)

    def policy(self, name: str):
        if name not in self._policies:
            from . import load_policy
            self._policies[name] = load_policy(name, self.config)
        return self._policies[name]

    def allocate(self, session) -> None:
        name = CANDIDATES[choose(self.weights, features(session.graph))]
        if name != "parity":  # parity does nothing: greedy allocates the function untouched
            self.policy(name).allocate(session)
