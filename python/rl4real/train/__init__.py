"""Training: the four models with multi-agent PPO, and the policies learned from run cost.

- trajectory: what a sampling policy records per decision, and one function's episode;
- sampler: the policy the plugin runs during rollouts (samples actions, writes episodes);
- rollout: one rollout = one source file compiled by clang-22 with the sampler, checked, scored;
- offline: the same decisions over dumped graphs without the compiler (and a Gymnasium env);
- ppo: the learner (re-evaluates recorded decisions under the current weights);
- config, loop: the typed hyper-parameters and `rl4real train` (iterations, checkpoints, metrics);
- advice_search, select_fit: `rl4real train-advice` and `rl4real train-select` (callgrind run cost).
"""

from __future__ import annotations

import sys
from pathlib import Path


def training_run(args, run):
    """The run directory (--out, created) and training programs (--corpus, --programs) of a
    run-cost training command, then run(out, corpus_path, programs): (out, programs, its result), or None
    after one error line for what a user can fix (a missing tool, a failed build, an output that
    differs from greedy's)."""
    from .. import corpus
    corpus_path = Path(args.corpus or corpus.default_corpus())
    programs = corpus.training_programs(corpus_path, args.programs)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        return out, programs, run(out, corpus_path, programs)
    except RuntimeError as e:
        print(f"rl4real: error: {e}", file=sys.stderr)
        return None
