"""Prints the graph the plugin built, one line per node, edge and use point (for FileCheck), then
leaves everything to greedy. Registers and classes by name; vregs as in MIR (%N)."""

import sys


def policy(session):
    g = session.graph
    vreg = g.node.vreg.tolist()
    out = [f"function {session.function}: {g.num_nodes} nodes, {len(g.edge)} edges"]
    for i in range(g.num_nodes):
        s = g.candidates(i)
        cands = [session.reg_name(r) + ("*" if h else "") + ("" if f else "!")
                 for r, h, f in zip(g.cand.reg[s].tolist(), g.cand.is_hint[s].tolist(),
                                     g.cand.free[s].tolist())]
        out.append(f"node %{vreg[i]} {session.reg_classes[g.node.reg_class[i]]} "
                   f"uses={g.node.num_uses[i]} defs={g.node.num_defs[i]} "
                   f"unspillable={g.node.unspillable[i]} cands={','.join(cands)}")
    for a, b in g.edge.nodes.tolist():
        out.append(f"edge %{vreg[a]} %{vreg[b]}")
    for k in range(len(g.use)):
        out.append(f"use %{vreg[g.use.node[k]]} pos={g.use.pos[k]} def={g.use.is_def[k]} "
                   f"split_ok={g.use.split_ok[k]}")
    print("\n".join(out), file=sys.stderr)
