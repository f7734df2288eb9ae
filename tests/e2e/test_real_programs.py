"""Differential correctness on real programs fetched by package name at test time: Lua 5.4 and its
official test suite, the sqlite3 shell on a SQL workload, csmith random programs. With the
heuristic policy, the random policy and the random-split policy (splits at random legal points:
200 per function in Lua and sqlite3, 1000 in csmith's programs): one seed of each for Lua and
sqlite3, two for csmith; -verify-machineinstrs with random splits and csmith."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CLANG, read_report
from rl4real import corpus

pytestmark = pytest.mark.slow

CONFIGS = [("heuristic", 0), ("random", 1), ("random", 2), ("random-split", 1), ("random-split", 2)]
CONFIG_IDS = [f"{p}-{s}" for p, s in CONFIGS]
# Lua and sqlite3 take half a minute per build: one seed of each random policy (csmith's 30
# small programs get all five configurations)
BIG = [c for c in CONFIGS if c[1] < 2]
BIG_IDS = [f"{p}-{s}" for p, s in BIG]
CORPUS = Path(__file__).parents[2] / "bench" / "corpus.toml"  # how Lua and sqlite3 are built
WORKLOAD = CORPUS.parent / "workloads" / "sqlite.sql"


def rl_cc(plugin, policy, seed, report, verify=False, splits=1000):
    """The compiler command. The machine verifier (it nearly doubles a compile) where it finds
    bugs: after random splits, and on csmith's random programs. random-split gets `splits`
    splits per function; Lua and sqlite3 get 200: the graph is rebuilt after each split, so at
    1000 their largest functions (4000-5000 ranges) take 30-60 s and, on a loaded machine, hit
    the policy's 60 s time budget."""
    budget = splits if policy == "random-split" else 0
    verify = ["-mllvm", "-verify-machineinstrs"] if verify or policy == "random-split" else []
    return [CLANG, "-O2", f"-fpass-plugin={plugin}", *verify,
            "-mllvm", f"-rl4real-policy={policy}", "-mllvm", f"-rl4real-seed={seed}",
            "-mllvm", f"-rl4real-report={report}", "-mllvm", f"-rl4real-split-budget={budget}"]


def assigned_share(report) -> float:
    """Share of live ranges the policy assigned and greedy kept (checks that nothing fell back)."""
    recs = [r for r in read_report(report) if r["fallback"] != "below_min_size"]
    assert recs and not any(r["fallback"] for r in recs), [r["fallback"] for r in recs if r["fallback"]]
    return sum(r["assigned"] for r in recs) / sum(r["nodes"] for r in recs)


def check_splits(report, policy):
    splits = sum(r["split"] for r in read_report(report))
    assert (splits > 0) == (policy == "random-split"), splits


@pytest.mark.parametrize("policy,seed", BIG, ids=BIG_IDS)
def test_lua_passes_its_own_test_suite(plugin, tmp_path, policy, seed):
    report = tmp_path / "r.jsonl"
    lua = corpus.build(CORPUS, "lua", rl_cc(plugin, policy, seed, report, splits=200), tmp_path)
    testes = tmp_path / "testes"
    shutil.copytree(corpus.lua_dir() / "testes", testes)
    r = subprocess.run([str(lua), "-e_U=true", "all.lua"], cwd=testes, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0 and "final OK" in r.stdout, r.stdout[-2000:] + r.stderr[-2000:]
    assert assigned_share(report) > 0.3
    check_splits(report, policy)


@pytest.fixture(scope="module")
def sqlite_reference(tmp_path_factory):
    d = tmp_path_factory.mktemp("sqlite-stock")
    shell = corpus.build(CORPUS, "sqlite3", [CLANG, "-O2"], d)
    return run_workload(shell, d)


def run_workload(shell, d) -> bytes:
    db = d / "w.db"
    db.unlink(missing_ok=True)
    r = subprocess.run([str(shell), str(db)], stdin=WORKLOAD.open("rb"), capture_output=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.mark.parametrize("policy,seed", BIG, ids=BIG_IDS)
def test_sqlite_shell_matches_stock(plugin, tmp_path, sqlite_reference, policy, seed):
    assert b"integrity_check" in sqlite_reference and len(sqlite_reference) > 2000
    report = tmp_path / "r.jsonl"
    shell = corpus.build(CORPUS, "sqlite3", rl_cc(plugin, policy, seed, report, splits=200), tmp_path)
    assert run_workload(shell, tmp_path) == sqlite_reference
    assert assigned_share(report) > 0.3
    check_splits(report, policy)


CSMITH_PROGRAMS = 30
CSMITH_SEEDS = range(1, 41)  # fixed: the programs are the same on every machine


@pytest.fixture(scope="module")
def csmith_programs(tmp_path_factory):
    """(source, stock checksum) of the first 30 seeds whose stock build runs in 5 s."""
    d = tmp_path_factory.mktemp("csmith")
    progs = []
    for seed in CSMITH_SEEDS:
        if len(progs) == CSMITH_PROGRAMS:
            break
        src = d / f"s{seed}.c"
        src.write_text(subprocess.run(["csmith", "--seed", str(seed)], capture_output=True,
                                      text=True, check=True).stdout)
        exe = d / f"s{seed}"
        subprocess.run([CLANG, "-O2", "-w", "-I/usr/include/csmith", str(src), "-o", str(exe)],
                       check=True)
        try:
            r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=5)
        except subprocess.TimeoutExpired:
            continue
        if r.returncode == 0 and "checksum" in r.stdout:
            progs.append((src, r.stdout))
    assert len(progs) >= CSMITH_PROGRAMS, f"only {len(progs)} of csmith's seeds {CSMITH_SEEDS} run in 5 s"
    return progs


@pytest.mark.parametrize("policy,seed", CONFIGS, ids=CONFIG_IDS)
def test_csmith_checksums_match_stock(plugin, tmp_path, csmith_programs, policy, seed):
    report = tmp_path / "r.jsonl"
    mismatches = []
    for src, expected in csmith_programs:
        exe = tmp_path / src.stem
        subprocess.run(rl_cc(plugin, policy, seed, report, verify=True) + ["-w", "-I/usr/include/csmith",
                       str(src), "-o", str(exe)], check=True)
        r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
        if r.stdout != expected:
            mismatches.append(src.name)
    assert mismatches == []
    assert assigned_share(report) > 0.3
    check_splits(report, policy)
