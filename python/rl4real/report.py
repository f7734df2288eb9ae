"""Reading the plugin's report files (one JSON object per machine function)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def load(path: str | Path, skipped: list[int] | None = None) -> list[dict]:
    """The records of a report file. Names that were not UTF-8 come back as surrogate escapes
    (`name.encode("utf-8", "surrogateescape")` gives the original bytes). A line that does not
    parse (a file cut short by a crash) is skipped; its line number goes to `skipped`."""
    records = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                if skipped is not None:
                    skipped.append(number)
    return records


# Fallbacks of functions greedy allocated without asking the policy: smaller than min-size, more
# edges than max-edges, or after the policy was switched off (time budget, circuit breaker).
NOT_ASKED = ("below_min_size", "too_large", "policy_off")


def per_function(records: list[dict], key: str) -> dict[str, float]:
    """{function: record[key]}, summed over records of one name (static functions of several
    files share a name, as they do in callgrind's per-function costs)."""
    out: dict[str, float] = {}
    for r in records:
        out[r["function"]] = out.get(r["function"], 0) + r[key]
    return out


def summarize(records: list[dict]) -> dict:
    """Totals over functions the policy saw (functions it was not asked about are counted apart)."""
    seen = [r for r in records if r["fallback"] not in NOT_ASKED]
    not_asked = Counter(r["fallback"] for r in records if r["fallback"] in NOT_ASKED)
    nodes = sum(r["nodes"] for r in seen)
    refusals: Counter = Counter()
    for r in records:
        refusals.update(r.get("refusals", {}))
    failed = [r for r in seen if r["fallback"]]
    return {
        "functions": len(records),
        "functions_below_min_size": not_asked["below_min_size"],
        "functions_too_large": not_asked["too_large"],
        "functions_after_switch_off": not_asked["policy_off"],
        "functions_degraded": sum(bool(r.get("degraded")) for r in seen),
        "functions_with_policy": len(seen),
        "functions_failed": len(failed),  # the policy was asked and failed
        "failures": Counter(r["fallback"] for r in failed).most_common(5),
        "nodes": nodes,
        "edges": sum(r["edges"] for r in seen),
        "assigned_by_policy": sum(r["assigned_by_policy"] for r in seen),
        "assigned": sum(r["assigned"] for r in seen),
        "assigned_share": (sum(r["assigned"] for r in seen) / nodes) if nodes else 0.0,
        "refused": sum(refusals.values()),
        "refusals": dict(refusals),
        "split": sum(r["split"] for r in seen),
        "policy_ms": round(sum(r["policy_ms"] for r in records), 1),
        "pass_ms": round(sum(r["pass_ms"] for r in records), 1),
    }


def main(path: str, as_json: bool = False) -> int:
    skipped: list[int] = []
    s = summarize(load(path, skipped))
    if skipped:
        print(f"rl4real report: skipped {len(skipped)} line(s) that are not JSON records "
              f"(first: line {skipped[0]})", file=sys.stderr)
    # names from the compiler may hold bytes that are not UTF-8: shown escaped, never a crash
    sys.stdout.reconfigure(errors="backslashreplace")
    if as_json:
        json.dump(s, sys.stdout, indent=2)
        print()
        return 0
    print(f"functions              {s['functions']} ({s['functions_with_policy']} given to the policy, "
          f"{s['functions_below_min_size']} below the size threshold, {s['functions_failed']} fell back)")
    if s["functions_too_large"] or s["functions_after_switch_off"] or s["functions_degraded"]:
        print(f"not asked / degraded   {s['functions_too_large']} too large (max-edges), "
              f"{s['functions_after_switch_off']} after the policy was switched off, "
              f"{s['functions_degraded']} given a cheaper path (degraded)")
    print(f"live ranges            {s['nodes']} (interference edges: {s['edges']})")
    print(f"assigned by the policy {s['assigned_by_policy']}; kept after greedy {s['assigned']} "
          f"({100 * s['assigned_share']:.1f}% of live ranges)")
    print(f"refused decisions      {s['refused']} {s['refusals'] or ''}")
    print(f"time                   policy {s['policy_ms']:.0f} ms, whole pass {s['pass_ms']:.0f} ms")
    for reason, count in s["failures"]:
        print(f"fallback ({count}x)         {reason}")
    return 0
