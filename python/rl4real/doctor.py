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
    from .policies import effective
    config = {o.key: os.environ.get(o.env, "") for o in spec.OPTIONS}
    try:
        config = effective(config)  # RL4ReAl's flags, as RL4REAL_* variables, in rl4real's terms
    except spec.OptionError:
        pass  # reported above

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
    if clang and ok:
        good, text = measure_compile(clang, plugin_path())
        line("compile", text, good)
    return 0 if ok else 1


def measure_compile(clang: str, plugin, repeats: int = 3) -> tuple[bool, str]:
    """Compiles and runs a small program with the plugin (the policy of this shell's RL4REAL_*
    variables) and with stock clang-22, interleaved: does its output match, and what do start-up
    and each function cost? Start-up = the best plugin compile minus the best stock compile,
    less the policy time of the functions after the first."""
    import json
    import subprocess
    import tempfile
    import time
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doctor.c"
        src.write_text(_program(functions=12, values=16))
        report = Path(tmp) / "r.jsonl"
        walls = {"stock": [], "plugin": []}
        env = {k: v for k, v in os.environ.items() if k != "RL4REAL_REPORT"}
        for _ in range(repeats):
            for kind in walls:
                cmd = [clang, "-O2", str(src), "-o", str(Path(tmp) / kind)]
                e = dict(env)
                if kind == "plugin":
                    cmd.insert(1, f"-fpass-plugin={plugin}")
                    report.unlink(missing_ok=True)
                    e["RL4REAL_REPORT"] = str(report)
                t0 = time.perf_counter()
                r = subprocess.run(cmd, env=e, capture_output=True, text=True)
                walls[kind].append(time.perf_counter() - t0)
                if r.returncode != 0:
                    return False, f"{kind} compile failed: {r.stderr.strip()[-300:]}"
        outs = [subprocess.run([str(Path(tmp) / k)], capture_output=True, text=True).stdout
                for k in walls]
        recs = [json.loads(x) for x in report.read_text().splitlines()]
    asked = [r for r in recs if r["allocator"] == "rl4real"]
    if not asked or any(r["fallback"] for r in asked):
        why = [r["fallback"] for r in asked if r["fallback"]] or ["no function reached the policy"]
        return False, f"the policy did not run: {why[0]}"
    later = sorted(r["pass_ms"] for r in asked[1:])  # the first one may wait for the start-up
    startup = 1000 * (min(walls["plugin"]) - min(walls["stock"])) - sum(later)
    per_fn = later[len(later) // 2] if later else float("nan")
    return outs[0] == outs[1], (f"{len(asked)} functions by the policy, output "
                                f"{'matches stock' if outs[0] == outs[1] else 'DIFFERS from stock'}; "
                                f"start-up {startup:.0f} ms per compile, {per_fn:.2f} ms per "
                                f"later function (median pass time), stock compile "
                                f"{1000 * min(walls['stock']):.0f} ms")


def _program(functions: int, values: int) -> str:
    """C source: `functions` functions, each keeping `values` integers live across a call, and a
    main that prints a checksum of them all."""
    out = ["#include <stdio.h>",
           "__attribute__((noinline)) long touch(long *a) { __asm__ volatile(\"\" : : \"r\"(a) : \"memory\"); return a[0] & 7; }"]
    for k in range(functions):
        out.append(f"__attribute__((noinline)) long f{k}(long *a, long s) {{")
        out += [f"  long v{i} = a[{i}] * s + {i + k};" for i in range(values)]
        out += ["  long t = touch(a), r = 0;"]
        out += [f"  r = r * 31 + (v{i} ^ (t + {(i + k) % 7}));" for i in range(values)]
        out += ["  return r;", "}"]
    out += [f"static long a[{values}];", "int main(void) {", "  long r = 0;",
            f"  for (int i = 0; i < {values}; ++i) a[i] = i * 2654435761L;"]
    out += [f"  r ^= f{k}(a, {k + 2});" for k in range(functions)]
    out += ['  printf("%ld\\n", r);', "  return 0;", "}", ""]
    return "\n".join(out)
