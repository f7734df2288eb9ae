"""Run cost per function, from callgrind's output: instructions executed in each function's own
code (self cost, calls excluded), so that a change in one function is credited to that function.
Deterministic, unlike wall time."""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from pathlib import Path


def function_costs(path: str | Path, objects: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:
    """{function: {event: self cost}} from a callgrind output file. With `objects`, only functions
    of those object files (paths as callgrind writes them, e.g. the program's executable): the
    program's own code, not libc's. Functions of the same name in one object are summed, and so
    are the recursion levels callgrind tells apart ("f'2")."""
    events: list[str] = []
    names: dict[str, dict[str, str]] = {"ob": {}, "fn": {}}
    ob = fn = ""
    costs: dict[str, list[int]] = {}
    after_call = False

    def resolve(kind: str, value: str) -> str:
        # name compression: "(id) name" defines id, "(id)" refers to it
        if value.startswith("("):
            ident, _, name = value.partition(")")
            name = name.strip()
            if name:
                names[kind][ident] = name
            return names[kind].get(ident, name)
        return value

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("ob="):
                ob = resolve("ob", line[3:])
            elif line.startswith("fn="):
                fn = resolve("fn", line[3:])
            elif line.startswith("cob="):
                resolve("ob", line[4:])
            elif line.startswith("cfn="):
                resolve("fn", line[4:])
            elif line.startswith("calls="):
                after_call = True  # the next cost line is the call's inclusive cost
            elif line[0].isdigit() or line[0] in "+-*":
                if after_call:
                    after_call = False
                    continue
                if objects and ob not in objects:
                    continue
                values = line.split()[1:]
                acc = costs.setdefault(fn, [0] * len(events))
                for i, v in enumerate(values[:len(events)]):
                    acc[i] += int(v)
    merged: dict[str, list[int]] = {}
    for name, c in costs.items():
        # a recursive function's deeper levels are "name'2", "name'3", ...: the same code
        base = name.rpartition("'")[0] if name.rpartition("'")[2].isdigit() else name
        acc = merged.setdefault(base, [0] * len(events))
        for i, v in enumerate(c):
            acc[i] += v
    return {name: dict(zip(events, c)) for name, c in merged.items()}


def measure(program, exe: Path, bench_dir: Path, cache_sim: bool = False) -> dict:
    """Runs a corpus program's workload under callgrind: {"stdout": bytes, "all": costs of every
    function, "own": costs of the program's own functions} (function_costs)."""
    from .corpus import expand, run_command
    if shutil.which("valgrind") is None:
        raise RuntimeError("run cost needs valgrind, which is not on PATH (apt-get install valgrind; "
                           "scripts/setup.sh installs it)")
    paths = {"bench": bench_dir}
    exe = Path(exe).resolve()  # the workload runs in a scratch folder
    stdin = expand([program.stdin], **paths)[0] if program.stdin else "/dev/null"
    with open(stdin, "rb") as stdin, tempfile.TemporaryDirectory() as cwd:
        out = Path(cwd) / "callgrind.out"
        # symbol names as the compiler has them (C++'s mangled), so that costs match functions
        r = subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no",
                            *(["--cache-sim=yes"] if cache_sim else []),
                            f"--callgrind-out-file={out}", *run_command(program, exe, paths)],
                           stdin=stdin, capture_output=True, cwd=cwd, timeout=3600)
        if r.returncode != 0:
            tail = r.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            raise RuntimeError(f"{program.name}'s workload exited {r.returncode} under callgrind "
                               f"({exe}): {tail[0]}")
        return {"stdout": r.stdout, "all": function_costs(out),
                "own": function_costs(out, objects=(str(exe),))}


def instructions(costs: dict[str, dict[str, int]]) -> dict[str, int]:
    """{function: instructions executed} of the functions that ran, from function_costs."""
    return {fn: c["Ir"] for fn, c in costs.items() if c.get("Ir")}


def correlation(xs: list[float], ys: list[float]) -> float:
    """Pearson's r (NaN for fewer than three points or no variation)."""
    n = len(xs)
    if n < 3:
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan
