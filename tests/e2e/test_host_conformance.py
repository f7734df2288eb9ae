"""The compiler's host and the offline host follow one set of rules (rl4real.host): the same
scripted calls on the same graph give the same codes and the same assignments."""

import json

import numpy as np

from conftest import POLICIES, PROGRAMS, compile_c, rl_env
from rl4real.session import Graph, Refusal
from rl4real.train.offline import OfflineHost

import sys

sys.path.insert(0, str(POLICIES))
import conformance  # noqa: E402


def test_compiler_and_offline_host_agree(plugin, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    env = rl_env(policy=f"{POLICIES / 'conformance.py'}:policy", split_budget=1, min_size=1, strict=0)
    env["CONFORMANCE_OUT"] = str(out)
    for src in ("sha256.c", "lz77.c"):
        compile_c(PROGRAMS / src, tmp_path / "o.o", plugin=plugin, env=env, flags=["-c"])
    records = sorted(out.glob("*.json"))
    assert len(records) >= 4
    seen = set()
    for path in records:
        rec = json.loads(path.read_text())
        with np.load(path.with_suffix(".npz")) as z:
            graph = Graph({k: z[k] for k in z.files})
        host = OfflineHost(graph, split_budget=1, num_regs=rec["num_regs"],
                           reg_units=[tuple(u) for u in rec["reg_units"]])
        calls, assigned = conformance.script(host, graph, rec["num_regs"])
        if rec["calls"][-1][0] == "stale assign":  # the same rule for a session that is over
            host.close()
            calls.append(["stale assign", int(host.assign(0, 1))])
        assert calls == rec["calls"], rec["function"]
        assert {str(k): v for k, v in assigned.items()} == rec["assigned"], rec["function"]
        seen |= {c[-1] for c in calls}
    # every rule was exercised, so a change to either host's rule fails above
    expected = {Refusal.ok, Refusal.bad_value, Refusal.not_candidate, Refusal.interferes,
                Refusal.already_assigned, Refusal.split_budget, Refusal.split_point, Refusal.closed}
    assert {Refusal(c) for c in seen} >= expected, sorted(seen)
