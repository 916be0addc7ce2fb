"""The result cache: a file's result is reused while nothing it depends on changed.

An entry is keyed by what decides the result on its own: the file's path and the
digest of its bytes, the headlint build (version plus a fingerprint of its own
modules, so that an edited checkout never serves stale results) and the settings
that change what is reported (the rules selected for that file). It stores the
result with its dependencies (engine.FileResult.deps: the project's modules the
analysis followed, and the places where an import was looked for and found
nothing); a hit is served only when every one of them still has the same digest,
or is still absent.

Storage is diskcache (SQLite underneath): concurrent runs sharing one directory
are safe, and its size is bounded (least recently used entries go first). The
directory gets a ``.gitignore`` of ``*`` and a CACHEDIR.TAG, as ruff and pytest
do, so it is never committed nor backed up. A cache that cannot be opened (a
read-only tree, a corrupt database) is not an error: the run goes on without it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

from . import __version__
from .project import file_digest

DEFAULT_DIR = ".headlint_cache"
SIZE_LIMIT = 256 * 1024 * 1024
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by headlint.\n"


def _build() -> str:
    """headlint's version and the sizes and times of its own modules."""
    package = Path(__file__).parent
    stamp = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stamp.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}".encode())
    return stamp.hexdigest()


class Cache:
    def __init__(self, directory: str):
        import diskcache  # imported only when a cache is used

        os.makedirs(directory, exist_ok=True)
        for name, text in ((".gitignore", "# created by headlint\n*\n"), ("CACHEDIR.TAG", _TAG)):
            marker = os.path.join(directory, name)
            if not os.path.exists(marker):
                with open(marker, "w", encoding="utf-8") as handle:
                    handle.write(text)
        self._store = diskcache.Cache(directory, size_limit=SIZE_LIMIT, timeout=30)
        self._build = _build()
        self._digests: dict = {}  # dependency path -> digest, read once per run

    @classmethod
    def open(cls, directory: str) -> Optional["Cache"]:
        try:
            return cls(directory)
        except Exception:  # noqa: BLE001 - no cache is slower, never wrong
            return None

    def key(self, path: str, digest: str, settings: tuple) -> str:
        # the path as given too: a result names its file as it was given
        return f"{self._build}|{os.path.abspath(path)}|{path}|{digest}|{settings!r}"

    def get(self, key: str):
        try:
            entry = self._store.get(key)
        except Exception:  # noqa: BLE001 - a broken entry is a miss
            return None
        if entry is None:
            return None
        deps, result = entry
        if any(self._digest(path) != digest for path, digest in deps.items()):
            return None
        return result

    def put(self, key: str, result) -> None:
        try:
            self._store.set(key, (result.deps, result))
        except Exception:  # noqa: BLE001 - a full disk costs speed, not results
            pass

    def get_value(self, key: str):
        """A value kept with ``put_value`` under ``key`` by this build, or None."""
        try:
            return self._store.get(f"{self._build}|{key}")
        except Exception:  # noqa: BLE001 - a broken entry is a miss
            return None

    def put_value(self, key: str, value) -> None:
        try:
            self._store.set(f"{self._build}|{key}", value)
        except Exception:  # noqa: BLE001 - a full disk costs speed, not results
            pass

    def _digest(self, path: str) -> Optional[str]:
        if path not in self._digests:
            self._digests[path] = file_digest(path)
        return self._digests[path]

    def close(self) -> None:
        self._store.close()
