"""Real C programs from PyPI source distributions, fetched by name at run time and cached outside
git (RL4REAL_CACHE, default ~/.cache/rl4real). How each is built and run is declared once, in
bench/corpus.toml (rl4real.bench builds from it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

LUA = ("lupa", "2.8")
SQLITE = ("sqlean-py", "3.50.4.5")


def cache_dir() -> Path:
    d = Path(os.environ.get("RL4REAL_CACHE") or Path.home() / ".cache" / "rl4real")
    d.mkdir(parents=True, exist_ok=True)
    return d


def sdist(name: str, version: str) -> Path:
    """The unpacked source distribution NAME==VERSION (downloaded once)."""
    dest = cache_dir() / "sdist" / f"{name}-{version}"
    if (dest / ".complete").exists():
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", f"{name}=={version}", "-d", tmp], check=True)
        (archive,) = Path(tmp).iterdir()
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        with tarfile.open(archive) as tar:
            tar.extractall(dest, filter="data")
    (dest / ".complete").touch()
    return dest


def sdist_root(name: str, version: str) -> Path:
    """The single top folder of the unpacked source distribution."""
    (root,) = [p for p in sdist(name, version).iterdir() if p.is_dir()]
    return root


def lua_dir() -> Path:
    """Lua 5.4 sources (onelua.c) and its official test suite (testes/)."""
    return sdist_root(*LUA) / "third-party" / "lua54"


def sqlite_sources(workdir: Path) -> tuple[Path, Path]:
    """(sqlite3.c, shell.c). The amalgamation is cut at its end marker: sqlean appends extension
    glue after it that would need all of sqlean's sources."""
    src = sdist_root(*SQLITE) / "sqlite"
    out = workdir / "sqlite3.c"
    if not out.exists():
        text = (src / "sqlite3.c").read_text(errors="surrogateescape")
        marker = "/************************** End of sqlite3.c ******************************/"
        out.write_text(text[: text.index(marker) + len(marker)] + "\n", errors="surrogateescape")
        shutil.copy(src / "sqlite3.h", workdir / "sqlite3.h")
    return out, src / "shell.c"


def run_checked(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """subprocess.run that raises with the command's stderr in the message."""
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr[-4000:]}")
    return r
