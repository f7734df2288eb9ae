"""The shipped default until trained models beat it: heaviest live ranges first, each takes the
first candidate that is free (copy hints first, then LLVM's allocation order)."""

from __future__ import annotations

import numpy as np


class HeuristicPolicy:
    def allocate(self, session) -> None:
        g = session.graph
        n = g.num_nodes
        # Heaviest first, ties by node index (deterministic).
        order = np.lexsort((np.arange(n), -g.node.spill_weight))
        free, regs, off = g.cand.free, g.cand.reg, g.cand_offsets
        for node in order.tolist():
            for c in range(off[node], off[node + 1]):
                # cand.free is a cheap pre-filter (fixed registers, call clobbers); is_free also
                # sees the assignments made so far.
                if free[c] and session.is_free(node, regs[c]):
                    session.assign(node, regs[c])
                    break
