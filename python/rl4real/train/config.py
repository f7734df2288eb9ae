"""Every hyper-parameter of a training run, typed, in one place. A run directory keeps its
config.json; `rl4real train --set NAME=VALUE` overrides a field."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class TrainConfig:
    # corpus and rollouts
    corpus: str = ""  # programs with split = "train" are trained on ("": corpus.default_corpus())
    iterations: int = 30
    files_per_iteration: int = 8         # source files compiled per iteration (sampled, seeded)
    samples_per_file: int = 1            # rollouts of each of those files, with different seeds
    workers: int = os.cpu_count() or 1   # local rollout processes
    rollout_timeout_s: float = 600.0     # a compile + link + check past this is skipped
    policy_timeout_s: float = 120.0      # per function, inside the plugin (-rl4real-timeout)
    targets: str = ""                    # comma-separated (rl4real.targets; "": this
                                         # machine's): each file's rollout is built for one of
                                         # them, in turn; others run under qemu-user
    split_budget: int = 2                # splits per function allowed while sampling
    backend: str = "onnxruntime"         # inference backend inside clang while sampling
    init: str = "cloned"                 # starting weights: cloned | default | random | a model dir
    init_temperature: float = 1.0        # >1 softens select_task's and color_node's initial logits
    seed: int = 0
    # PPO
    learning_rate: float = 3e-4
    epochs: int = 4                      # passes over each iteration's episodes
    minibatch_episodes: int = 16
    clip: float = 0.2
    baseline: str = "value"              # "value": GAE on the value heads; "loo": leave-one-out
                                         # mean reward of the same function's other samples
    gamma: float = 1.0                   # the reward comes once, when the function is scored
    gae_lambda: float = 0.95
    entropy_coef: float = 0.003
    value_coef: float = 0.5
    max_grad_norm: float = 0.5

    def set(self, assignment: str) -> None:
        """Applies NAME=VALUE, converting VALUE to the field's type."""
        name, eq, value = assignment.partition("=")
        fields = {f.name: f for f in dataclasses.fields(self)}
        if not eq or name not in fields:
            raise ValueError(f"bad setting {assignment!r}: use NAME=VALUE with NAME one of "
                             + ", ".join(fields))
        kind = type(getattr(self, name))
        setattr(self, name, kind(value))

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1)

    @classmethod
    def load(cls, path: Path) -> "TrainConfig":
        return cls(**json.loads(Path(path).read_text()))
