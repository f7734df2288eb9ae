"""Where the installed package keeps its built plugin."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PLUGIN_NAME = "librl4real.so"


class PluginNotFound(RuntimeError):
    pass


def plugin_path() -> Path:
    """Absolute path of the plugin built by `pip install .`."""
    path = Path(str(resources.files("rl4real").joinpath("lib", PLUGIN_NAME))).resolve()
    if not path.is_file():
        raise PluginNotFound(
            f"{path} does not exist: the plugin is built by `pip install .` from the repository "
            "(it needs clang-22 and llvm-22-dev; see README.md)")
    return path
