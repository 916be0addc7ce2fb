"""One file through the pipeline: read -> parse -> interpret -> link -> rules -> locate.

``check_file`` is pure per file (its result is plain data), so files can be checked
in any order, in worker processes, or served from a cache, with the same output.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional

from . import noqa, syntax
from .discover import shown_path
from .records import WRAPPER_CALLED, FileError, Finding, Located, Span, internal_error, loss_place
from .source import Source, read, read_bytes, unfiltered
from .syntax import readable_text


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
    # The other files the result depends on (the project's modules it imports, and
    # the places an import was looked for and found empty): path -> digest or None.
    deps: dict = field(default_factory=dict)
    # With ``fix=`` and ``fix_paths``: fixes applied to other checked files (a softmax
    # in models.py that train.py's loss makes a finding): path -> (text as read, fixed text).
    other_files: dict = field(default_factory=dict)
    # The ``# noqa`` directives of other files that silenced a finding of this check
    # (noqa.use_key), so that HL100 does not call them unused there.
    noqa_used: tuple = ()

    @property
    def changed(self) -> bool:
        return self.text is not None and self.original is not None and self.text != self.original


def check_file(
    path: str,
    select: Optional[Iterable[str]] = None,
    confirm: Optional[str] = None,
    fix: Optional[str] = None,
    project=None,
) -> FileResult:
    """``confirm``: None, or the device ("auto", "cpu", "cuda") to run probes on.
    ``fix``: None, "safe" or "unsafe" (see check_source); nothing is written here.
    ``project``: a project.Project, to follow imports of the project's own modules."""
    data = read_bytes(path)
    if isinstance(data, FileError):
        return FileResult(path, error=data)
    source = read(path, data)
    if source is None:
        return skipped(path, data, select)
    if isinstance(source, FileError):
        return FileResult(path, error=source)
    return check_source(source, select, confirm, fix, project)


def skipped(path: str, data: bytes, select: Optional[Iterable[str]] = None) -> FileResult:
    """A file the pre-filter skipped: not model code, so no findings, except HL100 on
    the ``# noqa: HL...`` directives it holds (they can silence nothing here). The
    bytes are decoded only when they hold one, so skipping stays cheap."""
    if not noqa.judged(select) or not noqa.mentions_directive(data):
        return FileResult(path)
    source = unfiltered(path, data)
    if not isinstance(source, Source):
        return FileResult(path)  # undecodable: the pre-filter skipped it, and it stays skipped
    return FileResult(path, noqa.unused(source, set(), None if select is None else set(select)))


def check_text(
    text: str, path: str = "<string>", select: Optional[Iterable[str]] = None, confirm: Optional[str] = None, fix: Optional[str] = None
) -> FileResult:
    return check_source(Source.of(path, text), select, confirm, fix)


# A fix that keeps producing fixes is stopped after this many rounds.
MAX_FIX_ROUNDS = 25


@dataclass
class _Checked:
    """One pass over one text: the result, and what fixing needs to go on."""

    result: FileResult
    module: object = None
    pairs: list = field(default_factory=list)  # (Finding, Located)
    others: dict = field(default_factory=dict)  # shown path -> project.Loaded: the other modules read


def check_source(
    source: Source,
    select: Optional[Iterable[str]] = None,
    confirm: Optional[str] = None,
    fix: Optional[str] = None,
    project=None,
    fix_paths: frozenset = frozenset(),
    fix_own: bool = True,
    fixing: Optional[Callable[[Located], bool]] = None,
) -> FileResult:
    """Check one text. With ``fix`` ("safe", or "unsafe" for those too), the fixes
    offered for the reported findings are applied one at a time, each followed by
    a re-check of the new text: a fix is kept only when the file still parses and
    its finding is gone. The result then reports what remains (in the fixed text),
    ``fixed`` what was fixed, and ``text`` the fixed text; nothing is written.
    ``fix_paths``: real paths of other files a fix may edit (the other checked
    files; a finding there that this file's analysis makes gets its fix, tried on
    the project's copy of that file: ``other_files``); ``fix_own``: whether this
    file itself may be edited (not when it is only context); ``fixing``: which
    findings to fix (an editor's quick fix for one finding); default: all."""
    if fix not in (None, "safe", "unsafe"):
        raise ValueError(f"fix must be None, 'safe' or 'unsafe', not {fix!r}")
    if fix is None:
        return _check(source, select, confirm, project).result
    tried_on: dict = {}  # path -> the overlay it had before a fix was tried on it
    try:
        return _fixed(source, select, confirm, fix, project, fix_paths, fix_own, fixing, tried_on)
    finally:
        for path, before in tried_on.items():  # the caller's own overlays (an editor's buffers) stay
            project.overlay(path, before)


def _fixed(
    source: Source, select, confirm, fix: str, project, fix_paths: frozenset, fix_own: bool, fixing, tried_on: dict
) -> FileResult:
    checked = _check(source, select, None, project)
    if checked.result.error is not None:
        return checked.result
    from . import fixes

    first, fixed, tried, other_files = source, [], set(), {}
    for _ in range(MAX_FIX_ROUNDS):
        candidate = next(
            (
                (finding, at)
                for finding, at in checked.pairs
                if fixes.applicable(at.fix, fix == "unsafe") and _place(at) not in tried and (fixing is None or fixing(at))
            ),
            None,
        )
        if candidate is None:
            break
        finding, at = candidate
        tried.add(_place(at))
        other = checked.others.get(at.span.path) if at.span.path != source.path else None
        if (other is None and not fix_own) or (other is not None and os.path.realpath(other.path) not in fix_paths):
            continue
        try:
            with _deep_recursion():  # the tree is as deep as the code (see analyse)
                text = fixes.apply(checked.module if other is None else other.module, finding.fix)
        except Exception:  # noqa: BLE001 - a fix that cannot be applied is not applied
            continue
        before_count = sum(1 for _, a in checked.pairs if a.code == at.code)
        if other is not None:  # tried on the project's copy of that file
            if text == other.source.text:
                continue
            tried_on.setdefault(other.path, project.overlaid(other.path))
            project.overlay(other.path, text)
            after = _check(source, select, None, project)
            if after.result.error is not None or sum(1 for _, a in after.pairs if a.code == at.code) >= before_count:
                project.overlay(other.path, other.source.text)
                continue
            fixed.append(at)
            other_files[other.path] = (other_files.get(other.path, (other.source.text,))[0], text)
            checked = after
            continue
        if text == source.text:
            continue
        new_source = source.replaced(text)
        if new_source is None:
            continue  # a notebook whose cells cannot take the change
        after = _check(new_source, select, None, project)
        if after.result.error is not None or sum(1 for _, a in after.pairs if a.code == at.code) >= before_count:
            continue  # the fix broke the file or did not remove its finding: not kept
        fixed.append(at)
        source, checked = new_source, after
    if confirm is not None:
        checked = _check(source, select, confirm, project)
    result = checked.result
    result.fixed, result.original, result.text = fixed, first.file_text, source.file_text
    result.other_files = other_files
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


def _recovered(source: Source, cst) -> tuple:
    """(text, module) of a file that does not parse, with the lines that do not
    blanked in place (in a notebook, within each broken cell; the whole cell when
    that fails); (None, None) when the rest cannot be read either."""
    if source.notebook is not None:
        shown = {}
        for cell in source.notebook.broken_cells():
            kept = syntax.without_broken_lines("\n".join(cell.shown))
            shown[cell.number] = kept.split("\n") if kept is not None else [""] * len(cell.shown)
        text = source.notebook.program_with(shown)
    else:
        text = syntax.without_broken_lines(source.text)
    if text is None or syntax.python_syntax_error(text) is not None:
        return None, None
    try:
        return text, cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None, None


def _place(at: Located) -> tuple:
    return (at.code, at.span.cell, at.span.line, at.span.col, at.source_line)


def _check(source: Source, select, confirm, project=None) -> _Checked:
    import libcst as cst  # imported only once a file passes the pre-filter

    path = source.path
    # CPython's own parser first: it is fast, its messages are the ones users
    # know, and libcst's native parser can overflow the C stack on input nested
    # deeper than CPython itself accepts.
    # A notebook's cells must each be Python on their own (once IPython syntax is
    # masked): the error then names the cell it is in.
    problem = source.notebook.syntax_error() if source.notebook is not None else None
    text = source.text
    if problem is None:
        text, problem = readable_text(source.text, source)
    module = None
    if problem is None:
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError as error:
            line, column = error.raw_line, error.raw_column + 1
            problem = source.parse_error(f"syntax error at {source.position(line, column)}: {error.message}", line, column)
        except RecursionError:  # libcst's Python side (e.g. a dotted name of ~1000 parts)
            problem = source.parse_error("nested too deeply to parse")
    elif problem.reason.startswith("syntax error"):
        # the error is reported, and the statements that parse are checked all the same
        text, module = _recovered(source, cst)
        problem = replace(problem, partial=module is not None)
    if module is None:
        return _Checked(FileResult(path, error=problem, parsed=True))
    check = project.begin(path) if project is not None else None
    try:
        # no fixes for rewritten Python 2: applying one would write the rewrite back
        findings = analyse(module, fixes=True, project=project, path=path)
        others = list(check.loaded.values()) if check is not None else []
        # a fix is offered in every file read as written (the runner keeps those
        # in the checked files); not in rewritten Python 2, where applying one
        # would write the rewrite back
        editable = {os.path.realpath(other.path) for other in others if other.as_written}
        if text is source.text:
            editable.add(os.path.realpath(path))
        uses: list = []
        pairs = _locate(module, source, findings, select, confirm, others, editable, uses)
        if problem is None:  # in a file read in part, a directive on a blanked line is not unused
            pairs, used_elsewhere = _with_unused_noqa(pairs, source, uses, select)
        else:
            used_elsewhere = set()
    except RecursionError:
        return _Checked(FileResult(path, error=FileError(path, "too deeply nested to analyse", "analyse"), parsed=True))
    except Exception as error:  # noqa: BLE001 - one file's internal error never stops the run
        return _Checked(FileResult(path, error=internal_error(path, "analyse", error), parsed=True))
    finally:
        if project is not None:
            project.end()
    deps = dict(check.deps) if check is not None else {}
    result = FileResult(path, [at for _, at in pairs], problem, parsed=True, deps=deps, noqa_used=used_elsewhere)
    shown = {shown_path(other.path): other for other in others if other.as_written}
    return _Checked(result, module, pairs, shown)


def _with_unused_noqa(pairs: list, source: Source, uses: list, select) -> tuple:
    """The pairs with the HL100 findings of ``source`` among them, in source order,
    and the directives of other files that ``uses`` (Source, line or 0, code) shows
    were used."""
    selected = set(select) if select is not None else None
    own = {(where, code) for owner, where, code in uses if owner is source}
    elsewhere = sorted(
        {
            noqa.use_key(owner.path, owner.place(Span(owner.path, where or 1, 1, where or 1, 1)), code, where == 0)
            for owner, where, code in uses if owner is not source
        },
        key=repr,
    )
    found = noqa.unused(source, own, selected)
    if not found:
        return pairs, tuple(elsewhere)
    pairs = pairs + [(Finding(at.code, at.message), at) for at in found]
    pairs.sort(key=lambda pair: (pair[1].span.path != source.path, pair[1].span.path, pair[1].span.cell or 0, pair[1].span.line, pair[1].span.col))
    return pairs, tuple(elsewhere)


def analyse(module, fixes: bool = False, project=None, path: str = "") -> list:
    """Findings (with nodes) for one parsed module; with ``fixes``, each carrying
    the fix its rule offers, when it is right for the whole program read
    (fixes.attach). With ``project``, imports of the project's own modules are
    followed, and a finding's node may lie in one of them."""
    from .interpreter import Interpreter
    from .link import heads
    from .rules import RULES

    interp = Interpreter(module, project, path)
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
            if rule.on_evaluation or not head.evaluation:
                findings.extend(rule.check(head))
    if fixes and findings:
        from .fixes import attach

        findings = attach(module, interp, found, findings, _modules_read(project))
    return findings


def _modules_read(project) -> list:
    """The project's modules an analysis ran, as (module, its interpreter)."""
    check = project.current if project is not None else None
    if check is None:
        return []
    return [(loaded.module, getattr(check.scopes.get(key), "interpreter", None)) for key, loaded in check.loaded.items()]


# The longest code a message quotes as its evidence (``y > 0.5``), in characters.
QUOTE_CHARS = 40


class _Places:
    """Where a node is: in the checked file, or in one of the project's modules its
    analysis loaded (positions are worked out per module, only when asked)."""

    def __init__(self, module, source: Source, others: list):
        self._modules = [(module, source)] + [(other.module, other.source) for other in others]
        self._positions: dict = {}

    def code(self, node) -> str:
        """A node's code on one line, for a message to quote: without its own
        parentheses, a long call as ``name(...)``, cut to ``QUOTE_CHARS``."""
        import libcst as cst

        def shown(part) -> str:
            if getattr(part, "lpar", None):
                part = part.with_changes(lpar=(), rpar=())
            return " ".join(self._modules[0][0].code_for_node(part).split())

        text = shown(node)
        if len(text) > QUOTE_CHARS and isinstance(node, cst.Call):
            text = shown(node.func) + "(...)"
        return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "..."

    def find(self, node) -> Optional[tuple]:
        """(Span, the Source it is in), or None for a node in no known module."""
        from libcst.metadata import MetadataWrapper, PositionProvider

        for index, (module, source) in enumerate(self._modules):
            if index not in self._positions:
                with _deep_recursion():  # the tree is as deep as the code (see analyse)
                    self._positions[index] = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            where = self._positions[index].get(node)
            if where is not None:
                path = source.path if index == 0 else shown_path(source.path)
                span = Span(path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
                return span, source
        return None


def _locate(
    module,
    source: Source,
    findings: list,
    select=None,
    confirm: Optional[str] = None,
    others=(),
    editable=frozenset(),
    uses=None,
) -> list:
    """``locate``, as (Finding, Located) pairs; ``others``: the project's modules
    the analysis loaded (project.Loaded), where some nodes may be; ``editable``: the
    real paths of the files whose findings keep their fix; ``uses``, when given,
    gets (Source, line or 0, code) for each finding a directive silenced."""
    if not findings:
        return []
    places = _Places(module, source, list(others))
    selected = set(select) if select is not None else None

    candidates = []
    for finding in findings:
        if selected is not None and finding.code not in selected:
            continue
        at = places.find(finding.node)
        if at is None:
            continue
        related = tuple((r.label, where) for r in finding.related if (where := places.find(r.node)) is not None)
        quoted = None
        if finding.quoted:
            node, words = finding.quoted
            where = places.find(node) if node is not None else None
            quoted = (places.code(node), where) if where is not None else words
        candidates.append((finding, at, related, quoted))
    # One finding per code and place; when several losses reach it, name the first
    # (and a finding that names its loss over the same one seen without it).
    candidates.sort(
        key=lambda c: (
            c[1][0].path != source.path, c[1][0].path, c[1][0].line, c[1][0].col, c[0].code, not c[2],
            [s.line for _, (s, _) in c[2]],
        )
    )
    seen: set = set()
    located: list = []
    for finding, (at, owner), related, quoted in candidates:
        if (finding.code, at.path, at.line, at.col) in seen:
            continue
        seen.add((finding.code, at.path, at.line, at.col))
        where = owner.suppression(finding.code, at.line)
        if where is not None:
            if uses is not None:
                uses.append((owner, where, finding.code))
            continue
        located.append(
            (finding, _located(finding, at, owner, related, quoted, os.path.realpath(owner.path) in editable, confirm))
        )
    return located


def _located(
    finding: Finding, at: Span, owner: Source, related: tuple, quoted, editable: bool, confirm: Optional[str]
) -> Located:
    """``owner``: the Source ``at`` is in; ``editable``: may a fix edit it? A finding
    in a file that is not checked (an imported module no one named) gets no fix.
    ``quoted``: (code, (Span, Source)) of the evidence the message quotes, or the
    words to say instead."""
    from .rules import RULES

    def position(span: Span, where: Source) -> str:
        # places in ``where.text``; a notebook reports them by cell
        text = where.position(span.line)
        return text if span.path == at.path else f"{span.path}, {text}"

    loss_at = next((position(s, w) for label, (s, w) in related if loss_place(label)), None)
    message = finding.message.replace("{loss_at}", loss_at or "elsewhere")
    classes_at = next((position(s, w) for label, (s, w) in related if label == "classes read here"), None)
    message = message.replace("{classes_at}", classes_at or "elsewhere")
    wrapper_at = next((position(s, w) for label, (s, w) in related if label == WRAPPER_CALLED), None)
    message = message.replace("{wrapper_at}", wrapper_at or "elsewhere")
    if isinstance(quoted, tuple):
        code, (span, where) = quoted
        place = position(span, where)
        quoted = f"{code} {'on' if place.startswith('line') else 'in'} {place}"
    message = message.replace("{quoted}", quoted or "")
    evidence = None
    if confirm is not None and finding.head is not None:
        from .confirm import confirm as run_probe  # imports a framework only now

        evidence = run_probe(finding.code, finding.head, confirm).to_dict()
    fix = finding.fix.to_dict() if finding.fix is not None and editable else None
    shown = owner.place(at)
    related_shown = tuple((label, w.place(s)) for label, (s, w) in related)
    return Located(finding.code, RULES[finding.code].name, message, shown, related_shown, owner.line(at.line), evidence, fix)
