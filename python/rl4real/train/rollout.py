"""Rollouts on the real compiler. One rollout = one source file of a training program compiled by
clang-22 -O2 with the plugin running the sampling policy (RL4REAL_POLICY=sample) in-process.

The program is then linked with the stock objects of its other files and run; its output must
equal the stock build's (else the rollout is discarded as `wrong_output`). Each function's reward
compares the plugin's allocation score (the scoring pass) with stock greedy's for the same
function in the same file: (greedy - score) / max(greedy, score), in [-1, 1], 0 when both are 0.
Trajectories travel as files; a rollout that crashes or hangs is reported and skipped."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import corpus, targets
from ..paths import plugin_path
from ..report import load as load_report
from . import trajectory


@dataclass
class Baseline:
    """The stock build of a training program: objects, per-function greedy scores, output."""
    objects: list[str]
    scores: list[dict[str, float]]  # per source: function -> greedy score
    output_file: str


@dataclass
class Task:
    name: str                       # "<program>/<source index>"
    program: corpus.Program
    paths: dict[str, str]
    index: int
    baseline: Baseline
    model_dir: str
    out: str                        # episodes file to write (with .json beside it: the outcome)
    seed: int
    env: dict[str, str] = field(default_factory=dict)  # RL4REAL_* settings
    timeout_s: float = 600.0
    target: str = ""                # rl4real.targets name ("": this machine's): built and run for


def build_baseline(program: corpus.Program, paths: dict, plugin: str, work: Path,
                   workers: int = 1, target: str = "") -> Baseline:
    """Compiles every source with greedy (the plugin loaded, switched off, scoring on) for
    target."""
    tgt = targets.get(target)
    work.mkdir(parents=True, exist_ok=True)
    done = work / "baseline.json"
    if done.exists():
        return Baseline(**json.loads(done.read_text()))

    def compile_one(i: int, src: str) -> dict[str, float]:
        obj, report = work / f"{i}.o", work / f"{i}.report.jsonl"
        report.unlink(missing_ok=True)
        env = dict(os.environ, RL4REAL_ENABLE="0", RL4REAL_REPORT=str(report))
        cmd = corpus.compile_command(program, paths, tgt.compiler(f"-fpass-plugin={plugin}"), src, obj)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(f"stock compile failed: {' '.join(cmd)}\n{r.stderr[-3000:]}")
        return _scores(report)

    sources = corpus.expand(program.sources, **paths)
    with ThreadPoolExecutor(workers) as pool:
        scores = list(pool.map(compile_one, range(len(sources)), sources))
    objects = [str(work / f"{i}.o") for i in range(len(sources))]
    exe = corpus.link(program, [Path(o) for o in objects], work / program.name, tgt.link)
    output = work / "output.txt"
    output.write_text(corpus.run_program(program, exe, paths, runner=tgt.runner))
    b = Baseline(objects, scores, str(output))
    done.write_text(json.dumps(b.__dict__))
    return b


def _scores(report: Path) -> dict[str, float]:
    """function -> score; no report file: the file had no function to allocate."""
    return {rec["function"]: rec["score"] for rec in load_report(report)} if report.exists() else {}


def reward(score: float, greedy: float) -> float:
    top = max(score, greedy)
    return (greedy - score) / top if top > 0 else 0.0


def run_task(task: Task) -> dict:
    """Runs one rollout; writes task.out (episodes) and task.out + ".json" (this outcome)."""
    t0 = time.monotonic()
    try:
        result = _run(task)
    except subprocess.TimeoutExpired:
        result = {"status": "timeout", "reason": f"over {task.timeout_s:g} s"}
    except Exception as e:  # noqa: BLE001 - a failed rollout is logged and skipped, never fatal
        result = {"status": "error", "reason": f"{type(e).__name__}: {e}"[:2000]}
    result.update(task=task.name, seconds=round(time.monotonic() - t0, 2))
    Path(task.out + ".json").write_text(json.dumps(result))
    return result


def _run(task: Task) -> dict:
    p = task.program
    src = corpus.expand(p.sources, **task.paths)[task.index]
    with tempfile.TemporaryDirectory(prefix="rl4real-rollout-") as tmp:
        tmp = Path(tmp)
        obj, report, traj = tmp / "out.o", tmp / "report.jsonl", tmp / "episodes.pkl"
        env = dict(os.environ, RL4REAL_ENABLE="1", RL4REAL_POLICY="sample",
                   RL4REAL_MODEL_DIR=task.model_dir, RL4REAL_SEED=str(task.seed),
                   RL4REAL_REPORT=str(report), RL4REAL_TRAJECTORIES=str(traj), **task.env)
        plugin = str(plugin_path())
        tgt = targets.get(task.target)
        cmd = corpus.compile_command(p, task.paths, tgt.compiler(f"-fpass-plugin={plugin}"), src, obj)
        deadline = time.monotonic() + task.timeout_s
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=task.timeout_s)
        if r.returncode:
            return {"status": "crashed", "reason": f"clang exit {r.returncode}: {r.stderr[-1500:]}"}
        objects = [Path(o) for o in task.baseline.objects]
        objects[task.index] = obj
        exe = corpus.link(p, objects, tmp / p.name, tgt.link)
        output = corpus.run_program(p, exe, task.paths, timeout=max(1.0, deadline - time.monotonic()),
                                    runner=tgt.runner)
        if output != Path(task.baseline.output_file).read_text():
            return {"status": "wrong_output", "reason": f"{p.name} output differs from the stock build"}
        records = {rec["function"]: rec for rec in load_report(report)} if report.exists() else {}
        episodes = trajectory.read(traj) if traj.exists() else []
    greedy = task.baseline.scores[task.index]
    kept, failed, score, base = [], 0, 0.0, 0.0
    for ep in episodes:
        rec = records.get(ep["function"])
        if rec is None or rec["fallback"] or ep["function"] not in greedy:
            failed += 1  # the policy failed here: its decisions were undone, nothing to learn
            continue
        ep["reward"] = reward(rec["score"], greedy[ep["function"]])
        ep["score"], ep["greedy_score"] = rec["score"], greedy[ep["function"]]
        ep["source"] = f"{p.name}/{task.index}"
        score += rec["score"]
        base += greedy[ep["function"]]
        kept.append(ep)
    trajectory.write(Path(task.out), kept)
    return {"status": "ok", "episodes": len(kept), "functions_failed": failed,
            "decisions": int(sum(len(ep["agent"]) for ep in kept)), "score": score, "greedy": base}
