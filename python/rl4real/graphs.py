"""Graphs dumped by rl4real.policies.dump, loaded back as session.Graph objects."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import spec
from .session import Graph


def load(path: str | Path) -> tuple[Graph, dict]:
    """The graph and its metadata: function, file, target and, when the dump has them, the
    target's register units (`reg_units`, for an exact offline host)."""
    with np.load(path) as z:
        arrays = {f.key: z[f.key] for f in spec.FEATURES}
        function, file, target = (str(x) for x in z["meta"])
        meta = {"function": function, "file": file, "target": target}
        if "reg_units" in z.files:
            ends = np.cumsum(z["reg_unit_counts"])
            meta["reg_units"] = tuple(tuple(u.tolist()) for u in np.split(z["reg_units"], ends[:-1]))
    return Graph(arrays), meta


def load_dir(directory: str | Path) -> list[tuple[Graph, dict]]:
    return [load(p) for p in sorted(Path(directory).glob("*.npz"))]
