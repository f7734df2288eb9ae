"""Per-function run cost from callgrind output: self costs, calls excluded, name compression,
the program's own objects only, recursion levels merged."""

import math
from pathlib import Path

from rl4real.runcost import correlation, function_costs

CALLGRIND = """\
version: 1
creator: callgrind-3.19.0
positions: line
events: Ir Dr Dw
summary: 1000 100 10

ob=(1) /prog
fl=(1) ???
fn=(1) main
0 10 1 1
cob=(1)
cfi=(1)
cfn=(2) hot
calls=3 0
0 600 60 6
+1 5
fn=(2)
0 600 60 6
ob=(2) /lib/libc.so
fl=(2) ???
fn=(3) memcpy
0 385 39 3
ob=(1)
fl=(1)
fn=(1)
0 5
"""


def test_self_costs_by_function_and_object(tmp_path):
    path = tmp_path / "callgrind.out"
    path.write_text(CALLGRIND)
    costs = function_costs(path)
    assert costs["main"] == {"Ir": 20, "Dr": 1, "Dw": 1}  # 10 + 5 + 5; the call's 600 is hot's
    assert costs["hot"]["Ir"] == 600 and costs["memcpy"]["Ir"] == 385
    assert sum(c["Ir"] for c in costs.values()) == 1005
    own = function_costs(path, objects=("/prog",))
    assert set(own) == {"main", "hot"}


def test_recursion_levels_are_one_function(tmp_path):
    """callgrind names a recursive function's deeper levels f'2, f'3: the same code, one cost."""
    path = tmp_path / "callgrind.out"
    path.write_text("events: Ir\nob=(1) /prog\nfn=(1) walk\n0 50\nfn=(2) walk'2\n0 30\n"
                    "fn=(3) walk'3\n0 20\nfn=(4) it's\n0 7\n")
    assert function_costs(path) == {"walk": {"Ir": 100}, "it's": {"Ir": 7}}


def test_correlation():
    assert correlation([1, 2, 3], [2, 4, 6]) == 1.0
    assert correlation([1, 2, 3], [3, 2, 1]) == -1.0
    assert math.isnan(correlation([1, 2], [1, 2])) and math.isnan(correlation([1, 1, 1], [1, 2, 3]))


def test_measure_without_valgrind_says_what_to_install(monkeypatch, tmp_path):
    import pytest

    from rl4real import runcost
    monkeypatch.setattr(runcost.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="run cost needs valgrind"):
        runcost.measure(object(), tmp_path / "exe", tmp_path)


def test_measure_takes_a_relative_executable_and_names_a_failing_workload(tmp_path, monkeypatch):
    """The workload runs in a scratch folder, so a relative path (`--out runs/X`) must still
    name the executable; a workload that fails is one error naming the program and its status."""
    import shutil
    import subprocess

    import pytest

    from rl4real import runcost
    from rl4real.corpus import Program
    if shutil.which("valgrind") is None:
        pytest.skip("valgrind not installed")
    exe = tmp_path / "bin" / "prog"
    exe.parent.mkdir()
    subprocess.run(["clang-22", "-x", "c", "-", "-o", str(exe)], check=True, text=True,
                   input='#include <stdio.h>\nint main(int c, char **v) { puts(v[1]); return c - 2; }\n')
    monkeypatch.chdir(tmp_path)
    ok = Program(name="echo", sources=[], run=["{exe}", "hello"])
    m = runcost.measure(ok, Path("bin/prog"), tmp_path)
    assert m["stdout"] == b"hello\n" and m["own"]["main"]["Ir"] > 0
    bad = Program(name="echo", sources=[], run=["{exe}", "a", "b"])
    with pytest.raises(RuntimeError, match=r"echo's workload exited 1 under callgrind"):
        runcost.measure(bad, Path("bin/prog"), tmp_path)
