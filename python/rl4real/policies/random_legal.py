"""Random but legal decisions, reproducible from a seed: for differential testing and as a
baseline. With split_probability > 0 (policy `random-split`) it first splits random ranges at
random legal use points (within the split budget); then it visits nodes in random order, leaves
some to greedy, and gives the others a random free candidate."""

from __future__ import annotations

import numpy as np

from .. import spec
from . import function_seed


class RandomPolicy:
    def __init__(self, seed: int = 0, assign_probability: float = 0.8, split_probability: float = 0.0):
        self.seed = seed
        self.assign_probability = assign_probability
        self.split_probability = split_probability

    @classmethod
    def from_config(cls, config: dict) -> "RandomPolicy":
        return cls(seed=spec.option(config, "seed"),
                   split_probability=0.5 if config.get("policy") == "random-split" else 0.0)

    def allocate(self, session) -> None:
        rng = np.random.default_rng(function_seed(self.seed, session.function))
        if self.split_probability > 0:
            for node in rng.permutation(session.graph.num_nodes).tolist():
                if not session.split_budget_left:
                    break
                g = session.graph
                legal = np.flatnonzero(g.use.split_ok[g.uses(node)])
                if len(legal) and rng.random() < self.split_probability:
                    session.split(node, int(rng.choice(legal)))
        g = session.graph
        for node in rng.permutation(g.num_nodes).tolist():
            if rng.random() >= self.assign_probability:
                continue
            free = session.free_candidates(node)
            if free.any():
                choice = int(rng.choice(np.flatnonzero(free)))
                session.assign(node, g.cand.reg[g.candidates(node).start + choice])
