#!/usr/bin/env bash
# Set-up on Debian 12, idempotent: apt packages (LLVM 22, csmith, valgrind) and a virtual
# environment .venv with rl4real built from this checkout and its pinned dependencies.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APT_PACKAGES=(clang-22 llvm-22-dev llvm-22-tools lld-22 cmake csmith libcsmith-dev valgrind
              qemu-user-static libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
              libc6-dev-riscv64-cross libgcc-12-dev-riscv64-cross)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x "$ROOT/.venv/bin/python" ]; then
  echo "setup: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv "$ROOT/.venv"
fi
echo "setup: building and installing rl4real (plugin + package) into .venv"
# torch pinned first: this version is a CPU build on the project's machines (the package's own
# range, torch>=2.2, is then satisfied and pulls nothing else)
"$ROOT/.venv/bin/pip" install --quiet --disable-pip-version-check "torch==2.13.0"
"$ROOT/.venv/bin/pip" install --quiet --disable-pip-version-check "$ROOT[test]"
"$ROOT/.venv/bin/rl4real" doctor
