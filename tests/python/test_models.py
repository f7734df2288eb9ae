"""The four models and their backends: torch and onnxruntime pick the same actions, masks hold,
models are pure, exported directories round-trip, bad model directories give clear errors."""

import json
import shutil

import numpy as np
import pytest

from rl4real.models import backends, export, model_io, store
from rl4real.synthetic import random_graph

SIZES = [1, 2, 3, 5, 8, 13, 30, 60, 120, 250, 2000, 2500]


def graphs(count=200, seed=0):
    rng = np.random.default_rng(seed)
    out = [random_graph(rng, 1, max_cands=1)]  # 1 node, 0 edges, a single candidate
    while len(out) < count:
        n = SIZES[len(out) % len(SIZES)]
        out.append(random_graph(rng, n, edge_density=min(0.3, 8 / n), max_cands=int(rng.integers(1, 17))))
    return out


def decisions(backend, g, rng):
    """The actions of all four models on one graph (with random masks)."""
    node_x = model_io.node_features(g)
    h = backend.run("encoder", node_x, *model_io.messages(g))[0]
    mask = rng.random(g.num_nodes) < 0.7
    mask[rng.integers(g.num_nodes)] = True
    acts = [backends.choose(backend.run("select_node", h, node_x, mask)[0])]
    cand_x = model_io.cand_features(g)
    n_cands = len(cand_x)
    for node in rng.choice(g.num_nodes, min(g.num_nodes, 5), replace=False).tolist():
        free = g.cand.free[g.candidates(node)].astype(bool)
        split_ok = g.use.split_ok[g.uses(node)].astype(bool)
        acts.append(backends.choose(backend.run(
            "select_task", h[node], model_io.task_features(node_x[node], int(free.sum()), split_ok.any()),
            np.array([True, split_ok.any()]))[0]))
        s = g.candidates(node)
        color_mask = np.zeros(n_cands + g.num_nodes, bool)
        color_mask[s] = free
        color_mask[n_cands + node] = True
        logits = backend.run("color_node", h, g.cand.node.astype(np.int64), cand_x, color_mask)[0]
        acts.append(backends.choose(np.append(logits[s], logits[n_cands + node])))
        acts.append(backends.choose(backend.run(
            "split_node", h[node], model_io.use_features(g, node), split_ok | ~split_ok.any())[0]))
    return acts, h


@pytest.fixture(scope="module")
def both():
    return backends.load("torch"), backends.load("onnxruntime")


def test_torch_and_onnxruntime_pick_the_same_actions(both):
    torch_b, ort_b = both
    gs = graphs()
    assert len(gs) >= 200 and max(g.num_nodes for g in gs) >= 2000
    assert gs[0].num_nodes == 1 and len(gs[0].edge) == 0 and len(gs[0].cand) == 1
    for i, g in enumerate(gs):
        a, ha = decisions(torch_b, g, np.random.default_rng(i))
        b, hb = decisions(ort_b, g, np.random.default_rng(i))
        assert a == b, f"graph {i} ({g.num_nodes} nodes)"
        np.testing.assert_allclose(ha, hb, atol=1e-4)


def test_masked_actions_are_never_chosen(both):
    rng = np.random.default_rng(1)
    g = random_graph(rng, 40, max_cands=8)
    for backend in both:
        node_x = model_io.node_features(g)
        h = backend.run("encoder", node_x, *model_io.messages(g))[0]
        for keep in range(40):
            mask = np.zeros(40, bool)
            mask[keep] = True
            logits = backend.run("select_node", h, node_x, mask)[0]
            assert backends.choose(logits) == keep and (logits[~mask] == model_io.MASKED).all()
        cand_x = model_io.cand_features(g)
        mask = np.zeros(len(cand_x) + 40, bool)
        mask[len(cand_x) + 3] = True  # only "leave node 3 to greedy"
        logits = backend.run("color_node", h, g.cand.node.astype(np.int64), cand_x, mask)[0]
        assert backends.choose(logits) == len(cand_x) + 3 and (logits[~mask] == model_io.MASKED).all()


def test_models_are_pure_functions(both):
    g = random_graph(np.random.default_rng(2), 50)
    for backend in both:
        first, _ = decisions(backend, g, np.random.default_rng(7))
        again, _ = decisions(backend, g, np.random.default_rng(7))
        assert first == again


def test_round_is_the_three_models_in_one_call(both):
    """backend.round (onnxruntime: the round models) gives what encoder, select_node and
    color_node give called one by one; without values it skips only the value heads."""
    rng = np.random.default_rng(5)
    for g in graphs(count=12, seed=3):
        n = g.num_nodes
        cand_node = g.cand.node.astype(np.int64)
        inputs = (model_io.node_features(g), *model_io.messages(g), rng.random(n) < 0.6, cand_node,
                  model_io.cand_features(g), rng.random(len(cand_node) + n) < 0.8)
        for backend in both:
            separate = backends.run_round(backend.run, *inputs)
            fused = backend.round(*inputs)
            lean = backend.round(*inputs, values=False)
            assert len(fused) == len(separate) == len(lean) == 5
            for a, b, c in zip(separate, fused, lean):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
                assert c is None or np.array_equal(b, c)
            assert lean[2] is None and lean[4] is None
            assert backends.choose(fused[1]) == backends.choose(separate[1])
            assert backends.choose(fused[3]) == backends.choose(separate[3])


def test_ties_break_to_the_lowest_index():
    assert backends.choose(np.array([1.0, 3.0, 3.0, 2.0], np.float32)) == 1
    assert backends.choose(np.array([0.5, 0.50000001], np.float32)) == 0


def test_export_round_trips(tmp_path, both):
    out = tmp_path / "exported"
    export.save(export.load_modules(store.default_dir()), out)
    for name in ("torch", "onnxruntime"):
        reloaded = backends.load(name, out)
        for i, g in enumerate(graphs(12, seed=3)):
            assert decisions(reloaded, g, np.random.default_rng(i))[0] == \
                decisions(both[0], g, np.random.default_rng(i))[0]
    manifest = json.loads((out / store.MANIFEST).read_text())
    assert manifest["models"]["color_node"]["inputs"][2] == ["cand_x", "float32", ["candidates", len(model_io.CAND_FEATURES)]]


def test_mismatched_manifest_says_what_differs(tmp_path):
    d = tmp_path / "m"
    shutil.copytree(store.default_dir(), d)
    m = json.loads((d / store.MANIFEST).read_text())
    m["feature_spec_version"] = 999
    (d / store.MANIFEST).write_text(json.dumps(m))
    with pytest.raises(store.ModelError, match="feature_spec_version: model has 999"):
        backends.load("onnxruntime", d)


def test_corrupt_model_files_are_reported(tmp_path):
    d = tmp_path / "m"
    shutil.copytree(store.default_dir(), d)
    (d / "COLOR_NODE_MODEL_PATH.onnx").write_bytes(b"not an onnx file")
    with pytest.raises(store.ModelError, match="cannot load .*COLOR_NODE_MODEL_PATH.onnx"):
        backends.load("onnxruntime", d)
    (d / store.WEIGHTS).write_bytes(b"garbage")
    with pytest.raises(store.ModelError, match="cannot load .*weights.pt"):
        backends.load("torch", d)
    with pytest.raises(store.ModelError, match="no manifest.json"):
        backends.load("onnxruntime", tmp_path)


def test_messages_are_grouped_by_receiving_node():
    g = random_graph(np.random.default_rng(4), 30, edge_density=0.2)
    src, offsets = model_io.messages(g)
    e = g.edge.nodes.reshape(-1, 2)
    assert len(src) == 2 * len(e) and offsets[0] == 0 and offsets[-1] == len(src)
    for node in range(30):
        senders = sorted(src[offsets[node]:offsets[node + 1]].tolist())
        assert senders == sorted(e[e[:, 1] == node, 0].tolist() + e[e[:, 0] == node, 1].tolist())
