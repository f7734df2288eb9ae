#!/usr/bin/env bash
# Set up, then run the whole test suite: lit + FileCheck (C++ pass), pytest (Python, end-to-end,
# real programs fetched by package name). Extra arguments go to pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh"
export PATH="$ROOT/.venv/bin:$PATH"
cd "$ROOT"
lit -sv tests/lit
pytest -ra -n auto "$@"  # compiles in parallel, one worker per core
