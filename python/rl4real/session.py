"""The session protocol: what a policy sees of one function and how it decides.

A policy is any object with `allocate(session)`. It reads `session.graph` (numpy arrays named by
the feature spec) and calls `session.assign(node, reg)`; each call is validated and applied at
once by the compiler, and answers `Refusal.ok` (0) or the reason it was refused (truthy).
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field

import numpy as np

from . import spec

PRIORITY_KEEP, PRIORITY_MAX = spec.PRIORITY_KEEP, spec.PRIORITY_MAX
EVICT = {name: value for name, value, _ in spec.EVICT_FLAGS}
Refusal = enum.IntEnum("Refusal", [name for name, _ in spec.REFUSALS], start=0)
_REFUSALS = tuple(Refusal)  # code -> member without Enum.__call__ (assign is on the hot path)


def _refusal(code: int) -> Refusal:
    return _REFUSALS[code] if 0 <= code < len(_REFUSALS) else Refusal(code)


# (attribute, array key) of each table's features, and every key: made once, not per function
_TABLE_KEYS = {t: [(f.name, f.key) for f in spec.features(t)] for t in spec.TABLES}
_ALL_KEYS = frozenset(f.key for f in spec.FEATURES)


class Table:
    """The features of one table as attributes (e.g. `graph.cand.reg`)."""

    def __init__(self, name: str, arrays: dict[str, np.ndarray]):
        self._name = name
        keys = _TABLE_KEYS[name]
        self.__dict__.update({attr: arrays[key] for attr, key in keys})
        self.rows = len(arrays[keys[0][1]])

    def __len__(self) -> int:
        return self.rows


class Graph:
    """One function's interference graph: tables `node`, `edge`, `cand`, `use`."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        if not _ALL_KEYS <= arrays.keys():
            missing = sorted(_ALL_KEYS - arrays.keys())
            raise ValueError(f"graph lacks features {missing} (spec version {spec.VERSION})")
        self.arrays = arrays
        self.node = Table("node", arrays)
        self.edge = Table("edge", arrays)
        self.cand = Table("cand", arrays)
        self.use = Table("use", arrays)
        # Rows of the cand and use tables are grouped by node: offsets[i]:offsets[i+1].
        self.cand_offsets = offsets(self.cand.node, len(self.node))

    @functools.cached_property
    def use_offsets(self) -> np.ndarray:  # only splitting needs it: not built for every function
        return offsets(self.use.node, len(self.node))

    @property
    def num_nodes(self) -> int:
        return len(self.node)

    def candidates(self, node: int) -> slice:
        return slice(int(self.cand_offsets[node]), int(self.cand_offsets[node + 1]))

    def uses(self, node: int) -> slice:
        return slice(int(self.use_offsets[node]), int(self.use_offsets[node + 1]))

    def degree(self) -> np.ndarray:
        return np.bincount(self.edge.nodes.reshape(-1), minlength=self.num_nodes)


def offsets(owner: np.ndarray, n: int) -> np.ndarray:
    """CSR offsets of rows grouped by owner (0..n-1): rows of owner i are offsets[i]:offsets[i+1]."""
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=out[1:])
    return out


@dataclass
class Session:
    """One function handed to a policy. `host` owns the function (rl4real.host.Host: the
    compiler, or the offline environment)."""

    host: object
    graph: Graph
    function: str = ""
    file: str = ""
    target: str = ""
    reg_classes: list[str] = field(default_factory=list)
    reg_names: list[str] = field(default_factory=list)
    reg_units: tuple = ()  # per physical register, its register units (shared unit: aliases)
    config: dict[str, str] = field(default_factory=dict)
    assigned: dict[int, int] = field(default_factory=dict)  # accepted assignments: node -> reg
    splits: int = 0  # accepted splits

    def assign(self, node, reg) -> Refusal:
        """Assign physical register `reg` (a `graph.cand.reg` value) to `node`."""
        try:
            node, reg = _index(node), _index(reg)
        except (TypeError, ValueError, OverflowError):
            return self._refuse_bad_value()
        r = _refusal(self.host.assign(node, reg))
        if r is Refusal.ok:
            self.assigned[node] = reg
        return r

    def split(self, node, use_index) -> Refusal:
        """Split `node` at its use point `use_index` (0-based within graph.uses(node)); legal
        points have graph.use.split_ok set. On success `session.graph` is replaced by the updated
        graph: existing nodes keep their index (the split node keeps the part before the split
        point), the new pieces are appended."""
        try:
            node, use_index = _index(node), _index(use_index)
        except (TypeError, ValueError, OverflowError):
            return self._refuse_bad_value()
        r = Refusal(self.host.split(node, use_index))
        if r == Refusal.ok:
            self.splits += 1
            self.graph = Graph(self.host.arrays())
        return r

    def advise(self, priority=None, evict=None) -> Refusal:
        """Advice for greedy, which allocates every range the policy leaves (one call per
        function; a later call replaces it). `priority`: one integer per node in [0, PRIORITY_MAX],
        bits 0-29 of the queue priority greedy uses for it while it is unsplit (higher first;
        greedy's own is graph.node.greedy_priority & PRIORITY_MAX; PRIORITY_KEEP = greedy's own).
        Bits 30 (a known hint) and 31 stay greedy's. `evict`: one bit mask of EVICT flags per
        node (EVICT["no_evicting"], EVICT["not_evicted"]). Greedy keeps its own legality rules, so
        advice can change code quality, never correctness. A policy that never advises (nor
        assigns) gets exactly greedy's code."""
        n = self.graph.num_nodes
        try:
            p = np.full(n, PRIORITY_KEEP, np.int64) if priority is None else _exact(priority, np.int64)
            e = np.zeros(n, np.uint8) if evict is None else _exact(evict, np.uint8)
        except (TypeError, ValueError, OverflowError):
            return self._refuse_bad_value()
        return _refusal(self.host.advise(p.tobytes(), e.tobytes()))

    @property
    def split_budget_left(self) -> int:
        return max(0, spec.option(self.config, "split_budget") - self.splits)

    def is_free(self, node, reg) -> bool:
        """Would `assign(node, reg)` be accepted right now?"""
        try:
            return bool(self.host.is_free(_index(node), _index(reg)))
        except (TypeError, ValueError, OverflowError):
            return False

    def free_candidates(self, node) -> np.ndarray:
        """For each of the node's candidates (graph.candidates(node)): is it free right now?"""
        return np.frombuffer(self.host.free_candidates(_index(node)), dtype=bool)  # 0/1 bytes: no copy

    def colour_in_order(self, node_scores, visit, scores, leave) -> int:
        """A whole deterministic colour pass in one call: the nodes with `visit` set, in
        descending `node_scores` order (lowest index on ties), each with a free candidate gets the
        free candidate with the highest score (`scores`: one per row of graph.cand; lowest row on
        ties) unless `leave[node]` is higher (then greedy allocates the node). Scores compare
        rounded to 4 decimals (rounded()). Returns how many nodes had a free candidate (colour
        decisions). The compiler runs the loop natively; other hosts get this Python loop, with
        the same result."""
        native = getattr(self.host, "colour_in_order", None)
        if native is not None:
            decisions, pairs = native(node_scores, visit, scores, leave)
            if len(pairs):
                self.assigned.update(zip(pairs[0::2].tolist(), pairs[1::2].tolist()))
            return int(decisions)
        decisions = 0
        scores, leave = rounded(scores), rounded(leave)
        offsets, regs = self.graph.cand_offsets, self.graph.cand.reg
        for node in visiting_order(node_scores, np.asarray(visit, bool)).tolist():
            free = self.free_candidates(node)
            if not free.any():
                continue
            decisions += 1
            start = int(offsets[node])
            best, pick = leave[node], -1
            for i in range(len(free) - 1, -1, -1):
                if free[i] and scores[start + i] >= best:
                    best, pick = scores[start + i], i
            if pick >= 0:
                self.assign(node, int(regs[start + pick]))
        return decisions

    def count_decisions(self, n: int) -> None:
        """Tell the compiler how many model decisions were taken (reported as `decisions`)."""
        self.host.count_decisions(int(n))

    def degrade(self, why: str) -> None:
        """Tell the compiler the policy took a cheaper path for this function (reported as
        `degraded`)."""
        self.host.degrade(str(why))

    def reg_name(self, reg: int) -> str:
        return self.reg_names[reg] if 0 <= reg < len(self.reg_names) else f"reg{reg}"

    def _refuse_bad_value(self) -> Refusal:
        # Counted by the compiler like every other refusal: out-of-range values are refused there.
        return Refusal(self.host.assign(-1, -1))


def rounded(scores) -> np.ndarray:
    """Scores rounded to 4 decimals in float64: model policies compare these, so that float noise
    between backends does not flip near-ties."""
    return np.round(np.asarray(scores, dtype=np.float64), 4)


def visiting_order(node_scores, visit: np.ndarray) -> np.ndarray:
    """The nodes with `visit` set, by descending rounded score, lowest index on ties."""
    order = np.argsort(-rounded(node_scores), kind="stable")
    return order[visit[order]]


def _exact(values, dtype) -> np.ndarray:
    """values as a 1-D array of dtype, refusing anything that would change in the conversion
    (fractions, out-of-range numbers); the host checks lengths and ranges."""
    a = np.asarray(values)
    if a.ndim != 1 or not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)
                           or a.dtype == bool) or (a.size and not np.isfinite(a).all()):
        raise ValueError("not a vector of integers")
    out = a.astype(dtype)
    if not np.array_equal(out, a):
        raise ValueError("values change in conversion")
    return out


def _index(x) -> int:
    """An integer index; rejects floats with fractions, NaN, bools and non-numbers."""
    if type(x) is int:
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError("bool is not an index")
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    raise TypeError(f"not an index: {x!r}")
