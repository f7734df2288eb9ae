"""Saves every graph it sees (<dump-dir>/<n>.npz with the feature arrays and the function's
names; option dump-dir), then allocates like the heuristic: data for offline training.

    RL4REAL_POLICY=rl4real.policies.dump:policy RL4REAL_DUMP_DIR=graphs clang-22 ... """

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from .. import spec
from .heuristic import HeuristicPolicy


def save_graph(session, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.npz"
    units = [np.asarray(u, np.int32) for u in session.reg_units]
    np.savez_compressed(path, **session.graph.arrays,
                        meta=np.array([session.function, session.file, session.target]),
                        reg_units=np.concatenate(units) if units else np.zeros(0, np.int32),
                        reg_unit_counts=np.array([len(u) for u in units], np.int32))
    return path


class DumpPolicy:
    def __init__(self):
        self.then = HeuristicPolicy()

    def allocate(self, session) -> None:
        save_graph(session, Path(spec.option(session.config, "dump_dir")))
        self.then.allocate(session)


policy = DumpPolicy
