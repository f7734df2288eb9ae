"""The hierarchical policy inside clang-22: both backends give byte-identical assembly (which
differs from stock greedy, so the test cannot pass vacuously), the native colour loop decides as
its Python fallback does, an exported model directory gives
the same decisions, and a broken model directory falls back to greedy (or fails in strict mode)."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import CLANG, POLICIES, PROGRAMS, read_report, rl_env, run_program
from rl4real import corpus
from rl4real.models import store


def assemble(plugin, src, out, env, flags=()):
    r = subprocess.run([CLANG, "-O2", "-S", "-w", f"-fpass-plugin={plugin}", *flags, str(src), "-o", str(out)],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return r


@pytest.mark.slow
def test_backends_give_identical_assembly_on_lua(plugin, tmp_path):
    src = corpus.lua_dir() / "onelua.c"
    flags = ["-DLUA_USE_LINUX"]
    asm = {}
    for backend in ("onnxruntime", "torch"):
        report = tmp_path / f"{backend}.jsonl"
        r = assemble(plugin, src, tmp_path / f"{backend}.s",
                     rl_env(policy="hierarchical", backend=backend, report=report), flags)
        assert "rl4real" not in r.stderr, r.stderr
        recs = [x for x in read_report(report) if x["fallback"] != "below_min_size"]
        assert recs and not any(x["fallback"] for x in recs)
        assert sum(x["assigned"] for x in recs) / sum(x["nodes"] for x in recs) > 0.3
        asm[backend] = (tmp_path / f"{backend}.s").read_bytes()
    assert asm["onnxruntime"] == asm["torch"]
    subprocess.run([CLANG, "-O2", "-S", "-w", *flags, str(src), "-o", str(tmp_path / "stock.s")], check=True)
    assert (tmp_path / "stock.s").read_bytes() != asm["torch"]


@pytest.mark.slow
def test_native_colour_loop_matches_the_python_loop(plugin, tmp_path):
    """session.colour_in_order runs natively in clang; its Python fallback must decide the same."""
    srcs = [PROGRAMS / "interp.c", PROGRAMS / "sha256.c", corpus.lua_dir() / "lvm.c",
            corpus.lua_dir() / "lparser.c"]
    for src in srcs:
        native, python, stock = (tmp_path / f"{src.stem}.{k}.s" for k in ("native", "python", "stock"))
        report = tmp_path / f"{src.stem}.jsonl"
        assemble(plugin, src, native, rl_env(policy="hierarchical", report=report))
        r = assemble(plugin, src, python, rl_env(policy=POLICIES / "python_colour.py"))
        assert "rl4real" not in r.stderr, r.stderr
        assert native.read_bytes() == python.read_bytes(), src.name
        subprocess.run([CLANG, "-O2", "-S", "-w", str(src), "-o", str(stock)], check=True)
        assert native.read_bytes() != stock.read_bytes(), src.name
        assert sum(x["assigned_by_policy"] for x in read_report(report)) > 0


@pytest.mark.slow  # fetches Lua
def test_native_colour_loop_orders_nan_and_ties_like_numpy(plugin, tmp_path):
    """select_node logits with NaN and ties: the native loop's order is numpy's (NaN last)."""
    src = corpus.lua_dir() / "lparser.c"
    out = {}
    for name in ("odd_native", "odd_python"):
        out[name] = tmp_path / f"{name}.s"
        r = assemble(plugin, src, out[name], rl_env(policy=f"{POLICIES / 'python_colour.py'}:{name}"))
        assert "rl4real" not in r.stderr, r.stderr
    assert out["odd_native"].read_bytes() == out["odd_python"].read_bytes()


def test_exported_model_gives_the_same_code(plugin, tmp_path):
    exported = tmp_path / "model"
    subprocess.run([sys.executable, "-m", "rl4real", "export", "--onnx", str(exported)], check=True,
                   capture_output=True)
    src = PROGRAMS / "sha256.c"
    assemble(plugin, src, tmp_path / "shipped.s", rl_env(policy="hierarchical", backend="torch"))
    assemble(plugin, src, tmp_path / "exported.s",
             rl_env(policy="hierarchical", backend="onnxruntime", model_dir=exported))
    assert (tmp_path / "shipped.s").read_bytes() == (tmp_path / "exported.s").read_bytes()


@pytest.mark.parametrize("damage", ["corrupt_onnx", "mismatched_manifest", "missing_dir"])
def test_broken_model_falls_back_or_fails_in_strict_mode(plugin, tmp_path, damage):
    d = tmp_path / "model"
    shutil.copytree(store.default_dir(), d)
    if damage == "corrupt_onnx":
        (d / "ENCODER_MODEL_PATH.onnx").write_bytes(b"\x00garbage")
        expected = "cannot load"
    elif damage == "mismatched_manifest":
        manifest = json.loads((d / "manifest.json").read_text())
        manifest["model_version"] = 999
        (d / "manifest.json").write_text(json.dumps(manifest))
        expected = "model_version: model has 999"
    else:
        shutil.rmtree(d)
        expected = "no manifest.json"
    src = PROGRAMS / "pressure.c"
    env = rl_env(policy="hierarchical", model_dir=d)
    r = subprocess.run([CLANG, "-O2", f"-fpass-plugin={plugin}", str(src), "-o", str(tmp_path / "p")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and expected in r.stderr and "greedy allocates this and every later function" in r.stderr
    subprocess.run([CLANG, "-O2", str(src), "-o", str(tmp_path / "ref")], check=True)
    assert run_program(tmp_path / "p") == run_program(tmp_path / "ref")
    r = subprocess.run([CLANG, "-O2", f"-fpass-plugin={plugin}", "-c", str(src), "-o", str(tmp_path / "q.o")],
                       capture_output=True, text=True, env={**env, "RL4REAL_STRICT": "1"})
    assert r.returncode != 0 and expected in r.stderr
