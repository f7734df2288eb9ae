"""Policies against an in-memory host that applies the same rules as the plugin (candidates,
interference through shared register units, one assignment per node)."""

import numpy as np
import pytest

from rl4real import spec
from rl4real.policies import PolicyLoadError, load_policy
from rl4real.session import Graph, Refusal, Session


def make_graph(n=6, edges=((0, 1), (1, 2), (2, 3), (0, 2), (3, 4)), regs=(10, 11, 12), weights=None):
    """Every node has candidates `regs` (one unit each); node 5 is isolated."""
    weights = weights if weights is not None else np.arange(n, 0, -1, dtype=np.float32)
    a = {}
    for f in spec.FEATURES:
        a[f.key] = None
    node = {"vreg": np.arange(n, dtype=np.int64), "reg_class": np.zeros(n, np.int32),
            "spill_weight": np.asarray(weights, np.float32), "unspillable": np.zeros(n, np.uint8),
            "size": np.ones(n, np.float32), "num_segments": np.ones(n, np.int32),
            "num_uses": np.ones(n, np.int32), "num_defs": np.ones(n, np.int32),
            "loop_depth": np.zeros(n, np.int32), "use_freq": np.ones(n, np.float32),
            "embedding": np.zeros((n, spec.EMBEDDING_DIM), np.float32)}
    c = len(regs)
    cand = {"node": np.repeat(np.arange(n), c).astype(np.int32),
            "reg": np.tile(regs, n).astype(np.int32), "unit": np.tile(regs, n).astype(np.int32),
            "rank": np.tile(np.arange(c), n).astype(np.int32), "is_hint": np.zeros(n * c, np.uint8),
            "free": np.ones(n * c, np.uint8), "fixed_conflict": np.zeros(n * c, np.uint8),
            "clobbered": np.zeros(n * c, np.uint8), "callee_saved": np.zeros(n * c, np.uint8)}
    use = {"node": np.arange(n, dtype=np.int32), "pos": np.arange(n, dtype=np.int32),
           "freq": np.ones(n, np.float32), "next_dist": np.zeros(n, np.float32),
           "is_def": np.ones(n, np.uint8), "split_ok": np.zeros(n, np.uint8)}
    for table, cols in (("node", node), ("cand", cand), ("use", use)):
        for name, arr in cols.items():
            a[f"{table}_{name}"] = arr
    a["edge_nodes"] = np.array(edges, dtype=np.int32).reshape(-1, 2)
    assert all(v is not None for v in a.values())
    return Graph(a)


class FakeHost:
    def __init__(self, graph):
        self.g = graph
        self.assigned = {}
        self.refused = []
        self.open = True
        self.adj = {i: set() for i in range(graph.num_nodes)}
        for u, v in graph.edge.nodes.tolist():
            self.adj[u].add(v)
            self.adj[v].add(u)

    def _check(self, node, reg):
        if not self.open:
            return Refusal.closed
        if not (0 <= node < self.g.num_nodes) or reg <= 0:
            return Refusal.bad_value
        if node in self.assigned:
            return Refusal.already_assigned
        if reg not in self.g.cand.reg[self.g.candidates(node)]:
            return Refusal.not_candidate
        if any(self.assigned.get(m) == reg for m in self.adj[node]):
            return Refusal.interferes
        return Refusal.ok

    def assign(self, node, reg):
        r = self._check(node, reg)
        if r == Refusal.ok:
            self.assigned[node] = reg
        else:
            self.refused.append(r)
        return int(r)

    def is_free(self, node, reg):
        return self._check(node, reg) == Refusal.ok

    def split(self, node, use):
        return int(Refusal.split_point)

    def close(self):
        self.open = False


def session_for(graph, function="f"):
    return Session(host=FakeHost(graph), graph=graph, function=function)


def test_graph_offsets_group_rows_by_node():
    g = make_graph()
    assert g.candidates(2) == slice(6, 9)
    assert g.uses(5) == slice(5, 6)
    assert g.degree().tolist() == [2, 2, 3, 2, 1, 0]


def test_heuristic_colours_a_colourable_graph_completely_without_refusals():
    g = make_graph()
    s = session_for(g)
    load_policy("heuristic").allocate(s)
    assert len(s.host.assigned) == g.num_nodes
    assert s.host.refused == []
    for u, v in g.edge.nodes.tolist():
        assert s.host.assigned[u] != s.host.assigned[v]


def test_heuristic_gives_registers_to_heavy_ranges_first():
    # A triangle with one register: only the heaviest node gets it.
    g = make_graph(n=3, edges=((0, 1), (1, 2), (0, 2)), regs=(10,), weights=[1.0, 5.0, 2.0])
    s = session_for(g)
    load_policy("heuristic").allocate(s)
    assert s.host.assigned == {1: 10}


def test_random_policy_is_legal_and_reproducible():
    g = make_graph()
    runs = []
    for seed in (1, 1, 2):
        s = session_for(g)
        load_policy("random", {"seed": seed}).allocate(s)
        assert s.host.refused == []
        runs.append(dict(s.host.assigned))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2] or len(runs[0]) == 0


def test_session_refuses_non_integer_values():
    s = session_for(make_graph())
    assert s.assign(0, float("nan")) == Refusal.bad_value
    assert s.assign("x", 10) == Refusal.bad_value
    assert s.assign(True, 10) == Refusal.bad_value
    assert s.assign(np.int64(0), np.float32(10.0)) == Refusal.ok
    assert s.split(0, 0) == Refusal.split_point


def test_load_user_policies(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text("class P:\n    def allocate(self, s): s.assign(0, 10)\n"
                 "def fn(s): s.assign(1, 11)\n")
    for name, node in ((f"{f}:P", 0), (f"{f}:fn", 1)):
        s = session_for(make_graph())
        load_policy(name).allocate(s)
        assert node in s.host.assigned
    assert hasattr(load_policy("rl4real.policies.heuristic:HeuristicPolicy"), "allocate")


@pytest.mark.parametrize("name,message", [
    ("nosuch", "unknown policy"),
    ("/nonexistent/p.py", "does not exist"),
    ("rl4real.policies:nosuch", "no attribute"),
])
def test_load_errors_are_clear(name, message):
    with pytest.raises(PolicyLoadError, match=message):
        load_policy(name)
