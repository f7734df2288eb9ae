"""The `select` policy (a learned choice of policy per function) and `rl4real train-select`: no
weights is exactly greedy, a selector that routes every function to the heuristic gives the
heuristic's objects, the shipped selector loads and compiles correct code, a missing or stale
model is refused with a message, and a smoke run of the training (the CI-sized version of the
command that made the shipped selector) writes its per-function costs and scores, report and a
model the policy loads."""

import importlib.util
import json
import subprocess
import sys

import numpy as np

from conftest import PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real.policies import select

SHA = PROGRAMS / "sha256.c"


def obj(plugin, tmp_path, tag, **options):
    env = rl_env(report=tmp_path / f"{tag}.jsonl", **options)
    compile_c(SHA, tmp_path / f"{tag}.o", plugin=plugin, env=env, flags=["-c"])
    return (tmp_path / f"{tag}.o").read_bytes(), read_report(tmp_path / f"{tag}.jsonl")


def weights(candidate: str) -> np.ndarray:
    """Every function to `candidate`: its row's bias is 1, every other score is 0."""
    w = np.zeros((len(select.CANDIDATES) - 1, len(select.FEATURES)))
    w[select.CANDIDATES.index(candidate) - 1, select.FEATURES.index("bias")] = 1.0
    return w


def test_no_weights_is_greedy_and_routing_gives_the_candidates_code(plugin, tmp_path):
    compile_c(SHA, tmp_path / "stock.o", flags=["-c"])
    select.SelectPolicy().save(tmp_path / "none")
    got, report = obj(plugin, tmp_path, "none", policy="select", model_dir=tmp_path / "none")
    assert got == (tmp_path / "stock.o").read_bytes()
    asked = [r for r in report if r["allocator"] == "rl4real"]
    assert asked and not any(r["assigned"] or r["advised"] for r in asked)
    heuristic, _ = obj(plugin, tmp_path, "heuristic", policy="heuristic")
    select.SelectPolicy(weights("heuristic")).save(tmp_path / "all")
    got, report = obj(plugin, tmp_path, "all", policy="select", model_dir=tmp_path / "all")
    assert got == heuristic != (tmp_path / "stock.o").read_bytes()
    assert sum(r["assigned"] for r in report) > 0
    compile_c(SHA, tmp_path / "all-exe", plugin=plugin, env=rl_env(policy="select", model_dir=tmp_path / "all"))
    compile_c(SHA, tmp_path / "stock")
    assert run_program(tmp_path / "all-exe") == run_program(tmp_path / "stock")


def test_shipped_selector_compiles_correct_code(plugin, tmp_path):
    shipped = select.SelectPolicy.load(None)
    assert shipped.weights.any()  # learned, not the all-greedy placeholder
    compile_c(SHA, tmp_path / "sel", plugin=plugin, env=rl_env(policy="select"))
    compile_c(SHA, tmp_path / "stock")
    assert run_program(tmp_path / "sel") == run_program(tmp_path / "stock")


def test_missing_or_stale_selector_is_refused(plugin, tmp_path):
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="select", model_dir=tmp_path))
    assert "no select.json in model directory" in r.stderr
    (tmp_path / "select.json").write_text(json.dumps({"candidates": ["parity"], "features": ["old"],
                                                      "weights": []}))
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="select", model_dir=tmp_path))
    assert "was learned for candidates ['parity'] on features ['old']" in r.stderr
    assert run_program(tmp_path / "x")


def test_train_select_smoke_run(tmp_path):
    cmd = [sys.executable, "-m", "rl4real", "train-select", "--out", str(tmp_path / "run"),
           "--programs", "sort,pressure"]
    subprocess.run(cmd, check=True, capture_output=True)
    run = tmp_path / "run"
    report = json.loads((run / "report.json").read_text())
    assert sorted(report["programs"]) == ["pressure", "sort"]
    rows = report["per_program"]
    for p in ("sort", "pressure"):
        costs = {c: json.loads((run / "costs" / p / f"{c}.json").read_text()) for c in select.CANDIDATES}
        scores = json.loads((run / "costs" / p / "parity.scores.json").read_text())
        assert all(costs.values()) and "main" in costs["parity"] and scores["main"] > 0
        assert rows["parity"]["costs"][p] == rows["parity"]["scores"][p] == 1.0
        assert rows["oracle (run cost)"]["costs"][p] <= min(rows[c]["costs"][p] for c in select.CANDIDATES)
        assert any(costs["heuristic"][f] != costs["parity"][f] for f in costs["parity"])
        features = json.loads((run / "features" / f"{p}.json").read_text())
        assert features["features"] == select.FEATURES and set(features["functions"]) & set(costs["parity"])
    settings = {(c["alpha"], c["lambda"]) for c in report["cross_validation"]}
    assert (report["alpha"], report["lambda"]) in settings and len(settings) > 1
    assert (run / "report.png").exists() == (importlib.util.find_spec("matplotlib") is not None)
    model = select.SelectPolicy.load(run / "model")
    assert model.weights.shape == (len(select.CANDIDATES) - 1, len(select.FEATURES))
    assert (run / "model" / "advice.json").exists()
    mtime = (run / "costs" / "sort" / "parity.json").stat().st_mtime
    subprocess.run(cmd, check=True, capture_output=True)  # a repeated run reuses the costs
    assert (run / "costs" / "sort" / "parity.json").stat().st_mtime == mtime
