"""Policies and how to load one by name: built-in names, `module:attr`, or `file.py[:attr]`."""

from __future__ import annotations

import importlib
import importlib.util
import zlib
from pathlib import Path

BUILTIN = ("heuristic", "random", "random-split", "hierarchical", "sample")


class PolicyLoadError(RuntimeError):
    pass


def function_seed(seed: int, function: str) -> int:
    """A per-function seed that does not depend on the order functions are compiled in."""
    # names are bytes from LLVM, undecodable ones arrive as surrogate escapes
    name = function.encode("utf-8", "surrogateescape")
    return (int(seed) * 1_000_003 + zlib.crc32(name)) & 0xFFFFFFFF


def load_policy(name: str, config: dict[str, str] | None = None):
    """Returns an object with `allocate(session)`."""
    config = config or {}
    if name == "heuristic":
        from .heuristic import HeuristicPolicy
        return HeuristicPolicy()
    if name in ("random", "random-split"):
        from .random_legal import RandomPolicy
        return RandomPolicy(seed=int(config.get("seed") or 0),
                            split_probability=0.5 if name == "random-split" else 0.0)
    if name == "hierarchical":
        from .hierarchical import HierarchicalPolicy
        return HierarchicalPolicy(backend=config.get("backend") or "onnxruntime",
                                  model_dir=config.get("model_dir") or None)
    if name == "sample":  # training rollouts: sampled actions, episodes to RL4REAL_TRAJECTORIES
        from ..train.sampler import SamplingPolicy
        return SamplingPolicy(backend=config.get("backend") or "onnxruntime",
                              model_dir=config.get("model_dir") or None,
                              seed=int(config.get("seed") or 0))
    obj = _load_object(name)
    if hasattr(obj, "allocate"):
        return obj() if isinstance(obj, type) else obj
    if callable(obj) and not isinstance(obj, type):
        return _FunctionPolicy(obj)
    raise PolicyLoadError(f"{name!r} is neither a policy (an object with allocate) nor a function")


def _load_object(name: str):
    path_part, _, attr = name.partition(":")
    if path_part.endswith(".py") or "/" in path_part:
        path = Path(path_part)
        if not path.is_file():
            raise PolicyLoadError(f"policy file {path} does not exist")
        spec = importlib.util.spec_from_file_location(f"rl4real_user_policy_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        attr = attr or "policy"
    else:
        if not attr:
            raise PolicyLoadError(
                f"unknown policy {name!r}: use one of {', '.join(BUILTIN)}, module:attr or file.py[:attr]")
        module = importlib.import_module(path_part)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise PolicyLoadError(f"{path_part} has no attribute {attr!r}") from None


class _FunctionPolicy:
    def __init__(self, fn):
        self.fn = fn

    def allocate(self, session):
        self.fn(session)
