"""Random interference graphs with every feature of the spec: for tests, parity checks and
offline experiments. Register numbers are 1..num_regs with one register unit each."""

from __future__ import annotations

import numpy as np

from . import spec
from .session import Graph


def graph(edges, cand_regs: list, uses=1, **arrays) -> Graph:
    """A graph with every feature of the spec. The structure: `edges` (pairs of nodes),
    `cand_regs[i]` (node i's candidate registers, in order; one register unit each) and `uses`
    (use points per node: an int or one per node). Any feature can be given by key
    (`node_spill_weight=...`); the rest derive from the structure (vreg = node index, cand unit
    = register, rank = position, use positions in node order) or take the spec's neutral value."""
    n = len(cand_regs)
    ncand = np.array([len(c) for c in cand_regs], dtype=np.int64)
    nuses = np.broadcast_to(np.asarray(uses, dtype=np.int64), (n,))
    reg = np.concatenate([np.asarray(c, np.int32) for c in cand_regs]) if n else np.zeros(0, np.int32)
    derived = {
        "node_vreg": np.arange(n), "edge_nodes": np.asarray(edges, np.int64).reshape(-1, 2),
        "cand_node": np.repeat(np.arange(n), ncand), "cand_reg": reg, "cand_unit": reg,
        "cand_rank": np.concatenate([np.arange(k) for k in ncand]) if n else np.zeros(0),
        "use_node": np.repeat(np.arange(n), nuses), "use_pos": np.arange(int(nuses.sum())),
    }
    rows = {"node": n, "edge": len(derived["edge_nodes"]), "cand": len(reg), "use": int(nuses.sum())}
    out = {}
    for f in spec.FEATURES:
        shape = (rows[f.table], f.cols) if f.cols > 1 else (rows[f.table],)
        value = arrays.pop(f.key, derived.get(f.key, f.neutral))
        out[f.key] = np.broadcast_to(np.asarray(value, dtype=f.dtype), shape).copy()
    if arrays:
        raise KeyError(f"not features of spec version {spec.VERSION}: {sorted(arrays)}")
    return Graph(out)


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
    cands = [rng.permutation(num_regs)[:k] + 1 for k in ncand]
    rank = np.concatenate([np.arange(k) for k in ncand])
    c = int(ncand.sum())
    nuses = rng.integers(1, max_uses + 1, n)
    u = int(nuses.sum())
    bits = lambda size, p=0.5: (rng.random(size) < p).astype(np.uint8)  # noqa: E731
    return graph(
        edges, cands, nuses,
        node_reg_class=rng.integers(0, 3, n), node_spill_weight=rng.random(n) * 100,
        node_unspillable=bits(n, 0.05), node_size=rng.integers(1, 500, n),
        node_num_segments=rng.integers(1, 5, n), node_num_uses=nuses,
        node_num_defs=rng.integers(1, 3, n), node_loop_depth=rng.integers(0, 3, n),
        node_use_freq=rng.random(n) * 10, node_embedding=rng.normal(0, 0.3, (n, spec.EMBEDDING_DIM)),
        cand_is_hint=(rank == 0) * bits(c), cand_free=bits(c, 0.8), cand_fixed_conflict=bits(c, 0.1),
        cand_clobbered=bits(c, 0.1), cand_callee_saved=bits(c, 0.3),
        use_pos=np.sort(rng.integers(0, 1000, u)), use_freq=rng.random(u) * 8,
        use_next_dist=rng.integers(0, 50, u), use_is_def=bits(u), use_split_ok=bits(u, 0.3))


def planted_colouring(rng: np.random.Generator, nodes: int, colours: int, density: float) -> Graph:
    """A graph that `colours` registers can colour completely (edges only join nodes of different
    hidden colours; every node has every register as a candidate): the optimal cost is 0."""
    n, k = nodes, colours
    hidden = rng.integers(0, k, n)
    iu = np.triu_indices(n, 1)
    keep = (hidden[iu[0]] != hidden[iu[1]]) & (rng.random(len(iu[0])) < density)
    edges = np.stack([iu[0][keep], iu[1][keep]], 1)
    return graph(edges, [list(range(1, k + 1))] * n, node_spill_weight=1 + rng.random(n),
                 node_size=10, use_next_dist=1)


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
