"""Probes of issue 13 (not shipped): greedy with one of its own rules changed through the advice
channel, each a policy of this file. Greedy still allocates, splits and spills everything; only
its queue order or its eviction choices move. Used as candidates of bench/select_headroom.py.

- reverse_local: block-local ranges dequeued from the end of the block up (greedy's
  -greedy-reverse-local-assignment, per function);
- weight_first: ranges that span blocks dequeued by spill weight instead of size;
- hot_first: ranges that span blocks dequeued by size scaled by their use frequency;
- size_only: the global bit dropped, every range by size (locals mixed with globals);
- protect_loops: ranges used in the deepest loop may not be evicted."""

from __future__ import annotations

import numpy as np

from rl4real import spec
from rl4real.session import EVICT


def _own(graph) -> np.ndarray:
    return graph.node.greedy_priority.astype(np.int64) & spec.PRIORITY_MAX


def _with_size(own, size, where) -> np.ndarray:
    size = np.clip(np.asarray(size, np.float64), 0, spec.PRIORITY_SIZE).astype(np.int64)
    return np.where(where, (own & ~spec.PRIORITY_SIZE) | size, own)


def _last_use(graph) -> np.ndarray:
    last = np.zeros(graph.num_nodes, np.int64)
    if len(graph.use):
        np.maximum.at(last, graph.use.node.astype(np.int64), graph.use.pos.astype(np.int64))
    return last


def _spans(own) -> np.ndarray:
    return (own & spec.PRIORITY_GLOBAL) > 0


def _scaled(values) -> np.ndarray:
    """Positive values mapped monotonically into the size bits."""
    v = np.log1p(np.maximum(np.asarray(values, np.float64), 0.0))
    top = v.max() if len(v) else 0.0
    return v / top * (spec.PRIORITY_SIZE - 1) if top > 0 else np.zeros_like(v)


def reverse_local(session) -> None:
    g = session.graph
    own = _own(g)
    session.advise(priority=_with_size(own, 16 * _last_use(g), ~_spans(own)))


def weight_first(session) -> None:
    g = session.graph
    own = _own(g)
    w = np.where(g.node.unspillable > 0, np.float64(np.finfo(np.float32).max),
                 g.node.spill_weight.astype(np.float64))
    session.advise(priority=_with_size(own, _scaled(w), _spans(own)))


def hot_first(session) -> None:
    g = session.graph
    own = _own(g)
    size = (own & spec.PRIORITY_SIZE).astype(np.float64) * (1.0 + g.node.use_freq.astype(np.float64))
    session.advise(priority=_with_size(own, _scaled(size), _spans(own)))


def size_only(session) -> None:
    g = session.graph
    own = _own(g) & ~spec.PRIORITY_GLOBAL
    size = g.node.size.astype(np.float64)
    session.advise(priority=_with_size(own, _scaled(size), np.ones(g.num_nodes, bool)))


def protect_loops(session) -> None:
    g = session.graph
    depth = g.node.loop_depth
    if not g.num_nodes or depth.max() == 0:
        return
    evict = np.where(depth == depth.max(), EVICT["not_evicted"], 0).astype(np.uint8)
    session.advise(evict=evict)
