"""Per-function run cost from callgrind output: self costs, calls excluded, name compression,
the program's own objects only."""

import math

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


def test_correlation():
    assert correlation([1, 2, 3], [2, 4, 6]) == 1.0
    assert correlation([1, 2, 3], [3, 2, 1]) == -1.0
    assert math.isnan(correlation([1, 2], [1, 2])) and math.isnan(correlation([1, 1, 1], [1, 2, 3]))
