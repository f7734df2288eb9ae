"""Saving models: torch weights, ONNX files with dynamic node/edge/candidate/use dimensions (one
per model, and the round models joined from three of them), and the manifest."""

from __future__ import annotations

from pathlib import Path

import torch

from . import fuse, model_io, nets, store

SAMPLE_SIZES = {"nodes": 5, "nodes_plus_one": 6, "messages": 8, "candidates": 3,
                "candidates_plus_nodes": 8, "uses": 3}


def _sample(t: model_io.Tensor) -> torch.Tensor:
    if t.name == "msg_offsets":  # must be valid offsets into the 8 sample messages
        return torch.tensor([0, 1, 3, 5, 6, 8])
    shape = [SAMPLE_SIZES[d] if isinstance(d, str) else d for d in t.shape]
    if t.dtype == "bool":
        return torch.ones(shape, dtype=torch.bool)
    if t.dtype == "int64":
        return torch.randint(0, SAMPLE_SIZES["nodes"], shape, dtype=torch.int64)
    return torch.randn(shape)


def save(modules: dict[str, torch.nn.Module], model_dir: Path, **manifest_extra) -> None:
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    torch.save({name: m.state_dict() for name, m in modules.items()}, model_dir / store.WEIGHTS)
    export_onnx(modules, model_dir)
    store.write_manifest(model_dir, **manifest_extra)


def export_onnx(modules: dict[str, torch.nn.Module], model_dir: Path) -> None:
    for name, (inputs, outputs) in model_io.MODELS.items():
        module = modules[name].eval()
        dynamic = {t.name: {i: d for i, d in enumerate(t.shape) if isinstance(d, str)}
                   for t in inputs + outputs}
        with torch.no_grad():
            torch.onnx.export(
                module, tuple(_sample(t) for t in inputs), str(model_dir / model_io.ONNX_FILES[name]),
                input_names=[t.name for t in inputs], output_names=[t.name for t in outputs],
                dynamic_axes={k: v for k, v in dynamic.items() if v}, opset_version=17,
                dynamo=False)
    fuse.write_round_models(model_dir)


def load_modules(model_dir: Path) -> dict[str, torch.nn.Module]:
    store.check_manifest(model_dir)
    try:
        state = torch.load(model_dir / store.WEIGHTS, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the same error to the user
        raise store.ModelError(f"cannot load {model_dir / store.WEIGHTS}: {type(e).__name__}: {e}") from None
    modules = nets.build()
    for name, m in modules.items():
        try:
            m.load_state_dict(state[name])
        except (KeyError, RuntimeError) as e:
            raise store.ModelError(f"{model_dir / store.WEIGHTS}: bad weights for {name}: {e}") from None
        m.eval()
    return modules
