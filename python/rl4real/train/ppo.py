"""The learner: PPO for the four agents, one shared advantage stream per function.

Every recorded decision is evaluated again under the current weights (the encoder included, so
gradients reach it) with the masks stored in the episode; the clipped surrogate, the value loss
and an entropy bonus are averaged over decisions. Advantages are GAE over the function's
decisions (reward at the last one; each decision's value comes from its agent's value head)."""

from __future__ import annotations

import math
import os

import numpy as np
import torch

from ..models import model_io, nets
from ..session import offsets
from .config import TrainConfig
from .trajectory import AGENT_ID

SN, ST, CN, SP = (AGENT_ID[a] for a in ("select_node", "select_task", "color_node", "split_node"))


def device() -> torch.device:
    """The learner's device (CUDA when available), with deterministic kernels: a resumed run must
    repeat an update bit for bit (index_put's accumulation is otherwise order-dependent)."""
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def gae(values: np.ndarray, reward: float, gamma: float, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(advantages, returns) for one episode whose only reward comes after its last decision."""
    n = len(values)
    adv = np.zeros(n, np.float64)
    last = 0.0
    for t in range(n - 1, -1, -1):
        next_value, r = (values[t + 1], 0.0) if t + 1 < n else (0.0, reward)
        delta = r + gamma * next_value - values[t]
        last = delta + gamma * lam * last
        adv[t] = last
    return adv, adv + values


def advantages(episodes: list[dict], cfg: TrainConfig) -> tuple[list, list]:
    """Per episode: (advantage per decision, return per decision). "value": GAE with the value
    heads. "loo": every decision of an episode gets its reward minus the mean reward of the other
    samples of the same function (source file + name) in this batch (RLOO); an episode without
    another sample gets 0. Returns are Monte-Carlo (the reward) either way, for the value heads."""
    if cfg.baseline == "value":
        out = [gae(ep["value"].astype(np.float64), float(ep["reward"]), cfg.gamma, cfg.gae_lambda)
               for ep in episodes]
        return [a for a, _ in out], [r for _, r in out]
    if cfg.baseline != "loo":
        raise ValueError(f"unknown baseline {cfg.baseline!r}: use value or loo")
    groups: dict = {}
    for ep in episodes:
        groups.setdefault((ep.get("source"), ep["function"]), []).append(float(ep["reward"]))
    advs, rets = [], []
    for ep in episodes:
        rs = groups[(ep.get("source"), ep["function"])]
        r = float(ep["reward"])
        adv = r - (sum(rs) - r) / (len(rs) - 1) if len(rs) > 1 else 0.0
        n = len(ep["agent"])
        advs.append(np.full(n, adv))
        rets.append(np.full(n, r))
    return advs, rets


def evaluate(modules: dict, ep: dict, dev: torch.device):
    """(log-prob, entropy, value) of every decision of the episode under the modules' weights."""
    d = len(ep["agent"])
    logp, ent, val = (torch.zeros(d, device=dev) for _ in range(3))
    agent, rnd = ep["agent"], ep["round"]
    t = lambda x: torch.as_tensor(x, device=dev)  # noqa: E731
    for r, rd in enumerate(ep["rounds"]):
        here = np.flatnonzero(rnd == r)
        if not len(here):
            continue
        node_x = t(rd["node_x"])
        n = node_x.shape[0]
        h = modules["encoder"](node_x, *(t(x) for x in rd["messages"]))
        sn = here[agent[here] == SN]
        if len(sn):
            logits, v = modules["select_node"](h, node_x, t(rd["mask"]))
            seq = logits[t(rd["order"])].double()
            suffix = nets.remaining_logsumexp(seq)
            pos = t(ep["action"][sn])
            logp[sn] = (seq - suffix)[pos].float()
            # entropy of the distribution over the nodes left at each step
            w = torch.exp(seq - seq.max())
            s1 = torch.flip(torch.cumsum(torch.flip(w, [0]), 0), [0]).clamp_min(1e-300)
            s2 = torch.flip(torch.cumsum(torch.flip(w * seq, [0]), 0), [0])
            ent[sn] = (suffix - s2 / s1)[pos].float()
            val[sn] = v
        cn = here[agent[here] == CN]
        if len(cn):
            cand_node = t(rd["cand_node"])
            n_cands = cand_node.shape[0]
            logits, v = modules["color_node"](h, cand_node, t(rd["cand_x"]),
                                              torch.ones(n_cands + n, dtype=torch.bool, device=dev))
            off = offsets(rd["cand_node"], n)
            nodes = ep["node"][cn]
            width = int((off[nodes + 1] - off[nodes]).max()) + 1
            rows = np.zeros((len(cn), width), np.int64)
            mask = np.zeros((len(cn), width), bool)
            for i, (node, k) in enumerate(zip(nodes, cn)):
                free = ep["payload"][k][0]
                c = len(free)
                rows[i, :c] = np.arange(off[node], off[node] + c)
                mask[i, :c] = free
                rows[i, c] = n_cands + node  # "leave to greedy", always allowed
                mask[i, c] = True  # columns after c: padding, masked
            # a recorded colour action indexes [candidates..., leave]: the layout of rows
            lp, e = _masked_categorical(logits[t(rows)], t(mask), t(ep["action"][cn]))
            logp[cn], ent[cn], val[cn] = lp, e, v
        st = here[agent[here] == ST]
        if len(st):
            tx = t(np.stack([ep["payload"][k][0] for k in st]))
            m = t(np.stack([ep["payload"][k][1] for k in st]))
            logits, v = modules["select_task"](h[t(ep["node"][st])], tx, m)
            lp, e = _masked_categorical(logits, m, t(ep["action"][st]))
            logp[st], ent[st], val[st] = lp, e, v
        for k in here[agent[here] == SP]:
            use_x, m = (t(x) for x in ep["payload"][k])
            logits, v = modules["split_node"](h[int(ep["node"][k])], use_x, m)
            lp, e = _masked_categorical(logits.unsqueeze(0), m.unsqueeze(0), t(ep["action"][k:k + 1]))
            logp[k], ent[k], val[k] = lp[0], e[0], v
    return logp, ent, val


def _masked_categorical(logits, mask, action):
    logits = torch.where(mask, logits, torch.full_like(logits, model_io.MASKED))
    logsm = torch.log_softmax(logits, -1)
    p = logsm.exp() * mask
    return logsm.gather(-1, action.unsqueeze(-1)).squeeze(-1), -(p * torch.where(mask, logsm, 0)).sum(-1)


def update(modules: dict, optimizer, episodes: list[dict], cfg: TrainConfig, seed: int) -> dict:
    """One PPO update on an iteration's episodes (each with its reward set). Deterministic for a
    given seed, so a resumed run repeats it exactly."""
    dev = device()
    episodes = [ep for ep in episodes if len(ep["agent"])]
    if not episodes:
        return {"policy_loss": math.nan, "value_loss": math.nan, "decisions": 0}
    advs, rets = advantages(episodes, cfg)
    flat = np.concatenate(advs)
    # "loo" advantages are centred per function already; re-centring would move the zeros
    mean, std = (0.0 if cfg.baseline == "loo" else flat.mean()), flat.std() + 1e-8
    params = [p for m in modules.values() for p in m.parameters()]
    for m in modules.values():
        m.train()
    rng = np.random.default_rng(seed)
    stats = {"policy_loss": [], "value_loss": [], "clip_fraction": []}
    entropy = {a: [] for a in model_io.AGENTS}
    # per agent, over every minibatch of every epoch: approximate KL(old || new) (the
    # (r - 1) - log r estimator), clipped share; on the first epoch, values and returns for the
    # explained variance of the value head
    diag = {a: {"kl": [], "clipped": [], "value": [], "return": []} for a in model_io.AGENTS}
    for epoch in range(cfg.epochs):
        perm = rng.permutation(len(episodes))
        for start in range(0, len(perm), cfg.minibatch_episodes):
            batch = perm[start:start + cfg.minibatch_episodes]
            lps, ents, vals, old, adv, ret, agents = [], [], [], [], [], [], []
            for i in batch:
                lp, e, v = evaluate(modules, episodes[i], dev)
                lps.append(lp), ents.append(e), vals.append(v)
                old.append(episodes[i]["logp"]), agents.append(episodes[i]["agent"])
                adv.append((advs[i] - mean) / std), ret.append(rets[i])
            lp, e, v = torch.cat(lps), torch.cat(ents), torch.cat(vals)
            old = torch.as_tensor(np.concatenate(old), device=dev)
            adv = torch.as_tensor(np.concatenate(adv), dtype=torch.float32, device=dev)
            ret = torch.as_tensor(np.concatenate(ret), dtype=torch.float32, device=dev)
            ratio = torch.exp(lp - old)
            surrogate = torch.min(ratio * adv, ratio.clamp(1 - cfg.clip, 1 + cfg.clip) * adv)
            policy_loss = -surrogate.mean()
            value_loss = ((v - ret) ** 2).mean()
            loss = policy_loss + cfg.value_coef * value_loss - cfg.entropy_coef * e.mean()
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, cfg.max_grad_norm)
            optimizer.step()
            stats["policy_loss"].append(policy_loss.item())
            stats["value_loss"].append(value_loss.item())
            clipped = ((ratio - 1).abs() > cfg.clip).float()
            stats["clip_fraction"].append(clipped.mean().item())
            kl = ((ratio - 1) - (lp - old)).detach()
            agents = np.concatenate(agents)
            for a in model_io.AGENTS:
                sel = torch.as_tensor(agents == AGENT_ID[a], device=dev)
                if not sel.any():
                    continue
                diag[a]["kl"].append(kl[sel].cpu().numpy())
                diag[a]["clipped"].append(clipped[sel].cpu().numpy())
                if epoch == 0:  # the sampling distribution, before this update moves it
                    entropy[a].append(e.detach()[sel].cpu().numpy())
                    diag[a]["value"].append(v.detach()[sel].cpu().numpy())
                    diag[a]["return"].append(ret[sel].cpu().numpy())
    for m in modules.values():
        m.eval()
    out = {k: float(np.mean(v)) for k, v in stats.items()}
    out.update({f"entropy_{a}": float(np.concatenate(v).mean()) if v else math.nan
                for a, v in entropy.items()})
    for a, d in diag.items():
        out[f"approx_kl_{a}"] = float(np.concatenate(d["kl"]).mean()) if d["kl"] else math.nan
        out[f"clip_fraction_{a}"] = float(np.concatenate(d["clipped"]).mean()) if d["clipped"] else math.nan
        out[f"explained_variance_{a}"] = explained_variance(d["value"], d["return"])
    out["decisions"] = int(len(flat))
    return out


def explained_variance(values: list, returns: list) -> float:
    """1 - Var(return - value) / Var(return): 1 is a perfect value head, 0 no better than the
    mean, negative worse; NaN without data or when the returns do not vary."""
    if not values:
        return math.nan
    v, r = np.concatenate(values), np.concatenate(returns)
    var = r.var()
    return float(1 - (r - v).var() / var) if var > 0 else math.nan
