"""What every rule file builds on: the Rule record and the related locations of a
finding about a loss. (Rule files import this, never the registry or each other.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

from ..records import Finding, Fix, Head


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str  # one line, shown by ``headlint rules``
    check: Callable[[Head], Iterable[Finding]]
    # (finding, fixes.Syntax) -> Fix or None; None here: the rule never offers one
    fix: Optional[Callable[..., Optional[Fix]]] = None
    # False: opt-in, run only when selected by code or prefix (``--select HL``), as
    # ruff's RUF100 is not among its default rules
    default: bool = True


def related_loss(head: Head) -> tuple:
    """Where the loss meets the output, and where it was built when elsewhere."""
    from ..records import Related

    related = []
    if head.link is not None and head.link.node is not None:
        related.append(Related("loss applied here", head.link.node))
    if head.loss is not None and head.loss.node is not None and head.loss.node is not getattr(head.link, "node", None):
        related.append(Related("loss created here", head.loss.node))
    return tuple(related)
