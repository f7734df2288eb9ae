"""`rl4real train` argument handling (rl4real.cli parses, this runs)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..models.store import ModelError
from .config import TrainConfig


def main(args) -> int:
    run_dir = Path(args.out)
    saved = run_dir / "config.json"
    cfg = TrainConfig.load(saved) if saved.exists() else TrainConfig()
    try:
        for s in args.set:
            cfg.set(s)
        for name in ("iterations", "workers", "init", "targets"):
            if getattr(args, name) is not None:
                cfg.set(f"{name}={getattr(args, name)}")
    except ValueError as e:
        print(f"rl4real train: {e}", file=sys.stderr)
        return 2
    if not cfg.corpus:  # recorded in the run's config.json, so a resumed run finds the same file
        from ..corpus import default_corpus
        cfg.set(f"corpus={default_corpus()}")
    if not Path(cfg.corpus).is_file():
        print(f"rl4real train: no corpus file {cfg.corpus}: --set corpus=PATH", file=sys.stderr)
        return 2
    from .. import targets
    try:
        problems = [t.missing() for t in targets.parse(cfg.targets)]
    except ValueError as e:
        print(f"rl4real train: {e}", file=sys.stderr)
        return 2
    if any(problems):
        print(f"rl4real train: {'; '.join(filter(None, problems))}", file=sys.stderr)
        return 2
    from .loop import Run
    try:
        final = Run(run_dir, cfg, ray_address=args.ray).train()
    except (ModelError, ValueError) as e:
        print(f"rl4real train: {e}", file=sys.stderr)
        return 1
    print(f"trained model: {final}\nmetrics: {run_dir / 'metrics.csv'}, curve: {run_dir / 'curve.png'}\n"
          f"use it: RL4REAL_POLICY=hierarchical RL4REAL_MODEL_DIR={final} clang-22 -O2 "
          "-fpass-plugin=$(rl4real plugin-path) ...")
    return 0
