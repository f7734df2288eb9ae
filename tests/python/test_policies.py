"""Policies against the offline host, which applies the same rules as the plugin (candidates,
interference through shared register units, one assignment per node; rl4real.host)."""

from pathlib import Path

import numpy as np
import pytest

from rl4real import synthetic
from rl4real.policies import PolicyLoadError, load_policy
from rl4real.session import Refusal, Session
from rl4real.train.offline import OfflineHost


def make_graph(n=6, edges=((0, 1), (1, 2), (2, 3), (0, 2), (3, 4)), regs=(10, 11, 12), weights=None,
               **features):
    """Every node has candidates `regs` (one unit each); node 5 is isolated."""
    weights = weights if weights is not None else np.arange(n, 0, -1)
    return synthetic.graph(edges, [list(regs)] * n, node_spill_weight=weights, use_is_def=1, **features)


def session_for(graph, function="f"):
    host = OfflineHost(graph)
    return Session(host=host, graph=graph, function=function)


def test_graph_offsets_group_rows_by_node():
    g = make_graph()
    assert g.candidates(2) == slice(6, 9)
    assert g.uses(5) == slice(5, 6)
    assert g.degree().tolist() == [2, 2, 3, 2, 1, 0]


def test_heuristic_colours_a_colourable_graph_completely_without_refusals():
    g = make_graph()
    s = session_for(g)
    load_policy("heuristic").allocate(s)
    assert len(s.assigned) == g.num_nodes
    assert s.host.refused == []
    for u, v in g.edge.nodes.tolist():
        assert s.assigned[u] != s.assigned[v]


def test_heuristic_gives_registers_to_heavy_ranges_first():
    # A triangle with one register: only the heaviest node gets it.
    g = make_graph(n=3, edges=((0, 1), (1, 2), (0, 2)), regs=(10,), weights=[1.0, 5.0, 2.0])
    s = session_for(g)
    load_policy("heuristic").allocate(s)
    assert s.assigned == {1: 10}


PROBES = Path(__file__).parents[2] / "bench" / "probes" / "leave_to_greedy.py"


def test_probe_calls_leaves_ranges_that_cross_a_call_to_greedy():
    # node 1's candidate 10 is clobbered by a call inside the range
    g = make_graph(n=3, edges=((0, 1),), regs=(10, 11), cand_clobbered=[0, 0, 1, 0, 0, 0])
    s = session_for(g)
    load_policy(f"{PROBES}:calls").allocate(s)
    assert s.assigned == {0: 10, 2: 10}


def test_probe_hints_keeps_a_neighbours_copy_hint_for_last():
    # node 0 is heavier and visited first; register 10 is node 1's copy hint (its first row)
    s = session_for(make_graph(n=2, edges=((0, 1),), regs=(10, 11), cand_is_hint=[0, 0, 1, 0]))
    load_policy(f"{PROBES}:hints").allocate(s)
    assert s.assigned == {0: 11, 1: 10}
    # with nothing else free, the hinted register is still taken
    g = synthetic.graph([(0, 1)], [[10], [10, 11]], node_spill_weight=[2, 1], cand_is_hint=[0, 1, 0])
    s = session_for(g)
    load_policy(f"{PROBES}:hints").allocate(s)
    assert s.assigned == {0: 10, 1: 11}


def test_probe_loops_pre_assigns_only_ranges_in_loops():
    s = session_for(make_graph(n=3, edges=(), node_loop_depth=[0, 1, 2]))
    load_policy(f"{PROBES}:loops").allocate(s)
    assert sorted(s.assigned) == [1, 2]


def test_random_policy_is_legal_and_reproducible():
    g = make_graph()
    runs = []
    for seed in (1, 1, 2):
        s = session_for(g)
        load_policy("random", {"seed": seed}).allocate(s)
        assert s.host.refused == []
        runs.append(dict(s.assigned))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2] or len(runs[0]) == 0


def test_session_refuses_non_integer_values():
    s = session_for(make_graph())
    assert s.assign(0, float("nan")) == Refusal.bad_value
    assert s.assign("x", 10) == Refusal.bad_value
    assert s.assign(True, 10) == Refusal.bad_value
    assert s.assign(np.int64(0), np.float32(10.0)) == Refusal.ok
    assert s.split(0, 0) == Refusal.already_assigned
    assert s.split(1, 0) == Refusal.split_budget  # budget 0: splitting is off
    assert s.split(2.5, 0) == Refusal.bad_value


def test_load_user_policies(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text("class P:\n    def allocate(self, s): s.assign(0, 10)\n"
                 "def fn(s): s.assign(1, 11)\n")
    for name, node in ((f"{f}:P", 0), (f"{f}:fn", 1)):
        s = session_for(make_graph())
        load_policy(name).allocate(s)
        assert node in s.assigned
    assert hasattr(load_policy("rl4real.policies.heuristic:HeuristicPolicy"), "allocate")


@pytest.mark.parametrize("name,message", [
    ("nosuch", "unknown policy"),
    ("/nonexistent/p.py", "does not exist"),
    ("rl4real.policies:nosuch", "no attribute"),
])
def test_load_errors_are_clear(name, message):
    with pytest.raises(PolicyLoadError, match=message):
        load_policy(name)


def test_offline_host_answers_like_the_compiler_for_assigned_out_of_range_and_closed_nodes():
    s = session_for(make_graph())
    host = s.host
    assert s.assign(0, 10) == Refusal.ok
    assert host.free_candidates(0) == bytes(3) and not host.is_free(0, 11)  # assigned: nothing
    assert host.free_candidates(99) == b"" and host.free_candidates(-1) == b""
    assert not host.is_free(99, 10)
    host.close()
    assert host.free_candidates(1) == b"" and not host.is_free(1, 11)
    assert s.assign(1, 11) == Refusal.closed
