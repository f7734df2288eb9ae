"""`rl4real train`: iterations of (export the current weights, roll out on training files in
parallel, PPO update, checkpoint), with metrics (CSV), a training curve (PNG) and a final ONNX
export. Everything lives in the run directory:

  config.json                 the TrainConfig of the run
  checkpoints/NNNN.pt         weights + optimizer + metrics before iteration NNNN (0000: initial)
  policies/NNNN/              the weights of iteration NNNN as a model directory (what clang ran)
  rollouts/NNNN/*.pkl, *.json episodes and outcome of each rollout (kept: a resumed run reuses them)
  baseline/PROGRAM[@TARGET]/  stock greedy objects, per-function scores and output (per target)
  metrics.csv, curve.png      one row per iteration
  model/                      the final model directory (weights, ONNX, manifest)

A run resumes from its last checkpoint; rollouts already on disk are not run again, so an
interrupted run loses nothing and repeats the same updates (seeded per iteration)."""

from __future__ import annotations

import csv
import json
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import torch

from .. import corpus, targets
from ..progress import Progress
from ..models import export, model_io, nets, store
from ..paths import plugin_path
from . import ppo, rollout, trajectory
from .config import TrainConfig

METRICS = ["iteration", "rollouts_ok", "rollouts_skipped", "episodes", "decisions", "score_ratio",
           "mean_reward", "policy_loss", "value_loss", "clip_fraction"]
METRICS += [f"{m}_{a}" for m in ("entropy", "approx_kl", "clip_fraction", "explained_variance")
            for a in model_io.AGENTS]
METRICS += ["seconds"]


def initial_modules(init: str, seed: int, temperature: float = 1.0) -> dict:
    torch.manual_seed(seed)
    if init == "random":
        modules = nets.build()
    elif init in ("cloned", "default"):
        modules = export.load_modules(store.builtin_dir(init))
    else:
        modules = export.load_modules(Path(init))
    soften(modules, temperature)
    return modules


def soften(modules: dict, temperature: float) -> None:
    """Divides select_task's and color_node's output logits by `temperature` (same argmax, more
    exploration). Behaviour-cloned weights make both nearly deterministic (entropy ~0.01 nats), so
    sampling would explore almost nothing; select_node's order distribution is broad already."""
    with torch.no_grad():
        for layer in (modules["select_task"].score[-1], modules["color_node"].score[-1],
                      modules["color_node"].leave):
            layer.weight /= temperature
            layer.bias /= temperature


class Run:
    def __init__(self, run_dir: Path, cfg: TrainConfig, ray_address: str | None = None, log=sys.stderr):
        self.dir, self.cfg, self.log = Path(run_dir).resolve(), cfg, log  # programs run elsewhere
        self.ray_address = ray_address
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "config.json").write_text(cfg.to_json())
        self.corpus_path = Path(cfg.corpus) if cfg.corpus else corpus.default_corpus()
        self.programs = [p for p in corpus.load_corpus(self.corpus_path) if p.split == "train"]
        if not self.programs:
            raise ValueError(f"{cfg.corpus} has no program with split = \"train\"")
        self.dev = ppo.device()
        self._load_or_init()

    # -- state
    def _checkpoints(self) -> list[Path]:
        return sorted((self.dir / "checkpoints").glob("*.pt"))

    def _load_or_init(self) -> None:
        found = self._checkpoints()
        if found:
            state = torch.load(found[-1], map_location="cpu", weights_only=False)
            self.modules = nets.build()
            for name, m in self.modules.items():
                m.load_state_dict(state["modules"][name])
        else:
            self.modules = initial_modules(self.cfg.init, self.cfg.seed, self.cfg.init_temperature)
        for m in self.modules.values():
            m.to(self.dev).eval()
        params = [p for m in self.modules.values() for p in m.parameters()]
        self.optimizer = torch.optim.Adam(params, lr=self.cfg.learning_rate)
        if found:
            self.optimizer.load_state_dict(state["optimizer"])
            self.iteration, self.history = state["iteration"], state["history"]
            self.say(f"resuming from {found[-1]} (iteration {self.iteration})")
        else:
            self.iteration, self.history = 0, []
            self._checkpoint()

    def _checkpoint(self) -> None:
        d = self.dir / "checkpoints"
        d.mkdir(exist_ok=True)
        path = d / f"{self.iteration:04d}.pt"
        tmp = path.with_suffix(".tmp")
        torch.save({"modules": {n: m.state_dict() for n, m in self.modules.items()},
                    "optimizer": self.optimizer.state_dict(), "iteration": self.iteration,
                    "history": self.history, "config": self.cfg.to_json()}, tmp)
        tmp.replace(path)

    def say(self, msg: str) -> None:
        print(f"rl4real train: {msg}", file=self.log, flush=True)

    # -- rollouts
    def _sources(self) -> list[tuple[corpus.Program, int]]:
        return [(p, i) for p in self.programs for i in range(len(p.sources))]

    def _targets(self) -> list[str]:
        return [t.name for t in targets.parse(self.cfg.targets)]

    @staticmethod
    def _key(program: str, target: str) -> str:
        """A program built for a target: its baseline folder and rollout names (this machine's
        target plain)."""
        return program if targets.get(target).native else f"{program}@{target}"

    def baselines(self) -> dict:
        """Stock builds per target (once per run dir); also prepares each program's source paths
        once."""
        out = {}
        self.paths = {}
        for p in self.programs:
            self.paths[p.name] = corpus.prepare_paths(self.corpus_path.parent.resolve(), p,
                                                           self.dir / "baseline" / p.name)
            for t in self._targets():
                key = self._key(p.name, t)
                self.say(f"stock build of {key} ({len(p.sources)} files)")
                out[key] = rollout.build_baseline(p, self.paths[p.name], str(plugin_path()),
                                                  self.dir / "baseline" / key, self.cfg.workers, t)
        return out

    def tasks(self, it: int, baselines: dict, model_dir: Path) -> list[rollout.Task]:
        sources = self._sources()
        rng = np.random.default_rng([self.cfg.seed, it])
        picks = rng.choice(len(sources), min(self.cfg.files_per_iteration, len(sources)), replace=False)
        out_dir = self.dir / "rollouts" / f"{it:04d}"
        out_dir.mkdir(parents=True, exist_ok=True)
        env = {"RL4REAL_SPLIT_BUDGET": str(self.cfg.split_budget), "RL4REAL_BACKEND": self.cfg.backend,
               "RL4REAL_TIMEOUT": str(self.cfg.policy_timeout_s)}
        tasks = []
        k = self.cfg.samples_per_file
        ts = self._targets()
        for pick in sorted(picks.tolist()):
            p, i = sources[pick]
            t = ts[(pick + it) % len(ts)]  # by file number and iteration: all targets each iteration
            name = self._key(p.name, t)
            for j in range(k):  # k samples of one file: the "loo" baseline compares them
                suffix = f"#{j}" if k > 1 else ""
                tasks.append(rollout.Task(
                    name=f"{name}/{i}{suffix}", program=p,
                    paths={key: str(v) for key, v in self.paths[p.name].items()}, index=i,
                    baseline=baselines[name], model_dir=str(model_dir),
                    out=str(out_dir / f"{name}.{i}{'.' + str(j) if k > 1 else ''}.pkl"),
                    seed=int(self.cfg.seed * 1_000_003 + it * k + j), env=env,
                    timeout_s=self.cfg.rollout_timeout_s, target=t))
        return tasks

    def collect(self, tasks: list[rollout.Task], progress: Progress) -> list[dict]:
        results, pending = [], []
        for t in tasks:
            done = Path(t.out + ".json")
            if done.exists():  # from before an interruption
                results.append(json.loads(done.read_text()))
                progress.step(f"{t.name} (on disk)")
            else:
                pending.append(t)
        if self.ray_address:
            results += self._collect_ray(pending, progress)
        elif pending:
            with ProcessPoolExecutor(self.cfg.workers, mp_context=get_context("spawn")) as pool:
                futures = {pool.submit(rollout.run_task, t): t for t in pending}
                for f in as_completed(futures):
                    try:
                        r = f.result()
                    except Exception as e:  # noqa: BLE001 - a worker died: skip its rollout
                        r = {"task": futures[f].name, "status": "error", "reason": repr(e)}
                    results.append(r)
                    progress.step(f"{r['task']} {r['status']}")
        for r in results:
            if r["status"] != "ok":
                self.say(f"skipped rollout {r['task']}: {r['status']}: {r.get('reason', '')[:300]}")
        return results

    def _collect_ray(self, pending: list[rollout.Task], progress: Progress) -> list[dict]:
        from ..optional import require
        ray = require("ray", "rl4real train --ray")

        if not ray.is_initialized():
            ray.init(address=None if self.ray_address == "local" else self.ray_address,
                     include_dashboard=False, log_to_driver=False)
        remote = ray.remote(rollout.run_task)
        futures = {remote.remote(t): t for t in pending}
        results = []
        while futures:
            done, _ = ray.wait(list(futures), num_returns=1)
            t = futures.pop(done[0])
            try:
                r = ray.get(done[0])
            except Exception as e:  # noqa: BLE001 - a worker died: skip its rollout
                r = {"task": t.name, "status": "error", "reason": repr(e)}
            results.append(r)
            progress.step(f"{r['task']} {r['status']}")
        return results

    # -- the loop
    def train(self) -> Path:
        baselines = self.baselines()
        total = self.cfg.iterations - self.iteration
        progress = Progress(max(total, 0) * self.cfg.files_per_iteration * self.cfg.samples_per_file)
        while self.iteration < self.cfg.iterations:
            it, t0 = self.iteration, time.monotonic()
            policy_dir = self.dir / "policies" / f"{it:04d}"
            if not (policy_dir / store.MANIFEST).exists():
                export.save({n: m.cpu() for n, m in self.modules.items()}, policy_dir,
                            trained_by=f"rl4real train, iteration {it}")
                for m in self.modules.values():
                    m.to(self.dev)
            tasks = self.tasks(it, baselines, policy_dir)
            results = self.collect(tasks, progress)
            order = {t.name: k for k, t in enumerate(tasks)}  # not completion order: reproducible
            results.sort(key=lambda r: order[r["task"]])
            ok = [r for r in results if r["status"] == "ok"]
            outs = {t.name: t.out for t in tasks}
            episodes = [ep for r in ok for ep in trajectory.read(outs[r["task"]])]
            stats = ppo.update(self.modules, self.optimizer, episodes, self.cfg,
                               seed=self.cfg.seed * 1_000_003 + it)
            score, greedy = sum(r["score"] for r in ok), sum(r["greedy"] for r in ok)
            row = {"iteration": it, "rollouts_ok": len(ok), "rollouts_skipped": len(results) - len(ok),
                   "episodes": len(episodes), "decisions": stats.pop("decisions"),
                   "score_ratio": score / greedy if greedy else math.nan,
                   "mean_reward": float(np.mean([ep["reward"] for ep in episodes])) if episodes else math.nan,
                   "seconds": round(time.monotonic() - t0, 1), **stats}
            self.history.append(row)
            self.iteration += 1
            self._checkpoint()
            write_metrics(self.history, self.dir)
            self.say(f"iteration {it}: score/greedy {row['score_ratio']:.4f}, reward "
                     f"{row['mean_reward']:+.4f}, value loss {row['value_loss']:.4f}, "
                     f"{row['episodes']} functions, {row['seconds']:.0f} s")
        final = self.dir / "model"
        export.save({n: m.cpu() for n, m in self.modules.items()}, final,
                    trained_by=f"rl4real train, {self.iteration} iterations, config {self.dir / 'config.json'}")
        return final


def write_metrics(history: list[dict], run_dir: Path) -> None:
    with open(run_dir / "metrics.csv", "w", newline="") as f:
        w = csv.DictWriter(f, METRICS, extrasaction="ignore")
        w.writeheader()
        w.writerows(history)
    plot(history, run_dir / "curve.png")


def plot(history: list[dict], path: Path) -> None:
    from ..optional import require
    matplotlib = require("matplotlib", "the training curve")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    it = [h["iteration"] for h in history]
    fig, ax = plt.subplots(1, 5, figsize=(23, 3.8))
    ax[0].plot(it, [h["score_ratio"] for h in history], marker="o", label="score / greedy (rollouts)")
    ax[0].axhline(1.0, color="black", linewidth=0.8)
    ax[0].set_title("allocation score vs greedy (lower is better)")
    ax0r = ax[0].twinx()
    ax0r.plot(it, [h["mean_reward"] for h in history], color="tab:green", linestyle="--", label="mean reward")
    ax0r.set_ylabel("mean reward")
    ax[0].legend(loc="upper left", fontsize=8)
    for a in ("select_node", "select_task", "color_node", "split_node"):
        ax[1].plot(it, [h.get(f"entropy_{a}", math.nan) for h in history], marker=".", label=a)
    ax[1].set_title("entropy per agent")
    ax[1].legend(fontsize=8)
    ax[2].plot(it, [h["value_loss"] for h in history], marker=".", label="value loss")
    ax[2].plot(it, [h["policy_loss"] for h in history], marker=".", label="policy loss")
    ax[2].set_title("losses")
    ax[2].legend(fontsize=8)
    for a in model_io.AGENTS:
        ax[3].plot(it, [h.get(f"approx_kl_{a}", math.nan) for h in history], marker=".", label=a)
        ax[4].plot(it, [h.get(f"explained_variance_{a}", math.nan) for h in history], marker=".", label=a)
    ax[3].set_title("approximate KL per agent (per update)")
    ax[3].legend(fontsize=8)
    ax[4].set_title("explained variance of the value head")
    ax[4].axhline(0.0, color="black", linewidth=0.8)
    ax[4].legend(fontsize=8)
    for a in ax:
        a.set_xlabel("iteration")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
