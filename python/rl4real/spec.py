"""The contract between the C++ pass and Python: declared once, here.

Every array the policy sees is listed in FEATURES (table, name, dtype, columns, doc). The C++
buffers (a header generated from this file at build time), the numpy arrays of a session, the model
inputs and docs/features.md all derive from this list. REFUSALS lists the reasons a decision can be
refused, in the order of their integer codes.

This module must stay importable without numpy: CMake runs it as a script to emit the header.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

VERSION = 4
EMBEDDING_DIM = 16  # MIR2Vec vocabulary dimension the node embedding is built from

TABLES = {
    "node": "one row per live range (virtual register) offered to the policy",
    "edge": "one row per interference between two nodes (each pair once)",
    "cand": "one row per candidate physical register of a node, rows grouped by node, "
    "in allocation order with copy hints first",
    "use": "one row per instruction that reads or writes a node, rows grouped by node, in program order",
}

# numpy dtype -> element size in bytes (FeatureInfo::ElemSize in the generated header)
DTYPES = {"float32": 4, "int32": 4, "int64": 8, "uint8": 1}


@dataclass(frozen=True)
class Feature:
    table: str
    name: str
    dtype: str
    cols: int
    doc: str
    neutral: float = 0  # the value of a made-up graph that says nothing (rl4real.synthetic.graph)

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
    Feature("node", "size", "float32", 1, "live range size in slot-index units (LiveInterval::getSize)", neutral=1),
    Feature("node", "num_segments", "int32", 1, "number of live segments", neutral=1),
    Feature("node", "num_uses", "int32", 1, "non-debug instructions reading the register", neutral=1),
    Feature("node", "num_defs", "int32", 1, "non-debug instructions writing the register", neutral=1),
    Feature("node", "loop_depth", "int32", 1, "deepest loop containing a use or def"),
    Feature("node", "use_freq", "float32", 1,
            "sum over uses and defs of block frequency relative to the entry block", neutral=1),
    Feature("node", "greedy_priority", "int64", 1,
            "the queue priority greedy gives the range when it first queues it "
            "(DefaultPriorityAdvisor: bit 30 a known hint, bit 29 spans blocks, bits 24-28 the "
            "class's AllocationPriority, bits 0-23 size or, for a local range, its end position; "
            "bit 31, not split yet, is always set); higher is allocated first; session.advise replaces "
            "bits 0-29", neutral=2**31),
    Feature("node", "local", "uint8", 1, "1 if the range lies within one basic block"),
    Feature("node", "live_through", "int32", 1,
            "blocks the range is live through without a use or def there (live in and out)"),
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
            "1 if no fixed register or call clobber interferes (at graph-build time)", neutral=1),
    Feature("cand", "fixed_conflict", "uint8", 1, "1 if a fixed physical register use interferes"),
    Feature("cand", "clobbered", "uint8", 1, "1 if a call inside the range clobbers the register"),
    Feature("cand", "callee_saved", "uint8", 1,
            "1 if callee-saved and not yet used in the function (first use costs a save/restore)"),
    # -- use points
    Feature("use", "node", "int32", 1, "node the use point belongs to"),
    Feature("use", "pos", "int32", 1, "instruction number from the function start"),
    Feature("use", "freq", "float32", 1, "block frequency of the instruction relative to the entry block", neutral=1),
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

# Eviction advice (session.advise): bit flags per node, applied by the plugin's eviction advisor
# inside greedy. Greedy only ever evicts what its own rules allow; advice can only refuse.
EVICT_FLAGS = [
    ("no_evicting", 1, "the range does not evict others: when no register is free, greedy splits "
     "or spills it instead (ignored for an unspillable range, which must get a register)"),
    ("not_evicted", 2, "a spillable range may not evict this one"),
]
PRIORITY_KEEP = -1  # session.advise: greedy's own priority for this node
# Advised priorities replace bits 0-29 of greedy's; bits 30 (a known hint: changes while greedy
# allocates) and 31 (not split yet) stay greedy's.
PRIORITY_MAX = 2**30 - 1
# Greedy's layout below that (DefaultPriorityAdvisor): bits 0-23 a range's size (or, for a local
# range, its position), 24-28 its class's AllocationPriority, 29 spans blocks, 30 a known hint.
PRIORITY_SIZE = 2**24 - 1
PRIORITY_GLOBAL = 1 << 29
PRIORITY_HINT = 1 << 30

# -- plugin options: each is `-mllvm -rl4real-<name>=V` and `RL4REAL_<NAME>=V` (the command line
# wins; an empty value means the default). One rule parses them, in C++ (the generated header)
# and here: an invalid value is an error that names the option, the value and what is accepted.
INT_LIMIT = 2**53  # integers are exact in a double on both sides


@dataclass(frozen=True)
class Option:
    name: str
    kind: str  # "bool", "int", "float" or "str"
    default: str
    doc: str
    min: float = 0
    max: float = INT_LIMIT
    choices: tuple[str, ...] = ()
    original: bool = False  # one of RL4ReAl's own flags: -<name>, not -rl4real-<name>

    @property
    def key(self) -> str:  # in the configuration the plugin hands to Python
        return self.name.replace("-", "_")

    @property
    def env(self) -> str:
        return "RL4REAL_" + self.key.upper()

    @property
    def flag(self) -> str:
        return f"-{self.name}" if self.original else f"-rl4real-{self.name}"

    @property
    def accepted(self) -> str:
        if self.kind == "bool":
            return "1 or 0 (or true/false, on/off, yes/no)"
        if self.kind == "int":
            return f"an integer from {self.min:.16g} to {self.max:.16g}"
        if self.kind == "float":
            return f"a number from {self.min:.16g} to {self.max:.16g}"
        return "one of " + ", ".join(self.choices) if self.choices else "any text"


OPTIONS = [
    Option("enable", "bool", "1", "`0` switches RL allocation off (objects are then byte-identical "
           "to stock clang-22)"),
    Option("policy", "str", "heuristic",
           "`heuristic`, `hierarchical` (the four models), `advice` (learned advice to greedy: "
           "`advice.json` of `model-dir`), `select` (a learned choice per function among greedy, "
           "`heuristic` and `advice`: `select.json` of `model-dir`), `tuned` (per-function choices "
           "`rl4real tune` found for one program on its workload: `tuned.json` of `model-dir`), "
           "`parity` (declines every choice: stock greedy's code, byte for byte), `random`, `random-split`, `random-advice` "
           "(random priorities and eviction vetoes given to greedy), `sample` "
           "(training rollouts: sampled decisions, episodes appended to `trajectories`), "
           "`module:attr`, or `path/to/file.py[:attr]` (attr defaults to `policy`)"),
    Option("seed", "int", "0", "seed of stochastic policies (`random`, `random-advice`, "
           "`sample`); per-function streams, independent of compile order"),
    Option("backend", "str", "onnxruntime", "model backend of `hierarchical` (same decisions)",
           choices=("onnxruntime", "torch")),
    Option("model-dir", "str", "", "model directory of `hierarchical`, `advice`, `select` and `tuned` "
           "(default: the shipped model, which has no `tuned.json`; see `docs/models.md`)"),
    Option("split-budget", "int", "0", "live-range splits a policy may make per function (`0`: "
           "splitting off; see `docs/splitting.md`)", max=1_000_000),
    Option("vocab", "str", "", "MIR2Vec vocabulary (JSON) for instruction embeddings (default: "
           "the shipped one; `none`: off)"),
    Option("triplets", "str", "", "append MIR2Vec training triplets of every function to this "
           "file (used by `rl4real vocab`)"),
    Option("min-size", "int", "8", "functions with fewer live ranges are left to greedy without "
           "starting Python"),
    Option("max-edges", "int", "2000000", "functions with more interference edges are left to "
           "greedy without asking the policy (`fallback: \"too_large\"`; `0`: no limit)"),
    Option("model-max-edges", "int", "100000", "functions with more edges get the heuristic "
           "instead of the four models of `hierarchical` / `sample` (`degraded` says so; `0`: no "
           "limit)"),
    Option("report", "str", "", "append one JSON line per machine function to this file"),
    Option("timeout", "float", "60", "policy time budget per function in seconds (`0`: none); "
           "past it the compiler stops waiting (whatever the policy holds, the GIL included), and "
           "greedy allocates that function and every later one of the process", max=1e9),
    Option("max-faults", "int", "3", "policy faults after which the policy is switched off for "
           "the rest of the process, with one summary warning (`0`: never)"),
    Option("strict", "bool", "0", "`1`: a policy fault or a refused decision is a compile error "
           "instead of a warning"),
    Option("warm-start", "bool", "1", "start Python and load the policy on its own thread as "
           "soon as clang loads the plugin, while it parses and optimises (only for a compile at "
           "-O1 or above whose command line has no `-rl4real-*` option: at that point only the "
           "`RL4REAL_*` variables are known)"),
    Option("python", "str", "", "Python executable the embedded interpreter is pinned to (selects "
           "the venv; default: the Python the plugin was built with)"),
    Option("trajectories", "str", "", "policy `sample`: append each function's episode to this "
           "file"),
    Option("dump-dir", "str", "rl4real-graphs", "policy `rl4real.policies.dump:policy`: save each "
           "function's graph in this folder"),
    # RL4ReAl's command lines, with its meaning (README, "Coming from RL4ReAl")
    Option("mlra-inference", "bool", "0", "RL4ReAl's switch: RL allocation on even with "
           "`-regalloc=greedy` (which alone means stock greedy)", original=True),
    Option("ml-config-path", "str", "", "RL4ReAl's config directory: the four-model policy "
           "loads its `regalloc/onnx-checkpoint` (as `model-dir`)", original=True),
    Option("rl-inference-engine", "bool", "0", "RL4ReAl's in-process ONNX runner: policy "
           "`hierarchical` with backend `onnxruntime`", original=True),
    Option("mlra-use-pipe", "bool", "0", "RL4ReAl's pipe runner: decisions from `rl4real serve "
           "--use_pipe=1` over the named pipe `mlra-pipe-name` (policy `pipe`)", original=True),
    Option("mlra-pipe-name", "str", "rl4real", "name of the pipe runner's pipe (in the system's "
           "temporary folder unless it is a path)", original=True),
    Option("mlra-data-format", "str", "json", "the pipe runner's message encoding",
           choices=("json", "bytes"), original=True),
    Option("mlra-server-address", "str", "", "RL4ReAl's gRPC runner: decisions from `rl4real "
           "serve --server_port=PORT` at HOST:PORT (policy `grpc`)", original=True),
]
OPTIONS_BY_KEY = {o.key: o for o in OPTIONS}


class OptionError(ValueError):
    pass


_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


def parse_option(option: Option, text: str):
    """The typed value of `text` for `option` (the default when empty); OptionError if invalid.
    Options.cpp applies the same rule to the same declarations."""
    v = text.strip(" \t\n\v\f\r")  # the whitespace LLVM's StringRef::trim removes
    if not v:
        v = option.default
    bad = OptionError(f"invalid value '{text}' for option '{option.name}' (-mllvm {option.flag} "
                      f"or {option.env}): expected {option.accepted}")
    if option.kind == "bool":
        if v.lower() in _TRUE + _FALSE:
            return v.lower() in _TRUE
        raise bad
    if option.kind in ("int", "float"):
        if not (_INT if option.kind == "int" else _FLOAT).fullmatch(v):
            raise bad
        if option.kind == "int":  # leading zeros dropped first: int() refuses 4,300+ digits
            sign, digits = ("-", v[1:]) if v[0] == "-" else ("", v.lstrip("+"))
            digits = digits.lstrip("0") or "0"
            if len(digits) > 19:  # past int64, as strtoll
                raise bad
            x = int(sign + digits)
        else:
            x = float(v)
        if not option.min <= x <= option.max:
            raise bad
        return x
    if option.choices and v not in option.choices:
        raise bad
    return v


def option(config: dict[str, str], key: str):
    """An option's typed value from the configuration the plugin passes (or os.environ-like
    mappings of RL4REAL_* variables, for tools that run outside the compiler)."""
    o = OPTIONS_BY_KEY[key]
    return parse_option(o, str(config.get(key, config.get(o.env, ""))))


def options_markdown() -> str:
    """The README's option table."""
    lines = ["| option | default | meaning |", "|---|---|---|"]
    lines += [f"| `{o.name}`{f' (`{o.flag}`)' if o.original else ''} | "
              f"{f'`{o.default}`' if o.default else '—'} | {o.doc} |" for o in OPTIONS]
    return "\n".join(lines) + "\n"


# -- the report: one JSON object per machine function (option report), keys in this order.
@dataclass(frozen=True)
class ReportField:
    name: str
    type: str  # "string", "integer", "number", "counts" (an object of reason -> integer), "reason" (string or null)
    doc: str


REPORT = [
    ReportField("function", "string", "the machine function's name (bytes that are not UTF-8 as "
                "\\udcXX escapes, as Python's surrogateescape)"),
    ReportField("file", "string", "the module's source file name (escaped the same way)"),
    ReportField("target", "string", "the target triple"),
    ReportField("reg_classes", "string", "register classes of the live ranges offered to the "
                "policy, sorted, comma-separated (empty when no graph was built); on RISC-V the "
                "scalar run's only: its vector registers are greedy's"),
    ReportField("allocator", "string", "`rl4real` when the policy was asked about the function; "
                "`stock` when stock LLVM alone allocated it: RL allocation off, another allocator "
                "chosen, or not asked (`fallback` says why)"),
    ReportField("score", "number", "allocation score after rewriting: MLGO's block-frequency-"
                "weighted copies, loads, stores and remats (lower is better)"),
    ReportField("est_cost", "number", "estimated instructions executed per call: over the final "
                "machine blocks (prologue, epilogue and every late pass included), block frequency "
                "relative to the entry block times instructions; a static stand-in for run cost"),
    ReportField("copies", "integer", "copies after rewriting"),
    ReportField("spills", "integer", "spill stores after rewriting"),
    ReportField("reloads", "integer", "reloads after rewriting"),
    ReportField("nodes", "integer", "live ranges offered to the policy (after its splits)"),
    ReportField("edges", "integer", "interference edges (with `fallback: too_large`, the count "
                "at which building stopped)"),
    ReportField("assigned", "integer", "live ranges the policy assigned that greedy kept"),
    ReportField("assigned_by_policy", "integer", "assignments the policy made (accepted)"),
    ReportField("evicted", "integer", "assignments greedy undid: assigned_by_policy - assigned"),
    ReportField("refused", "integer", "decisions refused (sum of refusals)"),
    ReportField("refusals", "counts", "refused decisions by reason (spec.REFUSALS names)"),
    ReportField("split", "integer", "live-range splits the policy made"),
    ReportField("left_to_greedy", "integer", "nodes the policy did not assign"),
    ReportField("decisions", "integer", "model decisions the policy reported (0 for policies "
                "without models)"),
    ReportField("advised", "integer", "live ranges the policy gave greedy advice about "
                "(session.advise: a queue priority or an eviction rule)"),
    ReportField("priority_calls", "integer", "times greedy asked the plugin's priority advisor"),
    ReportField("priorities_changed", "integer", "of those, answers that differ from greedy's own"),
    ReportField("eviction_calls", "integer", "times greedy asked the plugin's eviction advisor"),
    ReportField("evictions_vetoed", "integer", "evictions greedy chose that the policy's advice "
                "refused (greedy then split or spilled instead)"),
    ReportField("policy_ms", "number", "time in Python (the policy call, start-up included)"),
    ReportField("pass_ms", "number", "time of the whole pass (graph, policy, bookkeeping)"),
    ReportField("fallback", "reason", "null; `below_min_size`, `too_large`, `policy_off` or "
                "`unsupported_target` (a target the plugin does not allocate for) when "
                "greedy allocated the function without asking the policy; else why the policy "
                "failed (its assignments were undone)"),
    ReportField("degraded", "reason", "null, or why the policy took a cheaper path for this "
                "function (e.g. `model_max_edges: ...`)"),
]


def report_schema() -> dict:
    """JSON Schema of a report line (docs/report-schema.json)."""
    types = {"string": {"type": "string"}, "integer": {"type": "integer", "minimum": 0},
             "number": {"type": "number"}, "reason": {"type": ["string", "null"]},
             "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
                        "propertyNames": {"enum": [n for n, _ in REFUSALS[1:]]}}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"rl4real report line (feature spec version {VERSION})", "type": "object",
            "properties": {f.name: {**types[f.type], "description": f.doc} for f in REPORT},
            "required": [f.name for f in REPORT], "additionalProperties": False}


_BY_TABLE = {t: [f for f in FEATURES if f.table == t] for t in dict.fromkeys(f.table for f in FEATURES)}


def features(table: str | None = None) -> list[Feature]:
    return list(FEATURES) if table is None else list(_BY_TABLE.get(table, []))


def signature() -> str:
    """Must equal what the built plugin's rl4real_spec_signature() returns."""
    parts = [f"version={VERSION}"]
    parts += [f"{f.table}.{f.name}:{f.dtype}x{f.cols}" for f in FEATURES]
    parts += [f"refusal.{name}" for name, _ in REFUSALS]
    parts += [f"evict.{name}={value}" for name, value, _ in EVICT_FLAGS]
    parts += [f"priority={PRIORITY_KEEP}..{PRIORITY_MAX}"]
    parts += [f"option.{o.name}={o.default}" for o in OPTIONS]
    parts += [f"report.{f.name}" for f in REPORT]
    return ";".join(parts)


def cpp_header() -> str:
    """The C++ view of the spec (written to the build tree by CMake)."""
    out = [
        "// Generated from python/rl4real/spec.py by CMake. Do not edit.",
        "#pragma once",
        "#include <cstdint>",
        "namespace rl4real::spec {",
        f"constexpr int Version = {VERSION};",
        f"constexpr int EmbeddingDim = {EMBEDDING_DIM};",
        f"constexpr int64_t PriorityKeep = {PRIORITY_KEEP}, PriorityMax = {PRIORITY_MAX};",
        "enum Feature : int { " + ", ".join(f.key for f in FEATURES) + ", NumFeatures };",
        "enum EvictFlag : int { " + ", ".join(f"E_{n} = {v}" for n, v, _ in EVICT_FLAGS) + " };",
        "struct EvictFlagInfo { const char *Name; int Value; };",
        "inline constexpr EvictFlagInfo EvictFlags[] = {"
        + ", ".join(f'{{"{n}", {v}}}' for n, v, _ in EVICT_FLAGS) + "};",
        "enum Refusal : int { " + ", ".join(f"R_{name}" for name, _ in REFUSALS) + ", NumRefusals };",
        "struct FeatureInfo { const char *Table; const char *Name; const char *DType; int Cols; int ElemSize; };",
        "inline constexpr FeatureInfo Features[NumFeatures] = {",
    ]
    for f in FEATURES:
        out.append(f'  {{"{f.table}", "{f.name}", "{f.dtype}", {f.cols}, {DTYPES[f.dtype]}}},')
    out.append("};")
    out.append("inline constexpr const char *RefusalNames[NumRefusals] = {"
               + ", ".join(f'"{n}"' for n, _ in REFUSALS) + "};")
    out.append("enum ReportField : int { " + ", ".join(f"F_{f.name}" for f in REPORT)
               + ", NumReportFields };")
    out.append("inline constexpr const char *ReportFieldNames[NumReportFields] = {"
               + ", ".join(f'"{f.name}"' for f in REPORT) + "};")
    out.append("namespace opt {")
    out.append("enum Id : int { " + ", ".join(_camel(o.name) for o in OPTIONS) + ", NumOptions };")
    out.append("}")
    out.append("enum OptionKind : int { K_bool, K_int, K_float, K_str };")
    out.append("struct OptionInfo { const char *Name; const char *Flag; const char *Env; const char *Key; OptionKind Kind; "
               "const char *Default; double Min, Max; const char *Choices; const char *Accepted; "
               "const char *Doc; };")
    out.append("inline constexpr OptionInfo Options[opt::NumOptions] = {")
    for o in OPTIONS:
        out.append(f"  {{{_c(o.name)}, {_c(o.flag[1:])}, {_c(o.env)}, {_c(o.key)}, K_{o.kind}, {_c(o.default)}, {o.min!r}, "
                   f"{float(o.max)!r}, {_c(chr(31).join(o.choices))}, {_c(o.accepted)}, {_c(o.doc)}}},")
    out.append("};")
    out.append("} // namespace rl4real::spec")
    return "\n".join(out) + "\n"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _c(text: str) -> str:
    """A C++ string literal."""
    # the separator ends its literal: a hex escape would swallow the hex digits after it
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace(chr(31), '\\x1f""') + '"'


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
    lines += ["", "## Advice for greedy (`session.advise`)", "",
              f"`priority`: one integer per node, `{PRIORITY_KEEP}` (greedy's own) or 0 to "
              f"{PRIORITY_MAX}, which replaces bits 0-29 of greedy's queue priority while the "
              "range is unsplit. `evict`: one bit mask per node:", "",
              "| flag | value | meaning |", "|---|---|---|"]
    lines += [f"| `{n}` | {v} | {d} |" for n, v, d in EVICT_FLAGS]
    lines += ["", "## Report lines", "", "One JSON object per machine function, keys in this order "
              "(JSON Schema: `docs/report-schema.json`, `rl4real features --schema`).", "",
              "| key | type | meaning |", "|---|---|---|"]
    lines += [f"| `{f.name}` | {f.type} | {f.doc} |" for f in REPORT]
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
