"""Policies that only advise greedy (session.advise), for tests/e2e/test_advisors.py."""

import numpy as np

from rl4real.session import EVICT, PRIORITY_MAX


def greedy_own(session):
    """Greedy's own priorities, given back as advice: the code must not change (and the report
    must say no answer changed: graph.node.greedy_priority is exact)."""
    assert session.advise(priority=session.graph.node.greedy_priority & PRIORITY_MAX) == 0


def one_priority(session):
    """In function `block` only, the third range in greedy's order goes last (the first two get
    the same registers whenever they come)."""
    if session.function == "block":
        g = session.graph
        p = np.full(g.num_nodes, -1, np.int64)
        p[np.argsort(-g.node.greedy_priority, kind="stable")[2]] = 0
        assert session.advise(priority=p) == 0


def no_evicting(session):
    """No range evicts another: greedy splits or spills instead."""
    n = session.graph.num_nodes
    assert session.advise(evict=np.full(n, EVICT["no_evicting"], np.uint8)) == 0
