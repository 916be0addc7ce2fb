"""HL002 sigmoid-mse: a sigmoid output trained with squared error as a classifier.

The squared error's gradient through a sigmoid is 2(p - y)·p(1 - p): it vanishes
exactly where the model is confidently wrong. Binary cross-entropy, the
maximum-likelihood loss for a Bernoulli output, has gradient p - y. Reported only
when the targets are labels or the output is used as a class score; sigmoid + MSE
on continuous targets in [0, 1] (reconstruction) is fine. See rules/HL002.md.

No automatic fix: the right loss (binary cross-entropy, on logits or on
probabilities) and whether the targets really are labels need a person.
"""

from __future__ import annotations

from ..records import Finding, Framework, Head, Kind
from .base import Rule, related_loss


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind != "sigmoid" or not loss.is_squared_error:
        return
    targets = head.targets
    if targets.kind is Kind.LABEL:
        reason = f"the targets are class labels ({targets.because})" if targets.because else "the targets are class labels"
    elif targets.kind is Kind.UNKNOWN and head.classifier_evidence:
        reason = "the output is used as a class score"
    else:
        return
    fix = (
        "use binary cross-entropy (nn.BCEWithLogitsLoss on the logits)"
        if head.framework is Framework.TORCH
        else "use loss='binary_crossentropy'"
    )
    yield Finding(
        "HL002",
        f"sigmoid output is trained with squared error ({loss.name}, {{loss_at}}) as a classifier: "
        f"{reason}; its gradient vanishes when the model is confidently wrong, {fix}",
        act.node,
        related_loss(head),
        head,
    )


RULE = Rule("HL002", "sigmoid-mse", "sigmoid output trained with squared error as a classifier", check, fix=None)  # no automatic fix: see the docstring
