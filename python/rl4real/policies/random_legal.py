"""Random but legal decisions, reproducible from a seed: for differential testing and as a
baseline. Visits nodes in random order, leaves some to greedy, picks a random free candidate."""

from __future__ import annotations

import numpy as np

from . import function_seed


class RandomPolicy:
    def __init__(self, seed: int = 0, assign_probability: float = 0.8):
        self.seed = seed
        self.assign_probability = assign_probability

    def allocate(self, session) -> None:
        g = session.graph
        rng = np.random.default_rng(function_seed(self.seed, session.function))
        for node in rng.permutation(g.num_nodes).tolist():
            if rng.random() >= self.assign_probability:
                continue
            cands = g.cand.reg[g.candidates(node)]
            for reg in rng.permutation(cands).tolist():
                if session.is_free(node, reg):
                    session.assign(node, reg)
                    break
