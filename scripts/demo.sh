#!/usr/bin/env bash
# The main job: set up, compile the Lua 5.4 interpreter (fetched from PyPI's lupa sdist) with
# clang-22 -O2 and the rl4real plugin, run a Lua program with it, and show what the policy decided.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$ROOT/scripts/setup.sh"
export PATH="$ROOT/.venv/bin:$PATH"

WORK=$(mktemp -d)
LUA_SRC=$(python -c 'from rl4real import corpus; print(corpus.lua_dir())')
echo
echo "== clang-22 -O2 -fpass-plugin=\$(rl4real plugin-path) onelua.c   (policy: ${RL4REAL_POLICY:-heuristic})"
RL4REAL_REPORT="$WORK/report.jsonl" \
  clang-22 -O2 -fpass-plugin="$(rl4real plugin-path)" -DLUA_USE_LINUX \
  "$LUA_SRC/onelua.c" -o "$WORK/lua" -lm -ldl
echo
echo "== running Lua built with rl4real"
"$WORK/lua" -e '
  local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
  local t = {}
  for i = 1, 200000 do t[i] = (i * 7919) % 100003 end
  table.sort(t)
  print(("fib(27) = %d, median = %d, %s"):format(fib(27), t[100000], _VERSION))'
echo
echo "== what the policy decided (rl4real report $WORK/report.jsonl)"
rl4real report "$WORK/report.jsonl"
echo
echo "per-function details: $WORK/report.jsonl"
