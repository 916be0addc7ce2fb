"""Output formats: ``text`` (with the source line and related locations),
``concise`` (one flake8-style line per finding), ``json``, ``sarif`` (SARIF 2.1.0,
for GitHub code scanning and other SARIF consumers), ``github`` (GitHub Actions
workflow commands, shown as annotations on the pull request), ``gitlab`` (a GitLab
Code Quality report) and ``junit`` (JUnit XML, for CI test report views), and the
per-rule table of ``--statistics``.

Every function here is pure: it gets the findings, the files that could not be
checked and what the run was asked for, and returns the text to print.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional
from urllib.parse import quote

import click

from . import __version__

JSON_SCHEMA_VERSION = 1

# SARIF: the schema this output validates against (the OASIS 2.1.0 errata01 schema)
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
# GitHub code scanning shows at most this much of a rule's short and full description.
GITHUB_DESCRIPTION_LIMIT = 1024
# What a file that could not be checked is reported as, by the stage that failed.
NOTIFICATIONS = {
    "read": "A file could not be read or decoded, so it was not checked.",
    "parse": "A file is not valid Python, so it was not checked.",
    "analyse": "The analysis of a file failed, so its findings are missing.",
}


def _style(text: str, color: bool, **kwargs) -> str:
    return click.style(text, **kwargs) if color else text


def location(span, path: Optional[str] = None) -> str:
    """``train.py:14:5``. In a notebook, the line and column in the .ipynb file's own
    text (``nb.ipynb:48:9``, where the cell's line is written, as GitHub and SARIF
    get it): any ``file:line:col:`` problem matcher then reads the right file and
    line, where ruff's ``nb.ipynb:cell 3:2:5`` reads as a file named
    ``nb.ipynb:cell 3``. ``in_cell`` says the cell; ruff's form is only the fallback
    when the file's own place is unknown."""
    path = span.path if path is None else path
    if span.cell is None:
        return f"{path}:{span.line}:{span.col}"
    if span.in_file is None:  # pragma: no cover - a notebook layout place() did not foresee
        return f"{path}:cell {span.cell}:{span.line}:{span.col}"
    return f"{path}:{span.in_file[0]}:{span.in_file[1]}"


def in_cell(span) -> str:
    """A notebook span's place as Jupyter shows it, ``cell 3, line 2, col 5``; "" in a Python file."""
    return "" if span.cell is None else f"cell {span.cell}, line {span.line}, col {span.col}"


def _place(span, path: Optional[str] = None) -> str:
    """A location with its cell: ``nb.ipynb:61:12 (cell 5, line 5, col 12)``."""
    cell = in_cell(span)
    return f"{location(span, path)} ({cell})" if cell else location(span, path)


def refuted(finding) -> bool:
    """``--confirm`` measured no harm: reported, but it does not fail the run."""
    return bool(finding.evidence and finding.evidence.get("status") == "refuted")


# --- text and concise ------------------------------------------------------------


def text(results, errors, checked: int, color: bool, concise: bool, quiet: bool, statistics: bool = False) -> str:
    out = []
    for finding in results:
        # a notebook's cell goes first in the message: the location stays file:line:col
        cell = f"{in_cell(finding.span)}: " if finding.span.cell is not None else ""
        head = f"{_style(location(finding.span), color, bold=True)}: {_style(finding.code, color, fg='red', bold=True)}{fix_marker(finding)} {cell}{finding.message}"
        if concise and finding.evidence:  # one line: the --confirm verdict ends it
            head += f" [{verdict(finding.evidence)}]"
        out.append(head)
        if concise:
            continue
        if finding.source_line.strip():
            out.append(f"    {finding.span.line:>4} | {finding.source_line.rstrip()}")
        for label, span in finding.related:
            out.append(f"         = {label}: {_place(span)}")
        for line in evidence_lines(finding.evidence):
            out.append(f"         = {line}")
        if finding.fix:
            out.append(f"         = fix{'' if finding.fix['safe'] else ' (unsafe)'}: {finding.fix['description']}")
    if statistics and results:
        if out:
            out.append("")
        out.append(statistics_table(results))
    if not quiet:
        if out and (statistics or not concise):
            out.append("")
        out.append(summary(results, errors, checked))
    return "\n".join(out)


def fix_marker(finding) -> str:
    """``[*]`` when --fix can fix it, ``[*unsafe]`` when only --unsafe-fixes can."""
    if not finding.fix:
        return ""
    return " [*]" if finding.fix["safe"] else " [*unsafe]"


def verdict(evidence: dict) -> str:
    """What --confirm decided, without what it measured: ``confirmed (torch 2.13.0,
    cpu)``, ``refuted (keras 3.15.1 on tensorflow, cpu)`` or ``not confirmed``."""
    if evidence["status"] == "unconfirmed":
        return "not confirmed"
    where = f"{evidence['framework']} {evidence['version']}"
    if evidence.get("backend"):
        where += f" on {evidence['backend']}"
    return f"{evidence['status']} ({where}, {evidence['device']})"


def evidence_line(evidence: dict) -> str:
    """``confirmed (torch 2.13.0, cpu): ...``; an unconfirmed summary says why itself."""
    if evidence["status"] == "unconfirmed":
        return evidence["summary"]
    return f"{verdict(evidence)}: {evidence['summary']}"


def evidence_lines(evidence) -> list:
    """One line per verdict: one, or one per Keras backend with --keras-backends."""
    if not evidence:
        return []
    return [evidence_line(each) for each in evidence.get("backends") or [evidence]]


# The summary counts the --confirm verdicts in this order.
_VERDICTS = (("confirmed", "confirmed"), ("refuted", "refuted"), ("unconfirmed", "not confirmed"))


def summary(results, errors, checked: int) -> str:
    files = "1 file" if checked == 1 else f"{checked} files"
    if not results:
        line = f"No findings in {files}."
    else:
        counts = Counter(f.code for f in results)
        per_rule = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
        n = len(results)
        with_findings = len({f.span.path for f in results})
        line = f"Found {n} finding{'s' if n != 1 else ''} ({per_rule}) in {with_findings} of {files}"
        verdicts = Counter(f.evidence["status"] for f in results if f.evidence)
        shown = [(verdicts[status], words) for status, words in _VERDICTS if verdicts[status]]
        line += ("; " + ", ".join(f"{n} {words}" for n, words in shown) + ".") if shown else "."
    unchecked = [error for error in errors if not error.partial]
    if unchecked:
        line += f" {len(unchecked)} file{'s' if len(unchecked) != 1 else ''} could not be checked."
    if len(unchecked) < len(errors):
        n = len(errors) - len(unchecked)
        line += f" {n} file{'s' if n != 1 else ''} with a syntax error checked in the lines that parse."
    safe = sum(1 for f in results if f.fix and f.fix["safe"])
    unsafe = sum(1 for f in results if f.fix and not f.fix["safe"])
    if safe and unsafe:
        line += f" [*] {safe} fixable with --fix ({unsafe} more with --unsafe-fixes)."
    elif safe:
        line += f" [*] {safe} fixable with --fix."
    elif unsafe:
        line += f" [*] {unsafe} fixable with --fix --unsafe-fixes."
    return line


# --- --statistics ----------------------------------------------------------------


def counts_per_rule(results) -> list:
    """Findings per rule, most frequent first (then by code): the rules with none are
    left out, as ``ruff --statistics`` does."""
    names = {f.code: f.name for f in results}
    counts = Counter(f.code for f in results)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"code": code, "name": names[code], "count": n} for code, n in ordered]


def statistics_table(results) -> str:
    """``  3  HL001  double-softmax``, one line per rule with findings."""
    rows = counts_per_rule(results)
    if not rows:
        return ""
    width = len(str(rows[0]["count"]))
    return "\n".join(f"  {row['count']:>{width}}  {row['code']}  {row['name']}" for row in rows)


# --- json ------------------------------------------------------------------------


def _finite(value):
    """JSON has no infinity or NaN (``json.dumps`` would write ``Infinity``, which
    strict parsers reject): a measurement that is not finite is written as the string
    ``"inf"``, ``"-inf"`` or ``"nan"``."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _error(error) -> dict:
    """A file that could not be checked; where a syntax error is, as a finding's
    cell, line and column (null for an error with no place in the file)."""
    at = error.at
    return {
        "path": error.path, "stage": error.stage, "message": error.reason,
        "cell": at.cell if at else None, "line": at.line if at else None, "column": at.col if at else None,
    }


def as_json(results, errors, checked: int, statistics: bool = False) -> str:
    """The documented JSON shape (README, "Machine-readable output")."""

    def span(s) -> dict:
        # ``cell``: a notebook's cell (1-based, counting every cell), the lines then
        # counted in that cell; null in a Python file.
        out = {"path": s.path, "cell": s.cell, "line": s.line, "column": s.col, "end_line": s.end_line, "end_column": s.end_col}
        # in a notebook, the same place in the .ipynb file's own text (as sarif and
        # github give it); null in a Python file
        out["file_line"], out["file_column"] = s.in_file[:2] if s.cell is not None and s.in_file else (None, None)
        return out

    document = {
        "version": JSON_SCHEMA_VERSION,
        "headlint": __version__,
        "files_checked": checked,
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "message": f.message,
                **span(f.span),
                "related": [{"message": label, **span(s)} for label, s in f.related],
                "evidence": _finite(f.evidence),
                "fix": f.fix,
            }
            for f in results
        ],
        "errors": [_error(e) for e in errors],
    }
    if statistics:
        document["statistics"] = counts_per_rule(results)
    return json.dumps(document, indent=2, allow_nan=False)


# --- paths as CI systems want them -----------------------------------------------


def _relative(path: str, root: Optional[str] = None) -> Optional[str]:
    """``path`` relative to ``root`` (the current directory) with forward slashes, or
    None when it lies outside it."""
    root = os.path.abspath(root or os.getcwd())
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return relative.replace(os.sep, "/")


def display_path(path: str, root: Optional[str] = None) -> str:
    """What GitHub's ``file=`` wants: relative to the workspace, forward slashes."""
    relative = _relative(path, root)
    return relative if relative is not None else path.replace(os.sep, "/")


def artifact_location(path: str, root: Optional[str] = None) -> dict:
    """A SARIF artifactLocation: a relative URI under ``%SRCROOT%`` (the directory
    headlint ran in), or an absolute ``file:`` URI for a file outside it."""
    relative = _relative(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    # fsencode: a file name that is not UTF-8 keeps its bytes (%FF), never a crash
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}


# --- sarif -----------------------------------------------------------------------


def _clip(text: str, limit: int = GITHUB_DESCRIPTION_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _lead(page: Optional[str]) -> Optional[str]:
    """The paragraph under a rule page's title: what the rule is about, in prose."""
    if not page:
        return None
    for block in re.split(r"\n\s*\n", page):
        block = block.strip()
        if block and not block.startswith(("#", "```", "|", "- ", "* ")):
            return block
    return None


def rule_descriptor(rule) -> dict:
    """A SARIF reportingDescriptor carrying what GitHub code scanning shows with an
    alert: short and full description and the rule's reference page as help."""
    from .pages import page as rule_page

    # The page travels inside the SARIF file itself: headlint has no public URL to
    # point a helpUri at, and an offline reader needs no network.
    page = rule_page(rule.code)
    if page:
        help_ = {"text": page.rstrip() + "\n", "markdown": page.rstrip() + "\n"}
    else:
        help_ = {"text": f"{rule.summary}\n\nRun `headlint explain {rule.code}` for the rule's page.\n"}
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _clip(rule.summary)},
        "fullDescription": {"text": _clip(_lead(page) or rule.summary)},
        "help": help_,
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["correctness", "machine-learning"]},
    }


def _region(span) -> dict:
    # headlint's columns are 1-based and its end column is one past the last
    # character: SARIF's convention (3.30.8) exactly.
    return {"startLine": span.line, "startColumn": span.col, "endLine": span.end_line, "endColumn": span.end_col}


def _physical(span, root: Optional[str]) -> dict:
    """A SARIF physicalLocation. A region's lines are lines of the artifact (3.30):
    in a notebook those of the .ipynb file's own JSON text, where the cell's line is
    written (``span.in_file``), which is what GitHub code scanning shows; the cell
    and the region within it go into ``properties``."""
    physical = {"artifactLocation": artifact_location(span.path, root), "region": _region(span)}
    if span.cell is not None:
        if span.in_file is not None:
            line, col, end_line, end_col = span.in_file
            physical["region"] = {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}
        physical["properties"] = {"cell": span.cell, "cellRegion": _region(span)}
    return physical


def _link_text(label: str) -> str:
    """Link text of a SARIF plain-text embedded link: \\ [ ] escaped (3.11.6)."""
    return re.sub(r"([\\\[\]])", r"\\\1", label)


def _result(finding, rule_index: int, root: Optional[str]) -> dict:
    message = finding.message.rstrip()
    if finding.span.cell is not None:
        message += f"{'' if message.endswith('.') else '.'} In cell {finding.span.cell}, line {finding.span.line}."
    if finding.related:
        # GitHub links the related locations that the message embeds.
        links = ", ".join(f"[{_link_text(label)}]({i})" for i, (label, _) in enumerate(finding.related, 1))
        message += f"{'' if message.endswith('.') else '.'} Related: {links}."
    for line in evidence_lines(finding.evidence):
        message += f"\n{line}"
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": "note" if refuted(finding) else "error",
        "message": {"text": message},
        "locations": [{"physicalLocation": _physical(finding.span, root)}],
    }
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, "message": {"text": label}, "physicalLocation": _physical(span, root)}
            for i, (label, span) in enumerate(finding.related, 1)
        ]
    if finding.evidence:
        result["properties"] = {"evidence": _finite(finding.evidence)}
    return result


def _notification(path: str, stage: str, reason: str, root: Optional[str], at=None) -> dict:
    """A file that could not be checked; ``at``: where in it (a syntax error), as a region."""
    kind = stage if stage in NOTIFICATIONS else "analyse"
    physical = _physical(at, root) if at is not None else {"artifactLocation": artifact_location(path, root)}
    return {
        "descriptor": {"id": f"{kind}-error", "index": list(NOTIFICATIONS).index(kind)},
        "level": "error",
        "message": {"text": f"{display_path(path, root)}: {reason}"},
        "locations": [{"physicalLocation": physical}],
        "properties": {"stage": stage},
    }


def sarif(
    results,
    errors,
    checked: int,
    rules: Iterable,
    exit_code: int,
    missing: Iterable[str] = (),
    statistics: bool = False,
    root: Optional[str] = None,
) -> str:
    """A SARIF 2.1.0 log with one run: ``rules`` are the rules that ran (their
    order gives ``ruleIndex``); ``errors`` and ``missing`` paths become tool
    execution notifications, and make the invocation unsuccessful."""
    from .rules import RULES

    ran = {rule.code: rule for rule in rules}
    for finding in results:  # a finding always has its rule in the run
        ran.setdefault(finding.code, RULES[finding.code])
    ordered = [ran[code] for code in sorted(ran)]
    index = {rule.code: i for i, rule in enumerate(ordered)}
    root = os.path.abspath(root or os.getcwd())

    notifications = [_notification(e.path, e.stage, e.reason, root, e.at) for e in errors]
    notifications += [_notification(path, "read", "no such file or directory", root) for path in missing]
    invocation = {
        "executionSuccessful": not notifications,
        "exitCode": exit_code,
        "workingDirectory": {"uri": Path(root).as_uri() + "/"},
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {
            "driver": {
                "name": "headlint",
                "version": __version__,
                "rules": [rule_descriptor(rule) for rule in ordered],
                "notifications": [
                    {"id": f"{stage}-error", "shortDescription": {"text": text}}
                    for stage, text in NOTIFICATIONS.items()
                ],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": Path(root).as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], root) for f in results],
        "properties": {"filesChecked": checked},
    }
    if statistics:
        run["properties"]["statistics"] = counts_per_rule(results)
    return json.dumps({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}, indent=2, allow_nan=False)


# --- github ----------------------------------------------------------------------


def _escape_data(value: str) -> str:
    """GitHub workflow command data (the message): % CR LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    """A workflow command property: the data escapes, and : and , too."""
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(properties: dict, message: str, level: str = "error") -> str:
    props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{level} {props}::{_escape_data(message)}"


def github(results, errors, missing: Iterable[str] = (), root: Optional[str] = None) -> str:
    """One ``::error`` workflow command per finding (an annotation on its lines),
    ``::notice`` for one ``--confirm`` refuted (it does not fail the run, as SARIF's
    "note"), and one ``::error`` per file that could not be checked."""
    lines = []
    for finding in results:
        span = finding.span
        # A notebook's annotation goes on the line of the .ipynb file where the cell's
        # line is written (span.in_file); the message says the cell and its line.
        line, col, end_line, end_col = span.in_file if span.in_file else (span.line, span.col, span.end_line, span.end_col)
        properties = {"file": display_path(span.path, root), "line": line}
        if end_line == line:
            properties.update(col=col, endLine=end_line, endColumn=end_col)
        else:  # GitHub takes columns only for an annotation on a single line
            properties["endLine"] = end_line
        properties["title"] = f"{finding.code} {finding.name}"
        message = [finding.message]
        if span.cell is not None:
            message[0] = f"{in_cell(span)}: {finding.message}"
        message += [f"{label}: {_place(s, display_path(s.path, root))}" for label, s in finding.related]
        message += evidence_lines(finding.evidence)
        lines.append(_command(properties, "\n".join(message), "notice" if refuted(finding) else "error"))
    for path, stage, reason, at in [(e.path, e.stage, e.reason, e.at) for e in errors] + [
        (path, "read", "no such file or directory", None) for path in missing
    ]:
        properties = {"file": display_path(path, root)}
        # a syntax error goes on its line; in a notebook, the .ipynb file's line (in_file)
        if at is not None and (at.cell is None or at.in_file is not None):
            line, col = (at.line, at.col) if at.cell is None else at.in_file[:2]
            properties.update(line=line, col=col)
        properties["title"] = f"headlint {stage} error"
        lines.append(_command(properties, reason))
    return "\n".join(lines)


# --- gitlab ----------------------------------------------------------------------


def _file_lines(span) -> tuple:
    """(line, col, end_line, end_col) as the file is written: a notebook's place in
    the .ipynb file's own text (span.in_file), as GitHub and GitLab show files."""
    return span.in_file if span.in_file else (span.line, span.col, span.end_line, span.end_col)


def _in_cell(span) -> str:
    return f"cell {span.cell}, line {span.line}, col {span.col}: " if span.cell is not None else ""


def _fingerprint(*parts: str) -> str:
    import hashlib  # only for this format

    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def gitlab(results, errors, missing: Iterable[str] = (), root: Optional[str] = None) -> str:
    """A GitLab Code Quality report: a JSON array of Code Climate issues with the
    fields GitLab reads (description, check_name, fingerprint, severity,
    location.path and location.positions). Paths are relative to ``root``: GitLab's
    ``CI_PROJECT_DIR`` when set (as ruff does), else the current directory.

    The fingerprint is what GitLab matches issues by between the base and head of a
    merge request, so it leaves out line numbers: it hashes the path, the code, the
    text of the reported line (whitespace collapsed) and how many identical
    (path, code, text) findings came before it in the file. Moving code up or down,
    or editing other lines, keeps it; editing the line itself makes a new issue."""
    root = root or os.environ.get("CI_PROJECT_DIR") or None
    issues, seen = [], Counter()
    for finding in results:
        span = finding.span
        path = display_path(span.path, root)
        text = " ".join(finding.source_line.split())
        seen[(path, finding.code, text)] += 1
        line, col, end_line, end_col = _file_lines(span)
        description = f"{finding.code}: {_in_cell(span)}{finding.message}"
        description += "".join(f"; {label}: {location(s, display_path(s.path, root))}" for label, s in finding.related)
        description += "".join(f"; {line_}" for line_ in evidence_lines(finding.evidence))
        issues.append(
            {
                "check_name": finding.code,
                "description": description,
                "severity": "info" if refuted(finding) else "major",
                "fingerprint": _fingerprint(path, finding.code, text, str(seen[(path, finding.code, text)])),
                "location": {
                    "path": path,
                    "positions": {"begin": {"line": line, "column": col}, "end": {"line": end_line, "column": end_col}},
                },
            }
        )
    # A file that could not be checked is an issue on its first line: GitLab shows
    # nothing else, and the merge request would otherwise look clean.
    for path, stage, reason in _problems(errors, missing):
        shown = display_path(path, root)
        issues.append(
            {
                "check_name": f"{stage}-error",
                "description": f"headlint could not check this file ({stage} error): {reason}",
                "severity": "major",
                "fingerprint": _fingerprint(shown, f"{stage}-error"),
                "location": {"path": shown, "lines": {"begin": 1}},
            }
        )
    return json.dumps(issues, indent=2)


def _problems(errors, missing) -> list:
    """(path, stage, reason) of every file that could not be checked."""
    return [(e.path, e.stage if e.stage in NOTIFICATIONS else "analyse", e.reason) for e in errors] + [
        (path, "read", "no such file or directory") for path in missing
    ]


# --- junit -----------------------------------------------------------------------

# Characters XML 1.0 cannot hold (C0 controls but tab, CR, LF; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def junit(results, errors, checked: int, missing: Iterable[str] = (), root: Optional[str] = None) -> str:
    """JUnit XML, as ruff writes it: a ``testsuite`` per file with findings, a
    ``testcase`` per finding (``headlint.HL001``, classname the path without its
    suffix) with a ``failure``; a file that could not be checked is a testcase with
    an ``error``. A finding ``--confirm`` refuted passes (it does not fail the run
    either), its message in ``system-out``. With nothing to report, one passing
    testcase says so."""
    from xml.etree import ElementTree as ET  # only for this format

    suites: dict = {}

    def suite(path: str):
        shown = display_path(path, root)
        if shown not in suites:
            suites[shown] = ET.Element("testsuite", name=_xml_text(shown))
        return suites[shown], shown

    def case(parent, name: str, shown: str, line: int = 0, col: int = 0):
        stem, _ = os.path.splitext(shown)
        element = ET.SubElement(parent, "testcase", name=name, classname=_xml_text(stem), file=_xml_text(shown))
        if line:
            element.set("line", str(line))
            element.set("column", str(col))
        return element

    for finding in results:
        span = finding.span
        parent, shown = suite(span.path)
        line, col, _, _ = _file_lines(span)
        element = case(parent, f"headlint.{finding.code}", shown, line, col)
        place = f"cell {span.cell}, line {span.line}, col {span.col}" if span.cell is not None else f"line {span.line}, col {span.col}"
        details = [f"{place}, {finding.message}"]
        details += [f"{label}: {location(s, display_path(s.path, root))}" for label, s in finding.related]
        details += evidence_lines(finding.evidence)
        if refuted(finding):
            ET.SubElement(element, "system-out").text = _xml_text("\n".join(details))
            continue
        failure = ET.SubElement(element, "failure", message=_xml_text(finding.message), type=finding.code)
        failure.text = _xml_text("\n".join(details))
    for path, stage, reason in _problems(errors, missing):
        parent, shown = suite(path)
        element = case(parent, f"headlint.{stage}-error", shown)
        ET.SubElement(element, "error", message=_xml_text(reason), type=f"{stage}-error").text = _xml_text(reason)
    if not suites:
        clean = suites["headlint"] = ET.Element("testsuite", name="headlint")
        files = "1 file" if checked == 1 else f"{checked} files"
        ET.SubElement(clean, "testcase", name=f"No findings in {files}", classname="headlint")

    root_element = ET.Element("testsuites", name="headlint")
    totals = Counter()
    for element in suites.values():
        counts = {
            "tests": len(element),
            "failures": sum(1 for c in element if c.find("failure") is not None),
            "errors": sum(1 for c in element if c.find("error") is not None),
        }
        for key, value in counts.items():
            element.set(key, str(value))
            totals[key] += value
        root_element.append(element)
    for key in ("tests", "failures", "errors"):
        root_element.set(key, str(totals[key]))
    ET.indent(root_element, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root_element, encoding="unicode")
