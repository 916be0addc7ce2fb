"""HL011 range-mismatch: an output whose range cannot be what the loss scores.

Six shapes, each reported at the activation (see rules/HL011.md):

- a tanh output, in (-1, 1), into binary cross-entropy on probabilities (``nn.BCELoss``,
  ``F.binary_cross_entropy``, Keras ``binary_crossentropy`` with from_logits=False):
  PyTorch raises on the first negative output, Keras clips it to 1e-7 where the
  gradient is 0;
- a softmax over three or more units (a literal count, or one-hot targets of that many
  classes) with binary cross-entropy on probabilities (Keras ``binary_crossentropy``,
  ``nn.BCELoss``, ``F.binary_cross_entropy``): the units compete, the loss scores them
  as independent yes/no units. One-hot targets (``to_categorical``, ``one_hot``) say
  categorical crossentropy was meant; other targets may be multi-label, and the
  message names both fixes. Two units are exactly categorical crossentropy, so they
  are not reported;
- a sigmoid over several units (or a count not known, which if it is one is the
  constant loss of HL010, a mistake too) with a Keras categorical crossentropy on
  probabilities: the outputs do not sum to 1, Keras divides them by their sum, and
  the model trains one thing and outputs another;
- a softmax fed to a loss that applies sigmoid to its input as logits (``nn.BCEWithLogitsLoss``,
  Keras' binary crossentropy with from_logits=True): each probability becomes a sigmoid
  in [0.5, 0.73], whatever the unit count;
- sigmoid outputs fed to a cross-entropy that softmaxes them as logits (PyTorch's,
  Keras' with from_logits=True, TensorFlow's ``softmax_cross_entropy_with_logits``):
  squeezed into (0, 1) they cannot make any class likely (one unit is HL010's);
- a sigmoid output regressed (squared, absolute, Huber error) onto targets that can be
  negative by the sign analysis (targets.py): those targets are out of reach, and
  the outputs pushed towards them saturate. HL003 is the same mistake for ReLU-like
  outputs; HL002 is a sigmoid with squared error on labels.

No automatic fix: each changes what the model outputs or how it trains, and which
activation or loss was meant needs a person.
"""

from __future__ import annotations

import math
from typing import Optional

from .. import vocabulary as V
from ..records import ONEHOT_IF_MULTICLASS, Finding, Framework, Head, Sign
from .base import Rule, loss_phrase, related_head, targets_origin

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


def _over_units(head: Head) -> bool:
    """The softmax normalises over the output layer's units: Keras' last axis (its
    default), PyTorch's dim 1 of a convolution or the last dim of a linear layer. A
    softmax over another axis is HL008's."""
    act, rank = head.activation, head.activation.rank
    torch = head.loss.framework is Framework.TORCH
    axis = act.axis
    if axis is None and not act.axis_given:
        if torch and rank is None:
            return False  # torch's implicit dim depends on the rank
        axis = (0 if rank in V.TORCH_IMPLICIT_DIM_0 else 1) if torch else -1
    if not isinstance(axis, int) or isinstance(axis, bool):
        return False
    position = axis + rank if rank is not None and axis < 0 else axis
    if not torch:
        return axis == -1 or (rank is not None and position == rank - 1)
    conv = head.output_layer is not None and head.output_layer.kind == "conv"
    if rank is None:
        return axis == 1 or (axis == -1 and not conv)
    return position == (1 if conv else rank - 1)


def softmax_into_binary(head: Head) -> Optional[str]:
    act, loss = head.activation, head.loss
    if act.kind != "softmax" or loss.kind not in _BINARY or loss.expects != "probabilities":
        return None
    classes = _units(head) or (head.targets.onehot if head.targets.onehot > 0 else None)
    if classes is None or classes < 3 or not _over_units(head):
        return None  # two units: binary crossentropy on a 2-way softmax is categorical crossentropy
    keras = loss.framework is Framework.KERAS
    if loss.kind == "binary_crossentropy":
        # measured: the tensorflow backend's softmax caches its logits, and the loss reads them back
        how = f"independent yes/no (Keras on TensorFlow even reads the logits behind the softmax as {classes} sigmoids)"
    else:
        how = f"independent yes/no and averages over the {classes} units (a fraction of crossentropy's gradient)"
    categorical = "loss='categorical_crossentropy'" if keras else "nn.CrossEntropyLoss on the logits"
    if head.targets.onehot:
        because = f" ({head.targets.because})" if head.targets.because else ""
        return (
            f"softmax over {classes} units is trained with {loss_phrase(head)} on one-hot targets{because}: "
            f"one class per example, but the loss scores each unit as an {how}, not the {classes}-way choice the "
            f"softmax makes; use {categorical}"
        )
    sigmoid = "activation='sigmoid'" if keras else "a sigmoid (or the logits with nn.BCEWithLogitsLoss)"
    return (
        f"softmax over {classes} units makes them compete (they sum to 1), but {loss_phrase(head)} scores each "
        f"unit as an {how}: with one class per example use {categorical}; with several labels per example, "
        f"or a value in [0, 1] per unit, end with {sigmoid}"
    )


def sigmoid_into_cross_entropy(head: Head) -> Optional[str]:
    """Sigmoid outputs fed to a loss that softmaxes its input as logits: PyTorch's
    ``nn.CrossEntropyLoss`` / ``F.cross_entropy``, a Keras categorical crossentropy
    with from_logits=True, ``tf.nn.softmax_cross_entropy_with_logits``."""
    act, loss = head.activation, head.loss
    if act.kind != "sigmoid" or loss.applies != "softmax":
        return None
    if act.configurable:
        # ``activation_fn=nn.Sigmoid()`` with no caller in sight: libraries offer a sigmoid
        # scaled by a temperature before the cross-entropy (``logits * self.scale``), as a choice
        return None
    units = _units(head)
    if units == 1:
        return None  # one unit: HL010's mistake
    if units:
        floor = math.log(1 + (units - 1) / math.e)
        bound = (f"over {units} classes the right one's probability stays below {math.e / (math.e + units - 1):.2f} "
                 f"and the loss cannot go below {floor:.2f}")
    else:
        bound = "the right class's probability stays far from 1 and the loss cannot approach 0"
    if loss.framework is Framework.TORCH:
        fix = "pass the logits (no sigmoid), or use nn.BCEWithLogitsLoss for independent yes/no labels"
    else:
        # rules/HL011.md: keras/src/backend/tensorflow/nn.py, _get_logits looks behind Keras' own activations
        fix = ("end with no activation (the logits), or with activation='softmax' and from_logits=False; "
               "for independent yes/no labels keep the sigmoid with binary_crossentropy (TensorFlow's fit() "
               "quietly scores the logits behind Keras' own sigmoid and only warns, but predict() returns the "
               "sigmoids; Keras on torch or jax, and a raw tf.nn.sigmoid, train on the squeezed outputs)")
    return (
        f"sigmoid outputs are fed to {loss_phrase(head)}, which applies softmax to them as if they were logits: "
        f"squeezed into (0, 1), the scores differ by less than 1, so {bound}, and the gradient through the "
        f"sigmoid vanishes; {fix}"
    )


def softmax_into_sigmoid_loss(head: Head) -> Optional[str]:
    """A softmax output fed to a loss that applies sigmoid to its input as logits
    (``nn.BCEWithLogitsLoss``, Keras' binary crossentropy with from_logits=True,
    ``tf.nn.sigmoid_cross_entropy_with_logits``): each probability, in [0, 1], becomes a
    sigmoid in [0.5, 0.73], whatever the unit count (one unit is HL004's)."""
    act, loss = head.activation, head.loss
    if act.kind != "softmax" or loss.applies != "sigmoid" or not _over_units(head):
        return None
    units = _units(head) or (head.targets.onehot if head.targets.onehot > 1 else None)
    if units == 1:
        return None
    # one-hot rows at best (the right unit at 1, the others at 0): -log sigmoid(1) for the
    # one, -log(1 - sigmoid(0)) = log 2 for each of the others
    yes, no = math.log(1 + math.exp(-1)), math.log(2)
    floor = (f"over {units} units the loss cannot go below {(yes + (units - 1) * no) / units:.2f}"
             if units else "the loss cannot approach 0")
    keras = ""
    if loss.framework is Framework.TORCH:
        fix = ("pass the logits (no softmax) to nn.CrossEntropyLoss for one class per example, or to "
               "nn.BCEWithLogitsLoss for independent yes/no labels")
    else:
        # measured (rules/HL011.md): keras/src/backend/tensorflow/nn.py, _get_logits looks behind
        # Keras' own softmax even with from_logits=True
        keras = (" (TensorFlow's fit() instead scores the logits behind Keras' own softmax as independent "
                 "sigmoids, and only warns: yes/no units that the softmax of predict() makes compete)")
        fix = ("for one class per example keep the softmax with categorical_crossentropy (from_logits=False); "
               "for independent yes/no labels end with no activation and keep from_logits=True")
    return (
        f"softmax outputs are fed to {loss_phrase(head)}, which applies sigmoid to each of them as if it were a "
        f"logit: a probability in [0, 1] becomes a sigmoid in [0.5, 0.73], so {floor} (a 0 still scores {no:.2f}, "
        f"a 1 scores {yes:.2f}) and the gradient is a small fraction of cross-entropy's{keras}; {fix}"
    )


def sigmoid_into_categorical(head: Head) -> Optional[str]:
    act, loss = head.activation, head.loss
    if act.kind != "sigmoid" or loss.framework is not Framework.KERAS:
        return None
    if loss.kind not in _CATEGORICAL or loss.expects != "probabilities":
        return None
    units = _units(head)
    if units == 1:
        return None  # one unit: HL010's mistake
    several = units is not None or head.targets.onehot not in (0, ONEHOT_IF_MULTICLASS)
    # an unknown count may be one (LabelBinarizer gives two classes one column): then the
    # loss is HL010's constant 0, a mistake all the same, and the message says both
    shown = f"{units} units" if units else ("several units" if several else "its units")
    single = "" if several else " (over a single unit the loss is 0 whatever the input)"
    return (
        f"sigmoid outputs over {shown} do not sum to 1, but {loss_phrase(head)} expects a distribution over "
        f"them{single}: Keras divides them by their sum (on TensorFlow it scores the logits behind the sigmoid "
        f"as a softmax), so the loss trains one distribution while predict() returns the raw sigmoids; use "
        f"activation='softmax' (sigmoid with binary_crossentropy is for multi-label targets, or one unit for "
        f"two classes)"
    )


def sigmoid_on_signed_regression(head: Head) -> Optional[str]:
    """A sigmoid output, in (0, 1), regressed onto targets the sign analysis knows can
    be negative (a normal draw, standardised values, images normalised to [-1, 1])."""
    act, loss = head.activation, head.loss
    if act.kind != "sigmoid" or loss.kind not in V.REGRESSION_LOSSES or head.targets.sign is not Sign.SIGNED:
        return None
    because = targets_origin(head)
    return (
        f"sigmoid output lies in (0, 1), but the targets of this regression ({loss.name}, {{loss_at}}) can be "
        f"negative{because}: every negative target is out of reach, and the outputs pushed towards it saturate "
        f"near 0, where the sigmoid's gradient vanishes; use a linear output (no activation), or tanh for "
        f"targets scaled to [-1, 1]"
    )


def check(head: Head):
    if head.activation is None or head.loss is None:
        return
    judges = (tanh_into_bce, softmax_into_binary, softmax_into_sigmoid_loss, sigmoid_into_categorical,
              sigmoid_into_cross_entropy, sigmoid_on_signed_regression)
    for judge in judges:
        message = judge(head)
        if message is not None:
            yield Finding("HL011", message, head.activation.node, related_head(head), head)
            return


RULE = Rule("HL011", "range-mismatch", "output range the loss cannot score: tanh into BCE, softmax or sigmoid with the other crossentropy, a sigmoid regressing signed targets", check, fix=None)  # no automatic fix: see the docstring
