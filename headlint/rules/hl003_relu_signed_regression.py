"""HL003 relu-signed-regression: a non-negative output on targets that can be negative.

ReLU, relu6, softplus and exp cannot output a negative number, so every negative
target is out of reach, and a unit pushed below zero gets no gradient at all. The
sign of the targets comes from the sign analysis (targets.py); an unknown sign is
never reported. See rules/HL003.md.

No automatic fix: whether to drop the activation, shift the targets or
change the loss needs a person.
"""

from __future__ import annotations

from ..records import Finding, Head, Sign
from ..vocabulary import NON_NEGATIVE, REGRESSION_LOSSES
from .base import Rule, related_head, targets_origin


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind not in NON_NEGATIVE or loss.kind not in REGRESSION_LOSSES:
        return
    if head.targets.sign is not Sign.SIGNED:
        return
    because = targets_origin(head)
    yield Finding(
        "HL003",
        f"{act.kind} output can never be negative, but the targets of this regression ({loss.name}, "
        f"{{loss_at}}) can be{because}: negative targets are unreachable; use a linear output (no activation)",
        act.node,
        related_head(head),
        head,
    )


RULE = Rule("HL003", "relu-signed-regression", "non-negative output activation on a regression with signed targets", check, fix=None)  # no automatic fix: see the docstring
