"""Lines as Python, libcst and the Language Server Protocol count them: a line ends
at CR, LF or CRLF, and nowhere else.

``str.splitlines`` also ends a line at a form feed, U+2028 and five other
separators, which Python source may hold in comments and strings (a form feed
between sections is common in older code). Line numbers counted that way point
past the line a finding is on, and a ``# noqa`` there is read from another line."""

from __future__ import annotations

import re

NEWLINE = re.compile(r"\r\n|\r|\n")
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str, keepends: bool = False) -> list:
    """``text.splitlines(keepends)``, with lines ending only at CR, LF and CRLF."""
    if keepends:
        return _LINE_WITH_END.findall(text)
    lines = NEWLINE.split(text)
    if lines[-1] == "":
        lines.pop()  # "a\n" is one line, as splitlines counts it
    return lines
