"""How much run cost greedy's advisors can give: for each program, every function compiled with
`random-advice` under N seeds; per function the seed with the lowest `est_cost` (the report's
frequency-weighted instruction count) is kept when it beats greedy's by 0.1%; the program built
with those choices (the rest is stock greedy) is run under callgrind against stock greedy.
An upper bound of a search, not a policy: no other program is involved, so read it as what
the advice channel holds, not as what a learned policy gets.

    python bench/advice_headroom.py [--programs lua-files,interp] [--seeds 12] [--out FILE.json]

This file is also the policy of the combined build (RL4REAL_POLICY=bench/advice_headroom.py):
it applies the chosen seed of each function, named in the JSON file ADVICE_HEADROOM_CHOICE.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
from pathlib import Path

from rl4real import corpus, runcost
from rl4real import report as reports
from rl4real.paths import plugin_path
from rl4real.policies.random_advice import RandomAdvicePolicy
from rl4real.progress import Progress

CORPUS = Path(__file__).parent / "corpus.toml"
KEEP = 0.999  # a seed is kept when its est_cost is below this share of greedy's


def policy(session):  # the combined build: each function's chosen seed, else greedy's own
    choice = _choice()
    if session.function in choice:
        RandomAdvicePolicy(seed=choice[session.function]).allocate(session)


@functools.cache
def _choice() -> dict:  # read once per compiler process
    return json.loads(Path(os.environ["ADVICE_HEADROOM_CHOICE"]).read_text())


def build(program: str, work: Path, env: dict) -> tuple:
    """Builds `program` in work/ (two compiles at a time); the executable and its per-function
    est_cost."""
    report = work / "report.jsonl"
    report.unlink(missing_ok=True)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")},
           **env, "RL4REAL_REPORT": str(report)}
    cc = [corpus.CLANG, "-O2", f"-fpass-plugin={plugin_path()}"]
    exe = corpus.build(CORPUS, program, cc, work, env=env, jobs=2)
    return exe, reports.per_function(reports.load(report), "est_cost")


def run_cost(p, exe: Path) -> tuple[dict, bytes]:
    m = runcost.measure(p, exe, CORPUS.parent)
    return runcost.instructions(m["own"]), m["stdout"]


def headroom(program: str, seeds: int, work: Path, progress: Progress) -> dict:
    (p,) = [q for q in corpus.load_corpus(CORPUS) if q.name == program]
    greedy_exe, greedy_est = build(program, work / "greedy", {"RL4REAL_ENABLE": "0"})
    progress.step(f"{program}: greedy")
    best: dict[str, tuple[float, int]] = {}
    for s in range(seeds):
        _, est = build(program, work / f"seed{s}",
                          {"RL4REAL_POLICY": "random-advice", "RL4REAL_SEED": str(s)})
        for fn, cost in est.items():
            if cost < best.get(fn, (greedy_est.get(fn, 0) * KEEP, -1))[0]:
                best[fn] = (cost, s)
        progress.step(f"{program}: seed {s}")
    choice_file = work / "choice.json"
    choice_file.write_text(json.dumps({fn: s for fn, (_, s) in best.items()}))
    exe, est = build(program, work / "combined", {"RL4REAL_POLICY": str(Path(__file__).resolve()),
                                                     "ADVICE_HEADROOM_CHOICE": str(choice_file)})
    greedy_ir, greedy_out = run_cost(p, greedy_exe)
    ir, out = run_cost(p, exe)
    progress.step(f"{program}: combined, run")
    moved = {fn: ir.get(fn, 0) / n for fn, n in greedy_ir.items()
             if n >= 0.01 * sum(greedy_ir.values()) and ir.get(fn, 0) != n}
    return {"functions_changed": len(best), "output_ok": out == greedy_out,
            "est_cost_ratio": sum(est.values()) / sum(greedy_est.values()),
            "own_instructions_ratio": sum(ir.values()) / sum(greedy_ir.values()),
            "hot_functions_moved": dict(sorted(moved.items(), key=lambda kv: kv[1]))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--programs", default=",".join(p.name for p in corpus.load_corpus(CORPUS)
                                                   if p.split == "train"))
    ap.add_argument("--seeds", type=int, default=12)
    ap.add_argument("--out", default="bench-results/advice_headroom.json")
    args = ap.parse_args()
    programs = args.programs.split(",")
    result = {"command": " ".join(["python", "bench/advice_headroom.py", *sys.argv[1:]]), "programs": {}}
    progress = Progress(len(programs) * (args.seeds + 2))
    with tempfile.TemporaryDirectory() as tmp:
        for name in programs:
            r = result["programs"][name] = headroom(name, args.seeds, Path(tmp) / name, progress)
            print(f"{name}: own instructions {r['own_instructions_ratio']:.4f}, est_cost "
                  f"{r['est_cost_ratio']:.4f}, {r['functions_changed']} functions, output "
                  f"{'ok' if r['output_ok'] else 'DIFFERS'}", file=sys.stderr)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0 if all(r["output_ok"] for r in result["programs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
