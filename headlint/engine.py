"""One file through the pipeline: read -> parse -> interpret -> link -> rules -> locate.

``check_file`` is pure per file (its result is plain data), so files can be checked
in any order, in worker processes, or served from a cache, with the same output.
"""

from __future__ import annotations

import sys
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


def check_file(path: str, select: Optional[Iterable[str]] = None, confirm: Optional[str] = None) -> FileResult:
    """``confirm``: None, or the device ("auto", "cpu", "cuda") to run probes on."""
    source = read(path)
    if source is None:
        return FileResult(path)
    if isinstance(source, FileError):
        return FileResult(path, error=source)
    return check_source(source, select, confirm)


def check_text(text: str, path: str = "<string>", select: Optional[Iterable[str]] = None, confirm: Optional[str] = None) -> FileResult:
    return check_source(Source(path, text, text.splitlines()), select, confirm)


def check_source(source: Source, select: Optional[Iterable[str]] = None, confirm: Optional[str] = None) -> FileResult:
    import libcst as cst  # imported only once a file passes the pre-filter

    path = source.path
    # CPython's own parser first: it is fast, its messages are the ones users
    # know, and libcst's native parser can overflow the C stack on input nested
    # deeper than CPython itself accepts.
    problem = _python_syntax_error(source.text)
    if problem is None:
        try:
            module = cst.parse_module(source.text)
        except cst.ParserSyntaxError as error:
            problem = f"syntax error at line {error.raw_line}, column {error.raw_column + 1}: {error.message}"
    if problem is not None:
        return FileResult(path, error=FileError(path, problem, "parse"), parsed=True)
    try:
        findings = analyse(module)
        located = locate(module, source, findings, select, confirm)
    except RecursionError:
        return FileResult(path, error=FileError(path, "too deeply nested to analyse", "analyse"), parsed=True)
    except Exception as error:  # noqa: BLE001 - one file's internal error never stops the run
        reason = f"internal error ({type(error).__name__}: {error}); please report it with this file"
        return FileResult(path, error=FileError(path, reason, "analyse"), parsed=True)
    return FileResult(path, located, parsed=True)


def _python_syntax_error(text: str) -> Optional[str]:
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences are not ours to report
            ast.parse(text)
    except SyntaxError as error:
        return f"syntax error at line {error.lineno}, column {error.offset}: {error.msg}"
    except (RecursionError, MemoryError):
        return "nested too deeply for Python to parse"
    except ValueError as error:
        return f"cannot parse: {error}"
    return None


def analyse(module) -> list:
    """Findings (with nodes) for one parsed module."""
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
    return findings


def locate(module, source: Source, findings: list, select=None, confirm: Optional[str] = None) -> list:
    """Resolve nodes to spans (only when there is something to report), apply
    ``select`` and ``# noqa``, and drop duplicates reached by several paths."""
    if not findings:
        return []
    from libcst.metadata import MetadataWrapper, PositionProvider

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
    # One finding per code and place; when several losses reach it, name the first.
    candidates.sort(key=lambda c: (c[1].line, c[1].col, c[0].code, [s.line for _, s in c[2]]))
    seen: set = set()
    located: list = []
    for finding, at, related in candidates:
        if (finding.code, at.line, at.col) in seen:
            continue
        seen.add((finding.code, at.line, at.col))
        if source.suppressed(finding.code, at.line):
            continue
        located.append(_located(finding, at, related, source, confirm))
    return located


def _located(finding: Finding, at: Span, related: tuple, source: Source, confirm: Optional[str]) -> Located:
    from .rules import RULES

    loss_at = next((f"line {s.line}" for label, s in related if label == "loss applied here"), None)
    message = finding.message.replace("{loss_at}", loss_at or "elsewhere")
    evidence = None
    if confirm is not None and finding.head is not None:
        from .confirm import confirm as run_probe  # imports a framework only now

        evidence = run_probe(finding.code, finding.head, confirm).to_dict()
    return Located(finding.code, RULES[finding.code].name, message, at, related, source.line(at.line), evidence)
