"""Entry point the plugin calls (cpp/Bridge.cpp), once per machine function, on the embedded
interpreter's own thread, with the GIL held.

Returns None on success, or (reason, fatal): the plugin then undoes the policy's assignments,
warns (or fails in strict mode), and greedy allocates the function; `fatal` means no later
function can do better (the policy cannot load), so the plugin stops asking. The time budget is
enforced by the plugin, not here: past it the compiler stops waiting and never calls Python
again in this process, whatever the policy still runs (cpp/Bridge.cpp).
"""

from __future__ import annotations

import os
import sys

# Whatever a policy prints through Python must never reach the compiler's output (`clang -S -o -`
# writes the assembly to stdout). Writes to file descriptor 1 itself (os.write, C extensions,
# child processes) are not caught: README, "What a bad policy costs".
sys.stdout = sys.__stdout__ = sys.stderr
# One compiler thread asks the policy at a time: OpenBLAS's worker threads (started by importing
# numpy) only cost start-up and CPU. Set before numpy is imported, unless the user chose.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import bdb  # noqa: E402 - after the redirection, so that nothing imported prints to stdout

from . import spec  # noqa: E402
from .policies import PolicyOff, effective, load_policy  # noqa: E402
from .session import Graph, Session  # noqa: E402

_policies: dict[tuple, object] = {}  # loaded policy, or the reason it cannot load
_last: list = [None, None]  # the last configuration dict seen and its policy
_warned: set[str] = set()
_forked = False  # the policy called os.fork() (in the compiler's process)
_host_class = None  # the plugin's Host type, for the debugger flag


def allocate(host, arrays, meta, reg_classes, reg_names, reg_units, config):
    global _host_class, _forked
    _host_class = type(host)
    if meta.get("spec_version") != str(spec.VERSION):
        return (f"the plugin was built for feature spec version {meta.get('spec_version')} but the "
                f"rl4real package in this Python has version {spec.VERSION}: reinstall "
                "(pip install .) so that both come from one checkout"), True
    policy = _policy(config)
    if isinstance(policy, str):
        return policy, True
    session = Session(host=host, graph=Graph(arrays), function=meta.get("function", ""),
                      file=meta.get("file", ""), target=meta.get("target", ""),
                      reg_classes=list(reg_classes), reg_names=list(reg_names), reg_units=reg_units,
                      config=dict(config))
    _forked = False
    error, fatal = _call(policy, session)
    if _forked:
        _forked = False
        error = ("the policy called os.fork(): a forked compiler cannot be contained, so the child "
                 "exited at once (use subprocess or multiprocessing's 'spawn' instead)")
    return None if error is None else (error, fatal)


def warm(config) -> None:
    """Called by the plugin once, before the first function: imports and loads the configured
    policy (a failure is cached and reported by the first function)."""
    _policy(config)


def _policy(config):
    # The plugin hands the same dict object while its configuration does not change.
    if _last[0] is config:
        return _last[1]
    settings = effective(config)  # RL4ReAl's flags in rl4real's terms
    key = tuple(spec.option(settings, k) for k in ("policy", "model_dir", "backend", "seed"))
    if key not in _policies:
        try:
            _policies[key] = load_policy(key[0], settings)
        except BaseException as e:  # noqa: BLE001 - any failure means: greedy allocates
            _policies[key] = f"cannot load policy {key[0]!r}: {type(e).__name__}: {e}"
    _last[:] = [config, _policies[key]]  # holding config: its id cannot be reused
    return _policies[key]


def _call(policy, session: Session) -> tuple[str | None, bool]:
    """Runs the policy; (None, False), or why it failed and whether no later function can do
    better (PolicyOff). Never raises: SystemExit and KeyboardInterrupt from a policy are faults
    like any other (the compiler goes on)."""
    try:
        policy.allocate(session)
    except bdb.BdbQuit:
        _warn_once("quit", "the debugger was quit inside the policy; decisions made so far are kept")
    except PolicyOff as e:
        return str(e).splitlines()[0], True
    except BaseException as e:  # noqa: BLE001 - report, never crash the compiler
        return f"{type(e).__name__}: {e}".splitlines()[0], False
    return None, False


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        print(f"rl4real: warning: {message}", file=sys.stderr, flush=True)


def _after_fork_in_child() -> None:
    # The child is a copy of the compiler, holding its output files and pipes: it must never
    # return into compiler code.
    os._exit(0)


def _after_fork_in_parent() -> None:
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_after_fork_in_child, after_in_parent=_after_fork_in_parent)


def _breakpointhook(*args, **kwargs):
    """breakpoint() in a policy: pdb when clang runs in a terminal, else a warning."""
    if not (os.isatty(0) and os.isatty(2)):
        _warn_once("breakpoint", "breakpoint() in the policy ignored: the compiler has no "
                   "terminal (see README, 'Debugging a policy')")
        return None
    if _host_class is not None:
        _host_class.debugger_active(True)  # the plugin suspends the deadline until the call ends
    import pdb
    return pdb.Pdb().set_trace(sys._getframe(1))


if os.environ.get("PYTHONBREAKPOINT") is None:
    sys.breakpointhook = _breakpointhook
