"""What an editor shows: the open documents of a workspace, checked as ``headlint
check`` checks files, as plain data (server.py speaks the protocol; nothing here
knows of it, so this is tested without a client).

    workspace = Workspace()
    workspace.open("/proj/model.py", text)
    checked = workspace.diagnose("/proj/model.py")
    checked.diagnostics  # real path -> [Diagnostic], 0-based, columns in code points

A document is checked with the project around it, as the CLI checks a file named on
its command line: its own findings, and what the analyses of the project's files
that import it (importers.py) find in it, kept as runner.py keeps a context file's
findings. Open buffers stand for the files on disk, in the document itself and,
through project.Project.overlay, in every other file's analysis; the files that are
not open are read from disk. The workspace's ``[tool.headlint]`` applies: the rules
it selects, its per-file-ignores, and its excludes (an excluded file gets nothing;
an editor names no file, so excludes apply as with ``--force-exclude``).

What is published where: a finding goes to the file it lies in (the activation's,
as the CLI reports it), whichever document's check found it, so train.py's check
also gives model.py its softmax, open or not. A file's diagnostics are the union of
what every open document's check found in it (``Workspace.published``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from typing import Optional

from . import config as configuration
from . import selection
from .engine import check_source
from .importers import importers_of
from .project import Project
from .records import FileError, Located, Probing, Span
from .rules import RULES
from .runner import Task, check_files, read_checked
from .source import _NOQA, read_bytes  # _NOQA: the one definition of what ``# noqa`` looks like

ERROR, WARNING, INFORMATION = "error", "warning", "information"


@dataclass(frozen=True)
class Place:
    """A range in a file: 0-based lines, columns in code points (characters), the
    end exclusive; in a notebook, lines of ``cell`` (1-based among all cells)."""

    path: str  # real path
    line: int
    col: int
    end_line: int
    end_col: int
    cell: Optional[int] = None


@dataclass(frozen=True)
class Diagnostic:
    place: Place
    severity: str  # ERROR (a file that cannot be checked), WARNING (a finding)
    message: str
    code: Optional[str] = None  # None: not a rule's finding (a syntax error)
    related: tuple = ()  # (label, Place)
    fix: Optional[dict] = None  # {"description", "safe"}
    origin: str = ""  # the real path of the file whose analysis found it
    evidence: Optional[dict] = None  # what headlint.confirm measured

    @property
    def key(self) -> tuple:
        """The finding, whatever analysis found it."""
        return (self.code, self.place.path, self.place.cell, self.place.line, self.place.col)


@dataclass
class Checked:
    """One document's check: what it found, by the real path of the file it lies in,
    and the files it read (a change to one of them calls for a new check)."""

    path: str
    diagnostics: dict = field(default_factory=dict)  # real path -> [Diagnostic]
    reads: frozenset = frozenset()


@dataclass
class Document:
    path: str
    text: str  # a Python file's text; a notebook's JSON (its cells, joined by notebook.py)
    cells: Optional[list] = None  # a notebook's: [(is_code, text)], in order


def notebook_json(cells: list) -> str:
    """A notebook document (nbformat 4) holding ``cells``, [(is_code, text)]: what
    notebook.py reads from an .ipynb file, so that a notebook open in an editor is
    checked exactly as the file is."""
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": "code" if code else "markdown", "metadata": {}, "source": text, "outputs": []}
                for code, text in cells
            ],
        }
    )


# A FileError's reason names where a syntax error is: "syntax error at cell 2, line 3, column 5: ..."
_POSITION = re.compile(r"at (?:cell (?P<cell>\d+), )?line (?P<line>\d+)(?:, column (?P<col>\d+))?")


class Workspace:
    """The open documents, and the project their analyses share (parsed modules are
    kept between checks; ``files_changed`` drops them when files change on disk)."""

    def __init__(self) -> None:
        self.documents: dict = {}  # real path -> Document
        self.project = Project()
        self._importers: dict = {}  # real path -> its importers (importers_of), until files change
        self._checked: dict = {}  # real path -> Checked, the last check of each open document
        self.evidence: dict = {}  # Diagnostic.key -> what headlint.confirm measured, until its file changes

    # --- the documents ----------------------------------------------------------

    def open(self, path: str, text: str, cells: Optional[list] = None) -> None:
        key = os.path.realpath(path)
        self.documents[key] = Document(path, notebook_json(cells) if cells is not None else text, cells)
        self._forget_evidence(key)

    def close(self, path: str) -> None:
        key = os.path.realpath(path)
        self.documents.pop(key, None)
        self._checked.pop(key, None)
        self.files_changed()  # the file on disk is what the others read now

    def files_changed(self) -> None:
        """Files changed on disk (saved, checked out): parse them again, and find
        their importers again."""
        self.project = Project()
        self._importers.clear()

    def dependents(self, path: str) -> list:
        """The open documents (other than ``path``) whose last check read ``path``."""
        key = os.path.realpath(path)
        # list(): a snapshot (the server reads this state while its worker checks)
        return [checked.path for other, checked in list(self._checked.items()) if other != key and key in checked.reads]

    # --- checking ---------------------------------------------------------------

    def settings(self, path: str) -> configuration.Config:
        """The ``[tool.headlint]`` that applies to ``path`` (read again each time, so
        an edit of pyproject.toml applies at the next check); ConfigError when bad."""
        return configuration.load(configuration.find_pyproject([path]))

    def diagnose(self, path: str) -> Checked:
        """Check the document at ``path`` (open, or on disk) with the project's files
        that import it, and keep the result for ``published``."""
        key = os.path.realpath(path)
        checked = self._diagnose(path, key)
        if key in self.documents:
            self._checked[key] = checked
        return checked

    def _diagnose(self, path: str, key: str) -> Checked:
        try:
            settings = self.settings(path)
        except configuration.ConfigError as error:
            return Checked(key, {key: [Diagnostic(Place(key, 0, 0, 0, 0), ERROR, f"headlint: {error}")]}, frozenset({key}))
        if settings.excluded(path):
            return Checked(key, {key: []}, frozenset({key}))
        selected = selection.resolve([settings.rules_layer()], RULES)
        context = self.importers(path, settings)
        self._overlay()
        tasks = [Task(path, frozenset(selected - settings.ignored_for(path)), data=self._data(path))]
        tasks += [Task(other, frozenset(selected), context=True, data=self._data(other)) for other in context]
        found: dict = {key: []}
        reads = {key} | {os.path.realpath(other) for other in context}
        seen: set = set()
        for result in check_files(tasks, project=self.project):
            origin = os.path.realpath(result.path)
            reads |= {os.path.realpath(dep) for dep in result.deps}
            if result.error is not None and origin == key:
                found[key].append(_error_diagnostic(key, result.error))
            for at in result.findings:
                # a finding in another file than the analysed one follows that file's
                # per-file-ignores and excludes, as in the CLI
                if os.path.realpath(at.span.path) != origin and not settings.reports_in(at.span.path, at.code, {key}):
                    continue
                diagnostic = self._diagnostic(at, origin)
                if diagnostic.key not in seen:
                    seen.add(diagnostic.key)
                    found.setdefault(diagnostic.place.path, []).append(diagnostic)
        return Checked(key, found, frozenset(reads))

    def importers(self, path: str, settings: configuration.Config) -> list:
        key = os.path.realpath(path)
        if key not in self._importers:
            self._importers[key] = importers_of([path], settings.excluded) if os.path.isabs(path) else []
        return self._importers[key]

    def published(self, path: str) -> list:
        """What to show for the file at ``path``: what the last check of each open
        document found there, once each (with its fix when one check offers it)."""
        key = os.path.realpath(path)
        merged: dict = {}
        for checked in list(self._checked.values()):
            for diagnostic in checked.diagnostics.get(key, ()):
                kept = merged.get(diagnostic.key)
                if kept is None or (kept.fix is None and diagnostic.fix is not None):
                    merged[diagnostic.key] = diagnostic
        shown = [replace(d, evidence=self.evidence.get(d.key, d.evidence)) for d in merged.values()]
        return sorted(shown, key=lambda d: (d.place.cell or 0, d.place.line, d.place.col, d.code or ""))

    def checked(self) -> set:
        """The open documents checked so far."""
        return set(list(self._checked))

    def targets(self) -> set:
        """Every file some open document's check found something in."""
        return {path for checked in list(self._checked.values()) for path, found in checked.diagnostics.items() if found}

    # --- fixes and confirmation -------------------------------------------------

    def fixed(self, path: str, diagnostic: Diagnostic) -> dict:
        """The edit that fixes this one finding: real path -> (text before, after); a
        notebook's: its path -> [(cell number, source before, after)]. Empty when
        the fix cannot be made (the text changed, or the fix does not hold)."""
        if diagnostic.fix is None:
            return {}
        mode = "safe" if diagnostic.fix.get("safe") else "unsafe"
        key = os.path.realpath(path)

        def this_one(at: Located) -> bool:
            return self._diagnostic(at, "").key == diagnostic.key

        origin = diagnostic.origin or key
        source = self._source(origin)
        if source is None or isinstance(source, FileError):
            return {}
        self._overlay()
        fix_paths = frozenset() if origin == key else frozenset({key})
        result = check_source(
            source, {diagnostic.code}, None, mode, self.project, fix_paths, origin == key, fixing=this_one
        )
        if origin != key:
            return {os.path.realpath(other): texts for other, texts in result.other_files.items()}
        if not result.changed:
            return {}
        if result.cells_changed:
            return {key: list(result.cells_changed)}
        return {key: (result.original, result.text)}

    def fixed_all(self, path: str) -> dict:
        """Every safe fix in the document itself, as ``fixed`` gives one."""
        key = os.path.realpath(path)
        try:
            settings = self.settings(path)
        except configuration.ConfigError:
            return {}
        source = self._source(key)
        if source is None or isinstance(source, FileError):
            return {}
        self._overlay()
        selected = selection.resolve([settings.rules_layer()], RULES) - settings.ignored_for(path)
        result = check_source(source, selected, None, "safe", self.project)
        if not result.changed:
            return {}
        return {key: list(result.cells_changed)} if result.cells_changed else {key: (result.original, result.text)}

    def confirm(self, diagnostic: Diagnostic) -> Optional[dict]:
        """Measure this finding in the real framework (the configuration's device and
        Keras backends), as ``headlint check --confirm`` does: its evidence, kept for
        ``published`` until its file changes; None when the finding is gone."""
        origin = diagnostic.origin or diagnostic.place.path
        settings = self.settings(origin)
        probing = settings.device if settings.keras_backends is None else Probing(settings.device, settings.keras_backends)
        source = self._source(origin)
        if source is None or isinstance(source, FileError):
            return None
        self._overlay()
        result = check_source(source, {diagnostic.code}, probing, None, self.project)
        for at in result.findings:
            if self._diagnostic(at, origin).key == diagnostic.key:
                self.evidence[diagnostic.key] = at.evidence
                return at.evidence
        return None

    # --- helpers ----------------------------------------------------------------

    def _overlay(self) -> None:
        """The open Python buffers stand for their files in every analysis (set again
        before each: a fix being tried puts the file back when it is done)."""
        for key, document in self.documents.items():
            if document.cells is None:
                self.project.overlay(key, document.text)

    def _data(self, path: str) -> Optional[bytes]:
        document = self.documents.get(os.path.realpath(path))
        return None if document is None else _encoded(document.text)

    def _source(self, path: str):
        document = self.documents.get(os.path.realpath(path))
        # the document's text as the CLI reads a file (pre-filter, decoding, notebooks)
        data = read_bytes(path) if document is None else _encoded(document.text)
        if isinstance(data, FileError):
            return data
        return read_checked(path, data, self.project)

    def _forget_evidence(self, key: str) -> None:
        for known in [k for k in self.evidence if k[1] == key]:
            del self.evidence[known]

    @staticmethod
    def _diagnostic(at: Located, origin: str) -> Diagnostic:
        related = tuple((label, _place(span)) for label, span in at.related)
        return Diagnostic(_place(at.span), WARNING, at.message, at.code, related, at.fix, origin, at.evidence)


def _place(span: Span) -> Place:
    return Place(os.path.realpath(span.path), span.line - 1, span.col - 1, span.end_line - 1, span.end_col - 1, span.cell)


def _encoded(text: str) -> bytes:
    """A buffer's text as the bytes of its file: in the encoding its coding
    declaration names (PEP 263), UTF-8 otherwise."""
    import codecs
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(text.encode("utf-8", "surrogatepass")).readline)
        return text.encode(codecs.lookup(encoding).name.replace("utf-8-sig", "utf-8"))
    except (SyntaxError, LookupError, UnicodeError):
        return text.encode("utf-8", "surrogatepass")


def _error_diagnostic(key: str, error: FileError) -> Diagnostic:
    """A file that cannot be checked, at the syntax error when the reason says where."""
    match = _POSITION.search(error.reason) if error.stage == "parse" else None
    if match is None:
        return Diagnostic(Place(key, 0, 0, 0, 0), ERROR, error.reason)
    line = int(match.group("line")) - 1
    col = max(int(match.group("col") or 1) - 1, 0)
    cell = int(match.group("cell")) if match.group("cell") else None
    return Diagnostic(Place(key, line, col, line, col + 1, cell), ERROR, error.reason)


def noqa_edit(line: str, code: str) -> Optional[str]:
    """``line`` with ``# noqa: CODE`` added (to its noqa comment, when it has one);
    None when it is silenced already."""
    match = _NOQA.search(line)
    if match is None:
        return f"{line.rstrip()}  # noqa: {code}"
    codes = match.group("codes")
    if codes is None or code.upper() in {c.upper() for c in re.split(r"[,\s]+", codes) if c}:
        return None
    return f"{line[: match.end()]}, {code}{line[match.end():]}"
