"""`rl4real tune`: per-function choices for one program on its own workload, for the `tuned`
policy (policies/tuned.py). The program is built with each candidate (greedy, `heuristic`,
`advice`, and `random-advice` with seeds 1..N) and run under callgrind; since a function's own
code depends only on its own allocation, a build in which every function takes its cheapest
candidate runs exactly the sum of those minima. The choice is then built and measured to check
that. What the workload never runs stays greedy's.

Unlike `select`, nothing here generalises: the choices hold for this program's code and this
workload, like a profile. Everything lives in the run directory and is reused when repeated (so
a changed program needs a new one):

  costs/CANDIDATE.json   per-function own instructions (and .stdout, the workload's output)
  model/tuned.json       the choices (a model directory: RL4REAL_MODEL_DIR=RUN/model)
  report.json            predicted and measured ratios to greedy (and what 0..N seeds would
                         give), choices per candidate, the hottest functions
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..models import store
from ..policies.tuned import TunedPolicy
from ..progress import Progress
from . import training_run
from .advice_search import program_cost


def candidates(seeds: int) -> list[str]:
    return ["parity", "heuristic", "advice", *(f"random-advice@{s}" for s in range(1, seeds + 1))]


def candidate_env(candidate: str, model_dir: Path | None = None) -> dict[str, str]:
    """The compilers' environment for a candidate (`name` or `name@seed`), no other RL4REAL_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    name, _, seed = candidate.partition("@")
    env.update(RL4REAL_POLICY=name, **({"RL4REAL_SEED": seed} if seed else {}),
               **({"RL4REAL_MODEL_DIR": str(model_dir)} if model_dir else {}))
    return env


def _measure(out: Path, corpus_path: Path, program, candidate: str, model_dir: Path) -> tuple[bytes, dict]:
    cost, stdout = out / "costs" / f"{candidate}.json", out / "costs" / f"{candidate}.stdout"
    if not cost.exists():
        _, output, own = program_cost(corpus_path, program, out / "work" / candidate, candidate_env(candidate, model_dir))
        cost.parent.mkdir(parents=True, exist_ok=True)
        stdout.write_bytes(output)
        cost.write_text(json.dumps(own, indent=1))
    return stdout.read_bytes(), json.loads(cost.read_text())


def choose(costs: dict[str, dict[str, int]]) -> dict[str, str]:
    """{function: candidate} for each function some candidate runs in strictly fewer
    instructions than greedy (the first such minimum); ties and the rest stay greedy's."""
    greedy = costs["parity"]
    out = {}
    for fn, base in greedy.items():
        best = min(costs, key=lambda c: costs[c].get(fn, base))  # dicts keep the candidates' order
        if costs[best].get(fn, base) < base:
            out[fn] = best
    return out


def tune(out: Path, corpus_path: Path, programs: list, seeds: int = 4, jobs: int = 2) -> dict:
    if len(programs) != 1:
        raise RuntimeError("tune takes one program (--program NAME): function names are per program")
    (program,) = programs
    model = out / "model"
    model.mkdir(parents=True, exist_ok=True)
    if not (model / "advice.json").exists():  # the weights candidate `advice` is measured with
        shutil.copy(store.resolve(None) / "advice.json", model / "advice.json")
    names = candidates(seeds)
    progress = Progress(len(names) + 1)

    def one(c):
        got = _measure(out, corpus_path, program, c, model)
        progress.step(f"{program.name} {c}")
        return got

    with ThreadPoolExecutor(jobs) as pool:
        measured = dict(zip(names, pool.map(one, names)))
    outputs, costs = {c: m[0] for c, m in measured.items()}, {c: m[1] for c, m in measured.items()}
    differs = [c for c in names if outputs[c] != outputs["parity"]]
    if differs:
        raise RuntimeError(f"{program.name}: the output with {', '.join(differs)} differs from greedy's "
                           f"({out / 'costs'})")
    greedy = costs["parity"]
    total = sum(greedy.values())

    def predict(choices):
        return sum(costs[choices.get(fn, "parity")].get(fn, base) for fn, base in greedy.items()) / total

    choices = choose(costs)
    predicted = predict(choices)
    # what fewer seeds would have given (the same builds): is it worth trying more?
    by_seeds = [predict(choose({c: costs[c] for c in names[:len(names) - seeds + k]}))
                for k in range(seeds + 1)]
    TunedPolicy(choices).save(model, program=program.name, candidates=names, predicted=predicted)
    for stale in (out / "costs" / "tuned.json", out / "costs" / "tuned.stdout"):
        stale.unlink(missing_ok=True)  # the choices may have changed
    output, own = _measure(out, corpus_path, program, "tuned", model)
    progress.step(f"{program.name} tuned")
    if output != outputs["parity"]:
        raise RuntimeError(f"{program.name}: the output of the tuned build differs from greedy's")
    hot = sorted(greedy, key=greedy.get, reverse=True)[:10]
    result = {
        "program": program.name, "candidates": names,
        "predicted": predicted, "measured": sum(own.values()) / total, "predicted_by_seeds": by_seeds,
        **{f"{c} alone": sum(costs[c].values()) / total for c in names[1:]},
        "functions_by_choice": dict(Counter(choices.values())),
        "hottest": [{"function": fn, "share": greedy[fn] / total, "choice": choices.get(fn, "parity"),
                     "ratio": own.get(fn, 0) / greedy[fn]} for fn in hot],
    }
    (out / "report.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def main(args) -> int:
    done = training_run(args, lambda out, corpus_path, programs: tune(out, corpus_path, programs,
                                                                        args.seeds, args.jobs))
    if done is None:
        return 1
    out, _, r = done
    print(f"{r['program']}: own instructions as a ratio to greedy, tuned {r['measured']:.5f} (predicted "
          f"{r['predicted']:.5f}); alone: " + ", ".join(f"{c} {r[c + ' alone']:.5f}" for c in r["candidates"][1:])
          + f"; {sum(r['functions_by_choice'].values())} functions changed; use with "
          f"RL4REAL_POLICY=tuned RL4REAL_MODEL_DIR={out / 'model'}")
    if r["measured"] != r["predicted"]:
        print("rl4real: note: the tuned build did not run what its choices predicted: functions "
              "that share a name (static functions in two files) get one choice", file=sys.stderr)
    return 0
