"""The corpus: real C programs from PyPI source distributions, fetched by name at run time and
cached outside git (RL4REAL_CACHE, default ~/.cache/rl4real), and our own. How each is built and
run is declared once, in bench/corpus.toml; this module reads it and builds and runs programs
(for rl4real bench, the tests and training)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LUA = ("lupa", "2.8")
SQLITE = ("sqlean-py", "3.50.4.5")


def cache_dir() -> Path:
    d = Path(os.environ.get("RL4REAL_CACHE") or Path.home() / ".cache" / "rl4real")
    d.mkdir(parents=True, exist_ok=True)
    return d


def sdist(name: str, version: str) -> Path:
    """The unpacked source distribution NAME==VERSION (downloaded once; builds that ask at the
    same time, in threads or processes, wait for the one that fetches it)."""
    dest = cache_dir() / "sdist" / f"{name}-{version}"
    if (dest / ".complete").exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest.parent / f".{dest.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (dest / ".complete").exists():
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


# -- programs of bench/corpus.toml
CLANG = "clang-22"
def default_corpus() -> Path:
    """bench/corpus.toml of the checkout in the working folder, else the copy installed with the
    package (corpus.toml with the programs, drivers and workloads it names)."""
    checkout = Path("bench") / "corpus.toml"
    return checkout if checkout.is_file() else Path(__file__).parent / "bench_corpus" / "corpus.toml"


@dataclass
class Program:
    name: str
    sources: list[str]
    run: list[str]
    sdist: str = ""
    prepare: str = ""
    cflags: list[str] = field(default_factory=list)
    libs: list[str] = field(default_factory=list)
    stdin: str = ""
    quick: bool = False
    split: str = ""  # "train": rl4real train learns on its sources; "validation": never trained on;
                     # "test": held out from both, for final figures only


def load_corpus(path: Path) -> list[Program]:
    with open(path, "rb") as f:
        return [Program(**p) for p in tomllib.load(f)["program"]]


def training_programs(path: Path, names: str | None = None) -> list[Program]:
    """The programs named (comma-separated), else the corpus's train split; exits with a
    message when there are none."""
    programs = [p for p in load_corpus(path)
                if (p.name in names.split(",") if names else p.split == "train")]
    if not programs:
        raise SystemExit("rl4real: error: no training programs")
    return programs


def compile_command(p: Program, paths: dict, cc: list[str], src: str, obj: Path) -> list[str]:
    """The clang command for one source of p (cc: compiler and its options)."""
    return [*cc, *expand(p.cflags, **paths), "-w", "-c", src, "-o", str(obj)]


def link(p: Program, objs: list[Path], exe: Path, flags: tuple[str, ...] = ()) -> Path:
    """Links with clang-22; flags: e.g. a cross target's --target and -fuse-ld=lld."""
    run_checked([CLANG, *flags, *map(str, objs), "-o", str(exe), *p.libs])
    return exe


def compiles(corpus_path: Path, name: str, cc: list[str], work: Path) -> tuple[Program, list]:
    """Program `name` of the corpus, prepared in work/, and its compiles with the compiler
    command cc: (source, object, command) per source file."""
    (p,) = [q for q in load_corpus(corpus_path) if q.name == name]
    paths = prepare_paths(corpus_path.parent.resolve(), p, work)
    out = []
    for i, src in enumerate(expand(p.sources, **paths)):
        obj = work / f"{name}.{i}.o"
        out.append((Path(src), obj, compile_command(p, paths, cc, src, obj)))
    return p, out


def build(corpus_path: Path, name: str, cc: list[str], work: Path,
          link_flags: tuple[str, ...] = (), env: dict | None = None, jobs: int = 1) -> Path:
    """Builds program `name` of the corpus with the compiler command cc into work/ (env: the
    compilers' environment; jobs: compiles at a time); returns it."""
    from concurrent.futures import ThreadPoolExecutor
    p, steps = compiles(corpus_path, name, cc, work)
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda step: run_checked(step[2], env=env), steps))
    return link(p, [obj for _, obj, _ in steps], work / name, link_flags)


def run_command(p: Program, exe: Path, paths: dict) -> list[str]:
    return expand(p.run, exe=exe, **paths)


def run_program(p: Program, exe: Path, paths: dict, timeout: float = 600,
                runner: list[str] = ()) -> str:
    """Runs a built program on its workload (in a fresh folder; runner: e.g. qemu-user for a
    cross target); its exit status and stdout, the text that is compared between builds."""
    stdin = open(expand([p.stdin], **paths)[0], "rb") if p.stdin else subprocess.DEVNULL
    with tempfile.TemporaryDirectory() as cwd:
        r = subprocess.run([*runner, *run_command(p, exe, paths)], stdin=stdin, capture_output=True,
                           cwd=cwd, timeout=timeout)
    return f"exit {r.returncode}\n" + r.stdout.decode(errors="replace")


def corpus_compiles(corpus_path: Path) -> list[list[str]]:
    """Every source of the corpus with its flags (fetching sdists), as clang arguments."""
    out = []
    for p in load_corpus(corpus_path):
        paths = prepare_paths(corpus_path.parent.resolve(), p, cache_dir() / "prepared" / p.name)
        for src in expand(p.sources, **paths):
            out.append([*expand(p.cflags, **paths), src])
    return out


def expand(items: list[str], **paths) -> list[str]:
    return [s.format(**{k: str(v) for k, v in paths.items()}) for s in items]



def prepare_paths(bench_dir: Path, p: Program, work: Path) -> dict[str, Path]:
    paths = {"bench": bench_dir, "work": work}
    work.mkdir(parents=True, exist_ok=True)
    if p.sdist:
        name, _, version = p.sdist.partition("==")
        paths["src"] = sdist_root(name, version)
    if p.prepare == "sqlite_amalgamation":
        sqlite_sources(paths["work"])
    elif p.prepare:
        raise ValueError(f"{p.name}: unknown prepare step {p.prepare!r}")
    return paths
