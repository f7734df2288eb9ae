"""The targets rl4real allocates for, and how to build and run programs for each from this
machine: native x86-64, and AArch64 and RISC-V 64 cross-compiled by the same clang-22 (Debian's
sysroots, lld) and run under qemu-user. Benchmarks, training and tests take their flags here."""

from __future__ import annotations

import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from .corpus import CLANG


@dataclass(frozen=True)
class Target:
    name: str                         # what --target / --targets take
    triple: str                       # clang's --target
    march: tuple[str, ...] = ()       # extra -march flags (e.g. RISC-V's V extension)
    qemu_cpu: tuple[str, ...] = ()    # qemu-user's -cpu for those

    @property
    def arch(self) -> str:
        return self.triple.split("-")[0]

    @property
    def native(self) -> bool:
        return self.arch == platform.machine() and not self.march

    @property
    def cc(self) -> list[str]:
        """Compile flags (empty for the machine's own target: the stock command stays as it is)."""
        return [] if self.native else [f"--target={self.triple}", *self.march]

    def compiler(self, *flags: str) -> list[str]:
        """clang-22 -O2 for this target, then flags (the plugin's, a benchmark configuration's)."""
        return [CLANG, *self.cc, "-O2", *flags]

    @property
    def link(self) -> tuple[str, ...]:
        return () if self.native else (*self.cc, "-fuse-ld=lld")

    @property
    def runner(self) -> list[str]:
        """What runs a program built for this target here (nothing for native)."""
        if self.native:
            return []
        return [f"qemu-{self.arch}-static", *self.qemu_cpu, "-L", f"/usr/{self.triple}"]

    def missing(self) -> str | None:
        """Why programs for this target cannot be built and run here, or None."""
        if self.native:
            return None
        tools = [t for t in (self.runner[0], "ld.lld-22") if not shutil.which(t)]
        if tools or not Path(f"/usr/{self.triple}/lib").is_dir():
            return (f"{self.name}: missing {', '.join(tools) or f'the sysroot /usr/{self.triple}'} "
                    "(scripts/setup.sh installs qemu-user-static, lld-22 and Debian's sysroots)")
        return None


TARGETS = {t.name: t for t in (
    Target("x86_64", "x86_64-linux-gnu"),
    Target("aarch64", "aarch64-linux-gnu"),
    Target("riscv64", "riscv64-linux-gnu"),
    Target("riscv64-v", "riscv64-linux-gnu", ("-march=rv64gcv",), ("-cpu", "rv64,v=true")),
)}


def host() -> Target:
    """This machine's own target (the default of `bench --target` and `train --targets`)."""
    for t in TARGETS.values():
        if t.native:
            return t
    raise ValueError(f"rl4real allocates for {', '.join(TARGETS)}; this machine is "
                     f"{platform.machine()}")


def get(name: str = "") -> Target:
    """The target of that name; "" is this machine's."""
    name = name.strip()
    if not name:
        return host()
    if name not in TARGETS:
        raise ValueError(f"unknown target {name!r}: one of {', '.join(TARGETS)}")
    return TARGETS[name]


def parse(names: str) -> list[Target]:
    """A comma-separated list of target names ("": this machine's)."""
    return [get(n) for n in names.split(",")] if names.strip() else [host()]
