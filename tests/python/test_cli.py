import os
import re
import subprocess
import sys


def test_plugin_path_imports_no_heavy_module(plugin):
    code = ("import sys, io, contextlib\n"
            "from rl4real.cli import main\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf): rc = main(['plugin-path'])\n"
            "heavy = [m for m in ('torch', 'onnxruntime', 'numpy') if m in sys.modules]\n"
            "print(rc, buf.getvalue().strip(), heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"0 {plugin} []"


def test_module_entry_point_matches_console_script(plugin):
    out = subprocess.run([sys.executable, "-m", "rl4real", "plugin-path"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == plugin


def test_doctor_passes_on_this_install():
    out = subprocess.run([sys.executable, "-m", "rl4real", "doctor"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "feature spec" in out.stdout
    # it compiled and ran a program with the plugin and measured what that cost
    assert re.search(r"ok  compile +13 functions by the policy, output matches stock; start-up "
                     r"-?\d+ ms per compile, [\d.]+ ms per later function", out.stdout), out.stdout


def test_doctor_reports_a_policy_that_does_not_run(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def policy(session):\n    raise RuntimeError('no')\n")
    out = subprocess.run([sys.executable, "-m", "rl4real", "doctor"], capture_output=True, text=True,
                         env={**os.environ, "RL4REAL_POLICY": str(bad)})
    assert out.returncode == 1 and "BAD compile" in out.stdout and "RuntimeError" in out.stdout
