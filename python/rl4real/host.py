"""The host protocol: what a session needs of the side that owns the function. Three hosts
implement it: the compiler (cpp/MLRAPass.cpp through cpp/Bridge.cpp), the offline environment
(rl4real.train.offline.OfflineHost) and any test double. They refuse by the same rules, checked
in this order (tests/e2e/test_host_conformance.py runs one script against the compiler and the
offline host and requires the same codes and assignments):

assign(node, reg):
    closed            the session is over
    bad_value         node not in [0, nodes), or reg not in [1, number of registers)
    already_assigned  the node has a register
    not_candidate     reg is not one of the node's candidates
    interferes        reg is not free for the node now (fixed registers, calls, assigned nodes)
split(node, use_index):
    closed, bad_value (node out of range), already_assigned (an assigned node is not split),
    split_budget      the function's budget (option split-budget) is used up
    split_point       use_index out of range, or not a legal split point (graph.use.split_ok;
                      the compiler also says split_tied / split_subreg for what it finds there)
advise(priority, evict):
    closed, bad_value (not one value per node, a priority outside [-1, spec.PRIORITY_MAX] or an
    evict value with bits outside spec.EVICT_FLAGS); a later call replaces the advice. Only the
    compiler acts on it (greedy reads it); other hosts validate and keep it.
"""

from __future__ import annotations

from typing import Protocol


class Host(Protocol):
    def assign(self, node: int, reg: int) -> int:
        """A spec.REFUSALS code; 0 means applied."""

    def split(self, node: int, use_index: int) -> int:
        """A spec.REFUSALS code; 0 means applied (arrays() then returns the new graph)."""

    def advise(self, priority: bytes, evict: bytes) -> int:
        """Advice for greedy: int64 priority and uint8 evict flags per node (native byte order).
        A spec.REFUSALS code; 0 means kept."""

    def is_free(self, node: int, reg: int) -> bool:
        """Would assign(node, reg) be accepted now?"""

    def free_candidates(self, node: int) -> bytes:
        """One byte (0/1) per candidate row of the node: would assigning it be accepted now?"""

    def arrays(self) -> dict:
        """The current graph's feature arrays (changed by an accepted split)."""

    def count_decisions(self, n: int) -> None:
        """The policy took n model decisions (reported as `decisions`)."""

    def degrade(self, why: str) -> None:
        """The policy took a cheaper path for this function (reported as `degraded`)."""
