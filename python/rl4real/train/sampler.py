"""The policy the plugin runs during rollouts (RL4REAL_POLICY=sample): the hierarchical policy
with sampled actions, appending each function's episode to the file of option trajectories.

Sampling is reproducible: each function's random stream comes from the seed option and the
function's name (not from the order functions are compiled in)."""

from __future__ import annotations


import numpy as np

from .. import spec
from ..policies import function_seed
from ..policies.hierarchical import HierarchicalPolicy
from . import trajectory


class SamplingPolicy:
    def __init__(self, backend="onnxruntime", model_dir: str | None = None, seed: int = 0,
                 out: str = ""):
        self.policy = HierarchicalPolicy(backend=backend, model_dir=model_dir)
        self.seed = seed
        self.out = out

    @classmethod
    def from_config(cls, config: dict) -> "SamplingPolicy":
        return cls(backend=spec.option(config, "backend"),
                   model_dir=spec.option(config, "model_dir") or None,
                   seed=spec.option(config, "seed"), out=spec.option(config, "trajectories"))

    def allocate(self, session) -> dict:
        self.policy.rng = np.random.default_rng(function_seed(self.seed, session.function))
        self.policy.recorder = recorder = trajectory.Recorder()
        self.policy.allocate(session)
        episode = recorder.episode(function=session.function, file=session.file)
        if self.out:
            trajectory.append(self.out, episode)
        return episode
