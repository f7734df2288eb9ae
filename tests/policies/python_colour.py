"""The hierarchical policy with the compiler's native colour loop hidden, so that
session.colour_in_order runs its Python loop: both must give the same code (tests/e2e)."""

from rl4real.policies.hierarchical import HierarchicalPolicy


class _WithoutNativeLoop:
    def __init__(self, host):
        self._host = host

    def __getattr__(self, name):
        if name == "colour_in_order":
            raise AttributeError(name)
        return getattr(self._host, name)


class PythonColourLoop:
    def __init__(self):
        self.inner = HierarchicalPolicy()

    def allocate(self, session):
        session.host = _WithoutNativeLoop(session.host)
        self.inner.allocate(session)


policy = PythonColourLoop
