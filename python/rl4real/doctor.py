"""`rl4real doctor`: what the plugin will use, and whether each part loads."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys

from . import spec
from .paths import PluginNotFound, plugin_path


def plugin_signature(path) -> str:
    lib = ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    fn = lib.rl4real_spec_signature
    fn.restype = ctypes.c_char_p
    return fn().decode()


def main() -> int:
    ok = True

    def line(name, value, good=True):
        nonlocal ok
        ok &= good
        print(f"{'ok ' if good else 'BAD'} {name:<14} {value}")

    line("python", sys.executable)
    try:
        path = plugin_path()
        line("plugin", path)
        sig = plugin_signature(path)
        line("feature spec", f"version {spec.VERSION}" if sig == spec.signature()
             else "plugin and package disagree: rebuild with `pip install .`", sig == spec.signature())
    except (PluginNotFound, OSError) as e:
        line("plugin", e, False)
    for o in spec.OPTIONS:  # the RL4REAL_* variables this shell would hand to the plugin
        if o.env in os.environ:
            try:
                spec.parse_option(o, os.environ[o.env])
                line("option", f"{o.env}={os.environ[o.env]}")
            except spec.OptionError as e:
                line("option", e, False)
    clang = shutil.which("clang-22")
    line("clang-22", clang or "not found (apt-get install clang-22)", bool(clang))
    from .models import backends, store
    config = {o.key: os.environ.get(o.env, "") for o in spec.OPTIONS}

    def option(key):
        try:
            return spec.option(config, key)
        except spec.OptionError:
            return spec.parse_option(spec.OPTIONS_BY_KEY[key], "")  # reported above

    model_dir = store.resolve(option("model_dir") or None)
    backend = option("backend")
    try:
        store.check_manifest(model_dir)
        backends.load(backend, model_dir)
        line("model", f"{model_dir} (backend {backend})")
    except Exception as e:  # noqa: BLE001
        line("model", f"{model_dir} (backend {backend}): {e}", False)
    name = option("policy")
    try:
        from .policies import load_policy
        load_policy(name, {k: str(option(k)) for k in ("seed", "backend", "model_dir", "trajectories")})
        line("policy", name)
    except Exception as e:  # noqa: BLE001
        line("policy", f"{name}: {type(e).__name__}: {e}", False)
    return 0 if ok else 1
