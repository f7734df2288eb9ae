"""`rl4real train-select`: learns the `select` policy (policies/select.py) from per-function run
cost. Each training program is built once with each candidate policy and run under callgrind,
which gives every function's own instruction count under every candidate: since a function's own
code depends only on its own allocation, the cost of any per-function choice is exact, and each
function is credited alone. (Static functions of one name in two files are summed by callgrind:
they get no features and count as staying with greedy, though the policy decides them too.) The heuristic's build dumps every function's graph (the dump policy
allocates like the heuristic), from which the selector's features come.

The model minimises the expected cost of its (softmax) choice: a function's run-cost change as
a share of its program's greedy run cost, plus `alpha` times its allocation-score change as a
share of the program's greedy score (issue 13 asks for both: fewer instructions, and a score no
worse than greedy's), so that every program counts alike, as in the geomean. `alpha` and the L2
strength are picked by leave-one-program-out cross-validation on the training programs alone:
the lowest run cost among the settings whose cross-validated score is no worse than greedy's.

Everything lives in the run directory and is reused when the run is repeated:

  advice.json                   the advice weights the candidate `advice` is measured with
  costs/PROGRAM/CANDIDATE.json  per-function own instructions (.scores.json: allocation scores)
  features/PROGRAM.json         per-function selector features
  report.json                   cross-validation, fixed candidates, oracle, the fit
  report.png                    the same per program, as a chart (with the plots extra)
  model/select.json             the learned selector (a model directory with advice.json)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .. import report
from ..models import store
from ..optional import MissingExtra, require
from ..policies import select
from ..progress import Progress
from . import training_run
from .advice_search import program_cost

LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1]
ALPHAS = [0.0, 0.25, 1.0, 4.0]


def collect(out: Path, corpus_path: Path, programs: list, jobs: int = 2) -> None:
    """costs/ and features/ for every program (skipping what a previous run left)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    advice = out / "advice.json"  # the advice weights the costs are measured with
    if not advice.exists():
        shutil.copy(store.resolve(None) / "advice.json", advice)
    base["RL4REAL_MODEL_DIR"] = str(out)
    todo = [(p, c) for p in programs for c in select.CANDIDATES
            if not (out / "costs" / p.name / f"{c}.json").exists()]
    progress = Progress(len(todo))

    def one(job):
        p, cand = job
        env = {**base, "RL4REAL_POLICY": cand}
        graphs = out / "graphs" / p.name
        if cand == "heuristic":  # the dump policy allocates like the heuristic
            shutil.rmtree(graphs, ignore_errors=True)
            (out / "features" / f"{p.name}.json").unlink(missing_ok=True)
            env.update(RL4REAL_POLICY="rl4real.policies.dump:policy", RL4REAL_DUMP_DIR=str(graphs))
        records = out / "work" / cand / f"{p.name}.jsonl"
        records.parent.mkdir(parents=True, exist_ok=True)
        records.unlink(missing_ok=True)
        env["RL4REAL_REPORT"] = str(records)
        _, stdout, own = program_cost(corpus_path, p, out / "work" / cand / p.name, env)
        return p, cand, stdout, own, report.per_function(report.load(records), "score")

    with ThreadPoolExecutor(jobs) as pool:
        for p, cand, stdout, own, scores in pool.map(one, todo):
            d = out / "costs" / p.name
            d.mkdir(parents=True, exist_ok=True)
            (d / f"{cand}.stdout").write_bytes(stdout)
            (d / f"{cand}.scores.json").write_text(json.dumps(scores, indent=1))
            (d / f"{cand}.json").write_text(json.dumps(own, indent=1))
            progress.step(f"{p.name} {cand}")
    for p in programs:
        outputs = {c: (out / "costs" / p.name / f"{c}.stdout").read_bytes() for c in select.CANDIDATES}
        if len(set(outputs.values())) != 1:
            raise RuntimeError(f"{p.name}: the candidates' outputs differ ({out / 'costs' / p.name})")
        feats = out / "features" / f"{p.name}.json"
        if not feats.exists():
            feats.parent.mkdir(parents=True, exist_ok=True)
            feats.write_text(json.dumps({"features": select.FEATURES,
                                         "functions": graph_features(out / "graphs" / p.name)}, indent=1))


def graph_features(directory: Path) -> dict[str, list[float]]:
    """{function: selector features} of the dumped graphs; names seen twice (static functions of
    the same name in two files, which callgrind adds up) are left out."""
    from ..graphs import load_dir
    seen = [(meta["function"], select.features(g)) for g, meta in load_dir(directory)]
    if not seen:
        raise RuntimeError(f"no dumped graphs in {directory}: the plugin gave the policy no function")
    count = Counter(name for name, _ in seen)
    return {name: x.tolist() for name, x in seen if count[name] == 1}


def load(out: Path, programs: list) -> list[dict]:
    """One dataset per program, over the functions with features: features X, greedy's totals,
    and per candidate (columns, greedy first) the own instructions C and allocation scores S."""
    data = []
    for p in programs:
        d = out / "costs" / p.name
        costs = {c: json.loads((d / f"{c}.json").read_text()) for c in select.CANDIDATES}
        scores = {c: json.loads((d / f"{c}.scores.json").read_text()) for c in select.CANDIDATES}
        saved = json.loads((out / "features" / f"{p.name}.json").read_text())
        if saved.get("features") != select.FEATURES:
            raise RuntimeError(f"{out / 'features' / p.name}.json has features {saved.get('features')}, "
                               f"this package {select.FEATURES}: delete it to recompute")
        feats = saved["functions"]
        names = sorted(f for f in feats if f in costs["parity"] or f in scores["parity"])
        data.append({
            "program": p.name, "names": names,
            "total": sum(costs["parity"].values()), "total_score": sum(scores["parity"].values()),
            "costs": np.array([[costs[k].get(f, 0) for k in select.CANDIDATES] for f in names],
                              np.float64).reshape(len(names), len(select.CANDIDATES)),
            "scores": np.array([[scores[k].get(f, 0.0) for k in select.CANDIDATES] for f in names],
                               np.float64).reshape(len(names), len(select.CANDIDATES)),
            "X": np.array([feats[f] for f in names], np.float64).reshape(len(names), len(select.FEATURES))})
    return data


def objective(d: dict, alpha: float) -> np.ndarray:
    """Per function and candidate: run-cost change over the program's greedy run cost, plus
    alpha times the score change over its greedy score."""
    r = (d["costs"] - d["costs"][:, :1]) / d["total"]
    if alpha and d["total_score"] > 0:
        r = r + alpha * (d["scores"] - d["scores"][:, :1]) / d["total_score"]
    return r


def fit(data: list[dict], lam: float, alpha: float = 0.0, steps: int = 3000,
        lr: float = 0.05) -> np.ndarray:
    """Weights (candidates - 1, features) minimising the mean over programs of the expected
    objective (run cost, plus alpha times score) of the softmax choice, plus lam * |W|^2 on
    standardised features (the bias included: with little data, every candidate's score is
    pulled towards greedy's)."""
    assert select.FEATURES[-1] == "bias"  # the last column is the constant 1
    X = np.concatenate([d["X"] for d in data])
    R = np.concatenate([objective(d, alpha) for d in data]) / len(data)
    mu, sd = X[:, :-1].mean(0), X[:, :-1].std(0) + 1e-9
    Z = np.concatenate([(X[:, :-1] - mu) / sd, X[:, -1:]], axis=1)
    k, n = R.shape[1] - 1, Z.shape[1]
    W = np.zeros((k, n))
    # the penalty is relative to the run-cost part's own scale, so lam means the same whatever
    # the programs' sizes and alpha
    scale = float(np.abs(np.concatenate([objective(d, 0.0) for d in data])).sum()) / len(data) or 1.0
    m, v = np.zeros_like(W), np.zeros_like(W)
    for t in range(1, steps + 1):
        logits = np.concatenate([np.zeros((len(Z), 1)), Z @ W.T], axis=1)
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        expected = (p * R).sum(1, keepdims=True)
        g_logits = p * (R - expected)  # d(sum p.R)/d logits
        g = g_logits[:, 1:].T @ Z + 2 * lam * scale * W
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        W -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-12)
    # back to raw features: w . ((x - mu) / sd) + b = (w / sd) . x + (b - w . mu / sd)
    raw = np.concatenate([W[:, :-1] / sd, W[:, -1:] - (W[:, :-1] * mu / sd).sum(1, keepdims=True)], axis=1)
    return raw


def ratio(d: dict, choice: np.ndarray, key: str = "costs") -> float:
    """A program's own-instruction ratio to greedy (key "scores": its score ratio) when function
    i goes to candidate choice[i]; functions without features stay with greedy."""
    m, total = d[key], d["total" if key == "costs" else "total_score"]
    if not total:
        return 1.0
    return (total + m[np.arange(len(choice)), choice].sum() - m[:, 0].sum()) / total


def choices(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    return np.array([select.choose(W, x) for x in X], np.int64)


def geomean(xs) -> float:
    return statistics.geometric_mean(list(xs))


def cross_validate(data: list[dict]) -> list[dict]:
    """Per setting (alpha, L2 strength): each program's run-cost and score ratios with the
    selector fit on the other programs."""
    out = []
    for alpha in ALPHAS:
        for lam in LAMBDAS:
            run, score = {}, {}
            for d in data:
                picked = choices(fit([e for e in data if e is not d], lam, alpha), d["X"])
                run[d["program"]], score[d["program"]] = ratio(d, picked), ratio(d, picked, "scores")
            out.append({"alpha": alpha, "lambda": lam, "run_cost": run, "score": score,
                        "run_cost_geomean": geomean(run.values()), "score_geomean": geomean(score.values())})
    return out


def pick(cv: list[dict]) -> dict:
    """The lowest cross-validated run cost among settings whose score is no worse than greedy's
    (else the lowest score)."""
    ok = [c for c in cv if c["score_geomean"] <= 1.0]
    return min(ok, key=lambda c: c["run_cost_geomean"]) if ok else min(cv, key=lambda c: c["score_geomean"])


def summary(data: list[dict], picked: dict[str, np.ndarray]) -> dict:
    return {key: {d["program"]: ratio(d, picked[d["program"]], key) for d in data}
            for key in ("costs", "scores")}


def train(out: Path, corpus_path: Path, programs: list, jobs: int = 2) -> dict:
    collect(out, corpus_path, programs, jobs)
    data = load(out, programs)
    if len(data) < 2:
        raise SystemExit("rl4real: error: train-select needs two programs or more (cross-validation)")
    cv = cross_validate(data)
    best = pick(cv)
    W = fit(data, best["lambda"], best["alpha"])
    rows = {
        **{c: summary(data, {d["program"]: np.full(len(d["names"]), k) for d in data})
           for k, c in enumerate(select.CANDIDATES)},
        "oracle (run cost)": summary(data, {d["program"]: d["costs"].argmin(1) for d in data}),
        "fitted": summary(data, {d["program"]: choices(W, d["X"]) for d in data}),
    }
    share = Counter(select.CANDIDATES[i] for d in data for i in choices(W, d["X"]))
    geomeans = {"cross_validated": {"run_cost": best["run_cost_geomean"], "score": best["score_geomean"]},
                **{name: {"run_cost": geomean(r["costs"].values()), "score": geomean(r["scores"].values())}
                   for name, r in rows.items()}}
    result = {"programs": [p.name for p in programs], "alpha": best["alpha"], "lambda": best["lambda"],
              "cross_validation": cv, "per_program": rows, "geomeans": geomeans,
              "functions_by_choice": dict(share)}
    model = out / "model"
    model.mkdir(parents=True, exist_ok=True)
    # the advice candidate decides with the weights the costs were measured with
    shutil.copy(out / "advice.json", model / "advice.json")
    select.SelectPolicy(W).save(model, trained_by="rl4real train-select", alpha=best["alpha"],
                                **{"lambda": best["lambda"]}, programs=result["programs"],
                                geomeans=geomeans)
    (out / "report.json").write_text(json.dumps(result, indent=1) + "\n")
    try:
        chart(result, out / "report.png")
    except MissingExtra as e:
        print(f"rl4real: note: no chart: {e}", file=sys.stderr)
    return result


def chart(result: dict, path: Path) -> None:
    """Own instructions per program as ratios to greedy: each candidate alone, the best candidate
    per function, and the selector under cross-validation."""
    matplotlib = require("matplotlib", "the train-select chart")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cv = next(c for c in result["cross_validation"]
              if c["alpha"] == result["alpha"] and c["lambda"] == result["lambda"])
    rows = {**{c: result["per_program"][c]["costs"] for c in select.CANDIDATES[1:]},
            "best per function": result["per_program"]["oracle (run cost)"]["costs"],
            "selector (cross-validated)": cv["run_cost"]}
    programs = result["programs"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / len(rows)
    for i, (name, per) in enumerate(rows.items()):
        ax.bar([k + i * width for k in range(len(programs))], [per[p] - 1 for p in programs],
               width, bottom=1, label=name)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(programs))], programs, rotation=30)
    ax.set_ylabel("own instructions / greedy")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(args) -> int:
    done = training_run(args, lambda out, corpus_path, programs: train(out, corpus_path, programs, args.jobs))
    if done is None:
        return 1
    out, _, result = done
    g = result["geomeans"]
    print(f"geomean ratios to greedy on {', '.join(result['programs'])} (own instructions / score): "
          + ", ".join(f"{name} {v['run_cost']:.5f} / {v['score']:.5f}" for name, v in g.items())
          + f"; alpha {result['alpha']}, L2 {result['lambda']}; model in {out / 'model'}")
    return 0
