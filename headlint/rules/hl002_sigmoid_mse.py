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
from .base import Rule, related_head


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind != "sigmoid" or not loss.is_squared_error:
        return
    targets = head.targets
    # The message quotes the code that shows it is a classifier, with its line.
    if targets.kind is Kind.LABEL:
        reason = "the targets are class labels"
        quoted = (targets.node, f"they come from {targets.because}" if targets.because else "")
    elif targets.kind is Kind.UNKNOWN and head.classifier_evidence:
        reason = "the output is used as a class score"
        quoted = (head.classifier_evidence[0], "a threshold, an argmax or an accuracy metric")
    else:
        return
    if quoted[0] is not None or quoted[1]:
        reason += " ({quoted})"
    if head.framework is Framework.TORCH:
        fix = "nn.BCEWithLogitsLoss on the raw outputs, without the sigmoid"
    elif not head.model:  # TF 1 graph code: no model, no compile()
        fix = "tf.nn.sigmoid_cross_entropy_with_logits on the logits, without the sigmoid"
    else:
        fix = "loss='binary_crossentropy'"
    yield Finding(
        "HL002",
        f"sigmoid output is trained with squared error ({loss.name}, {{loss_at}}) although {reason}: "
        f"the gradient vanishes where the output is confidently wrong; train it with binary cross-entropy ({fix})",
        act.node,
        related_head(head),
        head,
        quoted=quoted,
    )

RULE = Rule("HL002", "sigmoid-mse", "sigmoid output trained with squared error as a classifier", check, fix=None)  # no automatic fix: see the docstring
