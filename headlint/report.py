"""Output formats: ``text`` (with the source line and related locations),
``concise`` (one flake8-style line per finding) and ``json``."""

from __future__ import annotations

import json
from collections import Counter

import click

from . import __version__

JSON_SCHEMA_VERSION = 1


def _style(text: str, color: bool, **kwargs) -> str:
    return click.style(text, **kwargs) if color else text


def location(span) -> str:
    return f"{span.path}:{span.line}:{span.col}"


def text(results, errors, checked: int, color: bool, concise: bool, quiet: bool) -> str:
    out = []
    for finding in results:
        head = f"{_style(location(finding.span), color, bold=True)}: {_style(finding.code, color, fg='red', bold=True)} {finding.message}"
        out.append(head)
        if concise:
            continue
        if finding.source_line.strip():
            out.append(f"    {finding.span.line:>4} | {finding.source_line.rstrip()}")
        for label, span in finding.related:
            out.append(f"         = {label}: {location(span)}")
        if finding.evidence:
            out.append(f"         = {evidence_line(finding.evidence)}")
    if not quiet:
        if out and not concise:
            out.append("")
        out.append(summary(results, errors, checked))
    return "\n".join(out)


def evidence_line(evidence: dict) -> str:
    """``confirmed (torch 2.13.0, cpu): ...``; an unconfirmed summary says why itself."""
    if evidence["status"] == "unconfirmed":
        return evidence["summary"]
    where = f"{evidence['framework']} {evidence['version']}"
    if evidence.get("backend"):
        where += f" on {evidence['backend']}"
    return f"{evidence['status']} ({where}, {evidence['device']}): {evidence['summary']}"


def summary(results, errors, checked: int) -> str:
    files = "1 file" if checked == 1 else f"{checked} files"
    if not results:
        line = f"No findings in {files}."
    else:
        counts = Counter(f.code for f in results)
        per_rule = ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
        n = len(results)
        with_findings = len({f.span.path for f in results})
        line = f"Found {n} finding{'s' if n != 1 else ''} ({per_rule}) in {with_findings} of {files}."
    if errors:
        line += f" {len(errors)} file{'s' if len(errors) != 1 else ''} could not be checked."
    return line


def as_json(results, errors, checked: int) -> str:
    """The documented JSON shape (README, "Machine-readable output")."""

    def span(s) -> dict:
        return {"path": s.path, "line": s.line, "column": s.col, "end_line": s.end_line, "end_column": s.end_col}

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
                "evidence": f.evidence,
            }
            for f in results
        ],
        "errors": [{"path": e.path, "stage": e.stage, "message": e.reason} for e in errors],
    }
    return json.dumps(document, indent=2)
