"""How far greedy's own command-line knobs move run cost: the train and validation programs
built with stock clang-22 and each setting (`-mllvm` flags of RegAllocGreedy and its advisors),
run under callgrind; instructions executed in the program's own code as ratios to default greedy,
outputs checked. A bound on what a policy that only picked greedy settings could gain.

    python bench/greedy_knobs.py [--out FILE.json] [SETTING ...]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rl4real import corpus, runcost, targets

CORPUS = Path(__file__).parent / "corpus.toml"
SETTINGS = ["-regalloc-csr-first-time-cost=5", "-regalloc-csr-first-time-cost=20",
            "-greedy-reverse-local-assignment", "-split-threshold-for-reg-with-hint=0",
            "-enable-local-reassign", "-split-spill-mode=speed"]


def own_cost(p, flags: list[str], work: Path) -> tuple[int, bytes]:
    cc = targets.get().compiler(*[a for f in flags for a in ("-mllvm", f)])
    m = runcost.measure(p, corpus.build(CORPUS, p.name, cc, work), CORPUS.parent.resolve())
    return sum(runcost.instructions(m["own"]).values()), m["stdout"]


def geomean(xs: list[float]) -> float:
    return math.exp(sum(map(math.log, xs)) / len(xs))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("settings", nargs="*", default=SETTINGS)
    ap.add_argument("--out", default="bench-results/greedy_knobs.json")
    args = ap.parse_args()
    programs = [p for p in corpus.load_corpus(CORPUS) if p.split in ("train", "validation")]
    runs = [("greedy", [])] + [(s, s.split()) for s in args.settings]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as pool:
        jobs = [(name, flags, p, Path(tmp) / str(i) / p.name)
                for i, (name, flags) in enumerate(runs) for p in programs]
        costs = list(pool.map(lambda j: own_cost(j[2], j[1], j[3]), jobs))
    by = {}
    for (name, _, p, _), c in zip(jobs, costs):
        by.setdefault(name, {})[p.name] = c
    result = {"command": " ".join(["python", "bench/greedy_knobs.py", *sys.argv[1:]]), "settings": {}}
    print("| setting | train geomean | validation geomean | " + " | ".join(p.name for p in programs) + " |")
    print("|---|---|---|" + "---|" * len(programs))
    for name, _ in runs[1:]:
        ratio = {p.name: by[name][p.name][0] / by["greedy"][p.name][0] for p in programs}
        ok = all(by[name][n][1] == by["greedy"][n][1] for n in ratio)
        split = {s: geomean([ratio[p.name] for p in programs if p.split == s]) for s in ("train", "validation")}
        result["settings"][name] = {"ratios": ratio, "outputs_ok": ok, **split}
        print(f"| `{name}` | {split['train']:.4f} | {split['validation']:.4f} | "
              + " | ".join(f"{ratio[p.name]:.4f}" for p in programs) + (" |" if ok else " | OUTPUT DIFFERS |"))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0 if all(r["outputs_ok"] for r in result["settings"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
