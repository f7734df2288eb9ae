"""Size guards under load: a generated function with N simultaneously live values (every pair
interferes, ~2N^2 edges with the copies) compiled by stock clang-22 and with the plugin's
policies. Prints wall time and peak memory of each compile as ratios to stock in the same run,
what the report says happened to the function, and whether the program prints what the stock
build prints.

    python bench/huge_functions.py [--values 1000 5000 20000] [--policies heuristic hierarchical]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rl4real.paths import plugin_path
from rl4real.synthetic import live_values_program


def compile_once(src: Path, obj: Path, env: dict, plugin: str | None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one `clang-22 -O2 -c` (cc1 runs in the driver's
    process, so the driver's peak is the compiler's)."""
    cmd = ["clang-22", "-O2", "-c", str(src), "-o", str(obj)]
    if plugin:
        cmd.insert(1, f"-fpass-plugin={plugin}")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"compile failed: {' '.join(cmd)}\n{stderr.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def run(exe: Path) -> str:
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True, timeout=600).stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--values", type=int, nargs="+", default=[1000, 5000, 20000])
    ap.add_argument("--policies", nargs="+", default=["heuristic", "hierarchical"])
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args()
    plugin = str(plugin_path())
    base = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in args.values:
            src = work / f"live{n}.c"
            src.write_text(live_values_program(n))
            stock_wall, stock_mib = compile_once(src, work / "stock.o", base, None)
            subprocess.run(["clang-22", str(work / "stock.o"), "-o", str(work / "stock")], check=True)
            expected = run(work / "stock")
            print(f"{n:>6} values  stock         {stock_wall:7.1f} s {stock_mib:7.0f} MiB", flush=True)
            for policy in args.policies:
                report = work / f"{policy}{n}.jsonl"
                env = {**base, "RL4REAL_POLICY": policy, "RL4REAL_REPORT": str(report)}
                wall, mib = compile_once(src, work / "rl.o", env, plugin)
                subprocess.run(["clang-22", str(work / "rl.o"), "-o", str(work / "rl")], check=True)
                correct = run(work / "rl") == expected
                f = next(json.loads(line) for line in report.read_text().splitlines()
                         if json.loads(line)["function"] == "f")
                what = f["fallback"] or f["degraded"] or "policy"
                rows.append({"values": n, "policy": policy, "edges": f["edges"], "outcome": what,
                             "wall_s": round(wall, 2), "peak_mib": round(mib),
                             "wall_ratio": round(wall / stock_wall, 2),
                             "memory_ratio": round(mib / stock_mib, 2), "correct": correct,
                             "stock_wall_s": round(stock_wall, 2), "stock_peak_mib": round(stock_mib)})
                print(f"{n:>6} values  {policy:<13} {wall:7.1f} s {mib:7.0f} MiB  "
                      f"x{wall / stock_wall:.2f} time x{mib / stock_mib:.2f} memory  "
                      f"edges {f['edges']:>9}  {what[:60]}  {'correct' if correct else 'WRONG OUTPUT'}",
                      flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if all(r["correct"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
