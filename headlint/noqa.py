"""``# noqa`` directives judged and written: HL100 unused-noqa, and ``--add-noqa``.

HL100 (ruff's RUF100) judges only headlint's own codes: a directive's code is
*unused* when its rule was selected for the file and silenced nothing where the
directive stands (its line; the whole file for ``# headlint: noqa: ...``), and
*unknown* when it looks like ours (``HL`` and digits) but names no rule. Codes of
other tools (``E501``), bare ``# noqa`` and a directive that names HL100 itself
are left alone.

A finding can lie in a module that another checked file imports (its loss is in
train.py, its softmax in models.py): the directive in models.py is then used by
train.py's check, not by models.py's own. Each file's result carries the
directives it used in other files (engine.FileResult.noqa_used) and ``revised``
takes them off the HL100 findings once the whole run is known.

The source line a directive is written on is Source line numbering: a notebook's
program lines, which the Source maps back to its cells.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections import defaultdict
from dataclasses import replace
from typing import Optional

from .records import FileError, Located, Span
from .source import Directive, Source, read_bytes, unfiltered

CODE = "HL100"
NAME = "unused-noqa"
_OURS = re.compile(r"HL[0-9]+")
# Cheap tests before any directive is parsed: the bytes of a file the pre-filter
# skipped (decoded only when they hold one), and a text being judged.
_MAYBE_BYTES = re.compile(rb"noqa[ \t]*:[^\r\n]*HL[0-9]", re.IGNORECASE)
_MAYBE_TEXT = re.compile(r"noqa[ \t]*:[^\r\n]*HL[0-9]", re.IGNORECASE)


def judged(select) -> bool:
    """Whether HL100 runs (``select`` None: every rule, as engine.check_text has it)."""
    return select is None or CODE in select


def mentions_directive(data: bytes) -> bool:
    return _MAYBE_BYTES.search(data) is not None


def message(file_level: bool, unused: tuple, unknown: tuple) -> str:
    """ruff's wording: ``Unused `noqa` directive (unused: `HL001`; unknown: `HL999`)``."""
    parts = [f"{label}: {', '.join(f'`{c}`' for c in codes)}" for label, codes in (("unused", unused), ("unknown", unknown)) if codes]
    kind = "headlint: noqa" if file_level else "noqa"
    return f"Unused `{kind}` directive ({'; '.join(parts)})"


def unused(source: Source, uses: set, select) -> list:
    """HL100 findings (Located, in source order) for ``source``'s directives.
    ``uses``: what silenced a finding while the file was checked, as (line, code)
    with line 0 for a file-level directive (Source.suppression)."""
    if not judged(select) or _MAYBE_TEXT.search(source.text) is None:
        return []
    from .rules import RULES

    found = []
    for directive in source.directives():
        if CODE in directive.codes:  # a directive that silences HL100 is never judged
            continue
        where = 0 if directive.file_level else directive.line
        wasted = tuple(
            c for c in directive.codes
            if c in RULES and (select is None or c in select) and (where, c) not in uses
        )
        unknown = tuple(c for c in directive.codes if _OURS.fullmatch(c) and c not in RULES)
        if not (wasted or unknown) or source.suppressed(CODE, directive.line):
            continue
        span = source.place(Span(source.path, directive.line, directive.col, directive.line, directive.end_col))
        found.append(
            Located(
                CODE, NAME, message(directive.file_level, wasted, unknown), span,
                source_line=source.line(directive.line), noqa=(directive.file_level, wasted, unknown),
            )
        )
    return found


def use_key(path: str, span: Span, code: str, file_level: bool) -> tuple:
    """How a directive's use is recorded across files: the file, the cell and line as
    users see them (line 0 for a file-level directive) and the code."""
    where = (None, 0) if file_level else (span.cell, span.line)
    return (os.path.normcase(os.path.realpath(path)), *where, code)


def revised(results: list, used_elsewhere: set) -> list:
    """The findings, with each HL100 finding rid of the codes that another file's
    check used (dropped when nothing is left to report)."""
    if not used_elsewhere:
        return results
    kept = []
    for finding in results:
        if finding.code != CODE or not finding.noqa:
            kept.append(finding)
            continue
        file_level, wasted, unknown = finding.noqa
        left = tuple(c for c in wasted if use_key(finding.span.path, finding.span, c, file_level) not in used_elsewhere)
        if left == wasted:
            kept.append(finding)
        elif left or unknown:
            kept.append(replace(finding, message=message(file_level, left, unknown), noqa=(file_level, left, unknown)))
    return kept


# --- --add-noqa ---------------------------------------------------------------------


def add(findings: list) -> tuple:
    """Write ``# noqa: CODE`` on the line of every finding, in the file it is reported
    in, merged into a ``# noqa: ...`` already there: (directives added, FileErrors).
    A line that cannot end in a comment (it ends inside a string or with a
    backslash), or that holds a file-level directive, is left as it is."""
    by_file: dict = defaultdict(lambda: defaultdict(set))
    for finding in findings:
        by_file[finding.span.path][(finding.span.cell, finding.span.line)].add(finding.code)
    added, errors = 0, []
    for path, lines in by_file.items():
        count, error = _add_to_file(path, lines)
        added += count
        if error is not None:
            errors.append(error)
    return added, errors


def _add_to_file(path: str, lines: dict) -> tuple:
    data = read_bytes(path)
    source = unfiltered(path, data) if not isinstance(data, FileError) else data
    if not isinstance(source, Source):
        return 0, source if isinstance(source, FileError) else FileError(path, "cannot add noqa directives: not Python")
    if source.notebook is not None:  # (cell, line in cell) -> line of the program
        program = {where: number for number, where in enumerate(source.notebook.where, 1)}
        numbered = {program[key]: codes for key, codes in lines.items() if key in program}
    else:
        numbered = {line: codes for (_, line), codes in lines.items()}
    text = source.text
    parts = re.split(r"(\r\n|\r|\n)", text)  # [line, break, line, break, ..., last line]
    open_lines = _lines_taking_a_comment(text)
    found = source.directives()
    directives = {d.line: d for d in found if not d.file_level}
    # a line holding ``# headlint: noqa: ...`` must stay that alone (an HL100 there is
    # for removing the directive, not for silencing it)
    file_level = {d.line for d in found if d.file_level}
    added = 0
    for number, codes in sorted(numbered.items()):
        index = 2 * (number - 1)
        if index >= len(parts) or number in file_level or (open_lines is not None and number not in open_lines):
            continue
        parts[index] = _with_codes(parts[index], sorted(codes), directives.get(number))
        added += 1
    if not added:
        return 0, None
    changed = source.replaced("".join(parts))
    if changed is None:
        return 0, FileError(path, "cannot add noqa directives: a cell could not take them", "fix")
    from .fixes import write  # the one writer of checked files (encoding, BOM, a file changed meanwhile)

    error = write(path, source.file_text, changed.file_text)
    return (0, error) if error is not None else (added, None)


def _with_codes(line: str, codes: list, directive: Optional[Directive]) -> str:
    if directive is not None and directive.codes:
        present = list(directive.codes)
        merged = present + [c for c in codes if c not in present]
        return line[: directive.col - 1] + "# noqa: " + ", ".join(merged) + line[directive.end_col - 1 :]
    return f"{line.rstrip()}  # noqa: {', '.join(codes)}"


def _lines_taking_a_comment(text: str) -> Optional[set]:
    """Lines whose end is outside any string and not a backslash continuation: where
    tokenize ends a line (NEWLINE, NL) or a comment stands. None: no tokens."""
    lines = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT):
                lines.add(token.start[0])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return lines
