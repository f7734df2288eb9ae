"""Compiling needs numpy and onnxruntime only; a command that needs an extra says which."""

import sys

import pytest

from rl4real import cli
from rl4real.optional import MissingExtra, require


@pytest.mark.parametrize("command", [["export", "--onnx", "x"], ["train", "--out", "x"],
                                     ["clone", "--graphs", "g", "--out", "x"]])
def test_missing_torch_names_the_extra(monkeypatch, capsys, command):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    assert cli.main(command) == 1
    assert "pip install 'rl4real[train]'" in capsys.readouterr().err


def test_require_names_each_extra(monkeypatch):
    for module, extra in [("matplotlib", "plots"), ("gymnasium", "gym"), ("ray", "ray")]:
        monkeypatch.setitem(sys.modules, module, None)
        with pytest.raises(MissingExtra, match=rf"rl4real\[{extra}\]"):
            require(module, "this")


def test_the_policy_loop_imports_no_extra():
    """What the plugin's interpreter loads for the shipped models: no torch, onnx, matplotlib."""
    import subprocess
    # fd 1 directly: importing rl4real._embed points sys.stdout at stderr, as in the compiler
    code = ("import os, sys; import rl4real._embed, rl4real.policies.hierarchical, "
            "rl4real.models.backends as b; b.load('onnxruntime'); os.write(1, repr(sorted("
            "m for m in ('torch', 'onnx', 'matplotlib', 'gymnasium') if m in sys.modules)).encode())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", (out.returncode, out.stderr[-2000:])


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("rl4real ")
