"""The learner and the offline problem, without the compiler."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rl4real import synthetic
from rl4real.models import model_io, nets
from rl4real.models.backends import TorchBackend
from rl4real.policies.hierarchical import HierarchicalPolicy
from rl4real.session import Graph, Refusal
from rl4real.train import offline, ppo
from rl4real.train.config import TrainConfig
from rl4real.train.gym_env import RegAllocEnv
from rl4real.train.sampler import SamplingPolicy


def _modules(seed=0):
    torch.manual_seed(seed)
    modules = nets.build()
    for m in modules.values():
        m.eval()
    return modules


def test_the_learner_re_evaluates_recorded_decisions_exactly():
    """Log-probs and values recomputed from an episode (masks, splits, select_node's sampled order)
    equal what the sampling policy recorded, so PPO's first ratio is exactly 1."""
    modules = _modules()
    rng = np.random.default_rng(1)
    graphs = [synthetic.random_graph(rng, int(n), 0.2) for n in [1, 2, *rng.integers(3, 40, 18)]]
    policy = SamplingPolicy(backend=TorchBackend(modules=modules), seed=3, out="")
    episodes = offline.rollout(policy, graphs, split_budget=3)
    agents = np.concatenate([ep["agent"] for ep in episodes])
    assert all((agents == i).any() for i in range(4)), "every agent decided at least once"
    assert sum(len(ep["rounds"]) for ep in episodes) > len(episodes), "some splits were accepted"
    for ep in episodes:
        with torch.no_grad():
            logp, entropy, value = ppo.evaluate(modules, ep, torch.device("cpu"))
        np.testing.assert_allclose(logp.numpy(), ep["logp"], atol=1e-5)
        np.testing.assert_allclose(value.numpy(), ep["value"], atol=1e-5)
        assert (entropy.numpy() >= -1e-6).all()


def test_sampling_is_reproducible_and_differs_from_argmax():
    modules = _modules()
    g = synthetic.random_graph(np.random.default_rng(5), 30, 0.2)
    runs = [offline.rollout(SamplingPolicy(backend=TorchBackend(modules=modules), seed=s, out=""), [g])[0]
            for s in (7, 7, 8)]
    assert np.array_equal(runs[0]["action"], runs[1]["action"])
    assert not np.array_equal(runs[0]["action"], runs[2]["action"])


def test_gae_with_a_terminal_reward():
    adv, ret = ppo.gae(np.array([0.5, 0.2, 0.0]), 1.0, gamma=1.0, lam=1.0)
    np.testing.assert_allclose(ret, [1.0, 1.0, 1.0])  # lambda = 1: Monte-Carlo returns
    np.testing.assert_allclose(adv, [0.5, 0.8, 1.0])
    adv, _ = ppo.gae(np.array([0.5, 0.2]), 1.0, gamma=1.0, lam=0.0)
    np.testing.assert_allclose(adv, [0.2 - 0.5, 1.0 - 0.2])  # lambda = 0: one-step TD errors


def test_offline_colouring_is_exact():
    g = synthetic.planted_colouring(np.random.default_rng(0), 6, 2, 1.0)
    sess, host = offline.session(g)
    a, b = map(int, g.edge.nodes.reshape(-1, 2)[0])
    reg = int(g.cand.reg[g.candidates(a)][0])
    assert sess.assign(a, reg) == Refusal.ok
    assert sess.assign(a, reg) == Refusal.already_assigned
    assert not sess.is_free(b, reg)
    assert sess.assign(b, reg) == Refusal.interferes
    assert sess.assign(b, 99) == Refusal.not_candidate
    assert offline.cost(host) > 0  # b and the others are not coloured yet


def test_offline_split_keeps_the_graph_consistent():
    g = synthetic.random_graph(np.random.default_rng(2), 10, 0.3, max_uses=6)
    sess, host = offline.session(g, split_budget=1)
    node = next(i for i in range(10) if g.use.split_ok[g.uses(i)][1:].any())
    point = 1 + int(np.flatnonzero(g.use.split_ok[g.uses(node)][1:])[0])
    uses = g.uses(node).stop - g.uses(node).start
    assert sess.split(node, point) == Refusal.ok
    h = sess.graph
    assert h.num_nodes == 11
    assert h.uses(node).stop - h.uses(node).start == point
    assert h.uses(10).stop - h.uses(10).start == uses - point
    assert np.isclose(h.node.spill_weight[[node, 10]].sum(), g.node.spill_weight[node])
    assert (np.diff(h.use.node) >= 0).all() and (np.diff(h.cand.node) >= 0).all()


def test_offline_split_of_a_node_without_candidates_leaves_the_others_alone():
    g = synthetic.random_graph(np.random.default_rng(2), 10, 0.3, max_uses=6)
    node = next(i for i in range(10) if g.use.split_ok[g.uses(i)][1:].any())
    keep = g.cand.node != node
    arrays = {k: (v[keep] if k.startswith("cand_") else v) for k, v in g.arrays.items()}
    bare = Graph(arrays)
    sess, host = offline.session(bare, split_budget=1)
    point = 1 + int(np.flatnonzero(bare.use.split_ok[bare.uses(node)][1:])[0])
    assert sess.split(node, point) == Refusal.ok
    assert np.array_equal(sess.graph.cand.node, bare.cand.node)  # no candidate row moved


def test_gymnasium_env_plays_legal_episodes_to_the_end():
    graphs = [synthetic.random_graph(np.random.default_rng(s), 12, 0.3) for s in range(3)]
    env = RegAllocEnv(graphs, split_budget=2)
    rng = np.random.default_rng(0)
    for episode in range(5):
        obs, info = env.reset(seed=episode)
        for steps in range(10_000):
            with pytest.raises(ValueError):
                env.step(len(info["action_mask"]))  # out of range: refused, state unchanged
            assert obs["agent"] in model_io.AGENTS
            action = int(rng.choice(np.flatnonzero(info["action_mask"])))
            obs, reward, done, truncated, info = env.step(action)
            if done:
                break
            assert reward == 0.0
        assert done and -1.0 <= reward <= 0.0
        assert reward == -offline.cost(env.host)


def test_the_learner_improves_colouring_towards_the_known_optimum():
    """Planted 3-colourable graphs (optimal cost 0). PPO from random weights must at least halve
    the cost of the sampled allocations and improve the deterministic (argmax) policy too."""
    rng = np.random.default_rng(0)
    graphs = [synthetic.planted_colouring(rng, 12, 3, 0.5) for _ in range(32)]
    cfg = TrainConfig(learning_rate=3e-3, epochs=4, minibatch_episodes=8, entropy_coef=0.0, seed=0)
    modules = _modules()

    def argmax_cost(mods):
        policy = HierarchicalPolicy(backend=TorchBackend(modules=mods))
        costs = []
        for g in graphs:
            sess, host = offline.session(g)
            policy.allocate(sess)
            costs.append(offline.cost(host))
        return float(np.mean(costs))

    before = argmax_cost(modules)
    modules, history = offline.train(graphs, cfg, iterations=12, modules=modules)
    first, last = history[0]["cost"], np.mean([h["cost"] for h in history[-3:]])
    assert last < 0.5 * first, (first, last)
    assert argmax_cost(modules) < before, (before, argmax_cost(modules))
    assert all(np.isfinite(h["policy_loss"]) and np.isfinite(h["value_loss"]) for h in history)
    # PPO diagnostics per agent (no splitting here: only select_node and color_node decide)
    for h in history:
        for a in ("select_node", "color_node"):
            assert h[f"approx_kl_{a}"] >= -1e-6 and 0 <= h[f"clip_fraction_{a}"] <= 1
            assert h[f"explained_variance_{a}"] <= 1
        assert np.isnan(h["approx_kl_split_node"]) and np.isnan(h["explained_variance_split_node"])
    # the first update starts from the sampling policy: KL ~0 on its first minibatch, then grows
    assert max(h["approx_kl_color_node"] for h in history) > 0


def test_explained_variance():
    from rl4real.train.ppo import explained_variance
    r = np.array([1.0, 2.0, 3.0, 4.0])
    assert explained_variance([r], [r]) == 1.0
    assert explained_variance([np.full(4, r.mean())], [r]) == 0.0
    assert explained_variance([-r], [r]) < 0
    assert np.isnan(explained_variance([], [])) and np.isnan(explained_variance([r], [np.ones(4)]))


def test_config_settings_are_typed():
    cfg = TrainConfig()
    cfg.set("iterations=3")
    cfg.set("clip=0.1")
    assert cfg.iterations == 3 and cfg.clip == 0.1
    with pytest.raises(ValueError, match="NAME=VALUE"):
        cfg.set("no_such_field=1")
    with pytest.raises(ValueError):
        cfg.set("iterations=many")


class _NullRecorder:
    def round(self, *args): pass
    def step(self, *args): pass
    def decision(self, *args): pass


def test_recording_does_not_change_deterministic_decisions():
    """The fast colour path (session.colour_in_order, which orders and rounds itself) and the
    step-by-step path taken when recording choose the same registers, ties included."""
    rng = np.random.default_rng(9)
    graphs = [synthetic.random_graph(rng, int(n), 0.2) for n in rng.integers(1, 60, 30)]
    graphs += [synthetic.planted_colouring(rng, 20, 4, 0.5)]  # identical candidates: many ties
    modules = _modules()
    plain = HierarchicalPolicy(backend=TorchBackend(modules=modules))
    recording = HierarchicalPolicy(backend=TorchBackend(modules=modules), recorder=_NullRecorder())
    for g in graphs:
        a, _ = offline.session(g)
        b, _ = offline.session(g)
        plain.allocate(a)
        recording.allocate(b)
        assert a.assigned == b.assigned


def test_leave_one_out_advantages_compare_samples_of_one_function():
    def ep(function, reward, n=3):
        return {"function": function, "source": "f.c", "reward": reward, "agent": np.zeros(n, np.int8),
                "value": np.zeros(n, np.float32)}
    eps = [ep("a", 0.3), ep("a", 0.1), ep("a", -0.1), ep("b", 0.5)]
    advs, rets = ppo.advantages(eps, TrainConfig(baseline="loo"))
    np.testing.assert_allclose([a[0] for a in advs], [0.3, 0.0, -0.3, 0.0], atol=1e-12)  # b: alone
    np.testing.assert_allclose(rets[3], [0.5] * 3)
    with pytest.raises(ValueError, match="baseline"):
        ppo.advantages(eps, TrainConfig(baseline="median"))
