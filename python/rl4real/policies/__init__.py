"""Policies and how to load one by name: built-in names, `module:attr`, or `file.py[:attr]`."""

from __future__ import annotations

import importlib
import importlib.util
import zlib
from pathlib import Path

from .. import spec

# Built-in names and where each lives; a policy class may build itself from the plugin's options
# with a classmethod from_config(config). Loaded by name, so that no package this one serves
# (train's sampler) is imported from here.
BUILTIN = {
    "heuristic": "rl4real.policies.heuristic:HeuristicPolicy",
    "parity": "rl4real.policies.parity:ParityPolicy",
    "random": "rl4real.policies.random_legal:RandomPolicy",
    "random-split": "rl4real.policies.random_legal:RandomPolicy",
    "random-advice": "rl4real.policies.random_advice:RandomAdvicePolicy",
    "hierarchical": "rl4real.policies.hierarchical:HierarchicalPolicy",
    "advice": "rl4real.policies.advice:AdvicePolicy",
    "select": "rl4real.policies.select:SelectPolicy",
    "tuned": "rl4real.policies.tuned:TunedPolicy",
    "sample": "rl4real.train.sampler:SamplingPolicy",  # training rollouts
    # RL4ReAl's remote runners: the decisions come from `rl4real serve`
    "pipe": "rl4real.runners.client:PipeRunner",
    "grpc": "rl4real.runners.client:GrpcRunner",
}


class PolicyLoadError(RuntimeError):
    pass


class PolicyOff(RuntimeError):
    """Raised by a policy that can help no later function (its model server is gone): one
    warning, and greedy allocates the rest of the process."""


def effective(config: dict) -> dict:
    """The configuration with RL4ReAl's flags said in rl4real's terms: the runner they select as
    `policy` (gRPC, else pipe, else in-process ONNX) and their config directory as `model_dir`."""
    c = dict(config)
    if spec.option(c, "mlra_server_address"):
        c["policy"] = "grpc"
    elif spec.option(c, "mlra_use_pipe"):
        c["policy"] = "pipe"
    elif spec.option(c, "rl_inference_engine"):
        c["policy"], c["backend"] = "hierarchical", "onnxruntime"
    if spec.option(c, "ml_config_path") and not spec.option(c, "model_dir"):
        c["model_dir"] = c["ml_config_path"]
    return c


def function_seed(seed: int, function: str) -> int:
    """A per-function seed that does not depend on the order functions are compiled in."""
    # names are bytes from LLVM, undecodable ones arrive as surrogate escapes
    name = function.encode("utf-8", "surrogateescape")
    return (int(seed) * 1_000_003 + zlib.crc32(name)) & 0xFFFFFFFF


def load_policy(name: str, config: dict[str, str] | None = None):
    """Returns an object with `allocate(session)`."""
    config = {**(config or {}), "policy": name}
    obj = _load_object(BUILTIN.get(name, name))
    if hasattr(obj, "from_config"):
        return obj.from_config(config)
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
