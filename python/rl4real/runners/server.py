"""`rl4real serve`: a model server for any policy rl4real can load. Each request is one
function; the policy runs against a replica of the compiler's side of the session
(train.offline.OfflineHost: the compiler's refusal rules, with the target's register units) and
every call it makes is recorded with its answer, for the client to apply in the compiler."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path

from .. import spec
from ..policies import load_policy
from ..session import Session
from ..train.offline import OfflineHost
from . import wire


class RecordingHost(OfflineHost):
    """The offline host that also writes down each decision and its answer."""

    def __init__(self, pb, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pb, self.log = pb, []

    def assign(self, node, reg):
        answer = super().assign(node, reg)
        self.log.append(self.pb.Decision(assign=self.pb.Assign(node=node, reg=reg), answer=answer))
        return answer

    def split(self, node, use_index):
        answer = super().split(node, use_index)
        self.log.append(self.pb.Decision(split=self.pb.Split(node=node, use_index=use_index),
                                         answer=answer))
        return answer

    def advise(self, priority, evict):
        answer = super().advise(priority, evict)
        self.log.append(self.pb.Decision(advise=self.pb.Advise(priority=bytes(priority),
                                                               evict=bytes(evict)), answer=answer))
        return answer

    def count_decisions(self, n):
        super().count_decisions(n)
        self.log.append(self.pb.Decision(count_decisions=n))

    def degrade(self, why):
        super().degrade(why)
        self.log.append(self.pb.Decision(degrade=why))


class Allocator:
    """What the server does with one request, whatever carries it."""

    def __init__(self, policy):
        self.policy = policy
        self.lock = threading.Lock()  # one policy object: its calls are not assumed re-entrant

    def allocate(self, request):
        pb = wire.messages()
        try:
            graph = wire.graph(request)
            config = dict(request.config)
            split_budget = spec.option(config, "split_budget") if "split_budget" in config else 0
            units = tuple(tuple(u.units) for u in request.reg_units)
            host = RecordingHost(pb, graph, split_budget, num_regs=len(request.reg_names) or None,
                                 reg_units=units or None)
            session = Session(host=host, graph=host.graph, function=request.function,
                              file=request.file, target=request.target,
                              reg_classes=list(request.reg_classes),
                              reg_names=list(request.reg_names), reg_units=units, config=config)
        except (ValueError, KeyError, spec.OptionError) as e:
            return pb.Decisions(error=f"malformed request: {e}")
        try:
            with self.lock:
                self.policy.allocate(session)
        except Exception as e:  # noqa: BLE001 - the policy's fault, reported to the client
            return pb.Decisions(decisions=host.log, error=f"policy failed: {type(e).__name__}: {e}")
        return pb.Decisions(decisions=host.log)


def load(args):
    """The served policy, from --policy, --model-dir and --backend."""
    config = {"policy": args.policy, "model_dir": args.model_dir or "", "backend": args.backend,
              "seed": str(args.seed)}
    return load_policy(args.policy, config)


def pipe_path(name: str) -> Path:
    """The connection pipe of name: in the system's temporary folder unless name is a path."""
    return Path(name) if os.sep in name else Path(tempfile.gettempdir()) / name


def serve_grpc(allocator: Allocator, host: str, port: int, workers: int, stop: threading.Event):
    import grpc
    pb, services = wire.modules()

    class Servicer(services.AllocatorServicer):
        def Allocate(self, request, context):  # noqa: N802 - the proto's name
            reply = allocator.allocate(request)
            if reply.error.startswith("malformed"):
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, reply.error)
            return reply

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers),
                         options=[("grpc.max_receive_message_length", wire.MAX_MESSAGE),
                                  ("grpc.max_send_message_length", wire.MAX_MESSAGE)])
    services.add_AllocatorServicer_to_server(Servicer(), server)
    if server.add_insecure_port(f"{host}:{port}") == 0:
        raise OSError(f"cannot listen on {host}:{port}")
    server.start()
    ready()
    stop.wait()
    server.stop(grace=2).wait()


def serve_pipe(allocator: Allocator, name: str, data_format: str, stop: threading.Event):
    """The pipe runner's server: clients announce themselves on the connection pipe (a line with
    the folder holding their request and reply pipes, written at once: under PIPE_BUF bytes, so
    lines of concurrent clients never mix); each client then gets its own thread."""
    path = pipe_path(name)
    if path.exists():
        if not path.is_fifo():
            raise OSError(f"{path} exists and is not a named pipe")
        path.unlink()  # a server that died left it
    os.mkfifo(path, 0o600)
    try:
        # O_RDWR: the connection pipe never reaches end-of-file between clients
        fd = os.open(path, os.O_RDWR)
        lines = os.fdopen(fd, "rb", buffering=0)
        threading.Thread(target=_announcements, args=(lines, allocator, data_format), daemon=True).start()
        ready()
        stop.wait()
    finally:
        path.unlink(missing_ok=True)


def _announcements(lines, allocator, data_format):
    buf = b""
    while True:
        chunk = lines.read(4096)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, _, buf = buf.partition(b"\n")
            folder = Path(os.fsdecode(line))
            threading.Thread(target=_client, args=(folder, allocator, data_format), daemon=True).start()


def _client(folder: Path, allocator: Allocator, data_format: str):
    """Serves one compiler process until it closes its request pipe."""
    pb = wire.messages()
    try:
        requests = open(folder / "request", "rb", buffering=0)
        replies = open(folder / "reply", "wb", buffering=0)
    except OSError:
        return  # the client went away before it was served
    with requests, replies:
        while True:
            try:
                header = _read(requests, 4)
                if header is None:
                    return
                body = _read(requests, wire.frame_length(header))
                if body is None:
                    return
                reply = allocator.allocate(wire.decode(body, pb.Function, data_format))
            except ValueError as e:  # garbage from the client: refuse it (and go on if framed)
                reply = pb.Decisions(error=f"malformed request: {e}")
                if isinstance(e, wire.FrameTooLong):
                    _send(replies, reply, data_format)
                    return
            if not _send(replies, reply, data_format):
                return


def _send(replies, reply, data_format: str) -> bool:
    try:
        replies.write(wire.encode(reply, data_format))
        return True
    except OSError:  # the client went away
        return False


def _read(f, n: int) -> bytes | None:
    out = b""
    while len(out) < n:
        chunk = f.read(n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def ready():
    print("Server Status is Running", flush=True)


def main(args) -> int:
    if args.dump_onnx_model:
        from ..cli import main as cli_main
        src = ["--model-dir", args.model_dir] if args.model_dir else []
        return cli_main(["export", "--config-dir", args.config_path, *src])
    policy = load(args)
    allocator = Allocator(policy)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        if args.use_pipe:
            serve_pipe(allocator, args.pipe_name, args.data_format, stop)
        else:
            serve_grpc(allocator, args.host, args.server_port, args.workers, stop)
    except OSError as e:
        print(f"rl4real: error: {e}", file=sys.stderr)
        return 1
    print("rl4real: server stopped", file=sys.stderr)
    return 0
