"""Saves every graph it sees (RL4REAL_DUMP_DIR/<n>.npz with the feature arrays and the function's
names), then allocates like the heuristic: data for offline training.

    RL4REAL_POLICY=rl4real.policies.dump:policy RL4REAL_DUMP_DIR=graphs clang-22 ... """

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

from .heuristic import HeuristicPolicy


def save_graph(session, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.npz"
    np.savez_compressed(path, **session.graph.arrays,
                        meta=np.array([session.function, session.file, session.target]))
    return path


class DumpPolicy:
    def __init__(self):
        self.dir = Path(os.environ.get("RL4REAL_DUMP_DIR", "rl4real-graphs"))
        self.then = HeuristicPolicy()

    def allocate(self, session) -> None:
        save_graph(session, self.dir)
        self.then.allocate(session)


policy = DumpPolicy
