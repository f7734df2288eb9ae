"""Reading the plugin's report files (one JSON object per machine function)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def load(path: str | Path) -> list[dict]:
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def summarize(records: list[dict]) -> dict:
    """Totals over functions the policy saw (functions below the size threshold are counted apart)."""
    seen = [r for r in records if r["fallback"] != "below_min_size"]
    nodes = sum(r["nodes"] for r in seen)
    refusals: Counter = Counter()
    for r in records:
        refusals.update(r.get("refusals", {}))
    failed = [r for r in seen if r["fallback"]]
    return {
        "functions": len(records),
        "functions_below_min_size": len(records) - len(seen),
        "functions_with_policy": len(seen),
        "functions_failed": len(failed),
        "failures": Counter(r["fallback"] for r in failed).most_common(5),
        "nodes": nodes,
        "edges": sum(r["edges"] for r in seen),
        "assigned_by_policy": sum(r["assigned_by_policy"] for r in seen),
        "assigned_kept": sum(r["assigned"] for r in seen),
        "assigned_share": (sum(r["assigned"] for r in seen) / nodes) if nodes else 0.0,
        "refused": sum(refusals.values()),
        "refusals": dict(refusals),
        "split": sum(r["split"] for r in seen),
        "policy_ms": round(sum(r["policy_ms"] for r in records), 1),
        "pass_ms": round(sum(r["pass_ms"] for r in records), 1),
    }


def main(path: str, as_json: bool = False) -> int:
    s = summarize(load(path))
    if as_json:
        json.dump(s, sys.stdout, indent=2)
        print()
        return 0
    print(f"functions              {s['functions']} ({s['functions_with_policy']} given to the policy, "
          f"{s['functions_below_min_size']} below the size threshold, {s['functions_failed']} fell back)")
    print(f"live ranges            {s['nodes']} (interference edges: {s['edges']})")
    print(f"assigned by the policy {s['assigned_by_policy']}; kept after greedy {s['assigned_kept']} "
          f"({100 * s['assigned_share']:.1f}% of live ranges)")
    print(f"refused decisions      {s['refused']} {s['refusals'] or ''}")
    print(f"time                   policy {s['policy_ms']:.0f} ms, whole pass {s['pass_ms']:.0f} ms")
    for reason, count in s["failures"]:
        print(f"fallback ({count}x)         {reason}")
    return 0
