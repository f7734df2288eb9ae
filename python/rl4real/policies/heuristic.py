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


class HeuristicPolicy:
    def allocate(self, session) -> None:
        g = session.graph
        assign_first_free(session, by_weight(g, np.arange(g.num_nodes)))
        for node in by_weight(g, [n for n in range(g.num_nodes) if n not in session.assigned]):
            if not session.split_budget_left:
                break
            g = session.graph
            legal = np.flatnonzero(g.use.split_ok[g.uses(node)])
            before = g.num_nodes
            if len(legal) and session.split(node, int(legal[len(legal) // 2])) == Refusal.ok:
                g = session.graph
                assign_first_free(session, by_weight(g, [node, *range(before, g.num_nodes)]))
