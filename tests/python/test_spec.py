"""The feature spec is declared once; the plugin, the package and the docs must agree on it."""

from pathlib import Path

import pytest

from rl4real import spec
from rl4real.doctor import plugin_signature

ROOT = Path(__file__).resolve().parents[2]


def test_plugin_was_built_from_this_spec(plugin):
    assert plugin_signature(plugin) == spec.signature()


def test_signature_changes_with_every_part_of_the_contract(monkeypatch):
    """A change to any feature, refusal, option default or report key must change the signature
    (so a plugin built from another spec is caught), and nothing else may."""
    base = spec.signature()
    assert spec.signature() == base
    f = spec.FEATURES[3]
    changes = [("FEATURES", [*spec.FEATURES[:3], spec.Feature(f.table, f.name, "float32", f.cols, f.doc),
                             *spec.FEATURES[4:]]),
               ("REFUSALS", spec.REFUSALS[:-1]),
               ("OPTIONS", [spec.Option(o.name, o.kind, "7" if o.name == "min-size" else o.default, o.doc)
                            for o in spec.OPTIONS]),
               ("REPORT", spec.REPORT[:-1])]
    for name, value in changes:
        with monkeypatch.context() as m:
            m.setattr(spec, name, value)
            assert spec.signature() != base, name


def test_features_are_unique_and_well_formed():
    keys = [f.key for f in spec.FEATURES]
    assert len(keys) == len(set(keys))
    for f in spec.FEATURES:
        assert f.table in spec.TABLES and f.dtype in spec.DTYPES and f.cols >= 1 and f.doc


def test_cpp_header_compiles_and_agrees_with_the_spec(tmp_path):
    """The generated header, compiled and run: its tables hold what spec.py declares."""
    (tmp_path / "rl4real_spec.h").write_text(spec.cpp_header())
    (tmp_path / "t.cpp").write_text(
        '#include "rl4real_spec.h"\n#include <cstdio>\nusing namespace rl4real::spec;\n'
        "int main() {\n"
        "  for (auto &F : Features) std::printf(\"%s.%s:%s x%d size%d\\n\", F.Table, F.Name, F.DType, F.Cols, F.ElemSize);\n"
        "  for (auto *R : RefusalNames) std::printf(\"refusal %s\\n\", R);\n"
        "  for (auto &O : Options) std::printf(\"option %s %s %s\\n\", O.Name, O.Env, O.Default);\n"
        "  for (auto *F : ReportFieldNames) std::printf(\"report %s\\n\", F);\n"
        "  std::printf(\"version %d\\n\", Version);\n}\n")
    import subprocess
    subprocess.run(["clang++-22", "-std=c++17", str(tmp_path / "t.cpp"), "-o", str(tmp_path / "t")], check=True)
    out = subprocess.run([str(tmp_path / "t")], capture_output=True, text=True, check=True).stdout
    sizes = {"float32": 4, "int32": 4, "int64": 8, "uint8": 1}
    expected = [f"{f.table}.{f.name}:{f.dtype} x{f.cols} size{sizes[f.dtype]}" for f in spec.FEATURES]
    expected += [f"refusal {n}" for n, _ in spec.REFUSALS]
    expected += [f"option {o.name} {o.env} {o.default}" for o in spec.OPTIONS]
    expected += [f"report {f.name}" for f in spec.REPORT] + [f"version {spec.VERSION}"]
    assert out.splitlines() == expected


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
