"""The policy the plugin runs during rollouts (RL4REAL_POLICY=sample): the hierarchical policy
with sampled actions, appending each function's episode to RL4REAL_TRAJECTORIES.

Sampling is reproducible: each function's random stream comes from the seed option and the
function's name (not from the order functions are compiled in)."""

from __future__ import annotations

import os

import numpy as np

from ..policies import function_seed
from ..policies.hierarchical import HierarchicalPolicy
from . import trajectory


class SamplingPolicy:
    def __init__(self, backend="onnxruntime", model_dir: str | None = None, seed: int = 0,
                 out: str | None = None):
        self.policy = HierarchicalPolicy(backend=backend, model_dir=model_dir)
        self.seed = seed
        self.out = out if out is not None else os.environ.get("RL4REAL_TRAJECTORIES", "")

    def allocate(self, session) -> dict:
        self.policy.rng = np.random.default_rng(function_seed(self.seed, session.function))
        self.policy.recorder = recorder = trajectory.Recorder()
        self.policy.allocate(session)
        episode = recorder.episode(function=session.function, file=session.file)
        if self.out:
            trajectory.append(self.out, episode)
        return episode
