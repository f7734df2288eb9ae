"""`rl4real train` on a tiny corpus: it learns without errors, resumes to identical weights,
survives broken rollouts, distributes over Ray, and its exported model runs in the plugin."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from conftest import PROGRAMS, compile_c, read_report, rl_env, run_program

from rl4real.corpus import Program
from rl4real.train import rollout

pytestmark = pytest.mark.slow

CORPUS = """
[[program]]
name = "sort"
sources = ["{bench}/programs/sort.c"]
run = ["{exe}"]
split = "train"

[[program]]
name = "interp"
sources = ["{bench}/programs/interp.c"]
run = ["{exe}"]
split = "train"

[[program]]
name = "sha256"
sources = ["{bench}/programs/sha256.c"]
run = ["{exe}"]
split = "validation"
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus")
    (d / "programs").symlink_to(PROGRAMS)
    (d / "corpus.toml").write_text(CORPUS)
    return d / "corpus.toml"


def train(run: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "rl4real", "train", "--out", str(run), "--workers", "2",
           "--set", f"corpus={corpus}", "--set", "files_per_iteration=2", "--set", "epochs=2", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    return r


def metrics(run: Path) -> list[dict]:
    with open(run / "metrics.csv") as f:
        return list(csv.DictReader(f))


def weights(checkpoint: Path) -> dict:
    return torch.load(checkpoint, map_location="cpu", weights_only=False)["modules"]


def test_smoke_resume_and_export(tmp_path, corpus, plugin):
    straight = tmp_path / "straight"
    train(straight, corpus, "--iterations", "2")
    rows = metrics(straight)
    assert len(rows) == 2
    for row in rows:
        assert int(row["rollouts_ok"]) == 2 and int(row["episodes"]) > 0
        assert math.isfinite(float(row["policy_loss"])) and math.isfinite(float(row["value_loss"]))
    assert (straight / "curve.png").stat().st_size > 1000
    before, after = weights(straight / "checkpoints" / "0000.pt"), weights(straight / "checkpoints" / "0002.pt")
    assert any(not torch.equal(before[m][k], after[m][k]) for m in before for k in before[m]), \
        "the update changed nothing"

    resumed = tmp_path / "resumed"
    train(resumed, corpus, "--iterations", "1")
    r = train(resumed, corpus, "--iterations", "2")
    assert "resuming from" in r.stderr
    a, b = weights(straight / "checkpoints" / "0002.pt"), weights(resumed / "checkpoints" / "0002.pt")
    for m in a:
        for k in a[m]:
            assert torch.equal(a[m][k], b[m][k]), f"{m}.{k} differs after resuming"

    # the exported model runs in the plugin (strict: any model or policy error fails the compile)
    src = PROGRAMS / "sha256.c"
    report = tmp_path / "report.jsonl"
    compile_c(src, tmp_path / "rl", plugin=plugin, env=rl_env(
        enable=1, policy="hierarchical", model_dir=straight / "model", strict=1, report=report))
    compile_c(src, tmp_path / "stock")
    recs = [rec for rec in read_report(report) if rec["allocator"] == "rl4real"]
    assert recs and not any(rec["fallback"] for rec in recs)
    assert sum(rec["assigned_by_policy"] for rec in recs) > 0
    assert run_program(tmp_path / "rl") == run_program(tmp_path / "stock")


def test_broken_rollouts_are_skipped_and_the_run_goes_on(tmp_path, corpus):
    run = tmp_path / "run"
    train(run, corpus, "--iterations", "1")
    # a wrong program: the stock output the check compares with no longer matches
    (run / "baseline" / "sort" / "output.txt").write_text("exit 0\nsomething else\n")
    r = train(run, corpus, "--iterations", "2")
    rows = metrics(run)
    assert [int(x["rollouts_skipped"]) for x in rows] == [0, 1]
    assert int(rows[1]["rollouts_ok"]) == 1
    assert "skipped rollout sort/0: wrong_output" in r.stderr

    # a compiler crash and a hang, run as rollouts directly
    baseline = rollout.Baseline(**json.loads((run / "baseline" / "interp" / "baseline.json").read_text()))
    (tmp_path / "broken.c").write_text("int main(void) { return }\n")
    program = Program(name="broken", sources=[str(tmp_path / "broken.c")], run=["{exe}"])
    task = rollout.Task(name="broken/0", program=program, paths={"bench": str(tmp_path)}, index=0,
                        baseline=baseline, model_dir=str(run / "model"), out=str(tmp_path / "b.pkl"), seed=0)
    assert rollout.run_task(task)["status"] == "crashed"
    program.sources = [str(PROGRAMS / "interp.c")]
    task.timeout_s = 0.01
    assert rollout.run_task(task)["status"] == "timeout"
    assert not Path(task.out).exists()  # nothing half-written is left for the learner


def test_rollouts_on_a_local_ray_instance(tmp_path, corpus):
    run = tmp_path / "run"
    env = dict(os.environ, RAY_ENABLE_UV_RUN_RUNTIME_ENV="0")
    cmd = [sys.executable, "-m", "rl4real", "train", "--out", str(run), "--ray", "local",
           "--iterations", "1", "--set", f"corpus={corpus}", "--set", "files_per_iteration=2"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    assert int(metrics(run)[0]["rollouts_ok"]) == 2


def test_rollouts_on_several_targets(tmp_path, corpus):
    """--targets: each file's rollout is built for one target in turn (RISC-V under qemu-user),
    against a stock baseline built for that target; both give episodes."""
    run = tmp_path / "run"
    train(run, corpus, "--iterations", "1", "--targets", "x86_64,riscv64")
    outcomes = [json.loads(p.read_text()) for p in (run / "rollouts" / "0000").glob("*.json")]
    by_target = {o["task"].partition("/")[0].partition("@")[2] or "x86_64": o for o in outcomes}
    assert set(by_target) == {"x86_64", "riscv64"}, outcomes
    assert all(o["status"] == "ok" for o in outcomes), outcomes
    assert any((run / "baseline").glob("*@riscv64/output.txt"))
    assert int(metrics(run)[0]["episodes"]) > 0


def test_unknown_target_is_refused(tmp_path, corpus):
    r = subprocess.run([sys.executable, "-m", "rl4real", "train", "--out", str(tmp_path / "r"),
                        "--set", f"corpus={corpus}", "--targets", "x86_64,sparc"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "unknown target 'sparc'" in r.stderr
