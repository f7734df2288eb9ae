"""One scripted sequence of host calls covering every refusal rule of rl4real.host. As a policy
inside clang it runs against the compiler's host and saves the graph it was given, the codes and
the accepted assignments to $CONFORMANCE_OUT; tests/e2e/test_host_conformance.py replays it
against the offline host on that graph."""

import json
import os
import uuid

import numpy as np


def script(host, graph, num_regs: int) -> tuple[list, dict]:
    """The calls, each with its code; and the accepted assignments (node -> reg)."""
    calls, assigned = [], {}

    def call(method, *args):
        code = int(getattr(host, method)(*args))
        calls.append([method, *(a.hex() if isinstance(a, bytes) else a for a in args), code])
        if method == "assign" and code == 0:
            assigned[args[0]] = args[1]
        return code

    n = graph.num_nodes
    cands = [graph.cand.reg[graph.candidates(i)].tolist() for i in range(n)]
    first = cands[0][0]
    call("assign", -1, first)              # bad_value: no such node
    call("assign", n, first)               # bad_value: a stale index (one past the end)
    call("assign", 0, 0)                   # bad_value: register 0
    call("assign", 0, num_regs)            # bad_value: past the last register
    other = next(r for r in range(1, num_regs) if r not in cands[0])
    call("assign", 0, other)               # not_candidate
    reg = next((r for r in cands[0] if host.is_free(0, r)), None)
    if reg is not None:
        call("assign", 0, reg)             # ok
        call("assign", 0, reg)             # already_assigned
        call("split", 0, 0)                # already_assigned: an assigned node is not split
        for a, b in graph.edge.nodes.tolist():
            m = b if a == 0 else a if b == 0 else None
            if m is not None and reg in cands[m]:
                call("assign", m, reg)     # interferes
                break
    call("split", -1, 0)                   # bad_value
    keep, none = np.full(n, -1, np.int64), bytes(n)
    call("advise", keep[:-1].tobytes(), none)          # bad_value: not one value per node
    call("advise", keep.tobytes()[:-1], none)          # bad_value: a torn integer
    call("advise", np.full(n, -2, np.int64).tobytes(), none)     # bad_value: below keep
    call("advise", np.full(n, 2**30, np.int64).tobytes(), none)  # bad_value: past bit 29
    call("advise", keep.tobytes(), bytes([4]) * n)     # bad_value: no such flag
    call("advise", np.arange(n, dtype=np.int64).tobytes(), bytes([3]) * n)  # ok
    # a node to split at the end, left out of the colouring
    split_ok = graph.use.split_ok.astype(bool)
    target = next(((i, k) for i in range(1, n) for k in range(graph.uses(i).stop - graph.uses(i).start)
                   if split_ok[graph.uses(i).start + k]), None)
    if target:
        call("split", target[0], 10**6)    # split_point: no such use
        illegal = np.flatnonzero(~split_ok[graph.uses(target[0])])
        if len(illegal):
            call("split", target[0], int(illegal[0]))  # not a legal point
    for i in range(1, n):                  # colour the rest: first free candidate in order
        if target and i == target[0]:
            continue
        for r in cands[i]:
            if host.is_free(i, r):
                call("assign", i, r)
                break
    if target:
        call("split", *target)             # ok
        others = [i for i in range(1, n) if i not in assigned and i != target[0]]
        call("split", others[0] if others else target[0], 0)  # split_budget (budget 1)
    return calls, assigned


_previous = []  # the host of the function before: its session is over


def policy(session):
    calls, assigned = script(session.host, session.graph, len(session.reg_names))
    if _previous:  # closed: a host kept past its function refuses everything
        calls.append(["stale assign", int(_previous[0].assign(0, 1))])
    _previous[:] = [session.host]
    out = os.environ["CONFORMANCE_OUT"]
    name = uuid.uuid4().hex
    np.savez(os.path.join(out, name + ".npz"), **session.graph.arrays)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"function": session.function, "num_regs": len(session.reg_names),
                   "reg_units": [list(u) for u in session.reg_units],
                   "calls": calls, "assigned": {str(k): v for k, v in assigned.items()}}, f)
