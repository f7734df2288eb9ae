"""What a remote runner costs against the in-process policy: the sqlite3 amalgamation compiled
(`-O3 -c`, one process, the shipped four-model policy) in-process with rl4real's options, with
the seed's in-process ONNX line, and through `rl4real serve` over the pipe (json, bytes) and
gRPC, interleaved, each with stock clang-22 in the same round. Reported: whole-compile wall
ratios to stock and to in-process (medians), and the extra time per function the policy was
asked for (the round trip: encoding, transfer, the server's replica, applying the answers).

    python bench/runner_cost.py [--repeat 3] [--program sqlite3] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rl4real import corpus
from rl4real import report as reports
from rl4real.models import store
from rl4real.paths import plugin_path

CORPUS = Path(__file__).parent / "corpus.toml"
SEED = ["-mllvm", "-regalloc=greedy", "-mllvm", "-mlra-inference", "-mllvm",
        f"-ml-config-path={store.config_dir()}"]


def serve(*flags) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "rl4real", "serve", *flags], stdout=subprocess.PIPE)
    if proc.stdout.readline() != b"Server Status is Running\n":
        raise RuntimeError(f"rl4real serve {' '.join(flags)} did not start")
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--program", default="sqlite3")
    ap.add_argument("--out", default="bench-results/runner_cost.json")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = Path(tempfile.mkdtemp())
    servers = [serve(f"--server_port={port}"),
               serve("--use_pipe=1", f"--pipe_name={tmp / 'json'}", "--data_format=json"),
               serve("--use_pipe=1", f"--pipe_name={tmp / 'bytes'}", "--data_format=bytes")]
    configs = {
        "stock": [],
        "in-process": ["-mllvm", "-rl4real-policy=hierarchical"],
        "onnx": [*SEED, "-mllvm", "-rl-inference-engine"],
        "pipe-json": [*SEED, "-mllvm", "-mlra-use-pipe", "-mllvm", f"-mlra-pipe-name={tmp / 'json'}",
                      "-mllvm", "-mlra-data-format=json"],
        "pipe-bytes": [*SEED, "-mllvm", "-mlra-use-pipe", "-mllvm", f"-mlra-pipe-name={tmp / 'bytes'}",
                       "-mllvm", "-mlra-data-format=bytes"],
        "grpc": [*SEED, "-mllvm", f"-mlra-server-address=127.0.0.1:{port}"],
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("RL4REAL_")}
    walls: dict[str, list[float]] = {c: [] for c in configs}
    asked = {}
    try:
        for rep in range(args.repeat):
            for name, flags in configs.items():
                plugin = [f"-fpass-plugin={plugin_path()}"] if name != "stock" else []
                cc = [corpus.CLANG, "-O3", *plugin, *flags]
                _, steps = corpus.compiles(CORPUS, args.program, cc, tmp / "work")
                report = tmp / f"{name}.jsonl"
                report.unlink(missing_ok=True)
                t0 = time.perf_counter()
                for _, _, cmd in steps:
                    subprocess.run(cmd, env={**env, "RL4REAL_REPORT": str(report)}, check=True,
                                   capture_output=True)
                walls[name].append(time.perf_counter() - t0)
                recs = reports.load(report) if report.exists() else []
                asked[name] = sum(r["allocator"] == "rl4real" and not r["fallback"] for r in recs)
                print(f"#{rep + 1} {name}: {walls[name][-1]:.2f} s, {asked[name]} functions asked",
                      file=sys.stderr)
    finally:
        for s in servers:
            s.terminate()
    med = {n: statistics.median(w) for n, w in walls.items()}
    result = {"command": " ".join(["python", "bench/runner_cost.py", *sys.argv[1:]]),
              "program": args.program, "median_wall_s": med, "functions_asked": asked,
              "ratio_to_stock": {n: med[n] / med["stock"] for n in configs},
              "ratio_to_in_process": {n: med[n] / med["in-process"] for n in configs if n != "stock"},
              "extra_ms_per_function": {n: 1000 * (med[n] - med["in-process"]) / max(asked[n], 1)
                                        for n in configs if n not in ("stock", "in-process")}}
    print(json.dumps(result, indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
