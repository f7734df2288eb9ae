"""RL allocation on AArch64, cross-compiled and run under qemu-user (scripts/setup.sh installs
qemu-user-static and Debian's arm64 sysroot): programs built with the plugin print exactly what
the stock AArch64 build prints, the policy really assigns there, and parity is byte-identical.
RISC-V is not handled yet (tests/e2e/test_plugin.py checks that the plugin stays out of it)."""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CLANG, PROGRAMS, read_report
from rl4real import corpus

TARGET = ["--target=aarch64-linux-gnu"]
LINK = (*TARGET, "-fuse-ld=lld")
QEMU = ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"]
PROGS = sorted(PROGRAMS.glob("*.c"))
POLICIES = ["heuristic", "hierarchical", "random-split"]
CORPUS = PROGRAMS.parent / "corpus.toml"


@pytest.fixture(scope="module", autouse=True)
def cross_tools():
    missing = [t for t in ("qemu-aarch64-static", "ld.lld-22") if not shutil.which(t)]
    assert not missing and Path("/usr/aarch64-linux-gnu/lib").is_dir(), \
        f"missing {missing or 'the arm64 sysroot'}: run scripts/setup.sh"


def cc(plugin=None, policy=None, report=None):
    """clang-22 for AArch64; with a policy, the plugin (random-split with a split budget and the
    machine verifier)."""
    cmd = [CLANG, *TARGET, "-O2", "-w"]
    if policy:
        cmd += [f"-fpass-plugin={plugin}", "-mllvm", f"-rl4real-policy={policy}",
                "-mllvm", f"-rl4real-report={report}"]
        if policy == "random-split":
            cmd += ["-mllvm", "-rl4real-split-budget=1000", "-mllvm", "-verify-machineinstrs"]
    return cmd


def run(exe, *args, timeout=600, **kw) -> str:
    r = subprocess.run([*QEMU, str(exe), *args], capture_output=True, text=True, timeout=timeout, **kw)
    return f"exit {r.returncode}\n{r.stdout}"


def check_report(report, policy):
    """Every line is an AArch64 function; the policy was asked and assigned most ranges."""
    recs = read_report(report)
    assert recs and all(r["target"].startswith("aarch64") for r in recs)
    asked = [r for r in recs if r["allocator"] == "rl4real"]
    assert asked and not any(r["fallback"] for r in asked)
    assert sum(r["assigned"] for r in asked) / sum(r["nodes"] for r in asked) > 0.3
    assert (sum(r["split"] for r in asked) > 0) == (policy == "random-split")


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    d = tmp_path_factory.mktemp("a64-stock")
    out = {}
    for src in PROGS:
        subprocess.run([*cc(), *LINK[1:], str(src), "-o", str(d / src.stem), "-lm"], check=True)
        out[src.stem] = run(d / src.stem)
    return out


@pytest.mark.parametrize("policy", POLICIES)
def test_our_programs_match_stock_on_aarch64(plugin, tmp_path, stock, policy):
    report = tmp_path / "r.jsonl"
    for src in PROGS:
        exe = tmp_path / src.stem
        subprocess.run([*cc(plugin, policy, report), *LINK[1:], str(src), "-o", str(exe), "-lm"],
                       check=True)
        assert run(exe) == stock[src.stem], src.name
    check_report(report, policy)


def test_parity_is_stock_greedy_on_aarch64(plugin, tmp_path):
    for src in PROGS:
        a, b = tmp_path / "stock.o", tmp_path / "parity.o"
        subprocess.run([*cc(), "-c", str(src), "-o", str(a)], check=True)
        subprocess.run([*cc(plugin, "parity", tmp_path / "r.jsonl"), "-c", str(src), "-o", str(b)],
                       check=True)
        assert a.read_bytes() == b.read_bytes(), src.name


CSMITH_PROGRAMS = 30


@pytest.mark.slow
@pytest.mark.parametrize("policy", POLICIES)
def test_csmith_matches_stock_on_aarch64(plugin, tmp_path, policy):
    """The first 30 csmith seeds whose stock AArch64 build runs under qemu in 10 s."""
    report, done, mismatches = tmp_path / "r.jsonl", 0, []
    for seed in range(1, 61):
        if done == CSMITH_PROGRAMS:
            break
        src = tmp_path / f"s{seed}.c"
        src.write_text(subprocess.run(["csmith", "--seed", str(seed)], capture_output=True,
                                      text=True, check=True).stdout)
        ref, exe = tmp_path / f"ref{seed}", tmp_path / f"s{seed}"
        subprocess.run([*cc(), *LINK[1:], "-I/usr/include/csmith", str(src), "-o", str(ref)], check=True)
        try:
            expected = run(ref, timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if "checksum" not in expected:
            continue
        done += 1
        subprocess.run([*cc(plugin, policy, report), *LINK[1:], "-I/usr/include/csmith", str(src),
                        "-o", str(exe)], check=True)
        if run(exe) != expected:
            mismatches.append(src.name)
    assert done == CSMITH_PROGRAMS and mismatches == []
    check_report(report, policy)


@pytest.mark.slow
def test_lua_passes_its_own_test_suite_on_aarch64(plugin, tmp_path):
    report = tmp_path / "r.jsonl"
    lua = corpus.build(CORPUS, "lua", cc(plugin, "heuristic", report), tmp_path, LINK)
    testes = tmp_path / "testes"
    shutil.copytree(corpus.lua_dir() / "testes", testes)
    out = run(lua, "-e_U=true", "all.lua", cwd=testes)
    assert out.startswith("exit 0") and "final OK" in out, out[-2000:]
    check_report(report, "heuristic")
