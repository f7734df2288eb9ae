"""The wire format of the remote runners: allocator.proto's messages, compiled when first used
by grpcio-tools (extra `remote`), and their conversion to and from sessions and decisions."""

from __future__ import annotations

import functools
import struct

import numpy as np

from .. import spec
from ..optional import require
from ..session import Graph

MAX_MESSAGE = 256 << 20  # bytes: a function far past max-edges still fits; more is refused
FORMATS = ("json", "bytes")


class FrameTooLong(ValueError):
    """A frame past MAX_MESSAGE: the rest of the stream cannot be framed."""


@functools.cache
def modules():
    """(messages, services) of allocator.proto."""
    grpc = require("grpc", "the pipe and gRPC runners")
    require("grpc_tools", "the pipe and gRPC runners")
    return grpc.protos_and_services("rl4real/runners/allocator.proto")


def messages():
    return modules()[0]


def function_message(session):
    """The Function message of an in-process session (what a policy in the compiler sees)."""
    pb = messages()
    msg = pb.Function(spec_version=spec.VERSION, function=session.function, file=session.file,
                      target=session.target, reg_classes=session.reg_classes,
                      reg_names=session.reg_names, config=session.config)
    msg.reg_units.extend(pb.Units(units=list(u)) for u in session.reg_units)
    for key, a in session.graph.arrays.items():
        a = np.ascontiguousarray(a)
        msg.arrays.append(pb.Array(key=key, dtype=a.dtype.str, shape=a.shape, data=a.tobytes()))
    return msg


def graph(msg) -> Graph:
    """The graph of a Function message; a malformed one raises ValueError."""
    if msg.spec_version != spec.VERSION:
        raise ValueError(f"the client speaks feature spec version {msg.spec_version}, this server "
                         f"{spec.VERSION}")
    expected = {f.key: f for f in spec.FEATURES}
    arrays = {}
    for a in msg.arrays:
        f = expected.get(a.key)
        if f is None or np.dtype(a.dtype) != np.dtype(f.dtype):
            raise ValueError(f"array {a.key!r} of dtype {a.dtype!r} is not in the feature spec")
        shape = tuple(a.shape)
        if any(d < 0 for d in shape) or int(np.prod(shape)) * np.dtype(a.dtype).itemsize != len(a.data):
            raise ValueError(f"array {a.key!r}: {len(a.data)} bytes do not make shape {shape}")
        arrays[a.key] = np.frombuffer(a.data, dtype=a.dtype).reshape(shape)
    return Graph(arrays)


# -- the pipe runner's framing: a 4-byte big-endian length, then the message
def encode(msg, data_format: str) -> bytes:
    if data_format == "json":
        from google.protobuf import json_format
        body = json_format.MessageToJson(msg, indent=None).encode()
    else:
        body = msg.SerializeToString()
    return struct.pack(">I", len(body)) + body


def decode(body: bytes, cls, data_format: str):
    """A message of type cls from a frame's body; garbage raises ValueError."""
    from google.protobuf import json_format
    from google.protobuf.message import DecodeError
    msg = cls()
    try:
        if data_format == "json":
            json_format.Parse(body.decode(), msg)
        else:
            msg.ParseFromString(body)
    except (DecodeError, json_format.ParseError, UnicodeDecodeError, RecursionError) as e:
        raise ValueError(f"not a {cls.__name__} message in {data_format}: {e}") from None
    return msg


def frame_length(header: bytes) -> int:
    (n,) = struct.unpack(">I", header)
    if n > MAX_MESSAGE:
        raise FrameTooLong(f"a message of {n} bytes is past the limit of {MAX_MESSAGE}")
    return n
