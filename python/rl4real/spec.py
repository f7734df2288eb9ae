"""The contract between the C++ pass and Python: declared once, here.

Every array the policy sees is listed in FEATURES (table, name, dtype, columns, doc). The C++
buffers (a header generated from this file at build time), the numpy arrays of a session, the model
inputs and docs/features.md all derive from this list. REFUSALS lists the reasons a decision can be
refused, in the order of their integer codes.

This module must stay importable without numpy: CMake runs it as a script to emit the header.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

VERSION = 3
EMBEDDING_DIM = 16  # MIR2Vec vocabulary dimension the node embedding is built from

TABLES = {
    "node": "one row per live range (virtual register) offered to the policy",
    "edge": "one row per interference between two nodes (each pair once)",
    "cand": "one row per candidate physical register of a node, rows grouped by node, "
    "in allocation order with copy hints first",
    "use": "one row per instruction that reads or writes a node, rows grouped by node, in program order",
}

# numpy dtype name -> C++ element type
DTYPES = {"float32": "float", "int32": "int32_t", "int64": "int64_t", "uint8": "uint8_t"}


@dataclass(frozen=True)
class Feature:
    table: str
    name: str
    dtype: str
    cols: int
    doc: str

    @property
    def key(self) -> str:
        return f"{self.table}_{self.name}"


FEATURES = [
    # -- nodes
    Feature("node", "vreg", "int64", 1, "LLVM virtual register number (printed as %N in MIR)"),
    Feature("node", "reg_class", "int32", 1, "index into session.reg_classes"),
    Feature("node", "spill_weight", "float32", 1,
            "LLVM spill weight (VirtRegAuxInfo), capped at 1e6; unspillable ranges have the cap"),
    Feature("node", "unspillable", "uint8", 1, "1 if LLVM may not spill this range"),
    Feature("node", "size", "float32", 1, "live range size in slot-index units (LiveInterval::getSize)"),
    Feature("node", "num_segments", "int32", 1, "number of live segments"),
    Feature("node", "num_uses", "int32", 1, "non-debug instructions reading the register"),
    Feature("node", "num_defs", "int32", 1, "non-debug instructions writing the register"),
    Feature("node", "loop_depth", "int32", 1, "deepest loop containing a use or def"),
    Feature("node", "use_freq", "float32", 1,
            "sum over uses and defs of block frequency relative to the entry block"),
    Feature("node", "embedding", "float32", EMBEDDING_DIM,
            "mean MIR2Vec symbolic embedding of the instructions using or defining the register "
            "(zeros without a vocabulary)"),
    # -- edges
    Feature("edge", "nodes", "int32", 2, "the two interfering nodes (row indices), first < second"),
    # -- candidates
    Feature("cand", "node", "int32", 1, "node the candidate belongs to"),
    Feature("cand", "reg", "int32", 1, "physical register number (names in session.reg_names)"),
    Feature("cand", "unit", "int32", 1,
            "first register unit of the register; candidates that share units alias (e.g. EAX/RAX)"),
    Feature("cand", "rank", "int32", 1, "position in the node's allocation order (0 = preferred)"),
    Feature("cand", "is_hint", "uint8", 1, "1 if the register is a copy hint for the node"),
    Feature("cand", "free", "uint8", 1,
            "1 if no fixed register or call clobber interferes (at graph-build time)"),
    Feature("cand", "fixed_conflict", "uint8", 1, "1 if a fixed physical register use interferes"),
    Feature("cand", "clobbered", "uint8", 1, "1 if a call inside the range clobbers the register"),
    Feature("cand", "callee_saved", "uint8", 1,
            "1 if callee-saved and not yet used in the function (first use costs a save/restore)"),
    # -- use points
    Feature("use", "node", "int32", 1, "node the use point belongs to"),
    Feature("use", "pos", "int32", 1, "instruction number from the function start"),
    Feature("use", "freq", "float32", 1, "block frequency of the instruction relative to the entry block"),
    Feature("use", "next_dist", "float32", 1, "instructions to the node's next use point (0 for the last)"),
    Feature("use", "is_def", "uint8", 1, "1 if the instruction writes the register"),
    Feature("use", "split_ok", "uint8", 1, "1 if session.split may split the node at this use"),
]

# Reasons a decision is refused; the position is the code the C++ side returns (0 = accepted).
REFUSALS = [
    ("ok", "accepted and applied"),
    ("bad_value", "node or register is not an integer in range"),
    ("not_candidate", "register is not one of the node's candidates"),
    ("interferes", "register is not free for the node at this moment"),
    ("already_assigned", "node was already assigned"),
    ("closed", "the session is over (function finished or time budget exceeded)"),
    ("split_budget", "the function's split budget (option split-budget) is used up"),
    ("split_point", "no split at this use point: out of range, or the instruction does not read "
     "the register (a def, a PHI, an undef use)"),
    ("split_tied", "a tied or early-clobber operand, or a redefinition, at the split point"),
    ("split_subreg", "a subregister operand between the split point and the end of the piece"),
]


_BY_TABLE = {t: [f for f in FEATURES if f.table == t] for t in dict.fromkeys(f.table for f in FEATURES)}


def features(table: str | None = None) -> list[Feature]:
    return list(FEATURES) if table is None else list(_BY_TABLE.get(table, []))


def signature() -> str:
    """Must equal what the built plugin's rl4real_spec_signature() returns."""
    parts = [f"version={VERSION}"]
    parts += [f"{f.table}.{f.name}:{f.dtype}x{f.cols}" for f in FEATURES]
    parts += [f"refusal.{name}" for name, _ in REFUSALS]
    return ";".join(parts)


def cpp_header() -> str:
    """The C++ view of the spec (written to the build tree by CMake)."""
    tables = list(TABLES)
    out = [
        "// Generated from python/rl4real/spec.py by CMake. Do not edit.",
        "#pragma once",
        "#include <cstdint>",
        "namespace rl4real::spec {",
        f"constexpr int Version = {VERSION};",
        f"constexpr int EmbeddingDim = {EMBEDDING_DIM};",
        "enum Table : int { " + ", ".join(f"T_{t}" for t in tables) + f", NumTables }};",
        "enum Feature : int { " + ", ".join(f.key for f in FEATURES) + ", NumFeatures };",
        "enum Refusal : int { " + ", ".join(f"R_{name}" for name, _ in REFUSALS) + ", NumRefusals };",
        "struct FeatureInfo { const char *Table; const char *Name; const char *DType; int TableId; int Cols; int ElemSize; };",
        "inline constexpr FeatureInfo Features[NumFeatures] = {",
    ]
    sizes = {"float32": 4, "int32": 4, "int64": 8, "uint8": 1}
    for f in FEATURES:
        out.append(f'  {{"{f.table}", "{f.name}", "{f.dtype}", T_{f.table}, {f.cols}, {sizes[f.dtype]}}},')
    out.append("};")
    out.append("inline constexpr const char *RefusalNames[NumRefusals] = {"
               + ", ".join(f'"{n}"' for n, _ in REFUSALS) + "};")
    out.append("inline constexpr const char *TableNames[NumTables] = {"
               + ", ".join(f'"{t}"' for t in tables) + "};")
    out.append("} // namespace rl4real::spec")
    return "\n".join(out) + "\n"


def markdown() -> str:
    """docs/features.md."""
    lines = [f"# Feature spec (version {VERSION})", "",
             "Generated by `rl4real features --markdown` from `python/rl4real/spec.py`; "
             "a test keeps this file current.", ""]
    for table, doc in TABLES.items():
        lines += [f"## `{table}` — {doc}", "", "| name | dtype | columns | meaning |", "|---|---|---|---|"]
        lines += [f"| `{f.name}` | {f.dtype} | {f.cols} | {f.doc} |" for f in features(table)]
        lines.append("")
    lines += ["## Refusal codes", "", "| code | name | meaning |", "|---|---|---|"]
    lines += [f"| {i} | `{n}` | {d} |" for i, (n, d) in enumerate(REFUSALS)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cpp":
        text = cpp_header()
        try:
            with open(sys.argv[2]) as f:
                if f.read() == text:
                    sys.exit(0)
        except OSError:
            pass
        with open(sys.argv[2], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(markdown())
