"""The hierarchical policy with the compiler's native colour loop hidden, so that
session.colour_in_order runs its Python loop: both must give the same code (tests/e2e).
`odd_native` and `odd_python` do the same with a select_node that scores every third node NaN
and the others with many ties."""

import numpy as np

from rl4real.policies.hierarchical import HierarchicalPolicy


class _WithoutNativeLoop:
    def __init__(self, host):
        self._host = host

    def __getattr__(self, name):
        if name == "colour_in_order":
            raise AttributeError(name)
        return getattr(self._host, name)


def _odd_select_node(h, node_x, mask):
    i = np.arange(len(mask))
    logits = np.where(i % 3 == 0, np.nan, (i % 4).astype(np.float32))
    return np.where(mask, logits, -1e9).astype(np.float32), np.float32(0)


class PythonColourLoop:
    def __init__(self, native=False, overrides=None):
        self.native = native
        self.inner = HierarchicalPolicy(overrides=overrides)

    def allocate(self, session):
        if not self.native:
            session.host = _WithoutNativeLoop(session.host)
        self.inner.allocate(session)


policy = PythonColourLoop
odd_native = PythonColourLoop(native=True, overrides={"select_node": _odd_select_node})
odd_python = PythonColourLoop(overrides={"select_node": _odd_select_node})
