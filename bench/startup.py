"""What the plugin costs a real build, one clang process per file: Lua 5.4 compiled file by file
(`-O2 -c`, sequential, as `make` without -j does) and the sqlite3 amalgamation (one file), stock clang-22
against each policy, interleaved (stock, heuristic, hierarchical, stock, ...) so that machine
drift hits all alike. Wall time of the whole build and the peak memory of its largest process,
medians over the repeats, as ratios to stock measured in the same run. Options reach the plugin
as RL4REAL_* variables, as a build's environment gives them.

    python bench/startup.py [--repeat 5] [--policies heuristic,hierarchical] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rl4real import corpus
from rl4real.paths import plugin_path

CORPUS = Path(__file__).parent / "corpus.toml"


def run(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024


# The builds: a corpus program, and which of its sources (None: all; sqlite3: the amalgamation
# alone, without the shell)
BUILDS = {"lua-files": None, "sqlite3": "sqlite3.c"}


def compiles(name: str, work: Path) -> list[list[str]]:
    """One `clang-22 -O2 -c` command per source file of the build."""
    _, steps = corpus.compiles(CORPUS, name, ["clang-22", "-O2"], work)
    return [cmd for src, _, cmd in steps if BUILDS[name] in (None, src.name)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--policies", default="heuristic,hierarchical")
    ap.add_argument("--builds", default=",".join(BUILDS), help="of: " + ", ".join(BUILDS))
    ap.add_argument("--out", default="bench-results/startup.json")
    args = ap.parse_args()
    plugin = "-fpass-plugin=" + str(plugin_path())
    configs = {"stock": None, **{p: p for p in args.policies.split(",")}}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    result = {"command": " ".join(["python", "bench/startup.py", *sys.argv[1:]]), "builds": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for build in args.builds.split(","):
            work = Path(tmp) / build
            work.mkdir()
            cmds = compiles(build, work)
            walls = {c: [] for c in configs}
            peaks = {c: [] for c in configs}
            for rep in range(args.repeat):
                for name, policy in configs.items():  # interleaved
                    env = dict(base_env)
                    if policy:
                        env["RL4REAL_POLICY"] = policy
                    total, peak = 0.0, 0.0
                    for cmd in cmds:
                        wall, rss = run(cmd[:1] + ([plugin] if policy else []) + cmd[1:], env)
                        total, peak = total + wall, max(peak, rss)
                    walls[name].append(total)
                    peaks[name].append(peak)
                    print(f"{build} {name} #{rep + 1}: {total:.2f} s, {peak:.0f} MiB",
                          file=sys.stderr, flush=True)
            stock_wall, stock_peak = statistics.median(walls["stock"]), statistics.median(peaks["stock"])
            result["builds"][build] = {
                "files": len(cmds),
                "wall_s_median": {c: statistics.median(w) for c, w in walls.items()},
                "wall_ratio": {c: statistics.median(w) / stock_wall for c, w in walls.items()},
                "peak_mib_median": {c: statistics.median(p) for c, p in peaks.items()},
                "peak_ratio": {c: statistics.median(p) / stock_peak for c, p in peaks.items()},
                "walls": walls, "peaks": peaks}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print("| build | files | config | wall s | wall ratio | peak MiB | peak ratio |")
    print("|---|---|---|---|---|---|---|")
    for build, r in result["builds"].items():
        for c in configs:
            print(f"| {build} | {r['files']} | {c} | {r['wall_s_median'][c]:.2f} | "
                  f"{r['wall_ratio'][c]:.3f} | {r['peak_mib_median'][c]:.0f} | {r['peak_ratio'][c]:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
