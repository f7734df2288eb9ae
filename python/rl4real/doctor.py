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
    clang = shutil.which("clang-22")
    line("clang-22", clang or "not found (apt-get install clang-22)", bool(clang))
    from .models import backends, store
    model_dir = store.resolve(os.environ.get("RL4REAL_MODEL_DIR"))
    backend = os.environ.get("RL4REAL_BACKEND", "onnxruntime")
    try:
        store.check_manifest(model_dir)
        backends.load(backend, model_dir)
        line("model", f"{model_dir} (backend {backend})")
    except Exception as e:  # noqa: BLE001
        line("model", f"{model_dir} (backend {backend}): {e}", False)
    name = os.environ.get("RL4REAL_POLICY", "heuristic")
    try:
        from .policies import load_policy
        load_policy(name, {"seed": os.environ.get("RL4REAL_SEED", "0"), "backend": backend,
                           "model_dir": os.environ.get("RL4REAL_MODEL_DIR", "")})
        line("policy", name)
    except Exception as e:  # noqa: BLE001
        line("policy", f"{name}: {type(e).__name__}: {e}", False)
    return 0 if ok else 1
