"""Backends run the models by name on numpy inputs (in model_io.MODELS order) and return numpy outputs.
Both read the same model directory; both must pick the same actions (choose()).

`round()` evaluates what every round of the hierarchical policy needs (model_io.ROUND: the encoder,
then select_node and color_node on its embeddings) in one call: onnxruntime runs the round
models export wrote (models/fuse.py), torch the three modules."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..session import rounded
from . import model_io, store

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


def run_round(run, node_x, msg_src, msg_offsets, node_mask, cand_node, cand_x, color_mask,
              values: bool = True):
    """model_io.ROUND by three calls of `run(model, *inputs)`: returns (h, select_node's logits and
    value, color_node's logits and value); the values are None unless asked for."""
    h = run("encoder", node_x, msg_src, msg_offsets)[0]
    node_logits, node_value = run("select_node", h, node_x, node_mask)
    color_logits, color_value = run("color_node", h, cand_node, cand_x, color_mask)
    return (h, node_logits, node_value if values else None, color_logits,
            color_value if values else None)


def choose(logits: np.ndarray) -> int:
    """The action: argmax of the logits rounded to 1e-4 (so float noise between backends does not
    flip near-ties), lowest index among ties."""
    return int(np.argmax(rounded(logits)))


class TorchBackend:
    name = "torch"

    def __init__(self, model_dir: Path | None = None, modules: dict | None = None):
        from ..optional import require
        torch = require("torch", "the torch backend")

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

    def round(self, *inputs: np.ndarray, values: bool = True) -> tuple:
        return run_round(self.run, *inputs, values=values)


class _Lazy(dict):
    """A dict that makes a missing value with make(key) on first access."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = value = self.make(key)
        return value


class OrtBackend:
    name = "onnxruntime"

    def __init__(self, model_dir: Path):
        import onnxruntime as ort

        manifest = store.check_manifest(model_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        opts.log_severity_level = 3
        # Without the arena, tensors of a big function go back to malloc instead of growing a
        # pool to the next power of two: sqlite3's peak memory 413 -> 394 MiB, same results.
        opts.enable_cpu_mem_arena = False
        # Sessions are made when first used (inference uses only round_inference); a missing or
        # corrupt file is an error now, not at the first function that would need it.
        store.check_files(model_dir, manifest, list(model_io.ONNX_FILES.values())
                          + list(model_io.ROUND_FILES.values()))
        self.sessions = _Lazy(lambda name: self._session(ort, model_dir / model_io.ONNX_FILES[name], opts))
        self.round_sessions = _Lazy(
            lambda values: self._session(ort, model_dir / model_io.ROUND_FILES[values], opts))
        self.names = {name: [t.name for t in inputs] for name, (inputs, _) in model_io.MODELS.items()}
        self.round_inputs = model_io.round_inputs()
        self.round_outputs = {values: model_io.round_outputs(values) for values in model_io.ROUND_FILES}

    @staticmethod
    def _session(ort, path: Path, opts):
        try:
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as e:  # noqa: BLE001 - corrupt or missing file
            raise store.ModelError(f"cannot load {path}: {type(e).__name__}: {e}") from None

    def run(self, model: str, *inputs: np.ndarray) -> list[np.ndarray]:
        return self.sessions[model].run(None, dict(zip(self.names[model], inputs)))

    def round(self, *inputs: np.ndarray, values: bool = True) -> list:
        out = self.round_sessions[values].run(self.round_outputs[values],
                                        dict(zip(self.round_inputs, inputs)))
        return out if values else [out[0], out[1], None, out[2], None]

