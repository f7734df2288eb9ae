"""The plugin inside clang-22 on small programs of ours: correctness against stock clang,
determinism, byte-identity when off, faults, strict mode, reports."""

import concurrent.futures
import filecmp
import json
import subprocess
import time

import pytest

from conftest import POLICIES, PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real import corpus

PROGS = sorted(PROGRAMS.glob("*.c"))
FAULTY = POLICIES / "faulty.py"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Each program built by stock clang-22 and its output."""
    d = tmp_path_factory.mktemp("stock")
    out = {}
    for src in PROGS:
        compile_c(src, d / src.stem)
        out[src.stem] = run_program(d / src.stem)
    return out


@pytest.mark.parametrize("policy,seed", [("heuristic", 0), ("random", 1), ("random", 2)])
def test_programs_match_stock_and_policy_assigns(plugin, reference, tmp_path, policy, seed):
    report = tmp_path / "r.jsonl"
    env = rl_env(policy=policy, seed=seed, report=report)
    for src in PROGS:
        exe = tmp_path / src.stem
        r = compile_c(src, exe, plugin=plugin, env=env, flags=["-mllvm", "-verify-machineinstrs"])
        assert "warning" not in r.stderr, r.stderr
        assert run_program(exe) == reference[src.stem], src.name
    recs = [r for r in read_report(report) if r["fallback"] != "below_min_size"]
    assert recs and all(r["fallback"] is None and r["refused"] == 0 for r in recs)
    nodes = sum(r["nodes"] for r in recs)
    kept = sum(r["assigned"] for r in recs)
    # A plugin that silently assigns nothing fails here.
    share = kept / nodes
    assert share > (0.5 if policy == "heuristic" else 0.3), share


def test_same_object_every_time_with_aslr(plugin, tmp_path):
    src = PROGRAMS / "pressure.c"
    for policy in ("heuristic", "random", "hierarchical"):
        objs = []
        for i in range(4):
            obj = tmp_path / f"{policy}{i}.o"
            compile_c(src, obj, plugin=plugin, flags=["-c"], env=rl_env(policy=policy, min_size=1))
            objs.append(obj)
        assert all(filecmp.cmp(objs[0], o, shallow=False) for o in objs[1:]), policy


def test_switched_off_is_byte_identical_to_stock(plugin, tmp_path):
    for src in PROGS:
        stock, off = tmp_path / f"{src.stem}.stock.o", tmp_path / f"{src.stem}.off.o"
        compile_c(src, stock, flags=["-c"])
        compile_c(src, off, plugin=plugin, flags=["-c", "-mllvm", "-rl4real-enable=0"])
        assert filecmp.cmp(stock, off, shallow=False), src.name
        compile_c(src, off, plugin=plugin, flags=["-c"], env=rl_env(enable=0))
        assert filecmp.cmp(stock, off, shallow=False), src.name


FAULTS = [  # (policy, warning, fatal: the policy is not called again in this process)
    ("raises", "RuntimeError: policy bug", False),
    ("out_of_range", None, False),
    ("interfering", None, False),
    ("not_candidate", None, False),
    ("nan", None, False),
    ("garbage", None, False),
    ("exits", "SystemExit: 3", False),
    ("interrupted", "KeyboardInterrupt", False),
    ("forks", "called os.fork()", False),
    ("sleeps", "exceeded its time budget", True),
    ("busy", "exceeded its time budget", True),
    ("holds_the_gil", "exceeded its time budget", True),
    ("thread_holds_the_gil", "exceeded its time budget", True),
    ("NotAPolicy", "neither a policy", True),
    ("not_a_policy", "neither a policy", True),
    ("missing_attr", "has no attribute", True),
]


@pytest.mark.parametrize("name,warning,fatal", FAULTS)
def test_faulty_policy_still_gives_correct_code(plugin, reference, tmp_path, name, warning, fatal):
    src = PROGRAMS / "pressure.c"
    report = tmp_path / "r.jsonl"
    env = rl_env(policy=f"{FAULTY}:{name}", min_size=1, timeout=1, report=report)
    t0 = time.monotonic()
    r = compile_c(src, tmp_path / "p", plugin=plugin, env=env, flags=["-mllvm", "-verify-machineinstrs"])
    assert time.monotonic() - t0 < 60
    assert run_program(tmp_path / "p") == reference["pressure"]
    recs = read_report(report)
    if warning:
        assert warning in r.stderr
        # One warning per failed function, each naming it, up to the circuit breaker (3 faults);
        # a fatal fault is the only one: the policy is never called again.
        faults = r.stderr.count("policy failed on function")
        assert faults == (1 if fatal else min(3, len(recs))), r.stderr
        assert ("every later function" in r.stderr) == (fatal or len(recs) >= 3)
        assert all(rec["fallback"] and rec["assigned"] == 0 for rec in recs)
        assert sum(rec["fallback"] == "policy_off" for rec in recs) == len(recs) - faults
    else:
        assert sum(rec["refused"] for rec in recs) > 0
    # Strict mode turns the same fault into a compile error.
    r = compile_c(src, tmp_path / "q", plugin=plugin, env={**env, "RL4REAL_STRICT": "1"}, check=False)
    assert r.returncode != 0 and "error: rl4real:" in r.stderr


@pytest.mark.slow  # fetches Lua
def test_builtin_policy_past_its_budget_falls_back(plugin, reference, tmp_path):
    """Past the budget the function goes to greedy and so does every later one (Python is not
    called again in that process), with one warning; the code is correct."""
    env = rl_env(policy="hierarchical", min_size=1, timeout=0.0001, report=tmp_path / "r.jsonl")
    r = compile_c(corpus.lua_dir() / "lvm.c", tmp_path / "lvm.o", plugin=plugin, env=env,
                  flags=["-c", "-DLUA_USE_LINUX", "-mllvm", "-verify-machineinstrs"])
    recs = read_report(tmp_path / "r.jsonl")
    timed_out = [rec for rec in recs if rec["fallback"] and "time budget" in rec["fallback"]]
    assert len(timed_out) == 1 and timed_out[0]["assigned"] == 0
    assert timed_out[0]["allocator"] == "rl4real"
    later = recs[recs.index(timed_out[0]) + 1:]
    assert later and all(rec["fallback"] == "policy_off" and rec["allocator"] == "stock"
                         for rec in later)
    assert r.stderr.count("exceeded its time budget of 0.0001 s") == 1
    compile_c(PROGRAMS / "interp.c", tmp_path / "p", plugin=plugin, env=env)
    assert run_program(tmp_path / "p") == reference["interp"]
    # the default budget: nothing times out
    env = rl_env(policy="hierarchical", min_size=1, report=tmp_path / "s.jsonl")
    compile_c(corpus.lua_dir() / "lvm.c", tmp_path / "lvm2.o", plugin=plugin, env=env,
              flags=["-c", "-DLUA_USE_LINUX"])
    assert not any(rec["fallback"] for rec in read_report(tmp_path / "s.jsonl")
                   if rec["allocator"] == "rl4real")


def test_python_that_cannot_start_falls_back(plugin, reference, tmp_path):
    env = rl_env(python="/nonexistent/python3", min_size=1)
    env["PYTHONHOME"] = "/nonexistent"  # make the interpreter's start-up itself fail
    r = compile_c(PROGRAMS / "pressure.c", tmp_path / "p", plugin=plugin, env=env)
    assert "Python could not start" in r.stderr
    assert run_program(tmp_path / "p") == reference["pressure"]


def test_breakpoint_without_terminal_warns_and_continues(plugin, tmp_path):
    report = tmp_path / "r.jsonl"
    env = rl_env(policy=f"{FAULTY}:breakpoint_then_assign", min_size=1, report=report)
    r = compile_c(PROGRAMS / "interp.c", tmp_path / "p", plugin=plugin, env=env)
    assert r.stderr.count("breakpoint() in the policy ignored") == 1
    assert all(rec["assigned_by_policy"] == 1 for rec in read_report(report))


def test_parallel_compiles_append_whole_lines(plugin, tmp_path):
    report = tmp_path / "r.jsonl"
    env = rl_env(report=report, min_size=1)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        jobs = [pool.submit(compile_c, PROGS[i % len(PROGS)], tmp_path / f"o{i}.o", plugin=plugin,
                            env=env, flags=["-c"]) for i in range(8)]
        for j in jobs:
            j.result()
    lines = report.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # a torn line would not parse
    per_run = {src.stem: 0 for src in PROGS}
    for rec in records:
        per_run[rec["file"].rsplit("/", 1)[-1][:-2]] += 1
    assert len(records) == sum(per_run.values()) and all(per_run.values())
    assert set(records[0]) >= {"function", "file", "target", "nodes", "edges", "assigned", "refused",
                               "split", "left_to_greedy", "policy_ms", "pass_ms", "fallback"}


def test_small_functions_do_not_start_python(plugin, tmp_path):
    report = tmp_path / "r.jsonl"
    # A policy that cannot load would warn if Python were asked about any function.
    env = rl_env(report=report, min_size=100000, policy="no.such:policy")
    r = compile_c(PROGRAMS / "sort.c", tmp_path / "s", plugin=plugin, env=env)
    assert "rl4real" not in r.stderr
    recs = read_report(report)
    assert recs and all(rec["fallback"] == "below_min_size" and rec["policy_ms"] == 0 for rec in recs)


def test_breakpoint_in_a_terminal_stops_in_pdb_inside_clang(plugin, tmp_path):
    """Under a pseudo-terminal (util-linux `script`), pdb takes commands; the 1 s time budget is
    suspended while the debugger is active."""
    policy = tmp_path / "bp.py"
    policy.write_text("import time\n"
                      "def policy(session):\n"
                      "    name = session.function\n"
                      "    breakpoint()\n"
                      "    time.sleep(1.5)\n"
                      "    print('continued', name)\n")
    cmd = f"clang-22 -O2 -fpass-plugin={plugin} -c {PROGRAMS / 'interp.c'} -o {tmp_path / 'o.o'}"
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], input="p name\nc\n", text=True,
                       capture_output=True, timeout=120, env=rl_env(policy=policy, timeout=1))
    assert r.returncode == 0, r.stdout
    assert "(Pdb)" in r.stdout and "'main'" in r.stdout and "continued main" in r.stdout
    assert "time budget" not in r.stdout


def test_quitting_pdb_keeps_the_decisions_and_the_compile_goes_on(plugin, tmp_path):
    policy = tmp_path / "bp.py"
    policy.write_text("def policy(session):\n    breakpoint()\n")
    cmd = f"clang-22 -O2 -fpass-plugin={plugin} -c {PROGRAMS / 'interp.c'} -o {tmp_path / 'o.o'}"
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], input="q\n", text=True,
                       capture_output=True, timeout=120, env=rl_env(policy=policy))
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("the debugger was quit inside the policy") == 1, r.stdout
    assert "fell back" not in r.stdout and (tmp_path / "o.o").exists()


def test_warm_start_changes_no_byte(plugin, tmp_path):
    """Python started while clang parses (the default) or at the first function: same objects."""
    objs = []
    for warm in (1, 0):
        out = tmp_path / f"w{warm}.o"
        compile_c(PROGRAMS / "sha256.c", out, plugin=plugin, flags=["-c"],
                  env=rl_env(policy="heuristic", warm_start=warm))
        objs.append(out.read_bytes())
    assert objs[0] == objs[1]


def test_options_on_the_command_line_are_honoured_despite_warm_start(plugin, reference, tmp_path):
    """A start made when clang loads the plugin cannot know -mllvm options (read later): with
    any -rl4real-* option on the command line the plugin waits, so the interpreter named there
    is the one asked (and fails here, as it should)."""
    env = rl_env(min_size=1)
    bad = tmp_path / "venv312"
    (bad / "bin").mkdir(parents=True)
    (bad / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    (bad / "bin" / "python").symlink_to("/usr/bin/python3")
    r = compile_c(PROGRAMS / "pressure.c", tmp_path / "p", plugin=plugin, env=env,
                  flags=["-mllvm", f"-rl4real-python={bad / 'bin' / 'python'}"])
    assert "is Python 3.12, but the plugin embeds" in r.stderr, r.stderr
    assert run_program(tmp_path / "p") == reference["pressure"]
