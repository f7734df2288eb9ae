"""Graphs dumped by rl4real.policies.dump, loaded back as session.Graph objects."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import spec
from .session import Graph


def load(path: str | Path) -> tuple[Graph, dict]:
    with np.load(path) as z:
        arrays = {f.key: z[f.key] for f in spec.FEATURES}
        function, file, target = (str(x) for x in z["meta"])
    return Graph(arrays), {"function": function, "file": file, "target": target}


def load_dir(directory: str | Path) -> list[tuple[Graph, dict]]:
    return [load(p) for p in sorted(Path(directory).glob("*.npz"))]
