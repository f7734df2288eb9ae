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


def split_first(session):
    """Splits the first node that has a legal split point, at that point; assigns nothing."""
    g = session.graph
    for node in range(g.num_nodes):
        legal = g.use.split_ok[g.uses(node)].nonzero()[0]
        if len(legal):
            assert session.split(node, int(legal[0])) == 0
            return


def invalid_splits(session):
    """One refused split of each kind the kernel offers, then one accepted split."""
    g = session.graph
    session.split(0, 10**6)                  # split_point: no such use point
    for node in range(g.num_nodes):          # split_point: an instruction that only defines
        uses = g.uses(node)
        defs_only = [i for i in range(uses.stop - uses.start)
                     if g.use.is_def[uses.start + i] and not g.use.split_ok[uses.start + i]]
        if defs_only:
            session.split(node, defs_only[0])
            break
    split_first(session)
    split_first(session)                     # split_budget: the budget is 1
