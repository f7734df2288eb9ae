"""Per-function choices found for one program on its own workload (policy `tuned`): like
profile-guided optimisation, `rl4real tune` builds the program with each candidate policy, runs
its workload under callgrind and keeps, per function, the candidate that ran the fewest
instructions in that function (train/tune.py). Functions not in the file, and every function of
an empty file, are greedy's, untouched.

`tuned.json` in the model directory (`model-dir`, required: the shipped model has none) maps a
function name to a candidate: a policy name, or `name@seed` for a seeded one (`random-advice@3`).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import spec
from ..models import store

FILE = "tuned.json"


class TunedPolicy:
    def __init__(self, choices: dict[str, str] | None = None, config: dict | None = None):
        self.choices = dict(choices or {})
        self.config = dict(config or {})
        self._policies: dict[str, object] = {}

    @classmethod
    def load(cls, model_dir: str | Path | None, config: dict | None = None) -> "TunedPolicy":
        if not model_dir:
            raise store.ModelError(f"policy tuned needs model-dir: the model directory `rl4real "
                                   f"tune` wrote ({FILE})")
        path = store.resolve(model_dir) / FILE
        try:
            saved = json.loads(path.read_text())
        except FileNotFoundError:
            raise store.ModelError(f"no {FILE} in model directory {path.parent}") from None
        return cls(saved["choices"], config)

    def save(self, model_dir: Path, **extra) -> None:
        model_dir.mkdir(parents=True, exist_ok=True)
        (model_dir / FILE).write_text(json.dumps({"choices": self.choices, **extra}, indent=1) + "\n")

    @classmethod
    def from_config(cls, config: dict) -> "TunedPolicy":
        return cls.load(spec.option(config, "model_dir") or None, config)

    def policy(self, candidate: str):
        if candidate not in self._policies:
            from . import load_policy
            name, _, seed = candidate.partition("@")
            self._policies[candidate] = load_policy(name, {**self.config, **({"seed": seed} if seed else {})})
        return self._policies[candidate]

    def allocate(self, session) -> None:
        candidate = self.choices.get(session.function)
        if candidate is not None and candidate != "parity":
            self.policy(candidate).allocate(session)
