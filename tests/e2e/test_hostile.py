"""A hostile or unlucky user: policies that hold the GIL, fork or flood the output, huge
functions, names that are not UTF-8, LTO, broken set-ups. Every compile ends within a bound,
with the documented exit status and correct code, and the report stays valid JSON."""

import json
import os
import subprocess
import sys
import time

import pytest

from conftest import CLANG, POLICIES, compile_c, read_report, rl_env, run_program
from rl4real.synthetic import live_values_program

FAULTY = POLICIES / "faulty.py"

NINE_ACCUMULATORS = r"""
#include <stdio.h>
__attribute__((noinline)) long acc(const long *a, int n) {
  long s0 = 0, s1 = 1, s2 = 2, s3 = 3, s4 = 4, s5 = 5, s6 = 6, s7 = 7, s8 = 8;
  for (int i = 0; i < n; ++i) {
    s0 += a[i]; s1 ^= a[i] * 3; s2 += s0 >> 1; s3 -= s1; s4 += s2 * s3;
    s5 ^= s4 + i; s6 += s5 >> 2; s7 -= s6 ^ s0; s8 += s7 * s1;
  }
  return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8;
}
%s
int main(void) {
  long a[100];
  for (int i = 0; i < 100; ++i) a[i] = i * 7919;
  printf("%%ld\n", acc(a, 100) %s);
  return 0;
}
"""


def many_functions(n: int) -> str:
    """The accumulator loop plus n small functions that main calls."""
    fns = "\n".join(f"__attribute__((noinline)) long g{i}(long x) {{ return x * {i + 3} ^ (x >> {i % 13}); }}"
                    for i in range(n))
    return NINE_ACCUMULATORS % (fns, "".join(f" + g{i}({i})" for i in range(n)))


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """(source, stock output) of the accumulator program with 0 and 40 extra functions."""
    d = tmp_path_factory.mktemp("hostile")
    out = {}
    for n in (0, 40):
        src = d / f"acc{n}.c"
        src.write_text(many_functions(n))
        compile_c(src, d / f"acc{n}")
        out[n] = (src, run_program(d / f"acc{n}"))
    return out


def compile_bounded(cmd, env, timeout=60, **kw):
    """Runs a compile with pipes for stdout and stderr: it must end, and so must every process
    that holds the pipes (a forked compiler would keep them open)."""
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, **kw)
    return r, time.monotonic() - t0


def test_policy_holding_the_gil_cannot_hang_the_compiler(plugin, programs, tmp_path):
    """In a C call, and from a thread the policy left behind: the compile ends about one budget
    after it starts, with one warning; every later function goes to greedy."""
    src, expected = programs[40]
    for name in ("holds_the_gil", "thread_holds_the_gil"):
        report = tmp_path / f"{name}.jsonl"
        env = rl_env(policy=f"{FAULTY}:{name}", timeout=1, min_size=1, report=report)
        r, took = compile_bounded([CLANG, "-O2", f"-fpass-plugin={plugin}", str(src), "-o",
                                   str(tmp_path / name)], env, text=True)
        assert r.returncode == 0, r.stderr
        assert took < 20, took  # 1 s budget + start-up; before: never ended
        assert r.stderr.count("exceeded its time budget of 1 s") == 1
        assert r.stderr.count("rl4real") == 1, r.stderr
        assert run_program(tmp_path / name) == expected
        recs = read_report(report)
        assert len(recs) == 42 and sum("time budget" in (x["fallback"] or "") for x in recs) == 1
        assert all(x["fallback"] in ("policy_off", "below_min_size") for x in recs
                   if "time budget" not in (x["fallback"] or ""))


def test_timeouts_do_not_add_up(plugin, programs, tmp_path):
    """A policy that would time out on every function costs one budget, not one per function."""
    src, expected = programs[40]
    env = rl_env(policy=f"{FAULTY}:sleeps", timeout=1, min_size=1)
    r, took = compile_bounded([CLANG, "-O2", f"-fpass-plugin={plugin}", str(src), "-o",
                               str(tmp_path / "p")], env, text=True)
    assert r.returncode == 0 and took < 20, (took, r.stderr)
    assert r.stderr.count("warning: rl4real") == 1
    assert run_program(tmp_path / "p") == expected


@pytest.mark.parametrize("max_faults,warnings", [(None, 3), (1, 1), (0, 42)])
def test_circuit_breaker(plugin, programs, tmp_path, max_faults, warnings):
    """After max-faults faults (default 3) the policy is switched off with one summary."""
    src, expected = programs[40]
    report = tmp_path / "r.jsonl"
    opts = dict(policy=f"{FAULTY}:raises", min_size=1, report=report)
    if max_faults is not None:
        opts["max_faults"] = max_faults
    r = compile_c(src, tmp_path / "p", plugin=plugin, env=rl_env(**opts))
    assert r.stderr.count("policy failed on function") == warnings, r.stderr
    recs = read_report(report)
    assert sum(x["fallback"] == "RuntimeError: policy bug" for x in recs) == warnings
    if max_faults == 0:
        assert "switched off" not in r.stderr
    else:
        assert r.stderr.count("switched off for the rest of this process") == 1
        assert f"failed on {warnings} functions (RuntimeError x{warnings})" in r.stderr
        assert sum(x["fallback"] == "policy_off" for x in recs) == len(recs) - warnings
    assert run_program(tmp_path / "p") == expected


@pytest.mark.parametrize("timeout", [1, 0])
def test_fork_in_a_policy(plugin, programs, tmp_path, timeout):
    """The child exits at once (it never runs compiler code, so nothing holds the pipe and no
    report line is written twice); the parent warns and greedy allocates."""
    src, expected = programs[0]
    report = tmp_path / "r.jsonl"
    env = rl_env(policy=f"{FAULTY}:forks", min_size=1, timeout=timeout, report=report, max_faults=0)
    r, took = compile_bounded([CLANG, "-O2", f"-fpass-plugin={plugin}", str(src), "-o",
                               str(tmp_path / "p")], env, text=True)
    assert r.returncode == 0, r.stderr
    recs = read_report(report)
    assert sorted(x["function"] for x in recs) == ["acc", "main"]  # once each
    assert all("os.fork()" in x["fallback"] for x in recs)
    assert r.stderr.count("policy failed on function") == 2
    assert run_program(tmp_path / "p") == expected


def test_policy_output_never_reaches_the_compilers_output(plugin, programs, tmp_path):
    """`clang -S -o -` with a policy that prints: stdout is assembly only (it assembles), the
    policy's lines are on stderr."""
    src, _ = programs[0]
    env = rl_env(policy=f"{FAULTY}:prints", min_size=1)
    r = subprocess.run([CLANG, "-O2", f"-fpass-plugin={plugin}", "-S", "-o", "-", str(src)],
                       env=env, capture_output=True, text=True, timeout=120, check=True)
    assert "policy output for acc" in r.stderr and "policy output" not in r.stdout
    subprocess.run([CLANG, "-c", "-x", "assembler", "-", "-o", str(tmp_path / "a.o")],
                   input=r.stdout, text=True, check=True, capture_output=True)


def test_names_that_are_not_utf8(plugin, tmp_path):
    """A source path and a symbol with a byte that is not UTF-8: the policy runs (random uses the
    function's name for its seed), the report is valid JSON holding the exact bytes, and
    `rl4real report` prints it."""
    src = os.fsencode(tmp_path) + b"/f\xff.c"
    body = (NINE_ACCUMULATORS % ("", "")).replace(
        "__attribute__", r'long acc(const long *a, int n) __asm__("mix\xff");' + "\n__attribute__", 1)
    with open(src, "wb") as f:
        f.write(body.encode())
    report = tmp_path / "r.jsonl"
    r = subprocess.run([CLANG, "-O2", f"-fpass-plugin={plugin}", src, b"-o", os.fsencode(tmp_path / "p")],
                       env=rl_env(policy="random", min_size=1, report=report), capture_output=True,
                       timeout=120)
    assert r.returncode == 0 and b"rl4real" not in r.stderr, r.stderr
    recs = [json.loads(line) for line in report.read_bytes().decode("utf-8").splitlines()]
    assert {x["function"].encode("utf-8", "surrogateescape") for x in recs} == {b"mix\xff", b"main"}
    assert all(x["file"].encode("utf-8", "surrogateescape") == src for x in recs)
    assert all(x["fallback"] is None and x["assigned"] > 0 for x in recs)
    assert subprocess.run([str(tmp_path / "p")], capture_output=True).returncode == 0
    for args in ([], ["--json"]):
        out = subprocess.run([sys.executable, "-m", "rl4real", "report", str(report), *args],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert "functions              2" in subprocess.run(
        [sys.executable, "-m", "rl4real", "report", str(report)], capture_output=True, text=True).stdout


def test_report_command_skips_a_torn_line(tmp_path):
    line = json.dumps({"function": "f", "file": "f.c", "target": "x", "allocator": "rl4real",
                       "nodes": 3, "edges": 1, "assigned": 2, "assigned_by_policy": 2, "refused": 0,
                       "refusals": {}, "split": 0, "policy_ms": 1.0, "pass_ms": 2.0, "fallback": None})
    (tmp_path / "r.jsonl").write_text(line + "\n" + line[:40])
    r = subprocess.run([sys.executable, "-m", "rl4real", "report", str(tmp_path / "r.jsonl")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "skipped 1 line" in r.stderr and "functions              1" in r.stdout


def test_size_guards(plugin, tmp_path):
    """Past max-edges greedy allocates without asking the policy; past model-max-edges the
    hierarchical policy hands the function to the heuristic and says so. Both are in the
    report, and the code is correct."""
    src = tmp_path / "live.c"
    src.write_text(live_values_program(120))  # ~7,000 interference edges in f
    compile_c(src, tmp_path / "stock")
    expected = run_program(tmp_path / "stock")
    cases = {"too_large": dict(max_edges=1000), "degraded": dict(model_max_edges=1000)}
    for case, limit in cases.items():
        report = tmp_path / f"{case}.jsonl"
        r = compile_c(src, tmp_path / case, plugin=plugin,
                      env=rl_env(policy="hierarchical", report=report, **limit))
        assert "rl4real" not in r.stderr, r.stderr
        assert run_program(tmp_path / case) == expected
        f = next(x for x in read_report(report) if x["function"] == "f")
        assert f["edges"] > 1000
        if case == "too_large":
            assert f["fallback"] == "too_large" and f["assigned_by_policy"] == 0
        else:
            assert f["fallback"] is None and f["degraded"].startswith("model_max_edges")
            assert f["assigned_by_policy"] > 0 and f["decisions"] == 0
    # below the limits nothing changes
    report = tmp_path / "plain.jsonl"
    compile_c(src, tmp_path / "plain", plugin=plugin, env=rl_env(policy="hierarchical", report=report))
    f = next(x for x in read_report(report) if x["function"] == "f")
    assert f["fallback"] is None and f["degraded"] is None and f["decisions"] > 0


@pytest.mark.parametrize("lto", ["-flto", "-flto=thin"])
def test_lto(plugin, programs, tmp_path, lto):
    """The compile step says once where allocation happens; linking with the plugin loaded into
    lld allocates with rl4real (report lines, correct output)."""
    src, expected = programs[40]
    obj = tmp_path / "acc.o"
    r = compile_c(src, obj, plugin=plugin, flags=["-c", lto])
    assert r.stderr.count("rl4real: note: this compile writes bitcode for link-time") == 1
    assert "--load-pass-plugin" in r.stderr
    report = tmp_path / "r.jsonl"
    subprocess.run([CLANG, "-O2", lto, "-fuse-ld=lld", f"-Wl,--load-pass-plugin={plugin}", str(obj),
                    "-o", str(tmp_path / "p")], env=rl_env(report=report, min_size=1), check=True,
                   capture_output=True, timeout=300)
    assert run_program(tmp_path / "p") == expected
    recs = read_report(report)
    assert {"acc", "main"} <= {x["function"] for x in recs}
    assert all(x["allocator"] == "rl4real" and x["fallback"] is None for x in recs)
    assert sum(x["assigned"] for x in recs) > 0


def test_broken_vocabulary(plugin, programs, tmp_path):
    src, expected = programs[0]
    vocab = tmp_path / "vocab.json"
    vocab.write_text("{not json")
    env = rl_env(vocab=vocab, min_size=1)
    r = compile_c(src, tmp_path / "p", plugin=plugin, env=env)
    assert r.stderr.count("instruction embeddings off") == 1
    assert run_program(tmp_path / "p") == expected
    r = compile_c(src, tmp_path / "q", plugin=plugin, env={**env, "RL4REAL_STRICT": "1"}, check=False)
    assert r.returncode != 0 and "error: rl4real: instruction embeddings off" in r.stderr


def test_python_that_cannot_host_rl4real_is_named(plugin, programs, tmp_path):
    """Another Python version (a venv that says 3.12), and a Python without rl4real: the
    warning names the interpreter and the reason; greedy allocates."""
    src, expected = programs[0]
    venv = tmp_path / "venv312"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    (venv / "bin" / "python").symlink_to(sys.executable)
    r = compile_c(src, tmp_path / "p", plugin=plugin, env=rl_env(python=venv / "bin" / "python", min_size=1))
    assert f"'{venv}/bin/python' is Python 3.12, but the plugin embeds Python 3." in r.stderr
    assert r.stderr.count("policy failed") == 1 and run_program(tmp_path / "p") == expected
    bare = tmp_path / "bare"  # the system's own Python of the same version, without rl4real
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(bare)], check=True)
    r = compile_c(src, tmp_path / "q", plugin=plugin, env=rl_env(python=bare / "bin" / "python", min_size=1))
    assert (f"('{bare}/bin/python') cannot host rl4real: ModuleNotFoundError: No module named "
            "'rl4real'") in r.stderr, r.stderr
    assert r.stderr.count("policy failed") == 1 and run_program(tmp_path / "q") == expected


def test_a_forged_host_answers_closed(plugin, programs, tmp_path):
    src, expected = programs[0]
    r = compile_c(src, tmp_path / "p", plugin=plugin,
                  env=rl_env(policy=f"{FAULTY}:forged_host", min_size=1, report=tmp_path / "r.jsonl"))
    assert "rl4real" not in r.stderr, r.stderr  # the policy's asserts held: no fault
    assert run_program(tmp_path / "p") == expected
    assert all(x["fallback"] is None for x in read_report(tmp_path / "r.jsonl"))
