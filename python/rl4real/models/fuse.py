"""The round models (model_io.ROUND_FILES): the encoder, select_node and color_node joined into one ONNX
graph at export time, so that onnxruntime evaluates a round of the hierarchical policy in one
call (inside clang each call's overhead is paid with cold caches), and a copy without the value
heads for inference (onnxruntime runs every node whatever outputs are asked for)."""

from __future__ import annotations

from pathlib import Path

import onnx

from . import model_io


def write_round_models(model_dir: Path) -> None:
    protos = {name: onnx.load(str(model_dir / model_io.ONNX_FILES[name])) for name in model_io.ROUND}
    fused = fuse_round(protos)
    for values, file in model_io.ROUND_FILES.items():
        onnx.save(fused if values else without_values(fused), str(model_dir / file))


def fuse_round(protos: dict) -> onnx.ModelProto:
    """The encoder's values keep their names; the other models' values get the prefix "model/",
    except the inputs model_io.ROUND binds to encoder values. Inputs and outputs are named as
    model_io.round_inputs() and model_io.round_outputs() say."""
    graph = onnx.GraphProto(name="round")
    for model, binds in model_io.ROUND.items():
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
            graph.initializer.add().CopyFrom(init)
            graph.initializer[-1].name = rename(init.name)
        for part, values in ((graph.input, [vi for vi in g.input if vi.name not in binds]),
                             (graph.output, g.output)):
            for vi in values:
                part.add().CopyFrom(vi)
                part[-1].name = rename(vi.name)
    first = protos["encoder"]
    return onnx.helper.make_model(graph, opset_imports=first.opset_import,
                                  ir_version=first.ir_version)


def without_values(model: onnx.ModelProto) -> onnx.ModelProto:
    """The model without its "value" outputs and the nodes only they need."""
    g = model.graph
    wanted = model_io.round_outputs(values=False)
    keep = [o for o in g.output if o.name in wanted]
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
