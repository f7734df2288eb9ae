"""RL4ReAl's command lines and the remote runners: the seed's four clang lines (in-process ONNX,
pipe with json and with bytes, gRPC), verbatim plus -fpass-plugin, give the same assembly as the
in-process policy with the same model; a server that is absent, killed, too slow or answering
garbage costs one warning and never a wrong program; the server survives malformed requests."""

import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import CLANG, POLICIES, PROGRAMS, compile_c, read_report, rl_env, run_program
from rl4real import corpus
from rl4real.models import store

pytest.importorskip("grpc_tools")

CORPUS = PROGRAMS.parent / "corpus.toml"
SERVED = POLICIES / "served.py"
RUNNERS = ["onnx", "pipe-json", "pipe-bytes", "grpc"]
SOURCES = [PROGRAMS / "sha256.c", PROGRAMS / "interp.c"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`rl4real serve` with the seed's flags; started when it says it is running."""

    def __init__(self, *flags):
        self.proc = subprocess.Popen([sys.executable, "-m", "rl4real", "serve", *flags],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line == "Server Status is Running\n", (line, self.proc.stderr.read())

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(timeout=30)


def seed_line(runner: str, address: str = "", pipe: str = "") -> list[str]:
    """The seed's clang options for a runner (README, 'Coming from RL4ReAl')."""
    line = ["-O3", "-mllvm", "-regalloc=greedy", "-mllvm", "-mlra-inference",
            "-mllvm", f"-ml-config-path={store.config_dir()}"]
    if runner == "onnx":
        return line + ["-mllvm", "-rl-inference-engine"]
    if runner == "grpc":
        return line + ["-mllvm", f"-mlra-server-address={address}"]
    fmt = runner.partition("-")[2]
    return line + ["-mllvm", "-mlra-use-pipe", "-mllvm", f"-mlra-pipe-name={pipe}",
                   "-mllvm", f"-mlra-data-format={fmt}"]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A gRPC server and a pipe server per data format, each serving the shipped model."""
    d = tmp_path_factory.mktemp("pipes")
    port = free_port()
    running = {"grpc": Server(f"--server_port={port}")}
    for fmt in ("json", "bytes"):
        running[f"pipe-{fmt}"] = Server("--use_pipe=1", f"--pipe_name={d / fmt}", f"--data_format={fmt}")
    yield {"address": f"127.0.0.1:{port}", "pipes": d, "running": running}
    for s in running.values():
        assert s.stop() == 0  # stops cleanly on SIGTERM


def runner_line(runner, servers):
    fmt = runner.partition("-")[2]
    return seed_line(runner, servers["address"], str(servers["pipes"] / fmt) if fmt else "")


@pytest.mark.parametrize("runner", RUNNERS)
def test_seed_command_line_gives_the_in_process_assembly(plugin, tmp_path, servers, runner):
    for src in SOURCES:
        ours = tmp_path / f"{src.stem}.in-process.s"
        compile_c(src, ours, plugin=plugin, opt="-O3", flags=["-S"], env=rl_env(policy="hierarchical"))
        report = tmp_path / f"{src.stem}.jsonl"
        theirs = tmp_path / f"{src.stem}.{runner}.s"
        r = compile_c(src, theirs, plugin=plugin, opt=runner_line(runner, servers)[0],
                      flags=[*runner_line(runner, servers)[1:], "-S"], env=rl_env(report=report))
        assert "rl4real:" not in r.stderr
        assert theirs.read_text() == ours.read_text()
        asked = [x for x in read_report(report) if x["allocator"] == "rl4real"]
        assert asked and not any(x["fallback"] for x in asked)
        assert sum(x["decisions"] for x in asked) > 0 and sum(x["assigned"] for x in asked) > 0


@pytest.mark.parametrize("runner", ["pipe-bytes", "grpc"])
def test_many_compiles_at_once(plugin, tmp_path, servers, runner):
    """Six compiles of two files at once through one server: each gets its own answers."""
    from concurrent.futures import ThreadPoolExecutor
    line = runner_line(runner, servers)
    expected = {}
    for src in SOURCES:
        compile_c(src, tmp_path / f"{src.stem}.s", plugin=plugin, opt="-O3", flags=["-S"],
                  env=rl_env(policy="hierarchical"))
        expected[src.stem] = (tmp_path / f"{src.stem}.s").read_text()

    def one(i):
        src = SOURCES[i % 2]
        out = tmp_path / f"{i}.s"
        r = compile_c(src, out, plugin=plugin, opt=line[0], flags=[*line[1:], "-S"])
        return src.stem, out.read_text(), r.stderr

    with ThreadPoolExecutor(6) as pool:
        for stem, text, stderr in pool.map(one, range(6)):
            assert "rl4real:" not in stderr and text == expected[stem]


def test_exported_config_dir_runs_the_seed_line(plugin, tmp_path):
    """`rl4real export --config-dir` writes RL4ReAl's layout; the seed's ONNX line loads it."""
    pytest.importorskip("torch")
    subprocess.run([sys.executable, "-m", "rl4real", "export", "--config-dir", str(tmp_path / "cfg")],
                   check=True, capture_output=True)
    onnx = tmp_path / "cfg" / "regalloc" / "onnx-checkpoint"
    assert {f"{m}_MODEL_PATH.onnx" for m in ("SELECT_TASK", "SELECT_NODE", "COLOR_NODE", "SPLIT_NODE")} \
        <= {f.name for f in onnx.iterdir()}
    src = SOURCES[0]
    compile_c(src, tmp_path / "ours.s", plugin=plugin, opt="-O3", flags=["-S"],
              env=rl_env(policy="hierarchical", model_dir=onnx))
    line = seed_line("onnx")
    line[line.index(f"-ml-config-path={store.config_dir()}")] = f"-ml-config-path={tmp_path / 'cfg'}"
    r = compile_c(src, tmp_path / "seed.s", plugin=plugin, opt=line[0], flags=[*line[1:], "-S"],
                  env=rl_env(report=tmp_path / "r.jsonl"))
    assert "rl4real:" not in r.stderr
    assert (tmp_path / "seed.s").read_text() == (tmp_path / "ours.s").read_text()
    assert any(x["allocator"] == "rl4real" for x in read_report(tmp_path / "r.jsonl"))


def test_regalloc_greedy_alone_is_stock_greedy(plugin, tmp_path):
    src = SOURCES[0]
    compile_c(src, tmp_path / "stock.o", opt="-O3", flags=["-c"])
    compile_c(src, tmp_path / "seed.o", plugin=plugin, opt="-O3", flags=["-c", "-mllvm", "-regalloc=greedy"],
              env=rl_env(report=tmp_path / "r.jsonl"))
    assert (tmp_path / "seed.o").read_bytes() == (tmp_path / "stock.o").read_bytes()
    assert {x["allocator"] for x in read_report(tmp_path / "r.jsonl")} == {"stock"}


def built_correctly(plugin, tmp_path, flags, env=None):
    """Builds sha256 with the flags; its stderr, after checking the output is stock's."""
    src = SOURCES[0]
    compile_c(src, tmp_path / "stock", opt="-O3")
    r = compile_c(src, tmp_path / "rl", plugin=plugin, opt=flags[0], flags=flags[1:], env=env)
    assert run_program(tmp_path / "rl") == run_program(tmp_path / "stock")
    return r.stderr


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "warning: rl4real:" in line]


@pytest.mark.parametrize("runner", ["pipe-json", "grpc"])
def test_absent_server_costs_one_warning(plugin, tmp_path, runner):
    flags = seed_line(runner, f"127.0.0.1:{free_port()}", str(tmp_path / "nobody"))
    stderr = built_correctly(plugin, tmp_path, flags)
    assert len(warnings(stderr)) == 1 and "no rl4real serve" in stderr


def test_absent_server_in_strict_mode_is_an_error(plugin, tmp_path):
    flags = seed_line("grpc", f"127.0.0.1:{free_port()}")
    r = compile_c(SOURCES[0], tmp_path / "x", plugin=plugin, opt=flags[0], flags=flags[1:],
                  env=rl_env(strict=1), check=False)
    assert r.returncode != 0 and "no rl4real serve" in r.stderr


@pytest.mark.parametrize("runner", ["pipe-bytes", "grpc"])
def test_server_killed_mid_build(plugin, tmp_path, runner):
    port, pipe = free_port(), tmp_path / "p"
    fmt = ["--use_pipe=1", f"--pipe_name={pipe}", "--data_format=bytes"] if runner != "grpc" \
        else [f"--server_port={port}"]
    server = Server(f"--policy={SERVED}:dies_at_third", *fmt)
    stderr = built_correctly(plugin, tmp_path, seed_line(runner, f"127.0.0.1:{port}", str(pipe)),
                             env=rl_env(report=tmp_path / "r.jsonl"))
    assert server.stop() == -9
    assert len(warnings(stderr)) == 1
    asked = [x for x in read_report(tmp_path / "r.jsonl") if x["allocator"] == "rl4real"]
    assert sum(not x["fallback"] for x in asked) == 2  # served before the server died


@pytest.mark.parametrize("runner", ["pipe-json", "grpc"])
def test_too_slow_server(plugin, tmp_path, runner):
    port, pipe = free_port(), tmp_path / "p"
    fmt = ["--use_pipe=1", f"--pipe_name={pipe}"] if runner != "grpc" else [f"--server_port={port}"]
    server = Server(f"--policy={SERVED}:slow", *fmt)
    try:
        stderr = built_correctly(plugin, tmp_path, seed_line(runner, f"127.0.0.1:{port}", str(pipe)),
                                 env=rl_env(timeout=1))
    finally:
        server.stop()
    assert len(warnings(stderr)) == 1, stderr


def garbage_pipe_server(pipe: Path, stop: threading.Event):
    """Answers every request with a frame of bytes that are no message."""
    os.mkfifo(pipe, 0o600)
    with open(pipe, "rb", buffering=0) as hello:
        folder = Path(os.fsdecode(hello.readline().strip()))
    with open(folder / "request", "rb", buffering=0) as req, open(folder / "reply", "wb", buffering=0) as rep:
        while not stop.is_set():
            header = req.read(4)
            if len(header) < 4:
                return
            req.read(int.from_bytes(header, "big"))
            rep.write(b"\x00\x00\x00\x05\xff\xfe\xfd\xfc\xfb")


def test_garbage_replies_over_the_pipe(plugin, tmp_path):
    stop = threading.Event()
    t = threading.Thread(target=garbage_pipe_server, args=(tmp_path / "p", stop), daemon=True)
    t.start()
    while not (tmp_path / "p").exists():
        pass
    stderr = built_correctly(plugin, tmp_path, seed_line("pipe-bytes", pipe=str(tmp_path / "p")))
    stop.set()
    assert warnings(stderr) and "not a Decisions message" in stderr


def test_garbage_replies_over_grpc(plugin, tmp_path):
    import grpc
    from concurrent import futures

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    handler = grpc.unary_unary_rpc_method_handler(lambda req, ctx: b"\xff\xfe garbage",
                                                  request_deserializer=None, response_serializer=None)
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("rl4real.Allocator",
                                                                          {"Allocate": handler})])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        stderr = built_correctly(plugin, tmp_path, seed_line("grpc", f"127.0.0.1:{port}"))
    finally:
        server.stop(0)
    assert warnings(stderr)


def test_server_survives_malformed_requests(plugin, tmp_path, servers):
    import grpc
    from rl4real.runners import wire

    pb, services = wire.modules()
    stub = services.AllocatorStub(grpc.insecure_channel(servers["address"]))
    bad = pb.Function(spec_version=0)
    with pytest.raises(grpc.RpcError) as e:
        stub.Allocate(bad, timeout=10)
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    wrong = pb.Function(spec_version=wire.spec.VERSION)
    wrong.arrays.append(pb.Array(key="node_size", dtype="<f4", shape=[3], data=b"x"))
    with pytest.raises(grpc.RpcError):
        stub.Allocate(wrong, timeout=10)
    # garbage on a pipe connection: refused with an error reply, the server goes on
    from rl4real.runners.client import PipeRunner
    runner = PipeRunner(str(servers["pipes"] / "bytes"), "bytes", 10)
    os.write(runner.request, b"\x00\x00\x00\x03abc")
    reply = wire.decode(runner._read(wire.frame_length(runner._read(4, None)), None), pb.Decisions, "bytes")
    assert reply.error.startswith("malformed request")
    for s in servers["running"].values():
        assert s.proc.poll() is None
    test_seed_command_line_gives_the_in_process_assembly(plugin, tmp_path, servers, "grpc")


def test_pipes_are_owner_only(servers):
    from rl4real.runners.client import PipeRunner
    connect = servers["pipes"] / "json"
    assert stat.S_IMODE(connect.stat().st_mode) == 0o600
    runner = PipeRunner(str(connect), "json", 10)
    assert stat.S_IMODE(runner.folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE((runner.folder / e).stat().st_mode) for e in ("request", "reply")} == {0o600}


@pytest.mark.slow
@pytest.mark.parametrize("program", ["lua", "sqlite3"])
def test_seed_command_lines_on_real_programs(plugin, tmp_path, servers, program):
    """Every object of the program, in-process and through each seed line, byte for byte; the
    program built through the runners runs as stock's."""
    def build(flags, tag):
        work = tmp_path / tag
        exe = corpus.build(CORPUS, program, [CLANG, *flags, f"-fpass-plugin={plugin}"], work)
        return exe, {o.name: o.read_bytes() for o in work.glob(f"{program}.*.o")}

    _, ours = build(["-O3", "-mllvm", "-rl4real-policy=hierarchical"], "in-process")
    (p,) = [q for q in corpus.load_corpus(CORPUS) if q.name == program]
    stock = corpus.build(CORPUS, program, [CLANG, "-O3"], tmp_path / "stock")
    expected = corpus.run_program(p, stock, {"bench": CORPUS.parent})
    assert ours
    for runner in RUNNERS:
        exe, objs = build(runner_line(runner, servers), runner)
        assert objs == ours, runner
        assert corpus.run_program(p, exe, {"bench": CORPUS.parent}) == expected, runner


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 6))
def test_seed_command_lines_on_csmith(plugin, tmp_path, servers, seed):
    src = tmp_path / "p.c"
    src.write_text(subprocess.run(["csmith", "--seed", str(seed)], capture_output=True, text=True,
                                  check=True).stdout)
    inc = ["-w", "-I/usr/include/csmith"]
    compile_c(src, tmp_path / "stock", opt="-O3", flags=inc)
    compile_c(src, tmp_path / "ours.s", plugin=plugin, opt="-O3", flags=[*inc, "-S"],
              env=rl_env(policy="hierarchical"))
    for runner in RUNNERS:
        line = runner_line(runner, servers)
        compile_c(src, tmp_path / f"{runner}.s", plugin=plugin, opt=line[0], flags=[*line[1:], *inc, "-S"])
        assert (tmp_path / f"{runner}.s").read_text() == (tmp_path / "ours.s").read_text(), runner
    compile_c(src, tmp_path / "grpc", plugin=plugin, opt=line[0], flags=[*line[1:], *inc])
    assert run_program(tmp_path / "grpc", timeout=120) == run_program(tmp_path / "stock", timeout=120)
