"""Backends run the models by name on numpy inputs (in io.MODELS order) and return numpy outputs.
Both read the same model directory; both must pick the same actions (choose()).

`round()` evaluates what every round of the hierarchical policy needs (io.ROUND: the encoder,
then select_node and color_node on its embeddings) in one call; onnxruntime runs it as one
session built at load time from the three model files, which inside clang costs ~0.2 ms less
per function than three calls (each call's overhead is paid with cold caches there)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx

from ..session import rounded
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


def run_round(run, node_x, msg_src, msg_offsets, node_mask, cand_node, cand_x, colour_mask,
              values: bool = True):
    """io.ROUND by three calls of `run(model, *inputs)`: returns (h, select_node's logits and
    value, color_node's logits and value); the values are None unless asked for."""
    h = run("encoder", node_x, msg_src, msg_offsets)[0]
    node_logits, node_value = run("select_node", h, node_x, node_mask)
    colour_logits, colour_value = run("color_node", h, cand_node, cand_x, colour_mask)
    return (h, node_logits, node_value if values else None, colour_logits,
            colour_value if values else None)


def choose(logits: np.ndarray) -> int:
    """The action: argmax of the logits rounded to 1e-4 (so float noise between backends does not
    flip near-ties), lowest index among ties."""
    return int(np.argmax(rounded(logits)))


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

    def round(self, *inputs: np.ndarray, values: bool = True) -> tuple:
        return run_round(self.run, *inputs, values=values)


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
        protos = {}
        for name, (inputs, _) in io.MODELS.items():
            path = model_dir / f"{name}.onnx"
            try:
                protos[name] = onnx.load(str(path))
                self.sessions[name] = ort.InferenceSession(protos[name].SerializeToString(), opts,
                                                           providers=["CPUExecutionProvider"])
            except Exception as e:  # noqa: BLE001 - corrupt or missing file
                raise store.ModelError(f"cannot load {path}: {type(e).__name__}: {e}") from None
            self.names[name] = [t.name for t in inputs]
        fused, self.round_inputs = _fuse_round(protos)
        # onnxruntime runs every node whatever outputs are asked for: a second session without
        # the value heads serves inference, which does not read them
        self.round_sessions = {
            values: ort.InferenceSession(
                (fused if values else _without_values(fused)).SerializeToString(), opts,
                providers=["CPUExecutionProvider"])
            for values in (True, False)}

    def run(self, model: str, *inputs: np.ndarray) -> list[np.ndarray]:
        return self.sessions[model].run(None, dict(zip(self.names[model], inputs)))

    def round(self, *inputs: np.ndarray, values: bool = True) -> list:
        out = self.round_sessions[values].run(None, dict(zip(self.round_inputs, inputs)))
        return out if values else [out[0], out[1], None, out[2], None]


def _fuse_round(protos: dict) -> tuple:
    """One ONNX graph for io.ROUND: the encoder's values keep their names; the other models'
    values get the prefix "model/", except the inputs io.ROUND binds to encoder values. Returns
    the model and its input names in run_round's argument order."""
    graph = onnx.GraphProto(name="round")
    inputs = []
    for model, binds in io.ROUND.items():
        g = protos[model].graph

        def rename(v, prefix="" if model == "encoder" else f"{model}/", binds=binds):
            return binds[v] if v in binds else f"{prefix}{v}" if v else v

        for node in g.node:
            n = graph.node.add()
            n.CopyFrom(node)
            n.name = f"{model}/{node.name}"
            n.input[:] = [rename(v) for v in node.input]
            n.output[:] = [rename(v) for v in node.output]
        for init in g.initializer:
            t = graph.initializer.add()
            t.CopyFrom(init)
            t.name = rename(init.name)
        for vi in g.input:
            if vi.name not in binds:
                graph.input.add().CopyFrom(vi)
                graph.input[-1].name = rename(vi.name)
                inputs.append(graph.input[-1].name)
        for vi in g.output:
            graph.output.add().CopyFrom(vi)
            graph.output[-1].name = rename(vi.name)
    first = protos["encoder"]
    model = onnx.helper.make_model(graph, opset_imports=first.opset_import,
                                   ir_version=first.ir_version)
    return model, inputs


def _without_values(model):
    """The model without its "value" outputs and the nodes only they need."""
    g = model.graph
    keep = [o for o in g.output if not o.name.endswith("value")]
    needed = {o.name for o in keep}
    nodes = []
    for node in reversed(g.node):  # ONNX graphs are topologically sorted
        if needed.intersection(node.output):
            nodes.append(node)
            needed.update(node.input)
    graph = onnx.helper.make_graph(nodes[::-1], g.name, g.input, keep,
                                   [t for t in g.initializer if t.name in needed])
    return onnx.helper.make_model(graph, opset_imports=model.opset_import,
                                  ir_version=model.ir_version)
