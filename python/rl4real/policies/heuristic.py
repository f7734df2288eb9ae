"""The shipped default until trained models beat it: heaviest live ranges first, each takes the
first candidate that is free (copy hints first, then LLVM's allocation order). With a split
budget (option split-budget), a range that got no register is split at its middle legal use
point and the pieces get registers like any other range."""

from __future__ import annotations

import numpy as np

from ..session import Refusal


def assign_first_free(session, nodes) -> None:
    g = session.graph
    for node in nodes:
        free = session.free_candidates(node)
        if free.any():
            session.assign(node, g.cand.reg[g.candidates(node).start + int(np.argmax(free))])


def by_weight(graph, nodes) -> list[int]:
    nodes = np.asarray(nodes, dtype=np.int64)
    return nodes[np.lexsort((nodes, -graph.node.spill_weight[nodes]))].tolist()


def weight_rank(graph) -> np.ndarray:
    """by_weight's order as node scores for session.colour_in_order: integer ranks, exact under
    the host's rounding (the first node in the order scores highest)."""
    n = graph.num_nodes
    rank = np.empty(n, np.float64)
    rank[by_weight(graph, np.arange(n))] = -np.arange(n, dtype=np.float64)
    return rank


def colour_by_weight(session) -> None:
    """assign_first_free over every node in by_weight order, as one native host call (the
    per-node Python loop was most of the cost of a small function): equal candidate scores (the
    first free row wins), never leave."""
    g = session.graph
    n = g.num_nodes
    session.colour_in_order(weight_rank(g), np.ones(n, bool), np.zeros(len(g.cand)), np.full(n, -1.0))


class HeuristicPolicy:
    def allocate(self, session) -> None:
        g = session.graph
        colour_by_weight(session)
        for node in by_weight(g, [n for n in range(g.num_nodes) if n not in session.assigned]):
            if not session.split_budget_left:
                break
            g = session.graph
            legal = np.flatnonzero(g.use.split_ok[g.uses(node)])
            before = g.num_nodes
            if len(legal) and session.split(node, int(legal[len(legal) // 2])) == Refusal.ok:
                g = session.graph
                assign_first_free(session, by_weight(g, [node, *range(before, g.num_nodes)]))
