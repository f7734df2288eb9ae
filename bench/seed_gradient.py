"""Issue 13 probe: can the wins `rl4real tune` finds with random advice be learned? One
evolution-strategies step from parity with per-function credit: each random-advice seed scales
every range's queue priority by exp(eps), eps ~ N(0, 0.7), and its gain in a function is that
function's own instructions saved (a share of the program's). The step is the advantage-weighted
correlation of eps with the `advice` policy's node features, over the ranges that span blocks
(the ones `advice` reorders), summed over functions and seeds: the gradient of run cost with
respect to advice's priority weights at zero, estimated from every function separately.

Leave-one-program-out: the step is estimated on the other training programs and measured on the
held-out one, at a few step lengths (the `advice` policy with those priority weights, eviction
advice off), so the figure says what the step does on code it was not estimated from.

    for p in lua-files pressure sort interp matmul zopfli argon2 yaml ppmd; do
        rl4real tune --out runs/tune/$p --program $p; done                    # ~15 min
    python bench/seed_gradient.py --tuned runs/tune --out bench-results/seed-gradient   # ~5 min
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from rl4real import corpus, spec, targets
from rl4real.graphs import load_dir
from rl4real.paths import plugin_path
from rl4real.policies import advice, function_seed
from rl4real.policies.random_advice import RandomAdvicePolicy
from rl4real.train.advice_search import program_cost

CORPUS = Path(__file__).parent / "corpus.toml"
STEPS = [0.1, 0.3, 1.0]  # length of the step in standardised feature units


def env(**options) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    e.update({f"RL4REAL_{k.upper()}": str(v) for k, v in options.items()})
    return e


def graphs(out: Path, program: str) -> dict:
    """{function: graph} of the program (the dump policy's build), names seen once."""
    d = out / "graphs" / program
    if not d.exists():
        cc = targets.get().compiler(f"-fpass-plugin={plugin_path()}")
        corpus.build(CORPUS, program, cc, out / "work" / "dump" / program,
                     env=env(policy="rl4real.policies.dump:policy", dump_dir=d))
    seen = [(meta["function"], g) for g, meta in load_dir(d)]
    count = Counter(name for name, _ in seen)
    return {name: g for name, g in seen if count[name] == 1}


def samples(tuned: Path, out: Path, program: str):
    """(advantage, X of the global ranges, eps of those ranges) per function and seed."""
    costs = {f.stem: json.loads(f.read_text()) for f in (tuned / program / "costs").glob("*.json")}
    greedy, total = costs["parity"], sum(costs["parity"].values())
    seeds = sorted(int(c.partition("@")[2]) for c in costs if c.startswith("random-advice@"))
    sigma = RandomAdvicePolicy().sigma
    for fn, g in graphs(out, program).items():
        if fn not in greedy or not g.num_nodes:
            continue
        glob = (g.node.greedy_priority & spec.PRIORITY_GLOBAL) > 0
        x = advice.features(g)[glob]
        for s in seeds:
            cost = costs[f"random-advice@{s}"].get(fn)
            if cost is None:
                continue
            rng = np.random.default_rng(function_seed(s, fn))  # the draws random-advice made
            eps = rng.normal(0.0, sigma, g.num_nodes)[glob]
            yield (greedy[fn] - cost) / total, x, eps / sigma


def direction(data: dict[str, list]) -> tuple[np.ndarray, np.ndarray]:
    """Unit step in standardised features, and the features' scale (sd over the ranges)."""
    xs = np.concatenate([x for rows in data.values() for _, x, _ in rows])
    mu, sd = xs.mean(0), xs.std(0) + 1e-9
    g = np.zeros(xs.shape[1])
    for rows in data.values():  # every program counts alike
        g += sum(a * ((x - mu) / sd).T @ e for a, x, e in rows) / max(len(rows), 1)
    return g / (np.linalg.norm(g) or 1.0), sd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tuned", required=True, help="folder of `rl4real tune` runs, one per program")
    ap.add_argument("--programs", help="comma-separated (default: the train split)")
    ap.add_argument("--out", default="bench-results/seed-gradient")
    args = ap.parse_args()
    tuned, out = Path(args.tuned).resolve(), Path(args.out).resolve()
    programs = [p.name for p in corpus.training_programs(CORPUS, args.programs)]
    data = {p: list(samples(tuned, out, p)) for p in programs}
    jobs = []
    for held in programs:
        d, sd = direction({p: rows for p, rows in data.items() if p != held})
        for step in STEPS:
            model = out / "models" / held / str(step)
            advice.AdvicePolicy(w_priority=step * d / sd).save(model)
            jobs.append((held, step, model))

    def one(job):
        held, step, model = job
        total, _, _ = program_cost(CORPUS, next(p for p in corpus.load_corpus(CORPUS) if p.name == held),
                                   out / "work" / held / str(step),
                                   env(policy="advice", model_dir=model))
        greedy = sum(json.loads((tuned / held / "costs" / "parity.json").read_text()).values())
        return held, step, total / greedy

    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(one, jobs))
    result = {str(step): {h: r for h, s, r in got if s == step} for step in STEPS}
    d_all, sd_all = direction(data)
    (out / "result.json").write_text(json.dumps(
        {"held_out": result, "direction_all": dict(zip(advice.FEATURES, d_all.tolist())),
         "samples": {p: len(rows) for p, rows in data.items()}}, indent=1) + "\n")
    for step, per in result.items():
        print(f"step {step}: held-out geomean {statistics.geometric_mean(per.values()):.5f}  "
              + " ".join(f"{p} {r:.4f}" for p, r in per.items()))
    print("direction on all programs:", ", ".join(f"{f} {v:+.2f}" for f, v in zip(advice.FEATURES, d_all)))


if __name__ == "__main__":
    main()
