"""rl4real.targets: how each target is built and run from this machine (the flags and runner that
bench, training and the cross tests share)."""

import platform

import pytest

from rl4real import targets


def test_cross_targets_build_with_their_triple_and_run_under_qemu(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    a64 = targets.get("aarch64")
    assert a64.cc == ["--target=aarch64-linux-gnu"] and not a64.native
    assert a64.link == ("--target=aarch64-linux-gnu", "-fuse-ld=lld")
    assert a64.runner == ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"]
    assert a64.compiler("-w")[1:] == ["--target=aarch64-linux-gnu", "-O2", "-w"]
    v = targets.get("riscv64-v")
    assert v.cc[-1] == "-march=rv64gcv" and v.runner[:3] == ["qemu-riscv64-static", "-cpu", "rv64,v=true"]


def test_the_host_target_is_the_stock_command(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    host = targets.host()
    assert host.name == "x86_64" and host.cc == [] and host.link == () and host.runner == []
    assert host.missing() is None
    monkeypatch.setattr(platform, "machine", lambda: "aarch64")  # on an arm64 machine
    assert targets.host().name == "aarch64" and not targets.get("x86_64").native
    monkeypatch.setattr(platform, "machine", lambda: "sparc64")
    with pytest.raises(ValueError, match="this machine is sparc64"):
        targets.host()


def test_names_are_checked():
    assert targets.get(" riscv64").name == "riscv64"
    with pytest.raises(ValueError, match="unknown target 'sparc': one of x86_64, aarch64"):
        targets.get("sparc")
