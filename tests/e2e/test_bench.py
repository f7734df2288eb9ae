"""`rl4real bench --quick` end to end: scores are positive, greedy's ratio to itself is 1, outputs
match, and the JSON / Markdown / PNG results are written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_quick(tmp_path):
    out = tmp_path / "bench"  # given relative to the working folder, as users do
    r = subprocess.run([sys.executable, "-m", "rl4real", "bench", "--quick", "--corpus",
                        str(ROOT / "bench" / "corpus.toml"), "--out", "bench"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads((out / "results.json").read_text())
    assert data["command"].startswith("rl4real bench --quick --corpus")
    assert data["configs"] == ["greedy", "basic", "pbqp", "rl4real"]
    assert 2 <= len(data["programs"]) <= 3
    assert data["failures"] == []
    for prog, per_config in data["programs"].items():
        for config, res in per_config.items():
            assert res["score"] > 0 and res["output_ok"], (prog, config)
            assert res["instructions"] > 0 and res["compile_wall_s"] > 0
        assert per_config["rl4real"]["assigned_share"] > 0.3
        for metric, ratio in data["summary"]["ratios"]["greedy"].items():
            assert ratio[prog] == 1.0, (prog, metric)
    # run cost per function: the program's own hot functions, ratios to greedy, the correlation
    for prog, per_config in data["programs"].items():
        g = per_config["greedy"]["function_instructions"]
        assert "main" in g and sum(g.values()) == per_config["greedy"]["own_instructions"]
        assert per_config["greedy"]["own_instructions"] <= per_config["greedy"]["instructions"]
    hot = data["summary"]["functions"]["rl4real"]["hot"]
    assert hot and all(r["run_cost"] > 0 and r["score"] > 0 and r["share"] >= 0.01 for r in hot)
    assert all(r["est_cost"] > 0 for r in hot)  # the estimated cost of every hot function
    for prog, per_config in data["programs"].items():  # per call: main runs once, so >= its size
        assert per_config["greedy"]["function_est_costs"]["main"] > 10
    assert "greedy" not in data["summary"]["functions"]
    assert (out / "results.png").stat().st_size > 1000
    assert "| **total** | rl4real |" in (out / "results.md").read_text()


@pytest.mark.parametrize("target", ["aarch64", "riscv64"])
def test_bench_cross_target(tmp_path, target):
    """Cross-built and run under qemu-user: outputs checked, scores from the target's report
    lines, the policy really asked there; no run cost (callgrind is native only)."""
    r = subprocess.run([sys.executable, "-m", "rl4real", "bench", "--target", target, "--corpus",
                        str(ROOT / "bench" / "corpus.toml"), "--programs", "sort,sha256",
                        "--configs", "greedy,rl4real", "--repeat", "1", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["target"] == target and data["failures"] == []
    for prog, per_config in data["programs"].items():
        for res in per_config.values():
            assert res["score"] > 0 and res["output_ok"] and "instructions" not in res, prog
        assert per_config["rl4real"]["assigned_share"] > 0.3
    assert f"Target {target}." in (tmp_path / "results.md").read_text()


def test_bench_rejects_unknown_configuration(tmp_path):
    r = subprocess.run([sys.executable, "-m", "rl4real", "bench", "--configs", "linear-scan",
                        "--programs", "sort", "--out", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "unknown configuration 'linear-scan'" in r.stderr


def test_bench_without_corpus_says_what_to_do(tmp_path):
    r = subprocess.run([sys.executable, "-m", "rl4real", "bench", "--quick", "--corpus", "no.toml"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 2 and "no corpus file no.toml" in r.stderr


def test_installed_package_carries_the_corpus(tmp_path, monkeypatch):
    """Outside a checkout the corpus installed with the package is used: the same file as the
    checkout's, with every file of ours it names ({bench}/...) and every driver file."""
    from rl4real import corpus
    monkeypatch.chdir(tmp_path)
    installed = corpus.default_corpus()
    assert installed.is_file() and installed.read_text() == (ROOT / "bench" / "corpus.toml").read_text()
    for p in corpus.load_corpus(installed):
        for item in [*p.sources, *p.run, *([p.stdin] if p.stdin else [])]:
            if "{bench}" in item:
                assert Path(item.replace("{bench}", str(installed.parent))).is_file(), item
    for ours in (ROOT / "bench" / "drivers").iterdir():  # and what the drivers include
        assert (installed.parent / "drivers" / ours.name).read_bytes() == ours.read_bytes(), ours.name
