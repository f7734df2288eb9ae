"""Allocation score per target: every corpus program compiled for x86-64 and for AArch64 with
stock greedy and with each policy (the report's per-function scores summed), as ratios to greedy
on the same target. Compile only: run cost under qemu is not counted (callgrind counts native
programs only; issue 14's `rl4real bench --target` is not built yet).

    python bench/target_scores.py [--policies heuristic,hierarchical] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from rl4real import corpus
from rl4real.paths import plugin_path

CORPUS = Path(__file__).parent / "corpus.toml"
TARGETS = ["x86_64-linux-gnu", "aarch64-linux-gnu"]


def score(program, target: str, policy: str | None, work: Path) -> float:
    report = work / f"{policy or 'greedy'}.jsonl"
    report.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    env["RL4REAL_REPORT"] = str(report)
    env.update({"RL4REAL_POLICY": policy} if policy else {"RL4REAL_ENABLE": "0"})
    cc = ["clang-22", f"--target={target}", "-O2", f"-fpass-plugin={plugin_path()}"]
    for _, _, cmd in corpus.compiles(CORPUS, program.name, cc, work)[1]:
        subprocess.run(cmd, env=env, check=True)
    return sum(json.loads(line)["score"] for line in report.read_text().splitlines())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--policies", default="heuristic,hierarchical")
    ap.add_argument("--out", default="bench-results/target_scores.json")
    args = ap.parse_args()
    policies = [None, *args.policies.split(",")]
    names = ["greedy", *policies[1:]]
    programs = [p for p in corpus.load_corpus(CORPUS) if p.name != "lua-files"]  # lua: onelua.c
    result = {"command": " ".join(["python", "bench/target_scores.py", *sys.argv[1:]]), "targets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for target in TARGETS:
            per = {}
            for p in programs:
                work = Path(tmp) / target / p.name
                work.mkdir(parents=True)
                per[p.name] = dict(zip(names, (score(p, target, pol, work) for pol in policies)))
                print(f"{target} {p.name}: " + ", ".join(f"{n} {v / per[p.name]['greedy']:.4f}"
                                                      for n, v in per[p.name].items()), file=sys.stderr)
            total = {n: sum(v[n] for v in per.values()) / sum(v["greedy"] for v in per.values())
                     for n in names}
            result["targets"][target] = {"scores": per, "total_ratio": total}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print("| target | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for target, r in result["targets"].items():
        print(f"| {target} | " + " | ".join(f"{r['total_ratio'][n]:.4f}" for n in names) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
