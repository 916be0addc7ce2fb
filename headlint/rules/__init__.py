"""The rule registry. A rule is a pure function from a head to findings, in a file
of its own; its long-form documentation is the page ``rules/<CODE>.md``.

A rule may also offer an automatic fix for its findings: ``fix(finding, syntax)``
returns a records.Fix, or None when the syntax it sees is not exactly the shape the
fix is right for (see fixes.py for the context it gets and the checks the engine
adds across the whole file)."""

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


def related_loss(head: Head) -> tuple:
    """Where the loss meets the output, and where it was built when elsewhere."""
    from ..records import Related

    related = []
    if head.link is not None and head.link.node is not None:
        related.append(Related("loss applied here", head.link.node))
    if head.loss is not None and head.loss.node is not None and head.loss.node is not getattr(head.link, "node", None):
        related.append(Related("loss created here", head.loss.node))
    return tuple(related)


def _load() -> dict:
    from . import (
        hl001_double_softmax,
        hl002_sigmoid_mse,
        hl003_relu_signed_regression,
        hl004_one_unit_softmax,
        hl005_double_sigmoid,
        hl006_nll_on_probabilities,
        hl007_logits_into_probability_loss,
        hl008_softmax_over_wrong_axis,
        hl009_l1_on_softmax,
        hl010_one_unit_categorical,
        hl011_range_mismatch,
    )

    rules = [
        hl001_double_softmax.RULE,
        hl002_sigmoid_mse.RULE,
        hl003_relu_signed_regression.RULE,
        hl004_one_unit_softmax.RULE,
        hl005_double_sigmoid.RULE,
        hl006_nll_on_probabilities.RULE,
        hl007_logits_into_probability_loss.RULE,
        hl008_softmax_over_wrong_axis.RULE,
        hl009_l1_on_softmax.RULE,
        hl010_one_unit_categorical.RULE,
        hl011_range_mismatch.RULE,
    ]
    return {rule.code: rule for rule in rules}


RULES: dict = _load()
