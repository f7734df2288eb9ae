"""The remote runners inside the compiler: policies that send the session's graph to
`rl4real serve` and apply the decisions it returns, one round trip per function. Every decision
is applied through the session, so the compiler validates it as any policy's; where the compiler
answers otherwise than the server's replica did, the function fails like a faulty policy's
(greedy allocates it). A server that cannot be reached, has gone, or is past the time budget
switches the runner off for the rest of the process with one warning (PolicyOff)."""

from __future__ import annotations

import atexit
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path

import numpy as np

from .. import spec
from ..policies import PolicyOff
from . import wire
from .server import pipe_path

CONNECT_TIMEOUT = 5.0  # seconds to reach a server when the first function needs it


def _budget(config: dict) -> float | None:
    """The seconds a reply may take: within the plugin's own budget, so that the runner, not
    the plugin's watchdog, gives up (and says why)."""
    t = spec.option(config, "timeout")
    return 0.9 * t if t > 0 else None


def apply(session, reply) -> None:
    """Applies the server's decisions to the compiler's session, checking each answer."""
    if reply.error:
        raise RuntimeError(f"rl4real serve: {reply.error}")
    for d in reply.decisions:
        kind = d.WhichOneof("op")
        if kind == "assign":
            got = session.assign(d.assign.node, d.assign.reg)
        elif kind == "split":
            got = session.split(d.split.node, d.split.use_index)
        elif kind == "advise":
            got = session.advise(np.frombuffer(d.advise.priority, np.int64),
                                 np.frombuffer(d.advise.evict, np.uint8))
        elif kind == "count_decisions":
            session.count_decisions(d.count_decisions)
            continue
        elif kind == "degrade":
            session.degrade(d.degrade)
            continue
        else:
            raise ValueError("a decision of no known kind")
        if int(got) != d.answer:
            raise RuntimeError(f"the compiler answered {spec.REFUSALS[int(got)][0]} to {kind} "
                               f"where the server's replica answered {d.answer}; the rest is "
                               "left to greedy")


class GrpcRunner:
    """`-mlra-server-address=HOST:PORT`: the gRPC runner."""

    def __init__(self, address: str, budget: float | None):
        import grpc
        self.grpc, self.budget = grpc, budget
        pb, services = wire.modules()
        self.channel = grpc.insecure_channel(address, options=[
            ("grpc.max_receive_message_length", wire.MAX_MESSAGE),
            ("grpc.max_send_message_length", wire.MAX_MESSAGE)])
        try:
            grpc.channel_ready_future(self.channel).result(timeout=CONNECT_TIMEOUT)
        except grpc.FutureTimeoutError:
            raise PolicyOff(f"no rl4real serve answers at {address}") from None
        self.stub, self.address = services.AllocatorStub(self.channel), address

    @classmethod
    def from_config(cls, config: dict) -> "GrpcRunner":
        return cls(spec.option(config, "mlra_server_address"), _budget(config))

    def allocate(self, session) -> None:
        try:
            reply = self.stub.Allocate(wire.function_message(session), timeout=self.budget)
        except self.grpc.RpcError as e:
            code = e.code()
            if code in (self.grpc.StatusCode.UNAVAILABLE, self.grpc.StatusCode.DEADLINE_EXCEEDED,
                        self.grpc.StatusCode.CANCELLED):
                raise PolicyOff(f"rl4real serve at {self.address}: {code.name.lower()}: "
                                f"{e.details()}") from None
            raise RuntimeError(f"rl4real serve at {self.address}: {code.name}: {e.details()}") from None
        apply(session, reply)


class PipeRunner:
    """`-mlra-use-pipe -mlra-pipe-name=NAME -mlra-data-format=json|bytes`: the pipe runner. This
    process announces its own request and reply pipes (owner-only, in a private folder) on the
    server's connection pipe, then sends one frame per function and reads one back."""

    def __init__(self, name: str, data_format: str, budget: float | None):
        self.format, self.budget = data_format, budget
        self.pb = wire.messages()
        connect = pipe_path(name)
        if not connect.is_fifo():
            raise PolicyOff(f"no rl4real serve pipe at {connect}")
        self.folder = Path(tempfile.mkdtemp(prefix="rl4real-pipe-"))  # mode 0700
        atexit.register(shutil.rmtree, self.folder, True)
        for end in ("request", "reply"):
            os.mkfifo(self.folder / end, 0o600)
        _no_sigpipe()
        try:
            fd = os.open(connect, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO: nobody serves it
            os.write(fd, os.fsencode(self.folder) + b"\n")
            os.close(fd)
        except OSError as e:
            raise PolicyOff(f"no rl4real serve reads {connect}: {e.strerror}") from None
        self.reply = os.open(self.folder / "reply", os.O_RDONLY | os.O_NONBLOCK)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:  # the server opens our request pipe when its thread for us starts
            try:
                self.request = os.open(self.folder / "request", os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise PolicyOff(f"rl4real serve at {connect} did not take the connection") from None
                time.sleep(0.005)
        os.set_blocking(self.request, True)

    @classmethod
    def from_config(cls, config: dict) -> "PipeRunner":
        return cls(spec.option(config, "mlra_pipe_name"), spec.option(config, "mlra_data_format"),
                   _budget(config))

    def allocate(self, session) -> None:
        _no_sigpipe()
        try:
            os.write(self.request, wire.encode(wire.function_message(session), self.format))
        except OSError as e:
            raise PolicyOff(f"rl4real serve has gone: {e.strerror}") from None
        deadline = None if self.budget is None else time.monotonic() + self.budget
        header = self._read(4, deadline)
        body = self._read(wire.frame_length(header), deadline)
        apply(session, wire.decode(body, self.pb.Decisions, self.format))

    def _read(self, n: int, deadline: float | None) -> bytes:
        out = b""
        while len(out) < n:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.reply], [], [], wait)[0]:
                raise PolicyOff("rl4real serve is past the time budget")
            chunk = os.read(self.reply, n - len(out))
            if not chunk:
                raise PolicyOff("rl4real serve has gone (its reply pipe closed)")
            out += chunk
        return out


def _no_sigpipe() -> None:
    # Python's handlers are off in the compiler (Ctrl-C must stop clang), so a write to the pipe
    # of a dead server would raise SIGPIPE and kill clang: blocked on this thread, it is EPIPE.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
