"""The plugin's priority and eviction advisors inside greedy: no advice is exactly stock greedy
(byte-identical objects, on real programs too), advice changes the code and is counted, and
the output stays correct whatever the advice."""

import pytest

from conftest import CLANG, POLICIES, PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real import corpus

ADVICE = POLICIES / "advice.py"
SHA = PROGRAMS / "sha256.c"
CORPUS = PROGRAMS.parent / "corpus.toml"


def sha256(plugin, tmp_path, policy):
    """sha256 built with the policy (None: stock clang-22): object bytes, report, output."""
    name = policy.rpartition(":")[2] if policy else "stock"
    env = rl_env(policy=policy) if policy else None
    use = plugin if policy else None
    compile_c(SHA, tmp_path / name, plugin=use, env=env)
    if policy:
        env = rl_env(policy=policy, report=tmp_path / f"{name}.jsonl")
    compile_c(SHA, tmp_path / f"{name}.o", plugin=use, env=env, flags=["-c"])
    report = read_report(tmp_path / f"{name}.jsonl") if policy else []
    return (tmp_path / f"{name}.o").read_bytes(), report, run_program(tmp_path / name)


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    return sha256(None, tmp_path_factory.mktemp("stock"), None)


def test_parity_policy_is_stock_greedy(plugin, tmp_path, stock):
    obj, report, _ = sha256(plugin, tmp_path, "parity")
    assert obj == stock[0]
    asked = [r for r in report if r["allocator"] == "rl4real"]
    assert asked and all(r["priority_calls"] > 0 for r in asked)  # the advisors were asked
    assert sum(r["eviction_calls"] for r in asked) > 0
    assert not any(r["advised"] or r["priorities_changed"] or r["evictions_vetoed"] for r in report)


def test_greedy_priority_feature_is_exact(plugin, tmp_path, stock):
    """Advising greedy's own priority (the node feature) changes no answer and no byte."""
    obj, report, _ = sha256(plugin, tmp_path, f"{ADVICE}:greedy_own")
    assert obj == stock[0]
    asked = [r for r in report if r["allocator"] == "rl4real"]
    assert all(r["advised"] == r["nodes"] for r in asked)
    assert sum(r["priority_calls"] for r in asked) > 0
    assert not any(r["priorities_changed"] for r in report)


def test_one_priority_changes_the_code(plugin, tmp_path, stock):
    obj, report, out = sha256(plugin, tmp_path, f"{ADVICE}:one_priority")
    assert obj != stock[0] and out == stock[2]
    (block,) = [r for r in report if r["function"] == "block"]
    assert block["advised"] == 1 and block["priorities_changed"] >= 1
    assert not any(r["priorities_changed"] for r in report if r["function"] != "block")


def test_eviction_advice_is_applied(plugin, tmp_path, stock):
    obj, report, out = sha256(plugin, tmp_path, f"{ADVICE}:no_evicting")
    assert obj != stock[0] and out == stock[2]
    asked = [r for r in report if r["allocator"] == "rl4real"]
    assert sum(r["evictions_vetoed"] for r in asked) > 0
    assert all(r["evictions_vetoed"] <= r["eviction_calls"] for r in asked)


@pytest.mark.slow
@pytest.mark.parametrize("program", ["lua", "sqlite3"])
def test_parity_on_real_programs_is_byte_identical(plugin, tmp_path, program):
    """Every object of the program, built by stock clang-22 and with the parity policy in the
    same folder (sqlite3's amalgamation is generated there: object file names must match)."""
    stock = corpus.build(CORPUS, program, [CLANG, "-O2"], tmp_path)
    stock_objs = {o.name: o.read_bytes() for o in tmp_path.glob(f"{program}.*.o")}
    report = tmp_path / "r.jsonl"
    cc = [CLANG, "-O2", f"-fpass-plugin={plugin}", "-mllvm", "-rl4real-policy=parity",
          "-mllvm", f"-rl4real-report={report}"]
    corpus.build(CORPUS, program, cc, tmp_path)
    objs = {o.name: o.read_bytes() for o in tmp_path.glob(f"{program}.*.o")}
    assert stock_objs and objs.keys() == stock_objs.keys()
    assert [n for n in objs if objs[n] != stock_objs[n]] == []
    records = read_report(report)
    asked = [r for r in records if r["allocator"] == "rl4real"]
    assert len(asked) > 100 and not any(r["fallback"] for r in asked)
    assert sum(r["priority_calls"] for r in asked) > 0 and stock.exists()
