"""The feature spec is declared once; the plugin, the package and the docs must agree on it."""

from pathlib import Path

from rl4real import spec
from rl4real.doctor import plugin_signature

ROOT = Path(__file__).resolve().parents[2]


def test_plugin_was_built_from_this_spec(plugin):
    assert plugin_signature(plugin) == spec.signature()


def test_signature_sees_every_feature_and_refusal():
    sig = spec.signature()
    for f in spec.FEATURES:
        assert f"{f.table}.{f.name}:{f.dtype}x{f.cols}" in sig
    assert sig.count("refusal.") == len(spec.REFUSALS)


def test_features_are_unique_and_well_formed():
    keys = [f.key for f in spec.FEATURES]
    assert len(keys) == len(set(keys))
    for f in spec.FEATURES:
        assert f.table in spec.TABLES and f.dtype in spec.DTYPES and f.cols >= 1 and f.doc


def test_cpp_header_declares_every_feature():
    header = spec.cpp_header()
    for f in spec.FEATURES:
        assert f'{{"{f.table}", "{f.name}", "{f.dtype}", T_{f.table}, {f.cols},' in header
    assert f"constexpr int Version = {spec.VERSION};" in header


def test_docs_features_md_is_current():
    assert (ROOT / "docs" / "features.md").read_text() == spec.markdown()
