"""The project's files that import the checked ones: the rest of the program.

A pre-commit hook or a CI step on a diff hands headlint only some files. A commit
that changes only ``model.py`` (the commonest edit of a model: its head) must still
be judged with the loss that ``train.py`` applies to it, so the files that import a
checked file, directly or through others (a package ``__init__.py``, a trainer
module), are checked too, as context: what they report about the checked files
counts, and nothing else of theirs does (runner.py filters).

    context = importers_of(["model.py"], excluded=settings.excluded, memo=cache)

Finding them stays cheap on a large tree (one file staged among thousands):

- the project is the tree below the nearest root marker above each checked file
  (pyproject.toml, setup.py, setup.cfg, .git; project.ROOT_MARKERS), walked as
  discover.py walks a directory, less the configuration's excludes;
- a byte-level pre-filter: a file can import ``pkg/model.py`` only if its bytes
  contain ``model`` (``from .model import``, ``import pkg.model``, ``from pkg import
  model``), so most files are read and never parsed;
- the import statements of a file that passes are read by a regular expression,
  not a parser, and kept in the cache per digest of the file's bytes (``memo``);
- each import is resolved to a file by project.Project.resolve, the same
  resolution the analysis follows, so a file is context exactly when its analysis
  can reach a checked file.

The walk stops at MAX_PROJECT_FILES: past it the context is what was found so far.
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterable, Optional

from .discover import shown_path, walk
from .project import ROOT_MARKERS, Project, digest, import_statements, import_targets
from .records import FileError
from .source import read_bytes

MAX_PROJECT_FILES = 50_000
# How far the context reaches. A head is trained by a file that imports it
# directly, through a package's ``__init__.py``, or through a factory module the
# package re-exports (``train.py -> models/__init__.py -> factory.py -> resnet.py``:
# three imports). Further out, in a framework-sized package, nearly every file
# imports every other through the top ``__init__.py``, and none of them trains the
# checked model. Past MAX_CONTEXT files, the nearest are kept: fewest imports
# away, then the closest in the directory tree.
MAX_HOPS = 3
MAX_CONTEXT = 32

# A name bound at a file's top level, read by a pattern: ``def name``, ``class name``,
# ``name = ...`` or ``name: T = ...`` at the start of a line.
_TOP_BINDING = re.compile(rb"^(?:(?:async[ \t]+)?def|class)[ \t]+(\w+)|^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)


def project_root(path: str) -> Optional[str]:
    """The nearest directory above ``path`` holding a root marker, or None."""
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        if any(os.path.exists(os.path.join(directory, marker)) for marker in ROOT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def importers_of(
    checked: Iterable[str], excluded: Callable[[str], bool] = lambda path: False, memo=None, walked: Iterable[str] = ()
) -> list:
    """The project files (not among ``checked``) that import one of ``checked``,
    directly or through at most MAX_HOPS - 1 others, the MAX_CONTEXT nearest, in a
    stable order. ``memo``: a cache.Cache
    keeping each file's imports by the digest of its bytes; ``walked``: directories
    whose files are all among ``checked`` already (a project inside one is not
    walked again)."""
    checked = list(checked)
    # abspath, not realpath, below: resolving links costs a stat per directory, and
    # both spellings of a checked file are in the closure
    closure = {os.path.realpath(path) for path in checked} | {os.path.abspath(path) for path in checked}
    covered = [os.path.realpath(directory) for directory in walked]
    roots = {
        root
        for root in map(project_root, checked)
        if root is not None and not any(_inside(os.path.realpath(root), directory) for directory in covered)
    }
    candidates: list = []  # (path, real path)
    for root in sorted(roots):
        for path in walk(root, limit=MAX_PROJECT_FILES):
            real = os.path.abspath(path)
            if real not in closure and not excluded(path):
                candidates.append((path, real))
    if not candidates:
        return []
    resolver = Project()
    imported: dict = {}  # path -> what its import statements name: (dotted, level)
    data_of: dict = {}
    found: list = []  # (hops, path, real path)
    frontier = set(closure)
    for hops in range(1, MAX_HOPS + 1):
        stems = {_stem(path) for path in frontier}
        words = [stem.encode() for stem in stems]
        reached = {}
        for path, real in candidates:
            if real in closure:
                continue
            if path not in imported:
                data = data_of.get(path)
                if data is None:
                    data = data_of[path] = _read(path)
                if not any(word in data for word in words):
                    continue  # the pre-filter: it names none of them
                imported[path] = import_targets(_statements(data, path, memo))
                del data_of[path]
            for dotted, level in imported[path]:
                # only a name ending in a stem can be one of them: resolve those alone
                if dotted.rpartition(".")[2] in stems or (not dotted and "__init__" in stems):
                    where = resolver.resolve(path, dotted, level)
                    if where is not None and os.path.abspath(where) in frontier:
                        reached[path] = real
                        break
        if not reached:
            break
        found.extend((hops, path, real) for path, real in reached.items())
        frontier = set(reached.values())
        closure |= frontier
    found.extend((1, path, real) for path, real in _snippet_readers(checked, candidates, closure, data_of, memo, resolver))
    targets = [os.path.realpath(path) for path in checked]
    nearest = sorted(found, key=lambda item: (item[0], -_nearness(item[2], targets), item[1]))
    return sorted(shown_path(path) for _, path, _ in nearest[:MAX_CONTEXT])


def _snippet_readers(checked: list, candidates: list, closure: set, data_of: dict, memo, resolver: Project) -> list:
    """The files beside a checked one that read a name it binds at its top level, but
    neither bind nor import that name: snippets run in one namespace, as the analysis
    reads them (interpreter.py, ``shared_name``), such as ``part_3_train.py`` training
    the model ``part_1_model.py`` builds. A pattern picks them; their analysis decides."""
    readers: list = []
    for target in checked:
        if not target.endswith(".py"):
            continue
        folder = {os.path.abspath(path) for path in resolver.beside(target)}  # none in a package's folder
        beside = [(path, real) for path, real in candidates if real in folder]
        if not beside:
            continue
        names = _top_bindings(_read(target))
        for path, real in beside:
            if real in closure:
                continue
            data = data_of.get(path)
            if data is None:
                data = data_of[path] = _read(path)
            own = _top_bindings(data) | {
                name.split(".")[0].encode()
                for module, _, imported in _statements(data, path, memo) for name in (imported or (module,))
            }
            if any(re.search(rb"\b%s\b" % name, data) for name in names - own):
                readers.append((path, real))
                closure.add(real)
    return readers


def _top_bindings(data: bytes) -> set:
    return {(match.group(1) or match.group(2)) for match in _TOP_BINDING.finditer(data)}


def _nearness(path: str, targets: list) -> int:
    """How many leading directories ``path`` shares with the nearest target."""
    parts = path.split(os.sep)[:-1]
    best = 0
    for target in targets:
        shared = 0
        for mine, theirs in zip(parts, target.split(os.sep)[:-1]):
            if mine != theirs:
                break
            shared += 1
        best = max(best, shared)
    return best


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _stem(path: str) -> str:
    """The name an import statement must contain to import ``path``."""
    name = os.path.basename(path)
    if name == "__init__.py":
        return os.path.basename(os.path.dirname(os.path.abspath(path)))
    return os.path.splitext(name)[0]


def _read(path: str) -> bytes:
    data = read_bytes(path)  # up to the size limit a checked file has
    return b"" if isinstance(data, FileError) else data


def _statements(data: bytes, path: str, memo) -> list:
    """(module, level, names or None for ``import module``) of each import statement,
    from the memo when this content was read before."""
    key = f"imports|{digest(data)}" if memo is not None else None
    if key is not None:
        kept = memo.get_value(key)
        if kept is not None:
            return kept
    statements = import_statements(path, data)
    if key is not None:
        memo.put_value(key, statements)
    return statements
