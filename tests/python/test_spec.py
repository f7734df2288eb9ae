"""The feature spec is declared once; the plugin, the package and the docs must agree on it."""

from pathlib import Path

import pytest

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


def test_docs_report_schema_is_current():
    import json
    assert json.loads((ROOT / "docs" / "report-schema.json").read_text()) == spec.report_schema()


def test_option_rule():
    o = spec.OPTIONS_BY_KEY
    assert spec.parse_option(o["split_budget"], " 12 ") == 12
    assert spec.parse_option(o["split_budget"], "") == 0  # empty: the default
    assert spec.parse_option(o["strict"], "YES") is True and spec.parse_option(o["strict"], "off") is False
    assert spec.parse_option(o["timeout"], ".5") == 0.5 and spec.parse_option(o["timeout"], "1e2") == 100
    for key, bad in [("split_budget", "1e3"), ("split_budget", "-5"), ("split_budget", "0x10"),
                     ("timeout", "inf"), ("timeout", "nan"), ("timeout", "-1"), ("strict", "2"),
                     ("backend", "tensorflow"), ("min_size", "1.5")]:
        with pytest.raises(spec.OptionError, match=f"invalid value '{bad}' for option"):
            spec.parse_option(o[key], bad)
