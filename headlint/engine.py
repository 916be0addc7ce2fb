"""One file through the pipeline: read -> parse -> interpret -> link -> rules -> locate.

``check_file`` is pure per file (its result is plain data), so files can be checked
in any order, in worker processes, or served from a cache, with the same output.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .records import FileError, Finding, Located, Span
from .source import Source, read


@dataclass
class FileResult:
    path: str
    findings: list = field(default_factory=list)  # Located, in source order
    error: Optional[FileError] = None
    parsed: bool = False  # False when the pre-filter skipped it
    # With ``fix=``: the findings whose fixes were applied (Located in the text as it
    # was when each was fixed), the text as read and the fixed text.
    fixed: list = field(default_factory=list)
    original: Optional[str] = None
    text: Optional[str] = None
    # A fixed notebook: (cell number, source before, source after) of each code cell
    # changed; ``original`` and ``text`` are then the file's JSON before and after.
    cells_changed: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text is not None and self.original is not None and self.text != self.original


def check_file(
    path: str, select: Optional[Iterable[str]] = None, confirm: Optional[str] = None, fix: Optional[str] = None
) -> FileResult:
    """``confirm``: None, or the device ("auto", "cpu", "cuda") to run probes on.
    ``fix``: None, "safe" or "unsafe" (see check_source); nothing is written here."""
    source = read(path)
    if source is None:
        return FileResult(path)
    if isinstance(source, FileError):
        return FileResult(path, error=source)
    return check_source(source, select, confirm, fix)


def check_text(
    text: str, path: str = "<string>", select: Optional[Iterable[str]] = None, confirm: Optional[str] = None, fix: Optional[str] = None
) -> FileResult:
    return check_source(Source(path, text, text.splitlines()), select, confirm, fix)


# A fix that keeps producing fixes is stopped after this many rounds.
MAX_FIX_ROUNDS = 25


@dataclass
class _Checked:
    """One pass over one text: the result, and what fixing needs to go on."""

    result: FileResult
    module: object = None
    pairs: list = field(default_factory=list)  # (Finding, Located)


def check_source(
    source: Source, select: Optional[Iterable[str]] = None, confirm: Optional[str] = None, fix: Optional[str] = None
) -> FileResult:
    """Check one text. With ``fix`` ("safe", or "unsafe" for those too), the fixes
    offered for the reported findings are applied one at a time, each followed by
    a re-check of the new text: a fix is kept only when the file still parses and
    its finding is gone. The result then reports what remains (in the fixed text),
    ``fixed`` what was fixed, and ``text`` the fixed text; nothing is written."""
    if fix not in (None, "safe", "unsafe"):
        raise ValueError(f"fix must be None, 'safe' or 'unsafe', not {fix!r}")
    if fix is None:
        return _check(source, select, confirm).result
    checked = _check(source, select, None)
    if checked.result.error is not None:
        return checked.result
    from . import fixes

    first, fixed, tried = source, [], set()
    for _ in range(MAX_FIX_ROUNDS):
        candidate = next(
            (
                (finding, at)
                for finding, at in checked.pairs
                if fixes.applicable(at.fix, fix == "unsafe") and _place(at) not in tried
            ),
            None,
        )
        if candidate is None:
            break
        finding, at = candidate
        tried.add(_place(at))
        try:
            with _deep_recursion():  # the tree is as deep as the code (see analyse)
                text = fixes.apply(checked.module, finding.fix)
        except Exception:  # noqa: BLE001 - a fix that cannot be applied is not applied
            continue
        if text == source.text:
            continue
        new_source = source.replaced(text)
        if new_source is None:
            continue  # a notebook whose cells cannot take the change
        after = _check(new_source, select, None)
        before_count = sum(1 for _, a in checked.pairs if a.code == at.code)
        if after.result.error is not None or sum(1 for _, a in after.pairs if a.code == at.code) >= before_count:
            continue  # the fix broke the file or did not remove its finding: not kept
        fixed.append(at)
        source, checked = new_source, after
    if confirm is not None:
        checked = _check(source, select, confirm)
    result = checked.result
    result.fixed, result.original, result.text = fixed, first.file_text, source.file_text
    if source.notebook is not None and source is not first:
        result.cells_changed = source.notebook.changes(first.notebook)
    return result


@contextmanager
def _deep_recursion():
    """Python's recursion limit raised, as analyse raises it, for the other walks of a
    libcst tree (positions, fixes): from ~150 levels of nesting they fail at the
    default limit."""
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 10_000))
    try:
        yield
    finally:
        sys.setrecursionlimit(old_limit)


def _place(at: Located) -> tuple:
    return (at.code, at.span.cell, at.span.line, at.span.col, at.source_line)


def _check(source: Source, select, confirm) -> _Checked:
    import libcst as cst  # imported only once a file passes the pre-filter

    path = source.path
    # CPython's own parser first: it is fast, its messages are the ones users
    # know, and libcst's native parser can overflow the C stack on input nested
    # deeper than CPython itself accepts.
    # A notebook's cells must each be Python on their own (once IPython syntax is
    # masked): the error then names the cell it is in.
    problem = source.notebook.syntax_error() if source.notebook is not None else None
    if problem is None:
        problem = _python_syntax_error(source.text, source)
    if problem is None:
        try:
            module = cst.parse_module(source.text)
        except cst.ParserSyntaxError as error:
            problem = f"syntax error at {source.position(error.raw_line, error.raw_column + 1)}: {error.message}"
        except RecursionError:  # libcst's Python side (e.g. a dotted name of ~1000 parts)
            problem = "nested too deeply to parse"
    if problem is not None:
        return _Checked(FileResult(path, error=FileError(path, problem, "parse"), parsed=True))
    try:
        findings = analyse(module, fixes=True)
        pairs = _locate(module, source, findings, select, confirm)
    except RecursionError:
        return _Checked(FileResult(path, error=FileError(path, "too deeply nested to analyse", "analyse"), parsed=True))
    except Exception as error:  # noqa: BLE001 - one file's internal error never stops the run
        reason = f"internal error ({type(error).__name__}: {error}); please report it with this file"
        return _Checked(FileResult(path, error=FileError(path, reason, "analyse"), parsed=True))
    return _Checked(FileResult(path, [at for _, at in pairs], parsed=True), module, pairs)


def _python_syntax_error(text: str, source: Optional[Source] = None) -> Optional[str]:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences are not ours to report
            tree = ast.parse(text)
    except SyntaxError as error:
        if source is not None:
            return f"syntax error at {source.position(error.lineno, error.offset)}: {error.msg}"
        return f"syntax error at line {error.lineno}, column {error.offset}: {error.msg}"
    except (RecursionError, MemoryError):
        return "nested too deeply for Python to parse"
    except ValueError as error:
        return f"cannot parse: {error}"
    depth, line = _libcst_depth(tree)
    if depth > MAX_LIBCST_DEPTH:
        where = source.position(line) if source is not None else f"line {line}"
        return f"nested too deeply to parse at {where} (an and/or chain or dotted name {depth} levels deep)"
    return None


# libcst nests what CPython keeps flat (``a and b and c``, the parts of ``import
# a.b.c``), and its native parser overflows the C stack (a segfault, not an
# exception) around 7,000 levels; CPython itself refuses ~3,000 levels of anything
# else. Deeper input is refused before libcst sees it.
MAX_LIBCST_DEPTH = 3000


def _libcst_depth(tree) -> tuple:
    """The deepest nesting libcst would build for ``tree`` (an ast), and its line."""
    import ast

    deepest, deepest_line, stack = 0, 1, [(tree, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        line = getattr(node, "lineno", line)
        depth += 1
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            depth += (node.module or "").count(".")
        if depth > deepest:
            deepest, deepest_line = depth, line
        stack.extend((child, depth, line) for child in ast.iter_child_nodes(node))
    return deepest, deepest_line


def analyse(module, fixes: bool = False) -> list:
    """Findings (with nodes) for one parsed module; with ``fixes``, each carrying
    the fix its rule offers, when it is right for the whole module (fixes.attach)."""
    from .interpreter import Interpreter
    from .link import heads
    from .rules import RULES

    interp = Interpreter(module)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 10_000))
    try:
        interp.run()
        found = heads(interp)
    finally:
        sys.setrecursionlimit(old_limit)
    findings: list = []
    for head in found:
        for rule in RULES.values():
            findings.extend(rule.check(head))
    if fixes and findings:
        from .fixes import attach

        findings = attach(module, interp, found, findings)
    return findings


def locate(module, source: Source, findings: list, select=None, confirm: Optional[str] = None) -> list:
    """Resolve nodes to spans (only when there is something to report), apply
    ``select`` and ``# noqa``, and drop duplicates reached by several paths."""
    return [at for _, at in _locate(module, source, findings, select, confirm)]


def _locate(module, source: Source, findings: list, select=None, confirm: Optional[str] = None) -> list:
    """``locate``, as (Finding, Located) pairs."""
    if not findings:
        return []
    from libcst.metadata import MetadataWrapper, PositionProvider

    with _deep_recursion():  # the tree is as deep as the code (see analyse)
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    selected = set(select) if select is not None else None

    def span(node) -> Optional[Span]:
        where = positions.get(node)
        if where is None:
            return None
        return Span(source.path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    candidates = []
    for finding in findings:
        if selected is not None and finding.code not in selected:
            continue
        at = span(finding.node)
        if at is None:
            continue
        related = tuple((r.label, s) for r in finding.related if (s := span(r.node)) is not None)
        candidates.append((finding, at, related))
    # One finding per code and place; when several losses reach it, name the first
    # (and a finding that names its loss over the same one seen without it).
    candidates.sort(key=lambda c: (c[1].line, c[1].col, c[0].code, not c[2], [s.line for _, s in c[2]]))
    seen: set = set()
    located: list = []
    for finding, at, related in candidates:
        if (finding.code, at.line, at.col) in seen:
            continue
        seen.add((finding.code, at.line, at.col))
        if source.suppressed(finding.code, at.line):
            continue
        located.append((finding, _located(finding, at, related, source, confirm)))
    return located


def _located(finding: Finding, at: Span, related: tuple, source: Source, confirm: Optional[str]) -> Located:
    from .rules import RULES

    # ``at`` and ``related`` are places in ``source.text``; a notebook reports them
    # by cell (source.place).
    loss_at = next((source.position(s.line) for label, s in related if label == "loss applied here"), None)
    message = finding.message.replace("{loss_at}", loss_at or "elsewhere")
    evidence = None
    if confirm is not None and finding.head is not None:
        from .confirm import confirm as run_probe  # imports a framework only now

        evidence = run_probe(finding.code, finding.head, confirm).to_dict()
    fix = finding.fix.to_dict() if finding.fix is not None else None
    shown = source.place(at)
    related_shown = tuple((label, source.place(s)) for label, s in related)
    return Located(finding.code, RULES[finding.code].name, message, shown, related_shown, source.line(at.line), evidence, fix)
