"""The corpus's source distributions: fetched once into the cache, also when several builds
(threads of one run, or processes such as pytest's workers) ask for the same one at once."""

import io
import tarfile
import threading
import time
from pathlib import Path

from rl4real import corpus


def test_builds_asking_at_once_wait_for_one_fetch(tmp_path, monkeypatch):
    monkeypatch.setenv("RL4REAL_CACHE", str(tmp_path / "cache"))
    fetches = []

    def fake_pip(cmd, check):  # `pip download ... -d TMP`: a slow download of a one-file sdist
        fetches.append(cmd)
        time.sleep(0.3)
        data = b"int x;\n"
        with tarfile.open(Path(cmd[cmd.index("-d") + 1]) / "pkg-1.0.tar.gz", "w:gz") as tar:
            info = tarfile.TarInfo("pkg-1.0/x.c")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    monkeypatch.setattr(corpus.subprocess, "run", fake_pip)
    roots = []
    threads = [threading.Thread(target=lambda: roots.append(corpus.sdist_root("pkg", "1.0")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fetches) == 1
    assert len(roots) == 4 and len(set(roots)) == 1 and (roots[0] / "x.c").read_bytes() == b"int x;\n"
