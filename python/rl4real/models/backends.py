"""Backends run the models by name on numpy inputs (in io.MODELS order) and return numpy outputs.
Both read the same model directory; both must pick the same actions (choose())."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import io, store

BACKENDS = ("onnxruntime", "torch")
_cache: dict[tuple[str, str], object] = {}  # one backend (one session per model) per process


def load(name: str, model_dir: str | Path | None = None):
    d = store.resolve(model_dir)
    key = (name, str(d.resolve()))
    if key not in _cache:
        if name == "onnxruntime":
            _cache[key] = OrtBackend(d)
        elif name == "torch":
            _cache[key] = TorchBackend(d)
        else:
            raise store.ModelError(f"unknown backend {name!r}: use {' or '.join(BACKENDS)}")
    return _cache[key]


def choose(logits: np.ndarray) -> int:
    """The action: argmax of the logits rounded to 1e-4 (so float noise between backends does not
    flip near-ties), lowest index among ties."""
    return int(np.argmax(np.round(np.asarray(logits, dtype=np.float64), 4)))


class TorchBackend:
    name = "torch"

    def __init__(self, model_dir: Path | None = None, modules: dict | None = None):
        import torch

        self.torch = torch
        if modules is None:  # in the compiler: one thread, weights from the model directory
            from .export import load_modules
            torch.set_num_threads(1)
            modules = load_modules(model_dir)
        self.modules = modules

    def run(self, model: str, *inputs: np.ndarray) -> list[np.ndarray]:
        with self.torch.no_grad():
            out = self.modules[model](*[self.torch.from_numpy(np.ascontiguousarray(x)) for x in inputs])
        out = out if isinstance(out, tuple) else (out,)
        return [o.numpy() for o in out]


class OrtBackend:
    name = "onnxruntime"

    def __init__(self, model_dir: Path):
        import onnxruntime as ort

        store.check_manifest(model_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self.sessions = {}
        self.names = {}
        for name, (inputs, _) in io.MODELS.items():
            path = model_dir / f"{name}.onnx"
            try:
                self.sessions[name] = ort.InferenceSession(str(path), opts,
                                                           providers=["CPUExecutionProvider"])
            except Exception as e:  # noqa: BLE001 - corrupt or missing file
                raise store.ModelError(f"cannot load {path}: {type(e).__name__}: {e}") from None
            self.names[name] = [t.name for t in inputs]

    def run(self, model: str, *inputs: np.ndarray) -> list[np.ndarray]:
        return self.sessions[model].run(None, dict(zip(self.names[model], inputs)))
