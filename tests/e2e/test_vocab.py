"""MIR2Vec vocabulary: the training pipeline on a small corpus, and the vocabularies the plugin
loads (shipped, trained here, broken, switched off)."""

import json
import subprocess

from conftest import CLANG, POLICIES, PROGRAMS, rl_env
from rl4real import spec, vocab


def probe(plugin, tmp_path, **options):
    out = tmp_path / "probe.jsonl"
    out.unlink(missing_ok=True)
    env = rl_env(policy=f"{POLICIES / 'probe.py'}", min_size=1, **options)
    env["PROBE_OUT"] = str(out)
    r = subprocess.run([CLANG, "-O2", f"-fpass-plugin={plugin}", "-c", str(PROGRAMS / "nbody.c"),
                        "-o", str(tmp_path / "o.o")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in out.read_text().splitlines()], r.stderr


def test_vocabulary_pipeline_trains_and_the_plugin_loads_it(plugin, tmp_path):
    out = tmp_path / "vocab.json"
    stats = vocab.build([[str(PROGRAMS / "sort.c")], [str(PROGRAMS / "nbody.c")]], out, epochs=2)
    assert stats["triplets"] > 500 and stats["skipped"] == 0
    data = json.loads(out.read_text())
    assert set(data) == {"Opcodes", "CommonOperands", "PhysicalRegisters", "VirtualRegisters"}
    assert "MOV" in data["Opcodes"] and "GR64" in data["VirtualRegisters"]
    assert all(len(v) == spec.EMBEDDING_DIM for sec in data.values() for v in sec.values())
    seen, stderr = probe(plugin, tmp_path, vocab=out)
    assert "embeddings off" not in stderr
    assert seen and all(r["embedding_abs_mean"] > 0 for r in seen)


def test_shipped_vocabulary_loads(plugin, tmp_path):
    seen, stderr = probe(plugin, tmp_path)
    assert "rl4real" not in stderr
    assert seen and all(r["embedding_abs_mean"] > 0 for r in seen)


def test_without_a_usable_vocabulary_embeddings_are_zero(plugin, tmp_path):
    bad = tmp_path / "bad.json"
    for text, reason in (('{"Opcodes": {"MOV": [1, 2]}}', "has dimension 2, the feature spec needs 16"),
                         (json.dumps({"Opcodes": {"MOV": [1] * spec.EMBEDDING_DIM}}),
                          "missing section 'CommonOperands'"),
                         ("{not json", "bad.json:")):
        bad.write_text(text)
        seen, stderr = probe(plugin, tmp_path, vocab=bad)
        assert stderr.count("instruction embeddings off") == 1 and reason in stderr, stderr
        assert seen and all(r["embedding_abs_mean"] == 0 for r in seen)
    seen, stderr = probe(plugin, tmp_path, vocab="none")
    assert "rl4real" not in stderr and seen and all(r["embedding_abs_mean"] == 0 for r in seen)
