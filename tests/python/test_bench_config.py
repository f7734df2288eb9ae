"""rl4real bench's configuration strings."""

import pytest

from rl4real.bench import Config


def test_policy_file_paths_and_settings():
    c = Config.parse("rl4real:/some/dir/p.py:pol/split-budget=3/seed=2")
    assert c.env["RL4REAL_POLICY"] == "/some/dir/p.py:pol"
    assert c.env["RL4REAL_SPLIT_BUDGET"] == "3" and c.env["RL4REAL_SEED"] == "2"
    assert Config.parse("rl4real/split-budget=16").env["RL4REAL_POLICY"] == "heuristic"
    assert Config.parse("greedy").env == {"RL4REAL_ENABLE": "0"}
    assert Config.parse("pbqp").flags == ["-mllvm", "-regalloc=pbqp"]


def test_setting_values_may_be_paths():
    c = Config.parse("rl4real:advice/model-dir=/runs/a1/model/seed=3")
    assert c.env["RL4REAL_POLICY"] == "advice"
    assert c.env["RL4REAL_MODEL_DIR"] == "/runs/a1/model" and c.env["RL4REAL_SEED"] == "3"


@pytest.mark.parametrize("bad", ["greedy/x", "gcc", "rl4real/x"])
def test_bad_configurations_are_refused(bad):
    with pytest.raises(ValueError):
        Config.parse(bad)
