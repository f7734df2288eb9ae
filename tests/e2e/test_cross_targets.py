"""RL allocation on AArch64 and RISC-V, cross-compiled and run under qemu-user (scripts/setup.sh
installs qemu-user-static and Debian's sysroots): programs built with the plugin print exactly
what the stock build for the same target prints, with the machine verifier on; the policy really
assigns there, with one report line per function; parity is byte-identical to stock greedy.
RISC-V's vector registers are greedy's (its own greedy run); `riscv64-v` builds with the V
extension to show that run and the policy's scalar run side by side."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROGRAMS, read_report
from rl4real import corpus, spec, targets
from rl4real.targets import Target

AARCH64, RISCV64, RISCV64V = (targets.get(n) for n in ("aarch64", "riscv64", "riscv64-v"))
TARGETS = [AARCH64, RISCV64]
DEFAULT = spec.OPTIONS_BY_KEY["policy"].default
POLICIES = [DEFAULT, "hierarchical", "random-split"]
PROGS = sorted(PROGRAMS.glob("*.c"))
CORPUS = PROGRAMS.parent / "corpus.toml"
WORKLOAD = PROGRAMS.parent / "workloads" / "sqlite.sql"
ids = lambda ts: [t.name for t in ts]  # noqa: E731


@pytest.fixture(scope="module", autouse=True)
def cross_tools():
    problems = [t.missing() for t in (AARCH64, RISCV64)]
    assert not any(problems), problems


def cc(t: Target, plugin=None, policy=None, report=None) -> list[str]:
    """clang-22 for target t; with a policy, the plugin and the machine verifier. random-split
    gets a budget of 200 splits per function: the graph is rebuilt after each split, so at
    1000 the largest functions of Lua and sqlite3 (4000-5000 ranges) take about a minute here
    and hit the policy's time budget."""
    cmd = t.compiler("-w")
    if policy:
        cmd += [f"-fpass-plugin={plugin}", "-mllvm", f"-rl4real-policy={policy}",
                "-mllvm", f"-rl4real-report={report}", "-mllvm", "-verify-machineinstrs"]
        if policy == "random-split":
            cmd += ["-mllvm", "-rl4real-split-budget=200"]
    return cmd


def build(t: Target, cmd: list[str], src: Path, exe: Path, *extra: str) -> Path:
    subprocess.run([*cmd, *t.link, *extra, str(src), "-o", str(exe), "-lm"], check=True)
    return exe


def run(t: Target, exe, *args, timeout=600, **kw) -> str:
    r = subprocess.run([*t.runner, str(exe), *args], capture_output=True, text=True,
                       timeout=timeout, **kw)
    return f"exit {r.returncode}\n{r.stdout}"


def check_report(report, policy, t: Target):
    """One line per function, every one for t; the policy was asked, never failed, assigned most
    ranges (never silently nothing), split only when it splits, and on RISC-V was offered no
    vector register class (those are greedy's run)."""
    recs = read_report(report)
    assert recs and all(r["target"].startswith(t.arch) for r in recs)
    keys = [(r["file"], r["function"]) for r in recs]
    assert len(keys) == len(set(keys)), "a function reported twice"
    asked = [r for r in recs if r["allocator"] == "rl4real"]
    assert asked and not any(r["fallback"] for r in asked)
    assert sum(r["assigned"] for r in asked) / sum(r["nodes"] for r in asked) > 0.3
    assert (sum(r["split"] for r in asked) > 0) == (policy == "random-split")
    classes = {c for r in asked for c in r["reg_classes"].split(",")}
    if t.arch == "riscv64":
        assert classes and all(c.startswith(("GPR", "FPR")) for c in classes), classes


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    """Each target's stock build of our programs: what it prints."""
    out = {}
    for t in (*TARGETS, RISCV64V):
        d = tmp_path_factory.mktemp(f"stock-{t.name}")
        out[t] = {src.stem: run(t, build(t, cc(t), src, d / src.stem)) for src in PROGS}
    return out


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("t", [*TARGETS, RISCV64V], ids=ids([*TARGETS, RISCV64V]))
def test_our_programs_match_stock(plugin, tmp_path, stock, t, policy):
    report = tmp_path / "r.jsonl"
    for src in PROGS:
        exe = build(t, cc(t, plugin, policy, report), src, tmp_path / src.stem)
        assert run(t, exe) == stock[t][src.stem], src.name
    check_report(report, policy, t)


def test_vector_code_is_vector_on_riscv64_v(tmp_path):
    """The V build really has vector code (else the test above proves nothing about it)."""
    (src,) = [p for p in PROGS if p.stem == "matmul"]
    asm = subprocess.run([*cc(RISCV64V), "-S", str(src), "-o", "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "vsetvli" in asm


@pytest.mark.parametrize("t", TARGETS, ids=ids(TARGETS))
def test_parity_is_stock_greedy(plugin, tmp_path, t):
    for src in PROGS:
        a, b = tmp_path / "stock.o", tmp_path / "parity.o"
        subprocess.run([*cc(t), "-c", str(src), "-o", str(a)], check=True)
        subprocess.run([*cc(t, plugin, "parity", tmp_path / "r.jsonl"), "-c", str(src), "-o", str(b)],
                       check=True)
        assert a.read_bytes() == b.read_bytes(), src.name


CSMITH_PROGRAMS = 30


@pytest.mark.slow
@pytest.mark.parametrize("t", TARGETS, ids=ids(TARGETS))
def test_csmith_matches_stock(plugin, tmp_path, t):
    """The first 30 csmith seeds whose stock build runs under qemu in 10 s, each built with the
    three policies."""
    done, mismatches = 0, []
    for seed in range(1, 61):
        if done == CSMITH_PROGRAMS:
            break
        src = tmp_path / f"s{seed}.c"
        src.write_text(subprocess.run(["csmith", "--seed", str(seed)], capture_output=True,
                                      text=True, check=True).stdout)
        inc = "-I/usr/include/csmith"
        try:
            expected = run(t, build(t, cc(t), src, tmp_path / "ref", inc), timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if "checksum" not in expected:
            continue
        done += 1
        for policy in POLICIES:
            exe = build(t, cc(t, plugin, policy, tmp_path / f"{policy}.jsonl"), src,
                        tmp_path / policy, inc)
            if run(t, exe) != expected:
                mismatches.append(f"{src.name} {policy}")
    assert done == CSMITH_PROGRAMS and mismatches == []
    for policy in POLICIES:
        check_report(tmp_path / f"{policy}.jsonl", policy, t)


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("t", TARGETS, ids=ids(TARGETS))
def test_lua_passes_its_own_test_suite(plugin, tmp_path, t, policy):
    report = tmp_path / "r.jsonl"
    lua = corpus.build(CORPUS, "lua", cc(t, plugin, policy, report), tmp_path, t.link)
    testes = tmp_path / "testes"
    shutil.copytree(corpus.lua_dir() / "testes", testes)
    out = run(t, lua, "-e_U=true", "all.lua", cwd=testes)
    assert out.startswith("exit 0") and "final OK" in out, out[-2000:]
    check_report(report, policy, t)


def sqlite_output(t: Target, shell: Path) -> bytes:
    r = subprocess.run([*t.runner, str(shell), ":memory:"], stdin=WORKLOAD.open("rb"),
                       capture_output=True, timeout=1200)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


@pytest.fixture(scope="module")
def sqlite_stock(tmp_path_factory):
    """Each target's stock sqlite3 shell on the workload, built on first use."""
    cache = {}

    def get(t: Target) -> bytes:
        if t not in cache:
            d = tmp_path_factory.mktemp(f"sqlite-{t.name}")
            cache[t] = sqlite_output(t, corpus.build(CORPUS, "sqlite3", cc(t), d, t.link, jobs=2))
        return cache[t]
    return get


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("t", TARGETS, ids=ids(TARGETS))
def test_sqlite_shell_matches_stock(plugin, tmp_path, sqlite_stock, t, policy):
    expected = sqlite_stock(t)
    assert b"integrity_check" in expected and len(expected) > 2000
    report = tmp_path / "r.jsonl"
    shell = corpus.build(CORPUS, "sqlite3", cc(t, plugin, policy, report), tmp_path, t.link, jobs=2)
    assert sqlite_output(t, shell) == expected
    check_report(report, policy, t)
