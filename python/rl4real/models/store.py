"""Model directories: weights.pt (torch), one .onnx file per model plus the round models
(model_io.ROUND_FILES), and manifest.json that says which feature spec and model inputs they were made
for. Loading checks the manifest against this package and refuses a mismatch with a message that
says what differs."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from .. import spec
from . import model_io

MANIFEST = "manifest.json"
WEIGHTS = "weights.pt"


class ModelError(RuntimeError):
    pass


CHECKPOINT = Path("regalloc", "onnx-checkpoint")  # a model directory inside RL4ReAl's config dir


def config_dir(name: str = "default") -> Path:
    """Config directories (RL4ReAl's -ml-config-path layout) shipped in the package: "default"
    (loaded when no model directory is given) and "cloned" (behaviour-cloned from the heuristic:
    where training starts)."""
    return Path(str(resources.files("rl4real").joinpath("models", name)))


def builtin_dir(name: str) -> Path:
    return config_dir(name) / CHECKPOINT


def default_dir() -> Path:
    return builtin_dir("default")


def resolve(model_dir: str | Path | None) -> Path:
    """A model directory, or a config directory holding one (regalloc/onnx-checkpoint)."""
    if not model_dir:
        return default_dir()
    d = Path(model_dir)
    return d / CHECKPOINT if not (d / MANIFEST).exists() and (d / CHECKPOINT).is_dir() else d


def expected_manifest() -> dict:
    return {
        "feature_spec_version": spec.VERSION,
        "model_version": model_io.MODEL_VERSION,
        "hidden": model_io.HIDDEN,
        "features": {"node": model_io.NODE_FEATURES, "cand": model_io.CAND_FEATURES, "task": model_io.TASK_FEATURES,
                     "use": model_io.USE_FEATURES},
        "models": {name: {"inputs": [[t.name, t.dtype, list(t.shape)] for t in ins],
                          "outputs": [[t.name, t.dtype, list(t.shape)] for t in outs]}
                   for name, (ins, outs) in model_io.MODELS.items()},
        "round": {"files": list(model_io.ROUND_FILES.values()), "inputs": model_io.round_inputs(),
                  "outputs": model_io.round_outputs()},
    }


def check_manifest(model_dir: Path) -> dict:
    path = model_dir / MANIFEST
    try:
        found = json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelError(f"no {MANIFEST} in model directory {model_dir}") from None
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(f"cannot read {path}: {e}") from None
    want = expected_manifest()
    diffs = [f"{key}: model has {found.get(key)!r}, this rl4real needs {value!r}"
             for key, value in want.items() if found.get(key) != value]
    if diffs:
        raise ModelError(f"model directory {model_dir} does not match this rl4real ("
                         + "; ".join(d[:300] for d in diffs) + "); re-export it with `rl4real export`")
    return found


def write_manifest(model_dir: Path, **extra) -> None:
    files = {f.name: file_digest(f) for f in sorted(model_dir.iterdir()) if f.suffix == ".onnx"}
    (model_dir / MANIFEST).write_text(json.dumps({**expected_manifest(), **extra, "files": files},
                                                 indent=1))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_files(model_dir: Path, manifest: dict, names: list[str]) -> None:
    """Every named file exists and, where the manifest records its digest, is that file: a
    corrupt or replaced model is refused when loaded, not when a file is first used."""
    for name in names:
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"cannot load {path}: no such file")
        want = manifest.get("files", {}).get(name)
        if want and file_digest(path) != want:
            raise ModelError(f"cannot load {path}: its contents differ from {MANIFEST} (corrupt "
                             "or replaced); re-export the model with `rl4real export`")
