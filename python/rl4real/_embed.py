"""Entry point the plugin calls (cpp/Bridge.cpp), once per machine function, with the GIL held.

Returns None on success or a one-line reason; the plugin then undoes the policy's assignments,
warns (or fails in strict mode), and greedy allocates the function.
"""

from __future__ import annotations

import bdb
import ctypes
import os
import queue
import sys
import threading
import time

from . import spec
from .policies import BUILTIN, load_policy
from .session import Graph, Session

_policies: dict[tuple, object] = {}  # loaded policy, or the reason it cannot load
_debugger_active = threading.Event()
_warned: set[str] = set()


class PolicyTimeout(Exception):
    """Raised inside a policy that outlived its time budget."""


def allocate(host, arrays, meta, reg_classes, reg_names, config) -> str | None:
    if meta.get("spec_version") != str(spec.VERSION):
        return (f"the plugin was built for feature spec version {meta.get('spec_version')} but the "
                f"rl4real package in this Python has version {spec.VERSION}: reinstall "
                "(pip install .) so that both come from one checkout")
    policy = _policy(config)
    if isinstance(policy, str):
        return policy
    session = Session(host=host, graph=Graph(arrays), function=meta.get("function", ""),
                      file=meta.get("file", ""), target=meta.get("target", ""),
                      reg_classes=list(reg_classes), reg_names=list(reg_names), config=dict(config))
    budget = float(config.get("timeout") or 0)
    if config.get("policy", "heuristic") in BUILTIN:
        return _run_inline(policy, session, budget)
    return _run(policy, session, budget)


def _policy(config):
    key = (config.get("policy", "heuristic"), config.get("model_dir", ""),
           config.get("backend", ""), config.get("seed", "0"))
    if key not in _policies:
        try:
            _policies[key] = load_policy(key[0], config)
        except Exception as e:  # noqa: BLE001 - any failure means: greedy allocates
            _policies[key] = f"cannot load policy {key[0]!r}: {type(e).__name__}: {e}"
    return _policies[key]


class _Worker:
    """The thread policies run in, reused from function to function (starting a thread per
    function cost ~0.4 ms inside clang). A worker whose policy outlives its budget is abandoned
    and the next function gets a new one."""

    def __init__(self):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, daemon=True, name="rl4real-policy")
        self.thread.start()

    def _loop(self) -> None:
        try:
            while True:
                self.jobs.get()()
        except PolicyTimeout:  # delivered late, after the job had finished: the thread just ends
            pass


_worker: _Worker | None = None


def _call(policy, session: Session) -> str | None:
    """Runs the policy; None, or why it failed (never raises, except the timeout itself)."""
    try:
        policy.allocate(session)
    except bdb.BdbQuit:
        _warn_once("quit", "the debugger was quit inside the policy; decisions made so far are kept")
    except PolicyTimeout:
        raise
    except BaseException as e:  # noqa: BLE001 - report, never crash the compiler
        return f"{type(e).__name__}: {e}".splitlines()[0]
    return None


def _timed_out(budget: float) -> str:
    return f"policy exceeded its time budget of {budget:g} s"


def _run(policy, session: Session, budget: float) -> str | None:
    """A user's policy runs in the worker thread, so that even a hang inside a C call cannot hang
    the compiler: past the budget the compiler walks away from it."""
    global _worker
    outcome: list[str | None] = [None]
    done = threading.Event()

    def target():
        try:
            outcome[0] = _call(policy, session)
        except PolicyTimeout:
            pass
        finally:
            done.set()

    if budget <= 0:
        target()
        return outcome[0]
    if _worker is None:
        _worker = _Worker()
    worker = _worker
    worker.jobs.put(target)
    finished = done.wait(budget)
    while not finished and _debugger_active.is_set():
        finished = done.wait(0.2)  # no deadline while a person is in pdb
    _debugger_active.clear()
    if not finished:
        _worker = None
        session.host.close()  # later decisions are refused with reason "closed"
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.thread.ident),
                                                   ctypes.py_object(PolicyTimeout))
        return _timed_out(budget)
    return outcome[0]


class _Watchdog:
    """Enforces the budget of built-in policies, which run on the compiler's own thread (handing
    each function to the worker thread and back cost ~0.5 ms inside clang, more than a small
    function's allocation). It polls; past the deadline it closes the session and raises
    PolicyTimeout in the compiler's thread at its next Python instruction. That instruction comes
    after the C call in progress returns: built-in policies call only numpy, onnxruntime and the
    host, computations bounded by the function's size that do not wait on anything (a hang
    inside one could not be interrupted here; user policies, which may call anything, run on the
    worker thread for that reason). It checks every budget/4 (at most every second, at least
    every millisecond), so a policy stops within budget + that interval + one such call."""

    def __init__(self, budget: float):
        self.lock = threading.Lock()
        self.call = None  # (deadline, thread id, session) of the call in progress
        self.interval = self.interval_for(budget)
        threading.Thread(target=self._loop, daemon=True, name="rl4real-watchdog").start()

    @staticmethod
    def interval_for(budget: float) -> float:
        return min(1.0, max(0.001, budget / 4))

    def _loop(self) -> None:
        while True:
            time.sleep(self.interval)
            with self.lock:
                call = self.call
                if call is None or _debugger_active.is_set():
                    continue
                if time.monotonic() >= call[0]:
                    self.call = None
                    call[2].host.close()
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(call[1]),
                                                               ctypes.py_object(PolicyTimeout))


_watchdog: _Watchdog | None = None


def _run_inline(policy, session: Session, budget: float) -> str | None:
    global _watchdog
    if budget <= 0:
        return _call(policy, session)
    if _watchdog is None:
        _watchdog = _Watchdog(budget)
    _watchdog.interval = _Watchdog.interval_for(budget)
    try:
        try:
            with _watchdog.lock:
                _watchdog.call = (time.monotonic() + budget, threading.get_ident(), session)
            return _call(policy, session)
        finally:  # a timeout raised from here on is caught below: it never reaches the compiler
            with _watchdog.lock:
                _watchdog.call = None
            _debugger_active.clear()
    except PolicyTimeout:
        return _timed_out(budget)


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        print(f"rl4real: warning: {message}", file=sys.stderr, flush=True)


def _breakpointhook(*args, **kwargs):
    """breakpoint() in a policy: pdb when clang runs in a terminal, else a warning."""
    if not (os.isatty(0) and os.isatty(1)):
        _warn_once("breakpoint", "breakpoint() in the policy ignored: the compiler has no "
                   "terminal (see README, 'Debugging a policy')")
        return None
    _debugger_active.set()
    import pdb
    return pdb.Pdb().set_trace(sys._getframe(1))


if os.environ.get("PYTHONBREAKPOINT") is None:
    sys.breakpointhook = _breakpointhook
