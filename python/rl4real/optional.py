"""Optional dependencies: compiling needs only numpy and onnxruntime; training, export, plots,
the Gym API, Ray and the remote runners come with extras. A missing one is named with the extra that installs it."""

from __future__ import annotations

import importlib

EXTRAS = {"torch": "train", "onnx": "train", "matplotlib": "plots", "gymnasium": "gym", "ray": "ray",
          "grpc": "remote", "grpc_tools": "remote", "google": "remote"}


class MissingExtra(ImportError):
    pass


def require(module: str, purpose: str):
    """The imported module, or MissingExtra saying which extra to install for `purpose`."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        extra = EXTRAS[module.partition(".")[0]]
        raise MissingExtra(f"{purpose} needs {module.partition('.')[0]}, which is not installed "
                           f"({e}): pip install 'rl4real[{extra}]'") from None
