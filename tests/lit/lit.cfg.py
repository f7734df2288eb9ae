# lit configuration: FileCheck tests of the plugin with llc-22 and clang-22.
import os
import subprocess

import lit.formats

config.name = "rl4real"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".ll", ".c", ".mir", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)

llvm_bin = subprocess.check_output(["llvm-config-22", "--bindir"], text=True).strip()
plugin = subprocess.check_output(["rl4real", "plugin-path"], text=True).strip()
policies = os.path.join(os.path.dirname(config.test_source_root), "policies")

config.substitutions += [
    ("%plugin", plugin),
    ("%policies", policies),
    ("%inputs", os.path.join(config.test_source_root, "Inputs")),
    ("%llc", os.path.join(llvm_bin, "llc")),
    ("%clang", os.path.join(llvm_bin, "clang")),
    ("FileCheck", os.path.join(llvm_bin, "FileCheck")),
]
# The embedded interpreter needs nothing from the environment, but keep PATH and HOME; drop any
# RL4REAL_* setting of the caller so each test states its own.
for var in ("PATH", "HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
