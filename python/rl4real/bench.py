"""`rl4real bench`: allocation quality, compile cost and run cost of configurations (greedy,
basic, pbqp, rl4real with a policy) on a corpus of real programs, as ratios to greedy measured in
the same run.

- allocation score and spill/reload/copy counts come from the plugin's scoring pass (the same code
  for every allocator; the plugin is loaded in every configuration, switched off for stock ones);
- compile wall/CPU time and peak memory of each `clang-22 -c`, configurations interleaved
  (A B A B ...) over repeats, medians;
- run cost from `valgrind --tool=callgrind --cache-sim=yes` (instructions, data reads + writes),
  deterministic; every build's output is checked against the greedy build's.

With `--target aarch64|riscv64|riscv64-v` the corpus is cross-compiled and run under qemu-user, outputs
checked the same way; run cost is not measured there (callgrind counts native programs only, and
Debian's qemu-user ships no instruction-counting plugin).
"""

from __future__ import annotations

import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__, corpus
from . import report as reports
from . import runcost, targets
from .corpus import CLANG, Program, compile_command, expand, link, load_corpus, run_program
from .optional import MissingExtra, require
from .paths import plugin_path
from .progress import Progress

REFERENCE = "greedy"
METRICS = ["score", "spills", "reloads", "copies", "compile_wall_s", "compile_cpu_s",
           "peak_rss_mb", "instructions", "own_instructions", "data_accesses"]
HOT_SHARE = 0.01  # a function is hot when it runs >= 1% of its program's own instructions


@dataclass
class Config:
    name: str
    flags: list[str]
    env: dict[str, str]

    @classmethod
    def parse(cls, spec: str, backend: str = "", model_dir: str = "") -> "Config":
        """greedy | basic | pbqp | rl4real[:POLICY][/OPTION=VALUE...] (POLICY as for
        RL4REAL_POLICY, a file path included; each OPTION=VALUE sets RL4REAL_<OPTION>, e.g.
        rl4real/split-budget=16)."""
        parts = spec.split("/")
        # the settings start at the first OPTION=VALUE part; what comes before is the policy, and
        # a later part without "=" continues the value before it (a path: model-dir=/a/b)
        first = next((i for i in range(1, len(parts)) if "=" in parts[i]), len(parts))
        spec, settings = "/".join(parts[:first]), []
        for part in parts[first:]:
            if "=" in part:
                settings.append(part)
            else:
                settings[-1] += "/" + part
        extra = {}
        for s in settings:
            key, _, value = s.partition("=")
            extra["RL4REAL_" + key.upper().replace("-", "_")] = value
        if spec in ("greedy", "basic", "pbqp"):
            return cls(spec, ["-mllvm", f"-regalloc={spec}"] if spec != "greedy" else [],
                       {"RL4REAL_ENABLE": "0"})
        kind, _, policy = spec.partition(":")
        if kind != "rl4real":
            raise ValueError(f"unknown configuration {spec!r}: greedy, basic, pbqp or rl4real[:POLICY]")
        env = {"RL4REAL_ENABLE": "1", "RL4REAL_POLICY": policy or "heuristic"}
        if backend:
            env["RL4REAL_BACKEND"] = backend
        if model_dir:
            env["RL4REAL_MODEL_DIR"] = model_dir
        return cls("/".join([spec, *settings]), [], {**env, **extra})


class Bench:
    def __init__(self, corpus_dir: Path, programs: list[Program], configs: list[Config], out: Path,
                 repeats: int, callgrind: bool, target: targets.Target | None = None):
        self.bench_dir = corpus_dir.resolve()  # {bench} in the corpus file
        self.programs, self.configs, self.out = programs, configs, out
        self.repeats, self.target = repeats, target or targets.host()
        self.callgrind = callgrind and self.target.native  # callgrind counts native programs only
        self.plugin = str(plugin_path())
        self.work = out.resolve() / "work"  # absolute: programs run in a temporary folder
        self.results: dict = {p.name: {c.name: {"compile": []} for c in configs} for p in programs}
        self.failures: list[str] = []

    # -- building
    def prepare(self, p: Program) -> dict[str, Path]:
        return corpus.prepare_paths(self.bench_dir, p, self.work / p.name)

    def compile_all(self, progress: Progress) -> None:
        prepared = {p.name: self.prepare(p) for p in self.programs}
        for rep in range(self.repeats):
            for p in self.programs:
                paths = prepared[p.name]
                for i, src in enumerate(expand(p.sources, **paths)):
                    for c in self.configs:  # interleaved: A B A B ...
                        self._compile_one(p, c, paths, rep, i, src)
                        progress.step(f"compile {p.name} [{c.name}] #{rep + 1}")
            for p in self.programs:
                for c in self.configs:
                    if rep == 0:
                        self._link(p, c, prepared[p.name])

    def _obj_dir(self, p: Program, c: Config) -> Path:
        d = self.work / p.name / "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in c.name)
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _compile_one(self, p, c, paths, rep, index, src) -> None:
        d = self._obj_dir(p, c)
        report = d / "report.jsonl"
        if rep == 0 and index == 0:
            report.unlink(missing_ok=True)
        env = dict(os.environ, **c.env)
        env["RL4REAL_REPORT"] = str(report) if rep == 0 else ""
        cmd = compile_command(p, paths, self.target.compiler(f"-fpass-plugin={self.plugin}", *c.flags),
                              src, d / f"{index}.o")
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")
        proc.stdout.close()
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"compile failed [{c.name}]: {shlex.join(cmd)}\n{err[-3000:]}")
        if "rl4real:" in err:
            self.failures.append(f"{p.name} [{c.name}]: {err.strip().splitlines()[0]}")
        self.results[p.name][c.name]["compile"].append(
            {"rep": rep, "source": index, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
             "rss_mb": ru.ru_maxrss / 1024})

    def _link(self, p, c, paths) -> None:
        d = self._obj_dir(p, c)
        link(p, sorted(d.glob("*.o")), d / p.name, self.target.link)

    # -- running
    def run_all(self, progress: Progress) -> None:
        for p in self.programs:
            paths = {"bench": self.bench_dir}
            reference = None
            for c in self.configs:
                exe = self._obj_dir(p, c) / p.name
                out = run_program(p, exe, paths, runner=self.target.runner)
                r = self.results[p.name][c.name]
                if c.name == REFERENCE:
                    reference = out
                r["output_ok"] = reference is None or out == reference
                if not r["output_ok"]:
                    self.failures.append(f"{p.name} [{c.name}]: output differs from {REFERENCE}")
                if self.callgrind:
                    r.update(self._callgrind(p, exe, paths))
                progress.step(f"run {p.name} [{c.name}]")

    def _callgrind(self, p, exe, paths) -> dict:
        m = runcost.measure(p, exe, paths["bench"], cache_sim=True)
        everything, own = m["all"], m["own"]
        total = lambda costs, e: sum(c.get(e, 0) for c in costs.values())  # noqa: E731
        return {"instructions": total(everything, "Ir"),
                "data_accesses": total(everything, "Dr") + total(everything, "Dw"),
                "own_instructions": total(own, "Ir"),
                "function_instructions": runcost.instructions(own)}

    # -- results
    def collect_scores(self) -> None:
        for p in self.programs:
            for c in self.configs:
                r = self.results[p.name][c.name]
                report = self._obj_dir(p, c) / "report.jsonl"
                recs = reports.load(report)
                for k in ("score", "spills", "reloads", "copies"):
                    r[k] = sum(rec[k] for rec in recs)
                r["function_scores"] = reports.per_function(recs, "score")
                r["function_est_costs"] = reports.per_function(recs, "est_cost")
                r["functions"] = len(recs)
                rl = [rec for rec in recs if rec["allocator"] == "rl4real"]
                if rl:
                    s = reports.summarize(rl)
                    r["assigned_share"] = s["assigned_share"]
                    r["policy_fallbacks"] = s["functions_failed"]
                    if s["functions_failed"]:  # compiles run with -w: the warnings are not seen
                        self.failures.append(f"{p.name} [{c.name}]: the policy failed on "
                                             f"{s['functions_failed']} functions: {s['failures'][0][0]}")
                    r["splits"] = sum(rec["split"] for rec in rl)
                    r["split_refusals"] = sum(n for rec in rl for k, n in rec["refusals"].items()
                                              if k.startswith("split"))
                per_rep: dict[int, list] = {}
                for m in r["compile"]:
                    per_rep.setdefault(m["rep"], []).append(m)
                r["compile_wall_s"] = statistics.median(sum(m["wall"] for m in ms) for ms in per_rep.values())
                r["compile_cpu_s"] = statistics.median(sum(m["cpu"] for m in ms) for ms in per_rep.values())
                r["peak_rss_mb"] = statistics.median(max(m["rss_mb"] for m in ms) for ms in per_rep.values())

    def summary(self) -> dict:
        ratios: dict = {}
        totals: dict = {}
        for c in self.configs:
            ratios[c.name] = {}
            totals[c.name] = {}
            for m in METRICS:
                per_prog = {}
                for p in self.programs:
                    ref = self.results[p.name][REFERENCE].get(m)
                    val = self.results[p.name][c.name].get(m)
                    if ref is not None and val is not None:
                        per_prog[p.name] = (val / ref) if ref else (1.0 if val == ref else None)
                ratios[c.name][m] = per_prog
                vals = [self.results[p.name][c.name].get(m) for p in self.programs]
                refs = [self.results[p.name][REFERENCE].get(m) for p in self.programs]
                if all(v is not None for v in vals + refs) and sum(refs):
                    totals[c.name][m] = sum(vals) / sum(refs)
        return {"ratios": ratios, "total_ratios": totals, "functions": self.function_ratios()}

    def function_ratios(self) -> dict:
        """Per configuration: the hot functions' run-cost, score and estimated-cost ratios to
        greedy (each function's own instructions, so a change is credited to the function that
        made it), and how well the score and the estimate predict the run-cost change."""
        out = {}
        for c in self.configs:
            if c.name == REFERENCE:
                continue
            rows = []
            for p in self.programs:
                ref, res = self.results[p.name][REFERENCE], self.results[p.name][c.name]
                ref_ir, ir = ref.get("function_instructions"), res.get("function_instructions")
                if not ref_ir or ir is None:
                    continue
                own = sum(ref_ir.values())
                for fn, base in ref_ir.items():
                    score_ref = ref["function_scores"].get(fn)
                    if base < HOT_SHARE * own or fn not in ir or not score_ref:
                        continue
                    est_ref = ref.get("function_est_costs", {}).get(fn)
                    est = res.get("function_est_costs", {}).get(fn)
                    rows.append({"program": p.name, "function": fn, "share": base / own,
                                 "run_cost": ir[fn] / base,
                                 "score": res["function_scores"].get(fn, score_ref) / score_ref,
                                 "est_cost": est / est_ref if est and est_ref else None})
            moved = [r for r in rows if abs(r["run_cost"] - 1) > 1e-3 or abs(r["score"] - 1) > 1e-3
                     or abs((r["est_cost"] or 1) - 1) > 1e-3]
            with_est = [r for r in moved if r["est_cost"] is not None]
            out[c.name] = {
                "hot": rows,
                "moved": len(moved),
                "correlation": runcost.correlation([r["score"] - 1 for r in moved],
                                                   [r["run_cost"] - 1 for r in moved]),
                "sign_agreement": sign_agreement(moved, "score"),
                "est_correlation": runcost.correlation([r["est_cost"] - 1 for r in with_est],
                                                       [r["run_cost"] - 1 for r in with_est]),
                "est_sign_agreement": sign_agreement(with_est, "est_cost"),
            }
        return out


def sign_agreement(rows: list[dict], key: str) -> float | None:
    """Share of rows where `key` and the run cost moved the same way (both unchanged counts)."""
    if not rows:
        return None
    same = sum((r[key] - 1) * (r["run_cost"] - 1) > 0
               or (abs(r[key] - 1) <= 1e-3 and abs(r["run_cost"] - 1) <= 1e-3) for r in rows)
    return same / len(rows)


def markdown(data: dict) -> str:
    configs = data["configs"]
    target = data.get("target", targets.host().name)
    lines = [f"Target {target}. Ratios to `{REFERENCE}` (lower is better; total = sum over "
             "programs / sum for greedy)."
             + ("" if targets.get(target).native else " Built for the target and run under "
                "qemu-user, outputs checked; no run cost (callgrind counts native programs only)."),
             ""]
    cols = METRICS
    header = "| program | config | " + " | ".join(cols) + " | output |"
    lines += [header, "|" + "---|" * (len(cols) + 3)]

    def fmt(x):
        return "–" if x is None else f"{x:.3f}"

    for prog, per_config in data["programs"].items():
        for c in configs:
            r = data["summary"]["ratios"][c]
            ok = per_config[c].get("output_ok", True)
            lines.append(f"| {prog} | {c} | " + " | ".join(fmt(r[m].get(prog)) for m in cols)
                         + f" | {'ok' if ok else '**MISMATCH**'} |")
    for c in configs:
        t = data["summary"]["total_ratios"][c]
        lines.append(f"| **total** | {c} | " + " | ".join(fmt(t.get(m)) for m in cols) + " | |")
    for c, f in data["summary"].get("functions", {}).items():
        if not f["hot"]:
            continue
        lines += ["", f"Hot functions (>= {100 * HOT_SHARE:g}% of their program's own instructions) "
                  f"with `{c}`: run cost (own instructions), score and estimated cost (`est_cost`) "
                  f"as ratios to greedy. Over the {f['moved']} that moved, against the run-cost "
                  f"change: score Pearson r = {f['correlation']:.2f}, same sign "
                  f"{fmt(f['sign_agreement'])}; estimated cost r = "
                  f"{f.get('est_correlation', math.nan):.2f}, same sign "
                  f"{fmt(f.get('est_sign_agreement'))}.", "",
                  "| program | function | share of run | run cost | score | est. cost |",
                  "|---|---|---|---|---|---|"]
        for r in sorted(f["hot"], key=lambda r: -abs(r["run_cost"] - 1))[:15]:
            est = "–" if r.get("est_cost") is None else f"{r['est_cost']:.4f}"
            lines.append(f"| {r['program']} | `{r['function']}` | {100 * r['share']:.1f}% | "
                         f"{r['run_cost']:.4f} | {r['score']:.4f} | {est} |")
    lines += ["", "Absolute values (greedy):", "",
              "| program | score | spills | reloads | copies | compile s | instructions |",
              "|---|---|---|---|---|---|---|"]
    for prog, per_config in data["programs"].items():
        g = per_config[REFERENCE]
        lines.append(f"| {prog} | {g['score']:.1f} | {g['spills']} | {g['reloads']} | {g['copies']} | "
                     f"{g['compile_wall_s']:.2f} | {g.get('instructions', '–')} |")
    return "\n".join(lines) + "\n"


def chart(data: dict, path: Path) -> None:
    matplotlib = require("matplotlib", "the benchmark chart")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [m for m in ("score", "spills", "reloads", "copies", "compile_wall_s", "instructions")
               if all(m in data["summary"]["total_ratios"][c] for c in data["configs"])]
    configs = data["configs"]
    fig, ax = plt.subplots(figsize=(1.6 * len(metrics) + 2, 4))
    width = 0.8 / len(configs)
    for i, c in enumerate(configs):
        vals = [data["summary"]["total_ratios"][c][m] for m in metrics]
        ax.bar([j + i * width for j in range(len(metrics))], vals, width, label=c)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks([j + width * (len(configs) - 1) / 2 for j in range(len(metrics))], metrics)
    ax.set_ylabel(f"ratio to {REFERENCE} (lower is better)")
    ax.set_title(f"rl4real bench: {len(data['programs'])} programs")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def versions() -> dict:
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "unavailable"
    return {"rl4real": __version__, "clang": first_line([CLANG, "--version"]),
            "valgrind": first_line(["valgrind", "--version"]), "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cpus"}


def run(args) -> int:
    corpus_path = Path(args.corpus)
    if not corpus_path.is_file():
        print(f"rl4real bench: no corpus file {corpus_path}: pass --corpus PATH", file=sys.stderr)
        return 2
    programs = load_corpus(corpus_path)
    if args.programs:
        wanted = args.programs.split(",")
        unknown = set(wanted) - {p.name for p in programs}
        if unknown:
            print(f"rl4real bench: unknown programs {sorted(unknown)}", file=sys.stderr)
            return 2
        programs = [p for p in programs if p.name in wanted]
    elif args.split:
        programs = [p for p in programs if p.split == args.split]
    elif args.quick:
        programs = [p for p in programs if p.quick]
    else:  # the test split is held out: only --split test or --programs reach it
        programs = [p for p in programs if p.split != "test"]
    specs = args.configs.split(",")
    if REFERENCE not in specs:
        specs.insert(0, REFERENCE)
    try:
        configs = [Config.parse(s, args.backend, args.model_dir) for s in specs]
    except ValueError as e:
        print(f"rl4real bench: {e}", file=sys.stderr)
        return 2
    repeats = args.repeat if args.repeat else (1 if args.quick else 3)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    target = targets.get(args.target or "")
    if target.missing():
        print(f"rl4real bench: {target.missing()}", file=sys.stderr)
        return 2
    bench = Bench(corpus_path.parent, programs, configs, out, repeats,
                  callgrind=not args.no_callgrind, target=target)
    n_sources = sum(len(p.sources) for p in programs)
    progress = Progress(repeats * n_sources * len(configs) + len(programs) * len(configs))
    bench.compile_all(progress)
    bench.run_all(progress)
    bench.collect_scores()

    data = {"command": shlex.join(["rl4real", *args.raw_argv]),
            "versions": versions(), "target": target.name, "configs": [c.name for c in configs],
            "repeats": repeats, "corpus": str(corpus_path),
            "programs": {p.name: {c: {k: v for k, v in r.items() if k != "compile"}
                                  for c, r in bench.results[p.name].items()} for p in programs},
            "compile_samples": {p.name: {c: r["compile"] for c, r in bench.results[p.name].items()}
                                for p in programs},
            "failures": bench.failures}
    data["summary"] = bench.summary()
    (out / "results.json").write_text(json.dumps(data, indent=1))
    md = markdown(data)
    (out / "results.md").write_text(md)
    files = [out / "results.json", out / "results.md"]
    try:
        chart(data, out / "results.png")
        files.append(out / "results.png")
    except MissingExtra as e:
        print(f"rl4real: note: no chart: {e}", file=sys.stderr)
    print(md)
    print("results: " + ", ".join(map(str, files)))
    for f in bench.failures:
        print(f"FAILURE: {f}", file=sys.stderr)
    return 1 if any("output differs" in f or "cannot load policy" in f for f in bench.failures) else 0
