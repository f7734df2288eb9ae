"""Policies served by `rl4real serve` in tests/e2e/test_runners.py, to fail in the ways a
model server fails."""

import os
import signal
import time

from rl4real.policies.heuristic import HeuristicPolicy

_calls = [0]


def dies_at_third(session):
    """The server is killed while it handles the third function of the build."""
    _calls[0] += 1
    if _calls[0] == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    HeuristicPolicy().allocate(session)


def slow(session):
    time.sleep(5)
