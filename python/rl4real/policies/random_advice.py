"""Random advice to greedy, reproducible from a seed: each range's queue priority (its size
bits, 0-23) scaled by a log-normal factor, and some ranges marked `not_evicted`. Greedy keeps
its class, globalness, hint and stage bits and its own legality, so the code stays correct.
Exploration for learning from run cost, and the search of bench/advice_headroom.py."""

from __future__ import annotations

import numpy as np

from .. import spec
from ..session import EVICT
from . import function_seed


class RandomAdvicePolicy:
    def __init__(self, seed: int = 0, sigma: float = 0.7, not_evicted: float = 0.1):
        self.seed, self.sigma, self.not_evicted = seed, sigma, not_evicted

    @classmethod
    def from_config(cls, config: dict) -> "RandomAdvicePolicy":
        return cls(seed=spec.option(config, "seed"))

    def allocate(self, session) -> None:
        rng = np.random.default_rng(function_seed(self.seed, session.function))
        own = session.graph.node.greedy_priority.astype(np.int64) & spec.PRIORITY_MAX
        n = len(own)
        keep, size = own & ~spec.PRIORITY_SIZE, own & spec.PRIORITY_SIZE  # size: bits 0-23
        size = size * np.exp(rng.normal(0.0, self.sigma, n))
        priority = keep | np.clip(size.astype(np.int64), 0, spec.PRIORITY_SIZE)
        evict = np.where(rng.random(n) < self.not_evicted, EVICT["not_evicted"], 0)
        session.advise(priority=priority, evict=evict.astype(np.uint8))
