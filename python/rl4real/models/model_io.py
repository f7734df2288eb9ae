"""Model inputs, declared once: how a session's graph becomes model tensors, and the names,
dtypes and shapes of every model's inputs and outputs. The torch modules, the ONNX export, the
manifest and both backends use these lists."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import spec
from ..session import offsets

MODEL_VERSION = 5  # 5: the round models (ROUND_FILES)
HIDDEN = 32

NODE_FEATURES = ["log_spill_weight", "unspillable", "log_size", "log_segments", "log_uses",
                 "log_defs", "loop_depth", "log_use_freq", "log_degree", "log_candidates",
                 "free_fraction", "has_hint"] + [f"mir2vec_{i}" for i in range(spec.EMBEDDING_DIM)]
CAND_FEATURES = ["is_hint", "free_at_build", "fixed_conflict", "clobbered", "callee_saved",
                 "rank_fraction"]
TASK_FEATURES = ["log_degree", "log_free_now", "log_uses", "can_split"]
USE_FEATURES = ["log_freq", "log_next_dist", "position", "is_def", "split_ok"]


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: str
    shape: tuple  # ints, or strings for dynamic dimensions


MODELS: dict[str, tuple[list[Tensor], list[Tensor]]] = {
    # Messages along every interference, both directions, grouped by receiving node (CSR):
    # msg_src[msg_offsets[i]:msg_offsets[i + 1]] are the nodes that send to node i.
    "encoder": ([Tensor("node_x", "float32", ("nodes", len(NODE_FEATURES))),
                 Tensor("msg_src", "int64", ("messages",)),
                 Tensor("msg_offsets", "int64", ("nodes_plus_one",))],
                [Tensor("h", "float32", ("nodes", HIDDEN))]),
    "select_node": ([Tensor("h", "float32", ("nodes", HIDDEN)),
                     Tensor("node_x", "float32", ("nodes", len(NODE_FEATURES))),
                     Tensor("mask", "bool", ("nodes",))],
                    [Tensor("logits", "float32", ("nodes",)), Tensor("value", "float32", ())]),
    "select_task": ([Tensor("h_node", "float32", (HIDDEN,)),
                     Tensor("task_x", "float32", (len(TASK_FEATURES),)),
                     Tensor("mask", "bool", (2,))],
                    [Tensor("logits", "float32", (2,)), Tensor("value", "float32", ())]),
    # All candidates of all nodes at once: logits[c] scores candidate row c, logits[C + n] is
    # "leave node n to greedy". A decision for node n takes its candidates' rows and C + n.
    "color_node": ([Tensor("h", "float32", ("nodes", HIDDEN)),
                    Tensor("cand_node", "int64", ("candidates",)),
                    Tensor("cand_x", "float32", ("candidates", len(CAND_FEATURES))),
                    Tensor("mask", "bool", ("candidates_plus_nodes",))],
                   [Tensor("logits", "float32", ("candidates_plus_nodes",)),
                    Tensor("value", "float32", ())]),
    "split_node": ([Tensor("h_node", "float32", (HIDDEN,)),
                    Tensor("use_x", "float32", ("uses", len(USE_FEATURES))),
                    Tensor("mask", "bool", ("uses",))],
                   [Tensor("logits", "float32", ("uses",)), Tensor("value", "float32", ())]),
}
# What every round of the hierarchical policy evaluates (backends' round()): the encoder, then
# these models with the named inputs bound to the encoder's input or output of the same name.
# Export joins them into one ONNX model (models/fuse.py), with and without the value heads.
ROUND = {"encoder": {}, "select_node": {"h": "h", "node_x": "node_x"}, "color_node": {"h": "h"}}
ROUND_FILES = {True: "round.onnx", False: "round_inference.onnx"}  # with value heads or not
# RL4ReAl's file names (<MODEL>_MODEL_PATH.onnx): a model directory is the original's
# regalloc/onnx-checkpoint folder, so its -ml-config-path layout holds rl4real's models as is.
ONNX_FILES = {name: f"{name.upper()}_MODEL_PATH.onnx" for name in MODELS}


def _round_names(part: int, keep) -> list[str]:
    return [t.name if model == "encoder" else f"{model}/{t.name}"
            for model, binds in ROUND.items() for t in MODELS[model][part] if keep(t, binds)]


def round_inputs() -> list[str]:
    """The round model's inputs, in backends.run_round's argument order."""
    return _round_names(0, lambda t, binds: t.name not in binds)


def round_outputs(values: bool = True) -> list[str]:
    """(h, select_node's logits and value, color_node's logits and value), less the values."""
    return _round_names(1, lambda t, binds: values or t.name != "value")
AGENTS = ["select_node", "select_task", "color_node", "split_node"]
TASK_COLOR, TASK_SPLIT = 0, 1
MASKED = -1e9  # logit of a masked action (finite, so softmax stays defined in training)


_SCALARS = NODE_FEATURES[:12]
# node_features computes the scalar columns with the log1p ones first (one log1p over a slice),
# then puts them in NODE_FEATURES order.
_STACKED = sorted(_SCALARS, key=lambda f: not f.startswith("log_"))
_LOGGED = sum(f.startswith("log_") for f in _SCALARS)
_ORDER = [_STACKED.index(f) for f in _SCALARS]
_LOG_SIZE = _STACKED.index("log_size")


def node_features(graph) -> np.ndarray:
    n = graph.num_nodes
    node, cand = graph.node, graph.cand
    ncand = np.diff(graph.cand_offsets)
    free = np.bincount(cand.node, weights=cand.free, minlength=n)
    columns = {"log_spill_weight": node.spill_weight, "log_size": node.size,
               "log_segments": node.num_segments, "log_uses": node.num_uses,
               "log_defs": node.num_defs, "log_use_freq": node.use_freq,
               "log_degree": graph.degree(), "log_candidates": ncand,
               "unspillable": node.unspillable, "loop_depth": node.loop_depth,
               "free_fraction": free / np.maximum(ncand, 1),
               "has_hint": np.bincount(cand.node, weights=cand.is_hint, minlength=n) > 0}
    scalars = np.stack([columns[f] for f in _STACKED], axis=1, dtype=np.float64).reshape(n, 12)
    np.log1p(scalars[:, :_LOGGED], out=scalars[:, :_LOGGED])
    scalars[:, _LOG_SIZE] /= 4
    out = np.empty((n, len(NODE_FEATURES)), np.float32)
    out[:, :12] = scalars[:, _ORDER]
    out[:, 12:] = node.embedding.reshape(n, spec.EMBEDDING_DIM)
    return out


def messages(graph) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's (msg_src, msg_offsets): each interference as two messages, sorted by the
    receiving node, with CSR offsets per receiving node."""
    e = graph.edge.nodes.astype(np.int64).reshape(-1, 2)
    src = np.concatenate([e[:, 0], e[:, 1]])
    dst = np.concatenate([e[:, 1], e[:, 0]])
    return src[np.argsort(dst, kind="stable")], offsets(dst, graph.num_nodes)


def cand_features(graph) -> np.ndarray:
    """Features of every candidate (rows of graph.cand); slice with graph.candidates(node)."""
    c = graph.cand
    ncand = np.diff(graph.cand_offsets)[c.node]
    cols = [c.is_hint, c.free, c.fixed_conflict, c.clobbered, c.callee_saved,
            c.rank / np.maximum(ncand, 1)]
    return np.stack(cols, axis=1, dtype=np.float32).reshape(len(c), len(CAND_FEATURES))


def use_features(graph, node: int) -> np.ndarray:
    s = graph.uses(node)
    u = graph.use
    pos = u.pos[s].astype(np.float32)
    span = (pos.max() - pos.min() + 1) if len(pos) else 1.0
    cols = [np.log1p(u.freq[s]), np.log1p(u.next_dist[s]), (pos - (pos.min() if len(pos) else 0)) / span,
            u.is_def[s], u.split_ok[s]]
    return np.stack([np.asarray(x, np.float32) for x in cols], axis=1).reshape(len(pos), len(USE_FEATURES))


def task_features(node_x_row: np.ndarray, free_now: int, can_split: bool) -> np.ndarray:
    return np.array([node_x_row[NODE_FEATURES.index("log_degree")], np.log1p(free_now),
                     node_x_row[NODE_FEATURES.index("log_uses")], float(can_split)], np.float32)
