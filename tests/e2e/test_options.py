"""Options declared once (spec.OPTIONS), parsed by one rule in the plugin and in Python: an
invalid value is one compile error naming the option, the value and what is accepted."""

import pytest

from conftest import PROGRAMS, compile_c, rl_env
from rl4real import spec

INVALID = [("TIMEOUT", "abc"), ("SPLIT_BUDGET", "1e3"), ("SPLIT_BUDGET", "99999999999999999999"),
           ("SPLIT_BUDGET", "-5"), ("STRICT", "maybe"), ("MIN_SIZE", "abc"), ("BACKEND", "tf")]


@pytest.mark.parametrize("name,value", INVALID)
def test_invalid_option_is_one_error(plugin, tmp_path, name, value):
    option = next(o for o in spec.OPTIONS if o.env == f"RL4REAL_{name}")
    with pytest.raises(spec.OptionError) as python_side:
        spec.parse_option(option, value)
    for how in ("env", "flag"):
        env, flags = rl_env(), ["-c"]
        if how == "env":
            env[option.env] = value
        else:
            flags += ["-mllvm", f"{option.flag}={value}"]
        r = compile_c(PROGRAMS / "sort.c", tmp_path / "o.o", plugin=plugin, env=env, flags=flags,
                      check=False)
        assert r.returncode != 0
        # the same words as the Python reader, once
        assert r.stderr.count(f"error: rl4real: {python_side.value}") == 1, r.stderr
        assert r.stderr.count("error:") == 1 and "warning" not in r.stderr, r.stderr


def test_valid_spellings_and_every_option_as_flag_and_variable(plugin, tmp_path):
    """Booleans in any of their spellings, numbers with spaces, an empty value (the default);
    each option reaches the policy's configuration from the command line and from the
    environment, canonical and typed the same way."""
    probe = tmp_path / "probe.py"
    out = tmp_path / "config.txt"
    probe.write_text("from rl4real import spec\n"
                     "def policy(session):\n"
                     f"    with open({str(out)!r}, 'a') as f:\n"
                     "        f.write(repr({o.key: spec.option(session.config, o.key) for o in spec.OPTIONS}) + '\\n')\n")
    src = PROGRAMS / "sort.c"
    env = rl_env(policy=probe, min_size=1, strict="Yes", split_budget=" 7 ", timeout="2.5",
                 seed="", dump_dir="graphs-here", trajectories=tmp_path / "t")
    compile_c(src, tmp_path / "a.o", plugin=plugin, env=env, flags=["-c"])
    flags = ["-c"] + [x for k, v in [("policy", probe), ("min-size", 1), ("strict", "on"),
                                     ("split-budget", 7), ("timeout", "25e-1"), ("dump-dir", "graphs-here"),
                                     ("trajectories", tmp_path / "t")]
                      for x in ("-mllvm", f"-rl4real-{k}={v}")]
    compile_c(src, tmp_path / "b.o", plugin=plugin, env=rl_env(), flags=flags)
    lines = out.read_text().splitlines()
    configs = [eval(line) for line in lines]  # noqa: S307 - written by the probe above
    assert len(configs) >= 2 and all(c == configs[0] for c in configs)
    c = configs[0]
    assert c["strict"] is True and c["split_budget"] == 7 and c["timeout"] == 2.5 and c["seed"] == 0
    assert c["dump_dir"] == "graphs-here" and c["trajectories"] == str(tmp_path / "t")
    assert c["backend"] == "onnxruntime" and c["max_faults"] == 3


def test_readme_option_table_is_current():
    from pathlib import Path
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert spec.options_markdown() in readme, "README's option table: paste `rl4real options`"



EDGES = [("SEED", "9007199254740993"), ("SEED", "9007199254740992"), ("SEED", "0" * 30 + "1"),
         ("SEED", "0" * 4400 + "1"), ("TIMEOUT", "1e-400"), ("TIMEOUT", "1."), ("TIMEOUT", ".5"),
         ("TIMEOUT", "e5"), ("TIMEOUT", "1e"), ("SPLIT_BUDGET", "+5"), ("SPLIT_BUDGET", "-0"),
         ("SPLIT_BUDGET", "0x10"), ("MIN_SIZE", "5\x1f"), ("MIN_SIZE", " 7\t"), ("STRICT", "On")]


@pytest.mark.parametrize("name,value", EDGES, ids=[f"{n}={v[:12]!r}" for n, v in EDGES])
def test_plugin_and_python_accept_the_same_values(plugin, tmp_path, name, value):
    option = next(o for o in spec.OPTIONS if o.env == f"RL4REAL_{name}")
    try:
        spec.parse_option(option, value)
        python_accepts = True
    except spec.OptionError:
        python_accepts = False
    env = {**rl_env(), option.env: value}
    r = compile_c(PROGRAMS / "sort.c", tmp_path / "o.o", plugin=plugin, env=env, flags=["-c"],
                  check=False)
    assert (r.returncode == 0) == python_accepts, r.stderr
