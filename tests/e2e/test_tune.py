"""The `tuned` policy (per-function choices for one program) and `rl4real tune`: no choices is
exactly greedy, a choice changes only its function, a missing model is refused with a message,
and a tuning run measures its choice and gets what it predicted (a function's own instructions
depend only on its own allocation), never more than greedy's."""

import json
import subprocess
import sys

from conftest import PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real.policies.tuned import TunedPolicy
from rl4real.train.tune import candidates, choose

SHA = PROGRAMS / "sha256.c"


def test_choices_route_their_functions_only(plugin, tmp_path):
    compile_c(SHA, tmp_path / "stock.o", flags=["-c"])
    TunedPolicy().save(tmp_path / "m-none")
    compile_c(SHA, tmp_path / "none.o", plugin=plugin, flags=["-c"],
              env=rl_env(policy="tuned", model_dir=tmp_path / "m-none"))
    assert (tmp_path / "none.o").read_bytes() == (tmp_path / "stock.o").read_bytes()
    TunedPolicy({"block": "heuristic", "main": "random-advice@2"}).save(tmp_path / "m-one")
    env = rl_env(policy="tuned", model_dir=tmp_path / "m-one", report=tmp_path / "r.jsonl")
    compile_c(SHA, tmp_path / "one.o", plugin=plugin, flags=["-c"], env=env)
    assert (tmp_path / "one.o").read_bytes() != (tmp_path / "stock.o").read_bytes()
    report = read_report(tmp_path / "r.jsonl")
    changed = {r["function"] for r in report if r["assigned"] or r["advised"]}
    assert changed == {"block", "main"}
    compile_c(SHA, tmp_path / "one", plugin=plugin, env=rl_env(policy="tuned", model_dir=tmp_path / "m-one"))
    compile_c(SHA, tmp_path / "stock")
    assert run_program(tmp_path / "one") == run_program(tmp_path / "stock")


def test_missing_choices_are_refused(plugin, tmp_path):
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="tuned"))
    assert "policy tuned needs model-dir" in r.stderr and run_program(tmp_path / "x")
    r = compile_c(SHA, tmp_path / "x", plugin=plugin, env=rl_env(policy="tuned", model_dir=tmp_path))
    assert "no tuned.json in model directory" in r.stderr


def test_choose_keeps_strict_gains_only():
    costs = {"parity": {"a": 10, "b": 10, "c": 10}, "heuristic": {"a": 9, "b": 10},
             "advice": {"a": 8, "b": 11, "c": 10}}
    assert choose(costs) == {"a": "advice"}  # b ties, c is unmeasured under heuristic: greedy's


def test_tune_smoke_run_gets_what_it_predicts(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "rl4real", "tune", "--out", str(out), "--program", "matmul", "--seeds", "1"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["candidates"] == candidates(1)
    assert report["measured"] == report["predicted"] <= 1.0
    assert report["measured"] <= min(report[f"{c} alone"] for c in candidates(1)[1:])
    fewer, full = report["predicted_by_seeds"]
    assert full == report["predicted"] and fewer >= full
    saved = json.loads((out / "model" / "tuned.json").read_text())
    assert set(saved["choices"].values()) <= set(candidates(1)[1:])
    assert "tuned" in r.stdout and str(out / "model") in r.stdout
    mtime = (out / "costs" / "parity.json").stat().st_mtime
    subprocess.run(cmd, check=True, capture_output=True)  # a repeated run reuses the costs
    assert (out / "costs" / "parity.json").stat().st_mtime == mtime
    bad = subprocess.run([*cmd[:-4], "--program", "matmul,sort"], capture_output=True, text=True)
    assert bad.returncode == 1 and "rl4real: error: tune takes one program" in bad.stderr


CXX = """\
namespace hot {
struct Mix { unsigned a, b, c, d; };
__attribute__((noinline)) unsigned round(Mix &m, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    m.a += m.b ^ (m.c << 3); m.b = (m.b << 7 | m.b >> 25) + m.d; m.c ^= m.a * 2654435761u;
    m.d += (m.a >> 5) ^ m.c ^ i;
  }
  return m.a ^ m.b ^ m.c ^ m.d;
}
}
extern "C" int printf(const char *, ...);
int main() { hot::Mix m{1, 2, 3, 4}; printf("%u\\n", hot::round(m, 200000)); return 0; }
"""


def test_tune_matches_cxx_functions_by_their_symbol_names(tmp_path):
    """Callgrind's names are the compiler's (mangled), so C++ functions get their choices."""
    (tmp_path / "mix.cpp").write_text(CXX)
    (tmp_path / "corpus.toml").write_text('[[program]]\nname = "mix"\nsources = ["{bench}/mix.cpp"]\n'
                                          'run = ["{exe}"]\nsplit = "test"\n')
    out = tmp_path / "run"
    r = subprocess.run([sys.executable, "-m", "rl4real", "tune", "--out", str(out), "--program", "mix",
                        "--corpus", str(tmp_path / "corpus.toml"), "--seeds", "1"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    costs = json.loads((out / "costs" / "parity.json").read_text())
    assert "_ZN3hot5roundERNS_3MixEj" in costs
    report = json.loads((out / "report.json").read_text())
    assert report["measured"] == report["predicted"] and "note" not in r.stderr
