"""The torch modules. Each is a pure function of its inputs (no per-episode state); masks are
applied inside (masked actions get the logit model_io.MASKED); each returns (logits, value)."""

from __future__ import annotations

import torch
from torch import nn

from . import model_io

H = model_io.HIDDEN


def _mlp(inp: int, out: int, hidden: int = H) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inp, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, out))


def remaining_logsumexp(seq: torch.Tensor) -> torch.Tensor:
    """For scores in visiting order: at each step, the log-sum-exp over the nodes not visited yet.
    select_node's visiting order is a Plackett-Luce sample, so seq - this is the log-probability of
    each step's pick (train/trajectory.py computes the same in numpy when sampling)."""
    return torch.logcumsumexp(seq.flip(0), 0).flip(0)


def _masked(logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    # a scalar, not full_like: in ONNX one Where, no Shape/ConstantOfShape per call
    return torch.where(mask, logits, model_io.MASKED)


class Encoder(nn.Module):
    """A gated graph network over the interference graph: per step, messages through one Linear
    (one edge type, both directions), summed into each receiving node, then a GRU cell (written
    out, so ONNX export needs no RNN operator). The sum is a running sum over the messages sorted
    by receiver, differenced at the CSR offsets: in ONNX a CumSum and two Gathers, 2-4x faster in
    onnxruntime than ScatterElements; accumulated in float64, so the error stays ~1e-7."""

    def __init__(self, steps: int = 2):
        super().__init__()
        self.steps = steps
        self.inp = nn.Linear(len(model_io.NODE_FEATURES), H)
        self.msg = nn.Linear(H, H)
        self.gates = nn.Linear(2 * H, 2 * H)  # update and reset gates
        self.cand = nn.Linear(2 * H, H)

    def forward(self, node_x: torch.Tensor, msg_src: torch.Tensor, msg_offsets: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.inp(node_x))
        for _ in range(self.steps):
            running = torch.cumsum(self.msg(h)[msg_src].double(), 0)
            running = torch.cat([torch.zeros(1, H, dtype=running.dtype), running])
            m = (running[msg_offsets[1:]] - running[msg_offsets[:-1]]).float()
            gates = torch.sigmoid(self.gates(torch.cat([m, h], 1)))
            z, r = gates[:, :H], gates[:, H:]  # constant slices: chunk() exports as 7 ONNX ops
            c = torch.tanh(self.cand(torch.cat([m, r * h], 1)))
            h = (1 - z) * h + z * c
        return h


class SelectNode(nn.Module):
    def __init__(self):
        super().__init__()
        self.score = _mlp(H + len(model_io.NODE_FEATURES), 1)
        self.value = nn.Linear(H, 1)

    def forward(self, h, node_x, mask):
        logits = self.score(torch.cat([h, node_x], 1)).squeeze(1)
        return _masked(logits, mask), self.value(h.mean(0)).squeeze(0)


class SelectTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.score = _mlp(H + len(model_io.TASK_FEATURES), 2)
        self.value = nn.Linear(H + len(model_io.TASK_FEATURES), 1)

    def forward(self, h_node, task_x, mask):  # also batched ([B, ...] inputs) for training
        x = torch.cat([h_node, task_x], -1)
        return _masked(self.score(x), mask), self.value(x).squeeze(-1)


class ColorNode(nn.Module):
    """Scores every candidate register of every node, then one "leave to greedy" entry per node.
    A candidate's score depends on its node and its own features only, so all of a function's
    colour decisions read one evaluation; each decision masks the candidates not free then."""

    def __init__(self):
        super().__init__()
        self.score = _mlp(H + len(model_io.CAND_FEATURES), 1)
        self.leave = nn.Linear(H, 1)
        self.value = nn.Linear(H, 1)

    def forward(self, h, cand_node, cand_x, mask):
        x = torch.cat([h[cand_node], cand_x], 1)
        logits = torch.cat([self.score(x).squeeze(1), self.leave(h).squeeze(1)])
        return _masked(logits, mask), self.value(h.mean(0)).squeeze(0)


class SplitNode(nn.Module):
    """Scores the node's use points as split positions."""

    def __init__(self):
        super().__init__()
        self.score = _mlp(H + len(model_io.USE_FEATURES), 1)
        self.value = nn.Linear(H, 1)

    def forward(self, h_node, use_x, mask):
        k = use_x.shape[0]
        x = torch.cat([h_node.unsqueeze(0).expand(k, H), use_x], 1)
        return _masked(self.score(x).squeeze(1), mask), self.value(h_node).squeeze(0)


def build() -> dict[str, nn.Module]:
    return {"encoder": Encoder(), "select_node": SelectNode(), "select_task": SelectTask(),
            "color_node": ColorNode(), "split_node": SplitNode()}
