"""Records what the policy sees (per function: nodes, mean |embedding|) into $PROBE_OUT."""

import json
import os

import numpy as np


def policy(session):
    g = session.graph
    with open(os.environ["PROBE_OUT"], "a") as f:
        f.write(json.dumps({"function": session.function, "nodes": g.num_nodes,
                            "embedding_abs_mean": float(np.abs(g.node.embedding).mean())}) + "\n")
