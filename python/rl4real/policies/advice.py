"""Learned advice to greedy (policy `advice`): greedy allocates everything, in its own tiers
(stage, hint, globalness, class priority), and a linear model over a few node features moves
ranges inside their tier and protects some from eviction:

- a range that spans blocks gets queue size `size * exp(w_priority . x)`; local ranges keep
  greedy's linear order;
- a range is `not_evicted` when `w_evict . x + b_evict > 0`.

All weights zero with `b_evict` negative is exactly greedy (parity). The weights live in
`advice.json` in a model directory (`model-dir`; default: the shipped model); `rl4real
train-advice` learns them from run cost (docs/training.md)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import spec
from ..models import store
from ..session import EVICT

FILE = "advice.json"
# The inputs, each a fixed transform (no per-function normalisation: a range means the same
# whatever function it is in).
FEATURES = ["log_spill_weight", "loop_depth", "log_refs", "log_use_freq", "log_live_through",
            "log_degree", "has_hint", "log_density", "unspillable"]


def features(graph) -> np.ndarray:
    n = graph.node
    unspillable = n.unspillable.astype(np.float64)
    refs = n.num_uses.astype(np.float64) + n.num_defs
    return np.stack([
        np.log1p(np.where(unspillable > 0, 0.0, n.spill_weight.astype(np.float64))),
        n.loop_depth.astype(np.float64),
        np.log1p(refs),
        np.log1p(n.use_freq.astype(np.float64)),
        np.log1p(n.live_through.astype(np.float64)),
        np.log1p(graph.degree().astype(np.float64)),
        ((n.greedy_priority & spec.PRIORITY_HINT) > 0).astype(np.float64),
        np.log1p(refs / (1.0 + n.size.astype(np.float64) / 16.0)),
        unspillable,
    ], axis=1)


class AdvicePolicy:
    def __init__(self, w_priority=None, w_evict=None, b_evict: float = -1.0):
        k = len(FEATURES)
        self.w_priority = np.zeros(k) if w_priority is None else np.asarray(w_priority, np.float64)
        self.w_evict = np.zeros(k) if w_evict is None else np.asarray(w_evict, np.float64)
        self.b_evict = float(b_evict)
        if self.w_priority.shape != (k,) or self.w_evict.shape != (k,):
            raise ValueError(f"advice weights need {k} values each ({', '.join(FEATURES)})")

    @classmethod
    def load(cls, model_dir: str | Path | None) -> "AdvicePolicy":
        path = store.resolve(model_dir) / FILE
        try:
            w = json.loads(path.read_text())
        except FileNotFoundError:
            raise store.ModelError(f"no {FILE} in model directory {path.parent}") from None
        if w.get("features") != FEATURES:
            raise store.ModelError(f"{path} was learned on features {w.get('features')}, this "
                                   f"package has {FEATURES}")
        return cls(w["w_priority"], w["w_evict"], w["b_evict"])

    def save(self, model_dir: Path, **extra) -> None:
        model_dir.mkdir(parents=True, exist_ok=True)
        (model_dir / FILE).write_text(json.dumps(
            {"features": FEATURES, "w_priority": self.w_priority.tolist(),
             "w_evict": self.w_evict.tolist(), "b_evict": self.b_evict, **extra}, indent=1) + "\n")

    @classmethod
    def from_config(cls, config: dict) -> "AdvicePolicy":
        return cls.load(spec.option(config, "model_dir") or None)

    def vector(self) -> np.ndarray:
        return np.concatenate([self.w_priority, self.w_evict, [self.b_evict]])

    @classmethod
    def from_vector(cls, v) -> "AdvicePolicy":
        k = len(FEATURES)
        return cls(v[:k], v[k:2 * k], v[2 * k])

    def allocate(self, session) -> None:
        g = session.graph
        x = features(g)
        own = g.node.greedy_priority.astype(np.int64) & spec.PRIORITY_MAX
        scale = np.exp(np.clip(x @ self.w_priority, -20, 20))
        size = (own & spec.PRIORITY_SIZE).astype(np.float64) * scale
        moved = (own & ~spec.PRIORITY_SIZE) | np.clip(size, 0, spec.PRIORITY_SIZE).astype(np.int64)
        priority = np.where((own & spec.PRIORITY_GLOBAL) > 0, moved, own)
        evict = np.where(x @ self.w_evict + self.b_evict > 0, EVICT["not_evicted"], 0)
        session.advise(priority=priority, evict=evict.astype(np.uint8))
