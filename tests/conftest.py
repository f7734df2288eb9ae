"""Shared fixtures: the built plugin, compiler commands, a clean RL4REAL_* environment."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest

from rl4real import spec
from rl4real.paths import plugin_path

CLANG = "clang-22"
PROGRAMS = Path(__file__).parents[1] / "bench" / "programs"
POLICIES = Path(__file__).parent / "policies"


@pytest.fixture(scope="session")
def plugin() -> str:
    return str(plugin_path())


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """Tests start with no RL4REAL_* variables from the caller's environment."""
    for key in list(os.environ):
        if key.startswith("RL4REAL_") and key != "RL4REAL_CACHE":
            monkeypatch.delenv(key)


def rl_env(**options) -> dict[str, str]:
    """os.environ plus RL4REAL_<NAME>=value for each option."""
    env = dict(os.environ)
    env.update({f"RL4REAL_{k.upper()}": str(v) for k, v in options.items()})
    return env


def compile_c(src, out, *, plugin=None, flags=(), env=None, opt="-O2", check=True):
    cmd = [CLANG, opt, *flags, str(src), "-o", str(out)]
    if "-c" not in flags:
        cmd.append("-lm")
    if plugin:
        cmd.insert(1, f"-fpass-plugin={plugin}")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise AssertionError(f"compile failed: {' '.join(cmd)}\n{r.stderr}")
    return r


def run_program(exe, *args, timeout=60, cwd=None) -> str:
    r = subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)
    assert r.returncode == 0, f"{exe} exited {r.returncode}: {r.stderr[-2000:]}"
    return r.stdout


_REPORT_LINE = jsonschema.Draft202012Validator(spec.report_schema())


def read_report(path) -> list[dict]:
    """The records of a report file, each checked against the schema derived from spec.REPORT
    (every key, in the declared order, of the declared type)."""
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    for r in records:
        _REPORT_LINE.validate(r)
        assert list(r) == [field.name for field in spec.REPORT], list(r)
    return records
