"""HL100 unused-noqa: a ``# noqa: HL001`` (or ``# headlint: noqa: HL001``) that
silences nothing, or names an HL code that does not exist.

It is about the directives, not a model head: the engine judges them once a file's
findings are known (noqa.py), so the rule's check of a head finds nothing. Opt-in,
as ruff's RUF100. See rules/HL100.md.
"""

from __future__ import annotations

from .base import Rule


def check(head):
    return ()


RULE = Rule(
    "HL100",
    "unused-noqa",
    "a `# noqa: HL...` directive that silences nothing, or names no rule (opt-in)",
    check,
    default=False,
)
