"""Random interference graphs with every feature of the spec: for tests, parity checks and
offline experiments. Register numbers are 1..num_regs with one register unit each."""

from __future__ import annotations

import numpy as np

from . import spec
from .session import Graph


def random_graph(rng: np.random.Generator, nodes: int, edge_density: float = 0.05,
                 max_cands: int = 16, num_regs: int = 16, max_uses: int = 6) -> Graph:
    n = nodes
    pairs = rng.random((n, n)) < edge_density if n <= 512 else None
    if pairs is not None:
        iu = np.triu_indices(n, 1)
        edges = np.stack([iu[0][pairs[iu]], iu[1][pairs[iu]]], 1)
    else:  # large graphs: sample edges directly
        m = int(edge_density * n * 8)
        a, b = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = a != b
        edges = np.unique(np.sort(np.stack([a[keep], b[keep]], 1), 1), axis=0)
    ncand = rng.integers(1, max_cands + 1, n)
    cand_node = np.repeat(np.arange(n), ncand).astype(np.int32)
    cand_reg = np.concatenate([rng.permutation(num_regs)[:k] + 1 for k in ncand]).astype(np.int32)
    rank = np.concatenate([np.arange(k) for k in ncand]).astype(np.int32)
    c = len(cand_node)
    nuses = rng.integers(1, max_uses + 1, n)
    use_node = np.repeat(np.arange(n), nuses).astype(np.int32)
    u = len(use_node)
    bits = lambda size, p=0.5: (rng.random(size) < p).astype(np.uint8)  # noqa: E731
    arrays = {
        "node_vreg": np.arange(n, dtype=np.int64), "node_reg_class": rng.integers(0, 3, n).astype(np.int32),
        "node_spill_weight": (rng.random(n) * 100).astype(np.float32), "node_unspillable": bits(n, 0.05),
        "node_size": rng.integers(1, 500, n).astype(np.float32),
        "node_num_segments": rng.integers(1, 5, n).astype(np.int32),
        "node_num_uses": nuses.astype(np.int32), "node_num_defs": rng.integers(1, 3, n).astype(np.int32),
        "node_loop_depth": rng.integers(0, 3, n).astype(np.int32),
        "node_use_freq": (rng.random(n) * 10).astype(np.float32),
        "node_embedding": rng.normal(0, 0.3, (n, spec.EMBEDDING_DIM)).astype(np.float32),
        "edge_nodes": edges.astype(np.int32).reshape(-1, 2),
        "cand_node": cand_node, "cand_reg": cand_reg, "cand_unit": cand_reg.copy(), "cand_rank": rank,
        "cand_is_hint": (rank == 0).astype(np.uint8) * bits(c), "cand_free": bits(c, 0.8),
        "cand_fixed_conflict": bits(c, 0.1), "cand_clobbered": bits(c, 0.1),
        "cand_callee_saved": bits(c, 0.3),
        "use_node": use_node, "use_pos": np.sort(rng.integers(0, 1000, u)).astype(np.int32),
        "use_freq": (rng.random(u) * 8).astype(np.float32),
        "use_next_dist": rng.integers(0, 50, u).astype(np.float32), "use_is_def": bits(u),
        "use_split_ok": bits(u, 0.3),
    }
    return Graph(arrays)


def planted_colouring(rng: np.random.Generator, nodes: int, colours: int, density: float) -> Graph:
    """A graph that `colours` registers can colour completely (edges only join nodes of different
    hidden colours; every node has every register as a candidate): the optimal cost is 0."""
    n, k = nodes, colours
    hidden = rng.integers(0, k, n)
    iu = np.triu_indices(n, 1)
    keep = (hidden[iu[0]] != hidden[iu[1]]) & (rng.random(len(iu[0])) < density)
    edges = np.stack([iu[0][keep], iu[1][keep]], 1)
    reg = np.tile(np.arange(1, k + 1), n).astype(np.int32)
    c = n * k
    zeros = lambda m, dtype: np.zeros(m, dtype)  # noqa: E731
    arrays = {
        "node_vreg": np.arange(n, dtype=np.int64), "node_reg_class": zeros(n, np.int32),
        "node_spill_weight": (1 + rng.random(n)).astype(np.float32), "node_unspillable": zeros(n, np.uint8),
        "node_size": np.full(n, 10, np.float32), "node_num_segments": np.ones(n, np.int32),
        "node_num_uses": np.ones(n, np.int32), "node_num_defs": np.ones(n, np.int32),
        "node_loop_depth": zeros(n, np.int32), "node_use_freq": np.ones(n, np.float32),
        "node_embedding": np.zeros((n, spec.EMBEDDING_DIM), np.float32),
        "edge_nodes": edges.astype(np.int32).reshape(-1, 2),
        "cand_node": np.repeat(np.arange(n), k).astype(np.int32), "cand_reg": reg, "cand_unit": reg.copy(),
        "cand_rank": np.tile(np.arange(k), n).astype(np.int32), "cand_is_hint": zeros(c, np.uint8),
        "cand_free": np.ones(c, np.uint8), "cand_fixed_conflict": zeros(c, np.uint8),
        "cand_clobbered": zeros(c, np.uint8), "cand_callee_saved": zeros(c, np.uint8),
        "use_node": np.arange(n, dtype=np.int32), "use_pos": np.arange(n, dtype=np.int32),
        "use_freq": np.ones(n, np.float32), "use_next_dist": np.ones(n, np.float32),
        "use_is_def": zeros(n, np.uint8), "use_split_ok": zeros(n, np.uint8),
    }
    return Graph(arrays)


def live_values_program(values: int) -> str:
    """A C program whose function `f` keeps `values` integers live at once across a call whose
    result each of them is combined with (every pair interferes), for size-guard tests and benchmarks. It prints a checksum, so builds by
    different allocators can be compared."""
    lines = ["#include <stdio.h>",
             "__attribute__((noinline)) long touch(long *a) { __asm__ volatile(\"\" : : \"r\"(a) : \"memory\"); return a[0] & 7; }",
             "__attribute__((noinline)) long f(long *a, long s) {"]
    lines += [f"  long v{i} = a[{i}] * s + {i};" for i in range(values)]
    lines.append("  long t = touch(a); /* every value loaded above is live across this call */")
    lines.append("  long r = 0;")
    lines += [f"  r = r * 31 + (v{i} ^ (t + {i % 7}));" for i in range(values)]
    lines += ["  return r;", "}", f"static long a[{values}];", "int main(void) {",
              f"  for (int i = 0; i < {values}; ++i) a[i] = i * 2654435761L;",
              '  printf("%ld\\n", f(a, 3));', "  return 0;", "}", ""]
    return "\n".join(lines)
