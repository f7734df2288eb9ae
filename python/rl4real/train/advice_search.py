"""`rl4real train-advice`: learns the `advice` policy's weights (policies/advice.py) from run
cost, by augmented random search (Mania et al., 2018): each iteration tries the weights moved
by +/- sigma along a few random directions, builds every training program with each, runs their
workloads under callgrind, and steps along the directions by how much each side lowered the
cost. The cost of a trial is the geometric mean over programs of the instructions executed in
the program's own code, as a ratio to stock greedy's (deterministic: no noise to average out).
It starts from parity (all weights zero: greedy's own code), so every step is measured against
exact greedy. Outputs must equal greedy's, or the run stops.

Everything lives in the run directory, and a run resumes where it stopped:

  state.json        iteration, weights, best trial so far, the seed
  metrics.csv       one row per iteration (curve.png with the plots extra)
  greedy/PROGRAM/   stock greedy's build, output and per-function cost
  model/advice.json the best weights tried (a model directory: RL4REAL_MODEL_DIR=RUN/model)
"""

from __future__ import annotations

import csv
import json
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .. import corpus, runcost, targets
from ..paths import plugin_path
from ..policies.advice import FEATURES, AdvicePolicy
from ..progress import Progress
from . import training_run

METRICS = ["iteration", "best_cost", "trial_min", "trial_max", "step_norm", "seconds"]


def program_cost(corpus_path: Path, p, work: Path, env: dict) -> tuple[int, bytes, dict]:
    cc = targets.get().compiler(f"-fpass-plugin={plugin_path()}")
    exe = corpus.build(corpus_path, p.name, cc, work, env=env)
    m = runcost.measure(p, exe, corpus_path.parent.resolve())
    own = runcost.instructions(m["own"])
    return sum(own.values()), m["stdout"], own


class Search:
    def __init__(self, out: Path, corpus_path: Path, programs: list, directions: int = 2,
                 sigma: float = 0.1, step: float = 0.05, seed: int = 0, jobs: int = 2):
        self.out, self.corpus_path, self.programs = out, corpus_path, programs
        self.directions, self.sigma, self.step, self.seed, self.jobs = directions, sigma, step, seed, jobs
        self.base = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
        self.greedy: dict[str, tuple[int, bytes]] = {}
        self.trials = 0

    def _costs(self, envs: dict[str, dict]) -> dict[str, dict[str, tuple]]:
        """(own instructions, output, per-function) of every program under each named env."""
        jobs = [(tag, p) for tag in envs for p in self.programs]
        with ThreadPoolExecutor(self.jobs) as pool:
            results = pool.map(lambda j: program_cost(self.corpus_path, j[1],
                                                       self.out / "work" / j[0] / j[1].name,
                                                       {**self.base, **envs[j[0]]}), jobs)
            out: dict[str, dict] = {tag: {} for tag in envs}
            for (tag, p), r in zip(jobs, results):
                out[tag][p.name] = r
        return out

    def baseline(self) -> None:
        for name, (cost, stdout, own) in self._costs({"greedy": {"RL4REAL_ENABLE": "0"}})["greedy"].items():
            self.greedy[name] = (cost, stdout)
            d = self.out / "greedy" / name
            d.mkdir(parents=True, exist_ok=True)
            (d / "functions.json").write_text(json.dumps(own, indent=1))

    def evaluate(self, points: list[np.ndarray]) -> list[float]:
        """Geomean cost ratio to greedy of each weight vector."""
        envs = {}
        for i, v in enumerate(points):
            d = self.out / "trials" / f"{self.trials + i}"
            AdvicePolicy.from_vector(v).save(d)
            envs[str(i)] = {"RL4REAL_POLICY": "advice", "RL4REAL_MODEL_DIR": str(d)}
        self.trials += len(points)
        results = self._costs(envs)
        costs = []
        for i in range(len(points)):
            logs = []
            for name, (cost, stdout, _) in results[str(i)].items():
                if stdout != self.greedy[name][1]:
                    raise RuntimeError(f"{name}: output differs from stock greedy's with advice "
                                       f"weights {points[i].tolist()}")
                logs.append(math.log(cost / self.greedy[name][0]))
            costs.append(math.exp(sum(logs) / len(logs)))
        return costs

    def run(self, iterations: int) -> dict:
        state_file = self.out / "state.json"
        k = 2 * len(FEATURES) + 1
        if state_file.exists():
            state = json.loads(state_file.read_text())
        else:
            parity = AdvicePolicy().vector()
            state = {"iteration": 0, "weights": parity.tolist(), "best_cost": 1.0,
                     "best": parity.tolist(), "seed": self.seed}
        self.trials = state["iteration"] * 2 * self.directions
        self.baseline()
        metrics = self.out / "metrics.csv"
        if not metrics.exists():
            metrics.write_text(",".join(METRICS) + "\n")
        progress = Progress(max(iterations - state["iteration"], 0))
        while state["iteration"] < iterations:
            t0 = time.monotonic()
            rng = np.random.default_rng([state["seed"], state["iteration"]])
            w = np.array(state["weights"])
            deltas = rng.normal(0.0, 1.0, (self.directions, k))
            points = [w + s * self.sigma * d for d in deltas for s in (1, -1)]
            costs = self.evaluate(points)
            plus, minus = np.array(costs[0::2]), np.array(costs[1::2])
            spread = np.std(costs) or 1.0
            move = -self.step / (self.directions * spread) * ((plus - minus)[:, None] * deltas).sum(0)
            state["weights"] = (w + move).tolist()
            for c, v in zip(costs, points):
                if c < state["best_cost"]:
                    state["best_cost"], state["best"] = c, v.tolist()
            state["iteration"] += 1
            AdvicePolicy.from_vector(np.array(state["best"])).save(
                self.out / "model", trained_by="rl4real train-advice", best_cost=state["best_cost"],
                iterations=state["iteration"])
            state_file.write_text(json.dumps(state, indent=1))
            row = [state["iteration"], state["best_cost"], min(costs), max(costs),
                   float(np.linalg.norm(move)), round(time.monotonic() - t0, 1)]
            with open(metrics, "a", newline="") as f:
                csv.writer(f).writerow(row)
            progress.step(f"iteration {state['iteration']}: best {state['best_cost']:.5f}")
        _plot(metrics, self.out / "curve.png")
        return state


def _plot(metrics: Path, png: Path) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    rows = list(csv.DictReader(open(metrics)))
    if not rows:
        return
    it = [int(r["iteration"]) for r in rows]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(it, [float(r["trial_min"]) for r in rows], ".", label="best trial of the iteration")
    ax.plot(it, [float(r["best_cost"]) for r in rows], "-", label="best so far")
    ax.axhline(1.0, color="grey", lw=0.8, label="greedy")
    ax.set_xlabel("iteration")
    ax.set_ylabel("own instructions / greedy (geomean)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)


def main(args) -> int:
    done = training_run(args, lambda out, corpus_path, programs: Search(
        out, corpus_path, programs, args.directions, args.sigma, args.step, args.seed).run(args.iterations))
    if done is None:
        return 1
    out, programs, state = done
    print(f"best own-instruction ratio to greedy on {', '.join(p.name for p in programs)}: "
          f"{state['best_cost']:.5f}; weights in {out / 'model'}")
    return 0
