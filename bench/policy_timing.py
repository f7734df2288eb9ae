"""Compile-time cost of the hierarchical policy on the sqlite3 amalgamation at -O2: whole-compile
wall time with the policy (onnxruntime backend, shipped model) divided by stock clang-22 measured
in the same run (interleaved), policy time per function (median, p95) and per model decision,
over the functions of all repeats (each repeat times every function once more).

    python bench/policy_timing.py [--repeat 3] [--policy hierarchical] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rl4real import corpus
from rl4real import report as reports
from rl4real.paths import plugin_path

CORPUS = Path(__file__).parent / "corpus.toml"


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--policy", default="hierarchical")
    ap.add_argument("--backend", default="onnxruntime")
    ap.add_argument("--out", default="bench-results/policy_timing.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (program,) = [p for p in corpus.load_corpus(CORPUS) if p.name == "sqlite3"]
        paths = corpus.prepare_paths(CORPUS.parent.resolve(), program, work)
        sqlite_c = corpus.expand(program.sources, **paths)[0]  # the amalgamation
        base = corpus.compile_command(program, paths, ["clang-22", "-O2"], sqlite_c, work / "s.o")
        plugin = ["-fpass-plugin=" + str(plugin_path()), "-mllvm", f"-rl4real-policy={args.policy}",
                  "-mllvm", f"-rl4real-backend={args.backend}"]
        walls = {"stock": [], "policy": []}
        report_path = work / "report.jsonl"  # one line per function and repeat
        for rep in range(args.repeat):
            for name in ("stock", "policy"):  # interleaved
                cmd = base if name == "stock" else \
                    base[:1] + plugin + ["-mllvm", f"-rl4real-report={report_path}"] + base[1:]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True)
                walls[name].append(time.perf_counter() - t0)
                print(f"{name} #{rep + 1}: {walls[name][-1]:.2f} s", file=sys.stderr, flush=True)
        recs = reports.load(report_path)
    used = [r for r in recs if r["allocator"] == "rl4real" and r["fallback"] is None]
    per_fn = [r["policy_ms"] for r in used]
    per_decision_us = [1000 * r["policy_ms"] / r["decisions"] for r in used if r["decisions"]]
    result = {
        "command": " ".join(["python", "bench/policy_timing.py", *sys.argv[1:]]),
        "policy": args.policy, "backend": args.backend, "repeats": args.repeat,
        "stock_wall_s_median": statistics.median(walls["stock"]),
        "policy_wall_s_median": statistics.median(walls["policy"]),
        "wall_ratio": statistics.median(walls["policy"]) / statistics.median(walls["stock"]),
        "functions_with_policy": len(used) // args.repeat,
        "fallbacks_total_over_repeats": sum(1 for r in recs if r["fallback"] not in (None, "below_min_size")),
        "policy_ms_per_function_median": statistics.median(per_fn),
        "policy_ms_per_function_p95": percentile(per_fn, 0.95),
        "policy_ms_per_compile": sum(per_fn) / args.repeat,
        "decisions": sum(r["decisions"] for r in used) // args.repeat,
        "us_per_decision_overall": 1000 * sum(per_fn) / max(1, sum(r["decisions"] for r in used)),
        "us_per_decision_median_over_functions": statistics.median(per_decision_us) if per_decision_us else None,
        "assigned_share": reports.summarize(used)["assigned_share"],
        "walls": walls,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    for k, v in result.items():
        if k != "walls":
            print(f"{k:40} {v:.3f}" if isinstance(v, float) else f"{k:40} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
