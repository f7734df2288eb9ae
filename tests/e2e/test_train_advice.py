"""The `advice` policy and `rl4real train-advice` (learning it from run cost): zero weights are
exactly greedy, other weights move greedy's order and keep outputs correct, a missing or stale
weights file is refused with a message, and a one-iteration search (the CI smoke run of the
training that makes the weights) writes its model, metrics and state and resumes from them."""

import csv
import json
import subprocess
import sys

import numpy as np

from conftest import PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real.policies.advice import FEATURES, AdvicePolicy

SHA = PROGRAMS / "sha256.c"


def build(plugin, tmp_path, tag, **options):
    env = rl_env(policy="advice", report=tmp_path / f"{tag}.jsonl", **options)
    compile_c(SHA, tmp_path / f"{tag}.o", plugin=plugin, env=env, flags=["-c"])
    compile_c(SHA, tmp_path / tag, plugin=plugin, env=rl_env(policy="advice", **options))
    return (tmp_path / f"{tag}.o").read_bytes(), read_report(tmp_path / f"{tag}.jsonl")


def test_zero_weights_are_greedy_and_weights_move_it(plugin, tmp_path):
    compile_c(SHA, tmp_path / "stock.o", flags=["-c"])
    compile_c(SHA, tmp_path / "stock")
    AdvicePolicy().save(tmp_path / "w0")
    obj, report = build(plugin, tmp_path, "parity", model_dir=tmp_path / "w0")
    assert obj == (tmp_path / "stock.o").read_bytes()
    asked = [r for r in report if r["allocator"] == "rl4real"]
    assert asked and all(r["advised"] == r["nodes"] for r in asked)
    assert not any(r["priorities_changed"] or r["evictions_vetoed"] for r in report)
    k = len(FEATURES)
    w = np.zeros(2 * k + 1)
    w[FEATURES.index("loop_depth")] = 1.0          # ranges in loops earlier
    w[k + FEATURES.index("loop_depth")] = 1.0      # and not evicted when in a loop
    AdvicePolicy.from_vector(w).save(tmp_path / "w1")
    obj, report = build(plugin, tmp_path, "moved", model_dir=tmp_path / "w1")
    assert sum(r["priorities_changed"] for r in report) > 0
    assert run_program(tmp_path / "moved") == run_program(tmp_path / "stock")


def test_missing_or_stale_weights_are_refused(plugin, tmp_path):
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="advice", model_dir=tmp_path))
    assert "no advice.json in model directory" in r.stderr
    (tmp_path / "advice.json").write_text(json.dumps({"features": ["old"], "w_priority": [],
                                                      "w_evict": [], "b_evict": -1}))
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="advice", model_dir=tmp_path))
    assert "was learned on features ['old']" in r.stderr
    assert run_program(tmp_path / "x")


def test_train_advice_smoke_run_and_resume(tmp_path):
    cmd = [sys.executable, "-m", "rl4real", "train-advice", "--out", str(tmp_path / "run"),
           "--programs", "sort", "--directions", "1", "--iterations", "1"]
    subprocess.run(cmd, check=True, capture_output=True)
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    assert state["iteration"] == 1 and state["weights"] != AdvicePolicy().vector().tolist()
    rows = list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))
    assert len(rows) == 1 and 0.5 < float(rows[0]["trial_min"]) <= float(rows[0]["trial_max"]) < 2
    model = AdvicePolicy.load(tmp_path / "run" / "model")
    assert np.allclose(model.vector(), state["best"])
    subprocess.run(cmd[:-1] + ["2"], check=True, capture_output=True)  # resumed: one more
    assert json.loads((tmp_path / "run" / "state.json").read_text())["iteration"] == 2
    assert len(list(csv.DictReader(open(tmp_path / "run" / "metrics.csv")))) == 2
