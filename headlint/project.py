"""The checked project's own modules: ``import`` statements resolved to files, and
those files read, parsed and run at module level, so that a model defined in
``models.py`` meets the loss built in ``train.py``.

Resolution follows Python's rules without importing anything:

- ``from .models import Net`` / ``from ..data import load``: relative to the
  importing file's package;
- ``from models import Net`` / ``import pkg.models``: the nearest ancestor
  directory of the importing file (up to the project's root: the directory holding
  pyproject.toml, setup.py, setup.cfg or .git) that has ``models.py`` or
  ``models/__init__.py``, or its ``src/``; never in site-packages or a virtual
  environment; names of the frameworks and of common libraries are never looked up
  on disk.

Parsed trees are kept per process (bounded), but a module's top level is run
again for every checked file that uses it: what one file's analysis does to the
values of another module (``model.compile`` on an imported model) never leaks into
the next file's result, whatever the order or the worker that checks them.

Every file read, and every place looked at and found empty, is recorded as a
dependency of the file being checked: the cache (cache.py) reuses a result only
while all of them are unchanged.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional

from .discover import is_notebook
from .records import FileError
from .source import Source, decode, mentions_framework, read_bytes
from .syntax import readable_text

# Markers of a project's root: resolution never climbs above it.
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
MAX_CLIMB = 4  # directories above the importing file, when no root marker is found
# Directories holding installed packages: the libraries there are not the project's
# own modules, even when the checked file is itself installed code.
NOT_ROOTS = ("site-packages", "dist-packages")
# Guards against import fan-out (real code bases import dozens of large internal
# modules from every file): what one checked file may load, and the largest module
# followed (a user's models.py is far smaller; a framework's internals are not
# where its heads are). Past them an import is unknown, and rules stay silent.
MAX_LOADS = 16
MAX_LOADED_BYTES = 200_000
MAX_MODULE_BYTES = 100_000
# Parsed modules kept per process: a libcst tree takes about 200 times its source
# in memory, so the bound is on their sources' total size.
KEPT_SOURCE_CHARS = 1_500_000
# A folder of snippets that share one namespace (a book's numbered parts, a notebook
# cut into files) holds a handful of them; a folder of more Python files than this is
# a package, whose modules import what they use.
MAX_SNIPPETS = 40
# How far an entry point's imports are followed to find the framework code it runs
# (``main.py`` -> ``train.py`` -> ``models/__init__.py``), and how many files at most.
MAX_REACH_HOPS = 3
MAX_REACH_FILES = 16

# An import statement at the start of a line: ``from X import (a, b)`` over several
# lines, ``from X import a, \`` continued, ``import a.b as c, d``. Read by a pattern,
# not a parser: the files are not parsed yet when these are asked about.
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(?P<module>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|(?:[^\n\\#;]|\\\r?\n)*)"
    rb"|import[ \t]+(?P<dotted>(?:[^\n\\#;]|\\\r?\n)+))",
    re.MULTILINE,
)
_AS = re.compile(r"\s+as\s+\w+\s*$")
_MAIN_GUARD = re.compile(rb"^if[ \t]+__name__[ \t]*==[ \t]*['\"]__main__['\"]", re.MULTILINE)


@dataclass
class Loaded:
    """A module of the project, parsed (the tree is shared; the scope is per check)."""

    path: str
    source: object  # source.Source
    module: object  # libcst Module
    digest: str
    as_written: bool = True  # False: read as the Python 3 its Python 2 statements mean (no fix edits it)


@dataclass
class Check:
    """What one checked file's analysis has loaded: the modules' top-level scopes
    (run on demand, once per check) and the dependencies it read."""

    path: str  # the file being checked
    scopes: dict = field(default_factory=dict)  # real path -> its top-level Scope
    loaded: dict = field(default_factory=dict)  # path -> Loaded
    deps: dict = field(default_factory=dict)  # path -> digest, or None: looked at, absent


def _library(name: str) -> bool:
    # imported here: loading the vocabulary costs start-up time that a run which
    # resolves no import (every file skipped by the pre-filter) never pays
    from .vocabulary.installed import LIBRARIES

    return name in LIBRARIES


def digest(data: bytes) -> str:
    import hashlib  # here: a run without the cache or imports to follow never hashes

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: str) -> Optional[str]:
    """The digest of a file's bytes, or of a folder's listing; None when it is absent
    or unreadable."""
    try:
        with open(path, "rb") as handle:
            return digest(handle.read())
    except OSError:
        pass
    try:  # only once a file cannot be opened: the cache checks every dependency on a warm run
        return digest("\0".join(sorted(os.listdir(path))).encode("utf-8", "surrogateescape"))
    except OSError:
        return None


def _reading_order(name: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", name) if part]


def import_statements(path: str, data: bytes) -> list:
    """(module, level, names or None for ``import module``) of each import statement
    of a file (of a notebook, its code cells)."""
    if is_notebook(path):
        from . import notebook  # json and its helpers: only for a notebook

        book = notebook.read(path, data)
        data = b"" if isinstance(book, FileError) else book.program.encode("utf-8", "surrogatepass")
    return list(_parse_imports(data))


def import_targets(statements: list) -> list:
    """The modules an import statement may load, as (dotted name, level):
    ``import a.b`` loads a and a.b; ``from .m import x`` loads .m and, when x is a
    submodule, .m.x."""
    targets = []
    for module, level, names in statements:
        if names is None:
            parts = module.split(".")
            targets.extend((".".join(parts[: i + 1]), 0) for i in range(len(parts)))
        else:
            targets.append((module, level))
            targets.extend(((f"{module}.{name}" if module else name), level) for name in names if name != "*")
    return [(dotted, level) for dotted, level in targets if dotted or level]


def _parse_imports(data: bytes):
    for match in _IMPORT.finditer(data):
        if match.group("dotted") is not None:
            for part in _imported_names(match.group("dotted")):
                yield (part, 0, None)
            continue
        module = match.group("module").decode("ascii", "replace")
        level = len(module) - len(module.lstrip("."))
        names = tuple(_imported_names(match.group("names").strip().strip(b"()")))
        yield (module.lstrip("."), level, names)


def _imported_names(text: bytes) -> list:
    """``a as b, c.d,`` -> ["a", "c.d"] (comments and continuations dropped)."""
    text = re.sub(rb"#[^\n]*", b"", text).replace(b"\\\n", b" ").replace(b"\\\r\n", b" ")
    names = []
    for part in text.decode("utf-8", "replace").split(","):
        name = _AS.sub("", part.strip()).strip()
        if name and all(piece.isidentifier() for piece in name.split(".")) or name == "*":
            names.append(name)
    return names


class Project:
    """Per process: resolves and loads the project's modules for the file being checked."""

    def __init__(self) -> None:
        self._trees: "OrderedDict[str, Optional[Loaded]]" = OrderedDict()
        self._roots: dict = {}
        self.current: Optional[Check] = None
        # real path -> a text that stands for the file's (a fix being tried on it)
        self._overlays: dict = {}
        # real path of a file -> the folders its own ``sys.path.append(...)`` added
        self._added: dict = {}

    def overlay(self, path: str, text: Optional[str]) -> None:
        """Read ``text`` instead of the file at ``path`` from now on (None: the file again)."""
        key = os.path.realpath(path)
        if text is None:
            self._overlays.pop(key, None)
        else:
            self._overlays[key] = text

    def overlaid(self, path: str) -> Optional[str]:
        """The text standing for the file at ``path``, or None (the file itself)."""
        return self._overlays.get(os.path.realpath(path))

    # --- one checked file ----------------------------------------------------

    def begin(self, path: str) -> Check:
        """Start checking ``path``."""
        self.current = Check(path)
        return self.current

    def end(self) -> Optional[Check]:
        check, self.current = self.current, None
        return check

    # --- resolution ----------------------------------------------------------

    def add_search_path(self, importer: str, entry: str) -> None:
        """``sys.path.append("../modules")`` in ``importer``: its later imports are also
        looked for there, relative to the importer's folder (where a script is run from)."""
        folder = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(importer)), entry))
        added = self._added.setdefault(os.path.realpath(importer), [])
        if os.path.isdir(folder) and folder not in added:
            added.append(folder)

    def mentions(self, path: str, name: str) -> bool:
        """Does the file at ``path`` hold the word ``name`` at all (a look at its bytes, no
        parse): a module that cannot define a name is not parsed to look for it there."""
        text = self._overlays.get(os.path.realpath(path))
        try:
            data = text.encode("utf-8", "surrogatepass") if text is not None else open(path, "rb").read()
        except OSError:
            return False
        if self.current is not None:
            self.current.deps.setdefault(os.path.normpath(path), file_digest(path))
        return name.encode("utf-8", "surrogatepass") in data

    def beside(self, path: str) -> list:
        """The Python files of ``path``'s folder, ``path`` among them, in the order a
        reader runs numbered parts (``part_2`` before ``part_10``); none past
        MAX_SNIPPETS. The folder's listing is a dependency of the check."""
        folder = os.path.dirname(os.path.abspath(path))
        try:
            names = [n for n in os.listdir(folder) if n.endswith(".py") and n != "__init__.py"]
        except OSError:
            return []
        if self.current is not None:
            self.current.deps.setdefault(os.path.normpath(folder), file_digest(folder))
        if len(names) > MAX_SNIPPETS:
            return []
        return [os.path.join(folder, n) for n in sorted(names, key=_reading_order)]

    def _roots_of(self, importer: str) -> list:
        return self._search_roots(importer) + self._added.get(os.path.realpath(importer), [])

    def resolve(self, importer: str, module: str, level: int) -> Optional[str]:
        """The file behind ``from <level dots><module> import ...`` in ``importer``;
        for a package, its ``__init__.py``."""
        parts = [p for p in module.split(".") if p]
        if level:
            base = os.path.dirname(os.path.abspath(importer))
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return self._find(base, parts) if parts else self._existing(os.path.join(base, "__init__.py"))
        if not parts or _library(parts[0]):
            return None
        for root in self._roots_of(importer):
            found = self._find(root, parts)
            if found is not None:
                return found
        return None

    def entry_point(self, path: str, data: bytes) -> bool:
        """Is a file that imports no framework itself an entry point of the program
        that runs the project's model code (``main.py``: ``from model import Net; from
        train import fit; fit(Net())``), which the pre-filter must not skip? A script
        (outside any package), a notebook, or a module with a ``__main__`` guard, whose
        imports reach a module of the project that imports a framework, up to
        MAX_REACH_HOPS imports away (MAX_REACH_FILES files read). A package's other
        modules are its library: they reach its framework code through its
        ``__init__.py`` without running any of it."""
        inside_package = os.path.isfile(os.path.join(os.path.dirname(os.path.abspath(path)), "__init__.py"))
        if inside_package and not is_notebook(path) and _MAIN_GUARD.search(data) is None:
            return False
        seen = {os.path.realpath(path)}
        frontier = [(path, data)]
        for _ in range(MAX_REACH_HOPS):
            reached = []
            for importer, text in frontier:
                for dotted, level in import_targets(import_statements(importer, text)):
                    found = self.resolve(importer, dotted, level)
                    real = os.path.realpath(found) if found is not None else None
                    if real is None or real in seen:
                        continue
                    if len(seen) > MAX_REACH_FILES:
                        return False
                    seen.add(real)
                    imported = read_bytes(found)
                    if isinstance(imported, FileError):
                        continue
                    if mentions_framework(imported):
                        return True
                    reached.append((found, imported))
            frontier = reached
        return False

    def namespace(self, importer: str, module: str, level: int) -> bool:
        """Is ``module`` a folder of the project without ``__init__.py`` (a namespace
        package, which Python 3 imports all the same)?"""
        parts = [p for p in module.split(".") if p]
        if not parts:
            return False
        if level:
            base = os.path.dirname(os.path.abspath(importer))
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return os.path.isdir(os.path.join(base, *parts))
        if _library(parts[0]):
            return False
        return any(os.path.isdir(os.path.join(root, *parts)) for root in self._roots_of(importer))

    def _find(self, base: str, parts: list) -> Optional[str]:
        stem = os.path.join(base, *parts)
        return self._existing(stem + ".py") or self._existing(os.path.join(stem, "__init__.py"))

    def _existing(self, path: str) -> Optional[str]:
        if os.path.isfile(path):
            return path
        if self.current is not None:
            self.current.deps.setdefault(os.path.normpath(path), None)  # its appearance changes the result
        return None

    def _search_roots(self, importer: str) -> list:
        start = os.path.dirname(os.path.abspath(importer))
        if start not in self._roots:
            roots, directory = [], start
            for _ in range(MAX_CLIMB):
                if os.path.basename(directory) in NOT_ROOTS or os.path.exists(os.path.join(directory, "pyvenv.cfg")):
                    break
                roots.append(directory)
                if any(os.path.exists(os.path.join(directory, m)) for m in ROOT_MARKERS):
                    src = os.path.join(directory, "src")
                    if os.path.isdir(src):
                        roots.append(src)
                    break
                parent = os.path.dirname(directory)
                if parent == directory:
                    break
                directory = parent
            self._roots[start] = roots
        return self._roots[start]

    # --- loading -------------------------------------------------------------

    def load(self, path: str) -> Optional[Loaded]:
        """The parsed module at ``path`` (None when it cannot be read or parsed),
        recorded as a dependency of the current check."""
        check = self.current
        key = os.path.realpath(path)
        if check is not None and key in check.loaded:
            return check.loaded[key]
        if check is not None and not self._affordable(check, path):
            check.deps[os.path.normpath(path)] = file_digest(path)
            return None
        if key in self._overlays:
            text = self._overlays[key]
            loaded = self._parsed(path, text, digest(text.encode("utf-8", "surrogatepass")))
        elif key in self._trees:
            self._trees.move_to_end(key)
            loaded = self._trees[key]
        else:
            loaded = self._parse(path)
            self._keep(key, loaded)
        if check is not None:
            check.deps[os.path.normpath(path)] = loaded.digest if loaded is not None else file_digest(path)
            if loaded is not None:
                check.loaded[key] = loaded
        return loaded

    @staticmethod
    def _affordable(check: Check, path: str) -> bool:
        try:
            size = os.path.getsize(path)
        except OSError:
            return True  # load() finds out and says None
        spent = sum(len(loaded.source.text) for loaded in check.loaded.values())
        return len(check.loaded) < MAX_LOADS and size <= MAX_MODULE_BYTES and spent + size <= MAX_LOADED_BYTES

    def _keep(self, key: str, loaded: Optional[Loaded]) -> None:
        self._trees[key] = loaded
        self._trees.move_to_end(key)
        kept = sum(len(tree.source.text) for tree in self._trees.values() if tree is not None)
        while kept > KEPT_SOURCE_CHARS and len(self._trees) > 1:
            _, dropped = self._trees.popitem(last=False)
            kept -= len(dropped.source.text) if dropped is not None else 0

    def _parse(self, path: str) -> Optional[Loaded]:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        source = decode(path, data)
        if source is None or isinstance(source, FileError):
            return None
        return self._parsed(path, source.text, digest(data), source)

    @staticmethod
    def _parsed(path: str, text: str, stamp: str, source=None) -> Optional[Loaded]:
        import libcst as cst

        source = source or Source.of(path, text)
        readable, problem = readable_text(source.text)
        if problem is not None:
            return None
        try:
            module = cst.parse_module(readable)
        except (cst.ParserSyntaxError, RecursionError):
            return None
        return Loaded(path, source, module, stamp, as_written=readable is source.text)
