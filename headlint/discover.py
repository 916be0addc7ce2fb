"""Which files to check: the paths given, directories walked for ``*.py`` and
``*.ipynb`` (Jupyter notebooks; ``.ipynb_checkpoints`` is skipped)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterator, Optional

# Folders that never hold the project's own model code.
SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "__pycache__",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
        "node_modules", "site-packages", "build", "dist", ".eggs", ".headlint_cache",
    }
)


@dataclass
class Discovery:
    files: list = field(default_factory=list)  # in a stable order, each once
    missing: list = field(default_factory=list)  # paths that do not exist
    # file -> the path given that it was found under (itself, for a file named
    # explicitly): exclusion treats what was named differently (config.excluded)
    named: dict = field(default_factory=dict)


def _skipped(directory: str, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    # any virtual environment, whatever it is called
    return os.path.exists(os.path.join(directory, name, "pyvenv.cfg"))


def discover(paths) -> Discovery:
    found = Discovery()
    seen: set = set()

    def add(path: str, given: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.files.append(path)
            found.named[path] = given

    for path in paths:
        if os.path.isdir(path):
            for full in walk(path):
                add(full, path)
        elif os.path.lexists(path):
            add(path, path)  # a file named explicitly is checked whatever its name (*.ipynb: as a notebook)
        else:
            found.missing.append(path)
    return found


def shown_path(path: str) -> str:
    """A path as users name files: relative to the working directory when it is
    below it, else as it is."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def walk(directory: str, limit: Optional[int] = None) -> Iterator[str]:
    """The ``*.py`` and ``*.ipynb`` files below ``directory``, in a stable order (a
    folder's files by name, then its folders by name, as ``os.walk`` goes), skipping
    SKIP_DIRS and virtual environments; at most ``limit`` of them. ``os.scandir``
    tells files from folders without a stat per file: the walk runs for every
    explicit file (importers.py), so it must cost little."""
    count = 0
    pending = [directory]
    while pending:
        root = pending.pop()
        try:
            with os.scandir(root) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not _skipped(root, entry.name):
                    folders.append(entry.path)
            elif entry.name.endswith((".py", ".ipynb")) and _is_file(entry):
                yield os.path.normpath(entry.path)
                count += 1
                if limit is not None and count >= limit:
                    return
        pending.extend(reversed(folders))


def _is_file(entry) -> bool:
    """A file, or a link to one; a link to nothing or a loop of links is neither."""
    try:
        return entry.is_file()
    except OSError:
        return False


# A notebook's outputs (plots, tables) can make it large; its code is held to
# source.MAX_BYTES once the cells are joined.
NOTEBOOK_MAX_BYTES = 100_000_000


def is_notebook(path) -> bool:
    return str(path).lower().endswith(".ipynb")
