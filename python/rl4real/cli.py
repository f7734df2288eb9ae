"""The `rl4real` command. Sub-commands import what they need, so `plugin-path` stays instant."""

from __future__ import annotations

import argparse
import sys

from . import __version__, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rl4real", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("plugin-path", help="print the absolute path of librl4real.so")
    sub.add_parser("config-path", help="print the shipped model's config directory (RL4ReAl's "
                   "-ml-config-path layout: regalloc/onnx-checkpoint/<MODEL>_MODEL_PATH.onnx)")
    p = sub.add_parser("features", help="print the feature spec as Markdown (docs/features.md)")
    p.add_argument("--check", metavar="FILE", help="fail if FILE differs from the generated text")
    p.add_argument("--schema", action="store_true", help="the JSON Schema of report lines instead")
    sub.add_parser("options", help="print the plugin's options as a Markdown table (README)")
    p = sub.add_parser("report", help="summarise a report file (-rl4real-report / RL4REAL_REPORT)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    sub.add_parser("doctor", help="check the plugin, its feature spec, Python and policies")
    p = sub.add_parser("bench", help="compare allocators on a corpus of real programs (ratios to greedy)")
    p.add_argument("--corpus", default=None, help="corpus file (default: bench/corpus.toml in a "
                   "checkout, else the one installed with rl4real)")
    p.add_argument("--configs", default="greedy,basic,pbqp,rl4real",
                   help="comma-separated: greedy, basic, pbqp, rl4real[:POLICY][/OPTION=VALUE...] "
                   "(default: %(default)s)")
    p.add_argument("--programs", help="comma-separated program names (default: all)")
    p.add_argument("--split", choices=["train", "validation", "test"],
                   help="only the corpus's programs of this split (see `rl4real train`; by "
                   "default every program but the held-out test split)")
    p.add_argument("--quick", action="store_true", help="CI-sized: the corpus's quick programs, 1 repeat")
    p.add_argument("--repeat", type=int, help="compile repeats for timing (default 3; 1 with --quick)")
    p.add_argument("--no-callgrind", action="store_true", help="skip run-cost measurement")
    p.add_argument("--target", choices=list(targets.TARGETS),
                   help="build for this target (default: this machine's); another than this "
                   "machine's runs under qemu-user, without run cost")
    p.add_argument("--backend", default="", help="RL4REAL_BACKEND for rl4real configurations")
    p.add_argument("--model-dir", default="", help="RL4REAL_MODEL_DIR for rl4real configurations")
    p.add_argument("--out", default="bench-results", help="output folder (default: %(default)s)")
    p = sub.add_parser("export", help="write a model directory's ONNX files and manifest from its torch weights")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--onnx", metavar="DIR", help="output model directory")
    out.add_argument("--config-dir", metavar="DIR", help="output config directory in RL4ReAl's "
                     "layout (-ml-config-path; the model in DIR/regalloc/onnx-checkpoint)")
    p.add_argument("--model-dir", default=None, help="source model directory (default: the shipped model)")
    p = sub.add_parser("clone", help="initial weights by behaviour cloning of the heuristic on dumped graphs")
    p.add_argument("--graphs", required=True, help="folder of graphs dumped with rl4real.policies.dump")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("vocab", help="train a MIR2Vec vocabulary (TransE) on triplets from C sources")
    p.add_argument("--out", required=True, help="vocabulary JSON to write")
    p.add_argument("sources", nargs="*", help="C files (default: the bench corpus's programs)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("train", help="train the four models with PPO on compiler rollouts (bench corpus, split = train)")
    p.add_argument("--out", required=True, help="run directory (an existing one is resumed)")
    p.add_argument("--iterations", type=int, help="total iterations (default 30)")
    p.add_argument("--workers", type=int, help="local rollout processes (default: all cores)")
    p.add_argument("--init", help="starting weights: cloned (default), default, random or a model directory")
    p.add_argument("--targets", help="comma-separated targets the rollouts are built for, in turn "
                   f"({', '.join(targets.TARGETS)}; default: this machine's; others run under "
                   "qemu-user)")
    p.add_argument("--ray", metavar="ADDRESS", help="run rollouts on a Ray cluster ('local' starts one here)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any TrainConfig field (rl4real/train/config.py), repeatable")
    p = sub.add_parser("train-advice", help="learn the advice policy's weights from run cost "
                       "(random search over the training programs, callgrind; resumable)")
    p.add_argument("--out", required=True, help="run directory (an existing one is resumed)")
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--directions", type=int, default=2, help="random directions per iteration "
                   "(two builds of every program each)")
    p.add_argument("--sigma", type=float, default=0.1, help="probe distance")
    p.add_argument("--step", type=float, default=0.05, help="step size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--programs", help="comma-separated (default: the corpus's train split)")
    p.add_argument("--corpus", default=None, help="corpus file (default: the shipped one)")
    p = sub.add_parser("train-select", help="learn which policy allocates each function (policy "
                       "select) from per-function run cost (callgrind; reuses what a run left)")
    p.add_argument("--out", required=True, help="run directory")
    p.add_argument("--programs", help="comma-separated (default: the corpus's train split)")
    p.add_argument("--corpus", default=None, help="corpus file (default: the shipped one)")
    p.add_argument("--jobs", type=int, default=2, help="builds and runs at a time")
    p = sub.add_parser("tune", help="per-function choices for one program on its own workload "
                       "(policy tuned; callgrind; reuses what a run left)")
    p.add_argument("--out", required=True, help="run directory (the model is RUN/model)")
    p.add_argument("--program", dest="programs", required=True, help="a program of the corpus")
    p.add_argument("--corpus", default=None, help="corpus file (default: the shipped one)")
    p.add_argument("--seeds", type=int, default=4, help="random-advice seeds tried (default: %(default)s)")
    p.add_argument("--jobs", type=int, default=2, help="builds and runs at a time")
    p = sub.add_parser("serve", help="model server for the pipe and gRPC runners (RL4ReAl's "
                       "flags and rl4real's own); prints 'Server Status is Running' when ready")
    p.add_argument("--policy", default="hierarchical", help="any policy rl4real can load "
                   "(default: %(default)s, the four models)")
    p.add_argument("--model-dir", default="", help="model or config directory (default: the shipped model)")
    p.add_argument("--backend", default="onnxruntime", choices=["onnxruntime", "torch"])
    p.add_argument("--seed", type=int, default=0, help="seed of stochastic policies")
    p.add_argument("--server_port", type=int, default=50051, help="gRPC port (default %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="gRPC address to listen on (default %(default)s)")
    p.add_argument("--workers", type=int, default=8, help="gRPC threads: compiles served at once")
    p.add_argument("--use_pipe", type=int, choices=[0, 1], default=0, help="1: the pipe runner instead of gRPC")
    p.add_argument("--pipe_name", default="rl4real", help="connection pipe (in the temporary "
                   "folder unless a path; default %(default)s)")
    p.add_argument("--data_format", choices=["json", "bytes"], default="json")
    p.add_argument("--dump_onnx_model", type=int, choices=[0, 1], default=0,
                   help="1: write the model to --config_path in RL4ReAl's layout and exit")
    p.add_argument("--config_path", default="config", help="where --dump_onnx_model writes")
    parser.add_argument("--version", action="version", version=f"rl4real {__version__}")
    args = parser.parse_args(argv)
    args.raw_argv = list(argv) if argv is not None else sys.argv[1:]
    from .optional import MissingExtra
    try:
        return _run(args)
    except MissingExtra as e:
        print(f"rl4real: error: {e}", file=sys.stderr)
        return 1


# Each command needs: (module, purpose) checked before its code is imported.
_NEEDS = {"export": [("torch", "rl4real export"), ("onnx", "rl4real export")],
          "clone": [("torch", "rl4real clone")], "vocab": [("torch", "rl4real vocab")],
          "train": [("torch", "rl4real train"), ("onnx", "rl4real train")],
          "serve": [("grpc", "rl4real serve"), ("grpc_tools", "rl4real serve")]}


def _run(args) -> int:
    from .optional import require
    for module, purpose in _NEEDS.get(args.command, []):
        require(module, purpose)

    if args.command == "plugin-path":
        from .paths import PluginNotFound, plugin_path
        try:
            print(plugin_path())
        except PluginNotFound as e:
            print(f"rl4real: error: {e}", file=sys.stderr)
            return 1
        return 0
    if args.command == "features":
        import json

        from . import spec
        text = (json.dumps(spec.report_schema(), indent=1) + "\n") if args.schema else spec.markdown()
        if args.check:
            with open(args.check) as f:
                if f.read() != text:
                    print(f"{args.check} is out of date: run `rl4real features > {args.check}`",
                          file=sys.stderr)
                    return 1
            return 0
        sys.stdout.write(text)
        return 0
    if args.command == "options":
        from . import spec
        sys.stdout.write(spec.options_markdown())
        return 0
    if args.command == "report":
        from .report import main as report_main
        return report_main(args.file, as_json=args.json)
    if args.command == "bench":
        from . import bench, corpus
        args.corpus = args.corpus or str(corpus.default_corpus())
        return bench.run(args)
    if args.command == "export":
        from pathlib import Path

        from .models import export, store
        try:
            modules = export.load_modules(store.resolve(args.model_dir))
        except store.ModelError as e:
            print(f"rl4real: error: {e}", file=sys.stderr)
            return 1
        out = Path(args.onnx) if args.onnx else Path(args.config_dir) / store.CHECKPOINT
        export.save(modules, out, exported_from=str(store.resolve(args.model_dir)))
        print(f"wrote {out}")
        return 0
    if args.command == "train-advice":
        from .train import advice_search
        return advice_search.main(args)
    if args.command == "train-select":
        from .train import select_fit
        return select_fit.main(args)
    if args.command == "tune":
        from .train import tune
        return tune.main(args)
    if args.command == "serve":
        from .runners import server
        return server.main(args)
    if args.command == "config-path":
        from .models import store
        print(store.config_dir())
        return 0
    if args.command == "clone":
        from pathlib import Path

        from . import graphs
        from .models import clone
        loaded = [g for g, _ in graphs.load_dir(args.graphs)]
        if not loaded:
            print(f"rl4real: error: no graphs (*.npz) in {args.graphs}", file=sys.stderr)
            return 1
        clone.clone(loaded, Path(args.out), epochs=args.epochs, seed=args.seed)
        print(f"wrote {args.out}")
        return 0
    if args.command == "vocab":
        import json
        from pathlib import Path

        from . import corpus, vocab
        compiles = [[s] for s in args.sources] or corpus.corpus_compiles(corpus.default_corpus())
        stats = vocab.build(compiles, Path(args.out), epochs=args.epochs, seed=args.seed)
        print(json.dumps(stats))
        return 0
    if args.command == "train":
        from .train.cli import main as train_main
        return train_main(args)
    if args.command == "doctor":
        from .doctor import main as doctor_main
        return doctor_main()
    return 2
