"""How much a per-function choice could give, per candidate family: every training program built
with each candidate policy and run under callgrind; a choice set's figure is the program's own
instructions when every function takes the cheapest candidate of the set, as a ratio to greedy
(exact: a function's own code depends only on its own allocation), geomean over the programs.
An upper bound for `select` with those candidates, not a policy.

    python bench/select_headroom.py [--programs zopfli,yaml] [--out DIR]     # ~3 min
    python bench/select_headroom.py --candidates heuristic,$PWD/bench/probes/greedy_orders.py:hot_first

A candidate is a policy name, `name@seed` (RL4REAL_SEED) or `file.py:attr`; costs are kept in
DIR and reused."""

from __future__ import annotations

import argparse
import json
import statistics
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rl4real import corpus
from rl4real.train.advice_search import program_cost
from rl4real.train.tune import candidate_env

CORPUS = Path(__file__).parent / "corpus.toml"
PROBE = str(Path(__file__).parent / "probes" / "leave_to_greedy.py") + ":calls_and_hints"
SEEDS = [f"random-advice@{s}" for s in range(1, 5)]
SETS = {
    "parity, heuristic, advice": ["parity", "heuristic", "advice"],
    "+ hierarchical, calls_and_hints": ["parity", "heuristic", "advice", "hierarchical", PROBE],
    "+ four random-advice seeds": ["parity", "heuristic", "advice", "hierarchical", PROBE, *SEEDS],
    "parity, four random-advice seeds": ["parity", *SEEDS],
}


def costs(out: Path, program, candidate: str) -> dict[str, int]:
    cache = out / program.name / (candidate.rpartition("/")[2].replace(":", "-") + ".json")
    if cache.exists():
        return json.loads(cache.read_text())
    _, _, own = program_cost(CORPUS, program, out / "work" / cache.stem / program.name,
                             candidate_env(candidate))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(own))
    return own


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--programs", help="comma-separated (default: the train split)")
    ap.add_argument("--candidates", help="comma-separated: measure these (with parity) instead "
                    "of the built-in sets")
    ap.add_argument("--out", default="bench-results/select-headroom")
    args = ap.parse_args()
    out = Path(args.out)
    sets = {"parity, " + args.candidates: ["parity", *args.candidates.split(",")]} \
        if args.candidates else SETS
    programs = corpus.training_programs(CORPUS, args.programs)
    candidates = sorted({c for s in sets.values() for c in s})
    with ThreadPoolExecutor(2) as pool:
        got = dict(zip([(p.name, c) for p in programs for c in candidates],
                       pool.map(lambda j: costs(out, *j), [(p, c) for p in programs for c in candidates])))
    for label, cands in [*sets.items(), *((c, [c]) for c in candidates if c != "parity")]:
        per = {}
        for p in programs:
            greedy = got[p.name, "parity"]
            best = sum(min(got[p.name, c].get(f, 0) for c in cands) for f in greedy)
            per[p.name] = best / sum(greedy.values())
        print(f"{label}: {statistics.geometric_mean(per.values()):.5f}  "
              + " ".join(f"{k} {v:.4f}" for k, v in per.items()))


if __name__ == "__main__":
    main()
