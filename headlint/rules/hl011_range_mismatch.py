"""HL011 range-mismatch: an output whose range cannot be what the loss scores.

Three shapes, each reported at the activation (see rules/HL011.md):

- a tanh output, in (-1, 1), into binary cross-entropy on probabilities (``nn.BCELoss``,
  ``F.binary_cross_entropy``, Keras ``binary_crossentropy`` with from_logits=False):
  PyTorch raises on the first negative output, Keras clips it to 1e-7 where the
  gradient is 0;
- a softmax over three or more units with Keras ``binary_crossentropy`` when the targets
  are one-hot rows (``to_categorical``, ``one_hot``): one class per example, scored as
  independent yes/no units (two units are exactly categorical crossentropy, so they
  are not reported; targets that are not known to be one-hot may be multi-label);
- a sigmoid over several units with a Keras categorical crossentropy on
  probabilities: the outputs do not sum to 1, Keras divides them by their sum, and
  the model trains one thing and outputs another.

No automatic fix: each changes what the model outputs or how it trains, and which
activation or loss was meant needs a person.
"""

from __future__ import annotations

from typing import Optional

from ..records import ONEHOT_IF_MULTICLASS, Finding, Framework, Head
from .base import Rule, loss_phrase, related_loss

_BINARY = frozenset({"bce", "binary_crossentropy", "binary_focal_crossentropy"})
_CATEGORICAL = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy"})


def _units(head: Head) -> Optional[int]:
    units = head.output_layer.units if head.output_layer is not None else None
    return units if isinstance(units, int) and not isinstance(units, bool) else None


def tanh_into_bce(head: Head) -> Optional[str]:
    act, loss = head.activation, head.loss
    if act.kind != "tanh" or loss.kind not in _BINARY or loss.expects != "probabilities":
        return None
    if loss.framework is Framework.TORCH:
        harm = "PyTorch raises a RuntimeError on the first negative output"
        fix = "end with a sigmoid, or return the logits and use nn.BCEWithLogitsLoss"
    else:
        harm = "Keras clips every negative output to 1e-7, where the loss is stuck at 16.1 for a positive and the gradient is 0"
        fix = "use activation='sigmoid'"
    return (
        f"tanh output ranges over (-1, 1), but {loss_phrase(head)} takes probabilities in [0, 1]: "
        f"{harm}; {fix}"
    )


def softmax_into_binary(head: Head) -> Optional[str]:
    act, loss = head.activation, head.loss
    if act.kind != "softmax" or loss.framework is not Framework.KERAS:
        return None
    if loss.kind not in _BINARY or loss.expects != "probabilities" or not head.targets.onehot:
        return None
    classes = _units(head) or (head.targets.onehot if head.targets.onehot > 0 else None)
    if classes is None or classes < 3:
        return None  # two units: binary crossentropy on a 2-way softmax is categorical crossentropy
    because = f" ({head.targets.because})" if head.targets.because else ""
    return (
        f"softmax over {classes} units is trained with {loss_phrase(head)} on one-hot targets{because}: "
        f"one class per example, but the loss scores each unit as an independent yes/no (Keras on TensorFlow even "
        f"reads the logits behind the softmax as {classes} sigmoids), not the {classes}-way choice the softmax makes; "
        f"use loss='categorical_crossentropy'"
    )


def sigmoid_into_categorical(head: Head) -> Optional[str]:
    act, loss = head.activation, head.loss
    if act.kind != "sigmoid" or loss.framework is not Framework.KERAS:
        return None
    if loss.kind not in _CATEGORICAL or loss.expects != "probabilities":
        return None
    units = _units(head)
    if units == 1 or (units is None and head.targets.onehot in (0, ONEHOT_IF_MULTICLASS)):
        return None  # one unit is another mistake; an unknown count may be one (LabelBinarizer: two classes)
    shown = f"{units} units" if units else "several units"
    return (
        f"sigmoid outputs over {shown} do not sum to 1, but {loss_phrase(head)} expects a distribution over "
        f"them: Keras divides them by their sum (on TensorFlow it scores the logits behind the sigmoid as a "
        f"softmax), so the loss trains one distribution while predict() returns the raw sigmoids; use "
        f"activation='softmax' (sigmoid with binary_crossentropy is for multi-label targets)"
    )


def check(head: Head):
    if head.activation is None or head.loss is None:
        return
    for judge in (tanh_into_bce, softmax_into_binary, sigmoid_into_categorical):
        message = judge(head)
        if message is not None:
            yield Finding("HL011", message, head.activation.node, related_loss(head), head)
            return


RULE = Rule("HL011", "range-mismatch", "output range the loss cannot score: tanh into BCE, softmax or sigmoid with the other crossentropy", check, fix=None)  # no automatic fix: see the docstring
