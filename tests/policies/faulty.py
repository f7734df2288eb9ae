"""Policies that misbehave, for fault-injection tests. Each is selected as file.py:NAME."""

import math
import os
import sys
import threading
import time


def raises(session):
    g = session.graph
    session.assign(0, g.cand.reg[g.candidates(0)][0])  # one assignment first: it must be undone
    raise RuntimeError("policy bug")


def out_of_range(session):
    session.assign(10**9, 1)
    session.assign(0, 10**6)
    session.assign(-5, -5)


def interfering(session):
    """Gives both ends of every edge the same register: every second one must be refused."""
    g = session.graph
    for a, b in g.edge.nodes.tolist():
        for reg in g.cand.reg[g.candidates(a)].tolist():
            if session.is_free(a, reg) and reg in g.cand.reg[g.candidates(b)]:
                session.assign(a, reg)
                session.assign(b, reg)
                break


def not_candidate(session):
    rsp = session.reg_names.index("RSP")
    for node in range(session.graph.num_nodes):
        session.assign(node, rsp)


def nan(session):
    for node in range(session.graph.num_nodes):
        session.assign(node, math.nan)
        session.assign(math.nan, 1)


def garbage(session):
    session.assign("rax", None)
    session.assign([1], {2: 3})
    return object()


def sleeps(session):
    time.sleep(30)


def busy(session):
    while True:
        pass


def breakpoint_then_assign(session):
    """Stops in pdb when there is a terminal; then assigns one register."""
    breakpoint()
    g = session.graph
    for reg in g.cand.reg[g.candidates(0)].tolist():
        if session.is_free(0, reg):
            session.assign(0, reg)
            break


class NotAPolicy:
    pass


not_a_policy = 42


def exits(session):
    sys.exit(3)


def interrupted(session):
    raise KeyboardInterrupt


def holds_the_gil(session):
    """A C call that holds the GIL for minutes: no Python-level interruption can stop it."""
    sum(range(10**12))


def thread_holds_the_gil(session):
    """Returns at once, leaving a thread that holds the GIL for minutes."""
    threading.Thread(target=holds_the_gil, args=(session,), daemon=True).start()
    time.sleep(0.01)  # let it take the GIL


def forks(session):
    """A child that would otherwise go on as a second compiler."""
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)


def prints(session):
    print("policy output for", session.function)


def forged_host(session):
    """A host object made by Python itself (no function behind it) answers `closed`."""
    fake = type(session.host)()
    assert fake.assign(0, 1) == 5 and fake.free_candidates(0) == b"" and fake.arrays() is None
