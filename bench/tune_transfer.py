"""Do choices `rl4real tune` made on one workload hold on another? Runs a tune run's greedy and
tuned builds on other input under callgrind: own instructions of the tuned build as a ratio to
greedy's, and greedy's twice, to show the input runs deterministically (else the ratio means
nothing: Lua's sort.lua picks random pivots).

    python bench/tune_transfer.py --run runs/tune/sqlite3 --stdin bench/workloads/sqlite-other.sql -- :memory:
    python bench/tune_transfer.py --run runs/tune/lua-files --cwd "$(python -c 'from rl4real import \\
        corpus; print(corpus.lua_dir() / "testes")')" -- -e _port=true pm.lua
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from rl4real import runcost


def own(exe: Path, args: list[str], stdin: str | None, cwd: str | None) -> tuple[int, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        with open(stdin or "/dev/null", "rb") as f:
            r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(exe), *args],
                               stdin=f, capture_output=True, cwd=cwd or tmp, check=True)
        return sum(runcost.instructions(runcost.function_costs(out, objects=(str(exe),))).values()), r.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run", required=True, help="an `rl4real tune` run directory")
    ap.add_argument("--stdin", help="file the program reads")
    ap.add_argument("--cwd", help="folder it runs in (default: a scratch folder)")
    ap.add_argument("args", nargs="*", help="the program's arguments (after --)")
    a = ap.parse_args()
    run = Path(a.run).resolve()
    program = json.loads((run / "report.json").read_text())["program"]
    stdin = str(Path(a.stdin).resolve()) if a.stdin else None
    greedy, out = own(run / "work" / "parity" / program, a.args, stdin, a.cwd)
    again, _ = own(run / "work" / "parity" / program, a.args, stdin, a.cwd)
    tuned, tuned_out = own(run / "work" / "tuned" / program, a.args, stdin, a.cwd)
    print(f"{program} {' '.join(a.args)}: tuned {tuned / greedy:.5f} of greedy's own instructions "
          f"({greedy} under greedy; greedy again {again / greedy:.5f}; output "
          f"{'identical' if out == tuned_out else 'DIFFERS'})")


if __name__ == "__main__":
    main()
