"""HL001 double-softmax: a softmax output fed to a loss that applies softmax itself.

The loss takes its input as logits and applies (log-)softmax again, so the
probabilities in [0, 1] are squashed a second time: the loss cannot get near 0 and
the gradients shrink. See rules/HL001.md.
"""

from __future__ import annotations

from ..records import Finding, Framework, Head
from . import Rule, related_loss


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind != "softmax" or loss.applies != "softmax":
        return
    if loss.from_logits:
        fix = "remove the softmax (activation=None) or set from_logits=False"
    elif loss.framework is Framework.KERAS:
        fix = "pass the logits, not the softmax output"
    else:
        fix = "return the raw logits and apply softmax only to make predictions"
    yield Finding(
        "HL001",
        f"softmax output is fed to {loss.name} ({{loss_at}}), which applies softmax itself: "
        f"the loss cannot approach 0 and gradients shrink; {fix}",
        act.node,
        related_loss(head),
        head,
    )


RULE = Rule("HL001", "double-softmax", "softmax output fed to a loss that applies softmax itself", check)
