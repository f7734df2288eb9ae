"""A scripted policy for lit tests: every node takes its *last* free candidate, so the output
uses registers greedy would not pick in a small function (r13, r15, ...)."""


def policy(session):
    g = session.graph
    for node in range(g.num_nodes):
        regs = g.cand.reg[g.candidates(node)].tolist()
        for reg in reversed(regs):
            if session.is_free(node, reg):
                session.assign(node, reg)
                break


def invalid(session):
    """One refusal of each kind, then nothing."""
    g = session.graph
    a, b = g.edge.nodes[0].tolist()
    shared = [r for r in g.cand.reg[g.candidates(a)].tolist()
              if r in g.cand.reg[g.candidates(b)] and session.is_free(a, r)]
    session.assign(a, shared[0])
    session.assign(b, shared[0])            # interferes
    session.assign(a, shared[-1])           # already_assigned
    session.assign(b, session.reg_names.index("RSP"))  # not_candidate
    session.assign(g.num_nodes + 5, 1)      # bad_value
