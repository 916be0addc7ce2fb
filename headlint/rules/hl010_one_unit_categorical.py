"""HL010 one-unit-categorical: a crossentropy over classes on a single output unit.

``nn.CrossEntropyLoss`` / ``F.cross_entropy``, Keras (sparse) categorical
crossentropy and TensorFlow's softmax crossentropy ops normalise over the class
axis themselves (and ``nn.NLLLoss`` after a ``log_softmax`` does). With one unit
there is one class: its softmax is exactly 1, so the loss is 0 for label 0 and
nothing is learned, whatever the activation (a label of 1 is out of range and
fails, or gives NaN). See rules/HL010.md. NLL on a one-unit output that is not a
log_softmax is not 0 but -z, unbounded: HL006 reports that.

A softmax over that one unit is HL004's finding (the output itself is the constant
1.0, whatever the loss): HL010 stays silent there, so one mistake is reported once.

No automatic fix: one sigmoid unit with binary cross-entropy, or one unit per
class, is a change of model that needs a person.
"""

from __future__ import annotations

from ..records import Finding, Framework, Head
from .base import Rule, loss_phrase, related_loss
from .outputs import one_unit_classes, one_unit_softmax, where


def check(head: Head):
    if not one_unit_classes(head) or one_unit_softmax(head):
        return
    loss, layer = head.loss, head.output_layer
    fix = (
        "for two classes use one logit with nn.BCEWithLogitsLoss, otherwise one unit per class"
        if head.framework is Framework.TORCH
        else "for two classes use Dense(1, activation='sigmoid') with binary_crossentropy, otherwise one unit per class"
    )
    yield Finding(
        "HL010",
        f"{loss_phrase(head)} is computed over a single output unit ({layer.name}): a softmax over one class "
        f"is always 1, so the loss is 0 for every example of class 0 and nothing is learned "
        f"(labels above 0 are out of range); {fix}",
        where(head),
        related_loss(head),
        head,
    )


RULE = Rule("HL010", "one-unit-categorical", "crossentropy over classes on a single output unit", check, fix=None)  # no automatic fix: see the docstring
