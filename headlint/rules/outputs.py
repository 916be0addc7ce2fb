"""What several rules ask of a head's output: is it a layer's raw scores, does it
have a single unit, does its loss normalise over classes.

"Raw" is a known fact, never a default: the interpreter records an ``identity``
activation only when it followed the output to a parametrised layer
(``nn.Linear``, ``Dense`` without ``activation=``) with nothing applied after
it. An output it could not follow has no activation at all, and these
predicates are then false, so the rules using them stay silent.
"""

from __future__ import annotations

from .. import vocabulary as V
from ..records import Framework, Head

# Losses that normalise the prediction over a class axis themselves: a softmax
# inside (cross-entropy on logits), or probabilities that Keras renormalises to
# sum to 1 over the last axis. (NLL normalises nothing: it does only after a
# log_softmax, see one_unit_classes.)
CLASS_LOSSES = frozenset(
    {
        "cross_entropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "categorical_focal_crossentropy",
        "softmax_cross_entropy_with_logits",
        "softmax_cross_entropy_with_logits_v2",
        "sparse_softmax_cross_entropy_with_logits",
    }
)

# Losses that take probabilities in [0, 1] and apply nothing to them first.
PROBABILITY_LOSSES = frozenset(
    {
        "bce",
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "categorical_focal_crossentropy",
    }
)


def raw_output(head: Head) -> bool:
    """The output is a known layer's, with no activation after it: any real number."""
    act = head.activation
    return act is not None and act.kind == "identity" and head.output_layer is not None


def one_unit(head: Head) -> bool:
    layer = head.output_layer
    return layer is not None and layer.units == 1


def class_axis_is_the_unit_axis(head: Head) -> bool:
    """The loss normalises over the axis the layer's units are on: Keras losses over
    the last axis unless told otherwise; PyTorch over dim 1, the units of a
    ``(batch, units)`` or ``(batch, channels, ...)`` output. Shapes are not tracked,
    so as for HL004 only a model's single output is taken to be ``(batch, units)``:
    one of several tensors may be ``(batch, time, 1)``, where dim 1 is time."""
    loss = head.loss
    for key, value in loss.args:
        if key in ("axis", "dim") and value != -1:
            return False
    return head.single_output or head.framework is not Framework.TORCH


def one_unit_classes(head: Head) -> bool:
    """A crossentropy over classes meets an output with a single unit (HL010's
    case): a loss that normalises over classes itself, or NLL after a log_softmax."""
    loss, act = head.loss, head.activation
    if loss is None or not one_unit(head) or not class_axis_is_the_unit_axis(head):
        return False
    return loss.kind in CLASS_LOSSES or (loss.kind == "nll" and act is not None and act.kind == "log_softmax")


def where(head: Head):
    """The node a finding about this output points at: its activation when it has
    one, else the output layer (``nn.Linear(64, 1)``, ``Dense(1)``)."""
    act, layer = head.activation, head.output_layer
    if act is not None and act.kind != "identity" and act.node is not None:
        return act.node
    if layer is not None and layer.node is not None:
        return layer.node
    return act.node if act is not None else None


def _over_the_unit_axis(head: Head) -> bool:
    act = head.activation
    if act.axis == -1 or (head.framework is Framework.KERAS and not act.axis_given):
        return True  # layers add their units on the last axis
    if head.framework is Framework.KERAS:
        return False  # Softmax(axis=1) over (batch, time, 1) normalises over time
    # dim=1 or PyTorch's implicit dim is the unit axis of a (batch, units) output;
    # a model returning several tensors may return (batch, time, 1) attention
    # weights normalised over time, so only a single output is judged.
    if act.axis is None and not act.axis_given:
        # torch's implicit dim is 0 for a 3-D output (HL008's case); a convolution's
        # output is 3-D or 4-D, so there only a known rank tells
        if act.rank in V.TORCH_IMPLICIT_DIM_0:
            return False
        if act.rank is None and head.output_layer is not None and head.output_layer.kind == "conv":
            return False
    return act.axis in (1, None) and head.single_output and not (act.axis is None and act.axis_given)


def one_unit_softmax(head: Head) -> bool:
    """A softmax over the single unit of its layer (HL004's case; other rules leave
    such a head to it): the output is the constant 1.0."""
    act, layer = head.activation, head.output_layer
    if act is None or layer is None or act.kind != "softmax" or layer.units != 1:
        return False
    return _over_the_unit_axis(head)
