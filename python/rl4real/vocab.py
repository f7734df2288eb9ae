"""`rl4real vocab`: a MIR2Vec vocabulary trained in the project.

1. Triplets: programs are compiled with the plugin, which writes MIR2Vec training triplets (opcode
   -> next opcode, opcode -> each operand) for every machine function right before register
   allocation (RL4REAL_TRIPLETS). llvm-ir2vec 22.1's own `triplets --mode=mir` aborts on any
   function with SSE code or calls (classless physical registers), so the plugin produces them.
2. Entities: `llvm-ir2vec entities --mode=mir` gives MIR2Vec's entity names for the target; they
   decide the sections and keys of the vocabulary file.
3. TransE (h + r ~ t) in torch on the entities seen; the result is written in MIR2Vec's vocabulary
   layout (Opcodes, CommonOperands, PhysicalRegisters, VirtualRegisters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from . import spec
from .paths import plugin_path

TINY_IR = 'target triple = "x86_64-pc-linux-gnu"\ndefine i32 @f(i32 %a) {\n  ret i32 %a\n}\n'


def gather_triplets(compiles: list[list[str]], out: Path) -> int:
    """Runs each clang command (sources and flags, without -o) with the plugin; returns lines."""
    out.unlink(missing_ok=True)
    env = dict(os.environ, RL4REAL_TRIPLETS=str(out), RL4REAL_MIN_SIZE="1000000000")
    for args in compiles:
        subprocess.run(["clang-22", "-O2", "-w", f"-fpass-plugin={plugin_path()}", "-c", *args,
                        "-o", os.devnull], env=env, check=True)
    return sum(1 for _ in out.open()) if out.exists() else 0


def entities() -> list[str]:
    """MIR2Vec's entity names for x86-64, in id order."""
    with tempfile.TemporaryDirectory() as tmp:
        ll, mir, ent = Path(tmp, "t.ll"), Path(tmp, "t.mir"), Path(tmp, "e.txt")
        ll.write_text(TINY_IR)
        subprocess.run(["llc-22", "-O2", "-stop-after=machine-scheduler", str(ll), "-o", str(mir)],
                       check=True)
        subprocess.run(["llvm-ir2vec-22", "entities", "--mode=mir", str(mir), "-o", str(ent)],
                       check=True)
        lines = ent.read_text().splitlines()
    names = [""] * int(lines[0])
    for line in lines[1:]:
        name, idx = line.rsplit("\t", 1)
        names[int(idx)] = name
    return names


def train_transe(triplets: np.ndarray, n_entities: int, n_relations: int, dim: int, epochs: int,
                 seed: int, margin: float = 1.0, batch: int = 2048, log=sys.stderr) -> np.ndarray:
    import torch

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    ent = torch.nn.Embedding(n_entities, dim)
    rel = torch.nn.Embedding(n_relations, dim)
    torch.nn.init.uniform_(ent.weight, -6 / dim ** 0.5, 6 / dim ** 0.5)
    torch.nn.init.uniform_(rel.weight, -6 / dim ** 0.5, 6 / dim ** 0.5)
    opt = torch.optim.Adam(list(ent.parameters()) + list(rel.parameters()), lr=0.01)
    data = torch.from_numpy(triplets.astype(np.int64))
    for epoch in range(epochs):
        perm = torch.randperm(len(data), generator=gen)
        total = 0.0
        for i in range(0, len(data), batch):
            h, t, r = data[perm[i:i + batch]].T
            neg = torch.randint(0, n_entities, t.shape, generator=gen)
            with torch.no_grad():
                ent.weight.div_(ent.weight.norm(dim=1, keepdim=True).clamp_min(1e-6))
            pos_d = (ent(h) + rel(r) - ent(t)).norm(p=1, dim=1)
            neg_d = (ent(h) + rel(r) - ent(neg)).norm(p=1, dim=1)
            loss = torch.relu(margin + pos_d - neg_d).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(h)
        print(f"vocab: epoch {epoch + 1}/{epochs} loss {total / len(data):.4f}", file=log, flush=True)
    return ent.weight.detach().numpy()


def write_vocabulary(names: list[str], vectors: dict[str, np.ndarray], path: Path) -> dict:
    """MIR2Vec's layout: ids below 'Immediate' are opcodes, the next 20 common operands, then
    PhyReg_<class> and VirtReg_<class>."""
    first_common = names.index("Immediate")
    sections = {"Opcodes": {}, "CommonOperands": {}, "PhysicalRegisters": {}, "VirtualRegisters": {}}
    for idx, name in enumerate(names):
        if name not in vectors:
            continue  # never seen: a missing entry reads as zeros
        vec = [round(float(x), 6) for x in vectors[name]]
        if idx < first_common:
            sections["Opcodes"][name] = vec
        elif idx < first_common + 20:
            sections["CommonOperands"][name] = vec
        elif name.startswith("PhyReg_"):
            sections["PhysicalRegisters"][name[len("PhyReg_"):]] = vec
        elif name.startswith("VirtReg_"):
            sections["VirtualRegisters"][name[len("VirtReg_"):]] = vec
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sections, separators=(",", ":"), sort_keys=True))
    return {k: len(v) for k, v in sections.items()}


def build(compiles: list[list[str]], out: Path, epochs: int = 20, seed: int = 0,
          dim: int = spec.EMBEDDING_DIM, max_triplets: int = 400_000) -> dict:
    names = entities()
    index = {n: i for i, n in enumerate(names)}
    with tempfile.TemporaryDirectory() as tmp:
        tfile = Path(tmp) / "triplets.tsv"
        gather_triplets(compiles, tfile)
        rows = [line.split("\t") for line in tfile.read_text().splitlines()]
    known = [(h, t, int(r)) for h, t, r in rows if h in index and t in index]
    if not known:
        raise RuntimeError("no triplets: did the compiles reach the plugin's MLRA pass (-O1+, x86-64)?")
    used = sorted({x for h, t, _ in known for x in (h, t)}, key=index.get)
    compact = {n: i for i, n in enumerate(used)}
    triplets = np.array([(compact[h], compact[t], r) for h, t, r in known])
    if len(triplets) > max_triplets:  # a deterministic sample keeps training to minutes
        triplets = triplets[np.random.default_rng(seed).choice(len(triplets), max_triplets, replace=False)]
    table = train_transe(triplets, len(used), int(triplets[:, 2].max()) + 1, dim, epochs, seed)
    counts = write_vocabulary(names, {n: table[i] for n, i in compact.items()}, out)
    return {"triplets": len(known), "skipped": len(rows) - len(known), "entities": len(used), **counts}
