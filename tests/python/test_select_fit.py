"""The selector's fit (train/select_fit.py) on made-up per-function costs: it learns a rule the
data holds, weighs the score against run cost when asked to, the exact program ratio of a choice
adds up per function, and the learned weights act on raw features the way select.choose reads
them."""

import json

import numpy as np
import pytest

from rl4real.policies import select
from rl4real.train import select_fit

K = len(select.FEATURES)


def program(name, rng, n=60):
    """Functions whose first feature says whether the heuristic (>5) or greedy is cheaper to run;
    advice always runs 1% more than greedy. The heuristic's score is worse (by 5%) exactly where
    the second feature is above 5."""
    X = np.concatenate([rng.normal(0, 1, (n, K - 1)) * 3 + 5, np.ones((n, 1))], axis=1)
    greedy = rng.uniform(1e3, 1e5, n)
    better = X[:, 0] > 5
    heuristic = greedy * np.where(better, 0.9, 1.1)
    costs = np.stack([greedy, heuristic, greedy * 1.01], axis=1)
    total = greedy.sum() * 2  # half the program's cost is in functions without features
    score = rng.uniform(10, 100, n)
    scores = np.stack([score, score * np.where(X[:, 1] > 5, 1.05, 1.0), score], axis=1)
    return {"program": name, "names": [f"f{i}" for i in range(n)], "total": total, "costs": costs,
            "total_score": score.sum(), "scores": scores, "X": X}


def test_fit_learns_the_rule_and_beats_every_fixed_choice():
    rng = np.random.default_rng(0)
    data = [program(f"p{i}", rng) for i in range(3)]
    W = select_fit.fit(data[:2], lam=1e-3, alpha=0.0)
    held = data[2]
    picked = select_fit.choices(W, held["X"])
    assert set(picked) <= {0, 1}  # never the always-worse advice
    assert (picked == 1).mean() > 0.3 and ((picked == 1) == (held["X"][:, 0] > 5)).mean() > 0.9
    learned = select_fit.ratio(held, picked)
    assert learned < min(select_fit.ratio(held, np.full(60, k)) for k in range(3))
    oracle = select_fit.ratio(held, held["costs"].argmin(1))
    assert oracle <= learned < 1.0


def test_alpha_trades_run_cost_for_score():
    rng = np.random.default_rng(1)
    data = [program(f"p{i}", rng) for i in range(3)]
    held = data[2]
    run_only = select_fit.choices(select_fit.fit(data[:2], lam=1e-3, alpha=0.0), held["X"])
    both = select_fit.choices(select_fit.fit(data[:2], lam=1e-3, alpha=4.0), held["X"])
    score_run_only, score_both = (select_fit.ratio(held, c, "scores") for c in (run_only, both))
    assert score_run_only > 1.01 and score_both < score_run_only - 0.005
    assert select_fit.ratio(held, run_only) < select_fit.ratio(held, both) < 1.0
    cv = [{"run_cost_geomean": 0.98, "score_geomean": 1.01}, {"run_cost_geomean": 0.99, "score_geomean": 1.0},
          {"run_cost_geomean": 0.995, "score_geomean": 0.99}]
    assert select_fit.pick(cv) is cv[1]


def test_ratio_is_the_exact_sum_per_function():
    d = {"total": 1000.0, "costs": np.array([[100.0, 80.0, 90.0], [200.0, 260.0, 190.0]]),
         "total_score": 50.0, "scores": np.array([[10.0, 12.0, 10.0], [5.0, 5.0, 4.0]])}
    assert select_fit.ratio(d, np.array([0, 0])) == 1.0
    assert select_fit.ratio(d, np.array([1, 2])) == (1000 - 20 - 10) / 1000
    assert select_fit.ratio(d, np.array([1, 2]), "scores") == (50 + 2 - 1) / 50


def test_no_weights_choose_greedy_and_ties_go_to_greedy():
    x = np.ones(K)
    assert select.choose(np.zeros((len(select.CANDIDATES) - 1, K)), x) == 0
    w = np.zeros((len(select.CANDIDATES) - 1, K))
    w[1, -1] = 0.5
    assert select.CANDIDATES[select.choose(w, x)] == "advice"


def test_cross_validation_holds_each_program_out_and_picks_by_the_rule():
    rng = np.random.default_rng(2)
    data = [program(f"p{i}", rng, n=30) for i in range(3)]
    for d in data:  # scores equal: the rule then takes the lowest run cost
        d["scores"][:] = d["scores"][:, :1]
    cv = select_fit.cross_validate(data)
    assert len(cv) == len(select_fit.ALPHAS) * len(select_fit.LAMBDAS)
    assert all(set(c["run_cost"]) == {"p0", "p1", "p2"} for c in cv)
    assert select_fit.pick(cv)["run_cost_geomean"] < 1.0  # the rule is learnable across programs


def test_load_refuses_stale_features_and_takes_a_program_with_none(tmp_path):
    class P:
        name = "prog"
    costs = tmp_path / "costs" / "prog"
    costs.mkdir(parents=True)
    for c in select.CANDIDATES:
        (costs / f"{c}.json").write_text(json.dumps({"main": 10}))
        (costs / f"{c}.scores.json").write_text(json.dumps({"main": 1.0}))
    (tmp_path / "features").mkdir()
    feats = tmp_path / "features" / "prog.json"
    feats.write_text(json.dumps({"features": ["old"], "functions": {}}))
    with pytest.raises(RuntimeError, match="delete it to recompute"):
        select_fit.load(tmp_path, [P])
    feats.write_text(json.dumps({"features": select.FEATURES, "functions": {}}))
    (d,) = select_fit.load(tmp_path, [P])
    assert d["X"].shape == (0, K) and d["costs"].shape == (0, len(select.CANDIDATES))
    assert select_fit.ratio(d, np.zeros(0, np.int64)) == 1.0
