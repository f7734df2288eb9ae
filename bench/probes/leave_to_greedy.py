"""Probes of issue 13 (not shipped): the heuristic's pre-assignment with rules that leave some
decisions to greedy, each a policy of this file (docs/benchmarks.md, "Leaving decisions to
greedy"). Used as `rl4real bench --configs greedy,rl4real:$PWD/bench/probes/leave_to_greedy.py:NAME`.

- calls: ranges that live across a call go to greedy, which splits them around the calls instead
  of holding a callee-saved register for the whole range (Lua's luaH_get);
- hints: a register that is the copy hint of an interfering range is taken only when no other
  candidate is free (Lua's lua_compare);
- loops: only ranges with a use or def inside a loop are pre-assigned."""

from __future__ import annotations

import numpy as np

from rl4real.policies.heuristic import weight_rank

NEIGHBOUR_HINT, LEAVE = -0.5, -1.0  # colour_in_order: a free candidate scoring above LEAVE is taken


def crosses_call(graph) -> np.ndarray:
    """Per node: does a call inside the range clobber one of its candidates?"""
    out = np.zeros(graph.num_nodes, bool)
    out[graph.cand.node[graph.cand.clobbered.astype(bool)]] = True
    return out


def neighbour_hints(graph) -> np.ndarray:
    """Per candidate row: is its register (by first register unit) a copy hint of a node that
    interferes with the row's node, and not a hint of the row's own node?"""
    c = graph.cand
    hints = np.flatnonzero(c.is_hint)
    if not len(hints) or not len(graph.edge):
        return np.zeros(len(c), bool)
    e = graph.edge.nodes.astype(np.int64)
    mine, other = np.concatenate([e[:, 0], e[:, 1]]), np.concatenate([e[:, 1], e[:, 0]])
    hint_node, hint_unit = c.node[hints].astype(np.int64), c.unit[hints].astype(np.int64)
    # hint rows are grouped by node: each directed edge meets the hints of its other end
    lo = np.searchsorted(hint_node, other, "left")
    count = np.searchsorted(hint_node, other, "right") - lo
    row = np.repeat(lo, count) + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    width = int(c.unit.max()) + 1
    taken = np.unique(np.repeat(mine, count) * width + hint_unit[row])
    own = c.node.astype(np.int64) * width + c.unit.astype(np.int64)
    return np.isin(own, taken) & ~c.is_hint.astype(bool)


def _colour(session, visit, scores=None) -> None:
    g = session.graph
    scores = np.zeros(len(g.cand)) if scores is None else scores
    session.colour_in_order(weight_rank(g), visit, scores, np.full(g.num_nodes, LEAVE))


def _hint_scores(graph) -> np.ndarray:
    return np.where(neighbour_hints(graph), NEIGHBOUR_HINT, 0.0)


def calls(session) -> None:
    _colour(session, ~crosses_call(session.graph))


def hints(session) -> None:
    g = session.graph
    _colour(session, np.ones(g.num_nodes, bool), _hint_scores(g))


def calls_and_hints(session) -> None:
    g = session.graph
    _colour(session, ~crosses_call(g), _hint_scores(g))


def loops(session) -> None:
    _colour(session, session.graph.node.loop_depth > 0)
