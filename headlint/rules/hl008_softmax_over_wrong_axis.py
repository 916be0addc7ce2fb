"""HL008 softmax-over-wrong-axis: a softmax normalising over the wrong axis.

A softmax (or log_softmax) turns one axis into a distribution. Over the batch axis
each example's "probabilities" depend on the other examples in the batch and
its classes do not sum to 1; over another axis than the one a crossentropy scores,
the loss trains a different distribution than the one the model outputs. See
rules/HL008.md.

Only reported when the output's rank is certain (``nn.Flatten()``,
``x.view(x.size(0), -1)``, ``keras.Input(shape=...)``, a Keras convolution):

- PyTorch, an implicit ``dim`` (``nn.Softmax()``, ``F.softmax(x)``) on a 3-D output,
  where torch picks dim=0, the batch. On 2-D and 4-D outputs torch picks dim=1 (the
  classes, the channels): deprecated, but right, and not reported;
- PyTorch, ``dim=0`` on a 2-D ``(batch, classes)`` output;
- Keras / TensorFlow, the batch axis (``Softmax(axis=0)``), or an axis other than
  the one a categorical crossentropy normalises over (``axis=-1`` by default).

And whatever the rank, a softmax over dim 0 of a prediction whose output the code
reads as classes on a later axis (``torch.max(F.softmax(out, dim=0), dim=1)`` in
accuracy code, a policy ending in ``nn.Softmax(dim=0)`` gathered with ``dim=1``), on
any path: accuracy code runs under no_grad (``mismatched_read``).

Fixes (``fix`` below), all unsafe (the output changes): ``dim=0`` on a 2-D output -> ``dim=1``, ``dim=0``
read as classes on a later axis -> that axis, and a Keras axis -> the loss's axis.
An implicit dim on a 3-D output has none: which axis holds the classes needs a person.
"""

from __future__ import annotations

from typing import Optional

from .. import vocabulary as V
from ..records import ClassRead, Finding, Fix, Framework, Head, Related
from .base import ACTIVATION_APPLIED, Rule, loss_phrase, related_loss

_TORCH_IMPLICIT = frozenset({
    "torch.nn.functional.softmax", "torch.nn.functional.log_softmax", "torch.nn.Softmax", "torch.nn.LogSoftmax",
})
_KERAS_LAYERS = frozenset({"keras.layers.Softmax"})
# crossentropies that normalise the prediction over an axis (``axis=-1`` by default)
_CATEGORICAL = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy"})


# PyTorch losses whose input is (batch, classes, ...): the class axis is dim 1.
_TORCH_CLASS_LOSSES = frozenset({"nll", "cross_entropy"})


def _is_torch(act) -> bool:
    return act.spelling.startswith(("torch.", "Tensor."))


def _normalised(axis: int, rank: int) -> Optional[int]:
    """``axis`` as a position in 0..rank-1, or None when it is out of range."""
    position = axis + rank if axis < 0 else axis
    return position if 0 <= position < rank else None


def _loss_axis(head: Head) -> Optional[int]:
    """The axis a Keras categorical crossentropy on probabilities normalises over."""
    loss = head.loss
    if loss is None or loss.kind not in _CATEGORICAL or loss.expects != "probabilities":
        return None
    given = dict(loss.args).get("axis", -1)
    return given if isinstance(given, int) and not isinstance(given, bool) else None


def judge(head: Head) -> Optional[tuple]:
    """(what is wrong, the axis to use instead or None) for a head HL008 reports."""
    act = head.activation
    if act is None or act.kind not in ("softmax", "log_softmax"):
        return None
    name = act.name or act.kind
    by_rank = _judged_by_rank(head, act, name)
    if by_rank is None:
        by_rank = _judged_by_channels(head, act, name)
    return by_rank if by_rank is not None else _judged_by_read(head)


def _spatial(act) -> bool:
    """The softmax's literal axis is a spatial one of a channels-first convolution's output
    ((batch, channels, h, w), or (channels, h, w) unbatched): from the end, an axis after
    the channels'; from the start, 2 or later, which is spatial batched or not."""
    axis = act.axis
    if not isinstance(axis, int) or isinstance(axis, bool) or not act.axis_given:
        return False
    if act.rank is not None:
        position = _normalised(axis, act.rank)
        return position is not None and position > act.rank + act.units_axis
    return act.units_axis < axis < 0 or axis >= 2


def _judged_by_channels(head: Head, act, name: str) -> Optional[tuple]:
    """``F.log_softmax(self.conv(x), dim=-1)`` into ``nn.NLLLoss``: torch's convolutions put
    the channels (the classes of a segmentation map) on dim 1, and nll_loss and
    cross_entropy read them there; a softmax over the last axis normalises each row of
    pixels instead (the channels-last habit of Keras)."""
    loss = head.loss
    if (act.units_axis is None or act.moved or not _is_torch(act) or not _spatial(act) or loss is None
            or loss.kind not in _TORCH_CLASS_LOSSES or loss.framework is not Framework.TORCH):
        return None
    layer = head.output_layer.name if head.output_layer is not None else "the convolution"
    return (
        f"{name} normalises over a spatial axis of the output of {layer}, whose channels (the classes) are on "
        f"dim 1, where {loss_phrase(head)} reads them: each pixel's class probabilities do not sum to 1 and "
        f"the loss trains a distribution over positions; use dim=1 (dim={act.units_axis} also serves an unbatched input)", 1,
    )


def _judged_by_rank(head: Head, act, name: str) -> Optional[tuple]:
    if act.rank is None:
        loss = head.loss
        if (_is_torch(act) and act.axis == 0 and act.axis_given and not act.moved and loss is not None
                and loss.kind in _TORCH_CLASS_LOSSES and loss.framework is Framework.TORCH):
            # nll_loss / cross_entropy read their input as (batch, classes, ...): dim 0 is the batch
            return (
                f"{name} normalises over dim 0, but {loss_phrase(head)} reads its input as (batch, classes): "
                f"dim 0 is the batch axis, so each example's probabilities depend on the rest of the batch and "
                f"its classes do not sum to 1; use dim=1", 1,
            )
        if act.spelling in _KERAS_LAYERS and act.axis == 0 and act.axis_given:
            # a Keras layer's input is batched whatever its rank: axis 0 is the batch
            return (
                f"{name} normalises over axis 0, the batch axis of a Keras layer's input: each example's "
                f"probabilities depend on the rest of the batch; use axis=-1", -1,
            )
        return None
    rank = act.rank
    if rank < 2:
        return None
    if _is_torch(act):
        if act.axis is None and not act.axis_given and act.spelling in _TORCH_IMPLICIT:
            if rank not in V.TORCH_IMPLICIT_DIM_0:
                # torch picks dim=1 here, the classes of (batch, classes) and the channels of
                # (batch, channels, h, w): deprecated, and it warns, but the axis is right
                return None
            return (
                f"{name} without dim: for this {rank}-D output torch picks dim=0 (and warns), so it normalises "
                f"across the batch (the first axis), not over the classes; pass dim=-1 for classes on the last axis",
                None,
            )
        if isinstance(act.axis, int) and rank == 2 and _normalised(act.axis, rank) == 0:
            return (
                f"{name} normalises over dim 0 of this (batch, classes) output, the batch axis: each example's "
                f"probabilities depend on the rest of the batch and its classes do not sum to 1; use dim=1", 1,
            )
        return None
    axis = -1 if act.axis is None and not act.axis_given else act.axis
    if not isinstance(axis, int) or isinstance(axis, bool):
        return None
    position = _normalised(axis, rank)
    if position is None:
        return None
    if position == 0:
        return (
            f"{name} normalises over axis 0 of this {rank}-D output, the batch axis: each example's "
            f"probabilities depend on the rest of the batch; use axis=-1", -1,
        )
    loss_axis = _loss_axis(head)
    if loss_axis is None or _normalised(loss_axis, rank) in (None, position):
        return None
    return (
        f"{name} normalises over axis {axis} of this {rank}-D output, but {loss_phrase(head)} scores "
        f"the distribution over axis {loss_axis}: the probabilities the model outputs are not the ones the loss "
        f"trains; use axis={loss_axis}", loss_axis,
    )


def mismatched_read(head: Head) -> Optional[ClassRead]:
    """The first read of this softmax's output as classes along a later axis than the
    one it normalises over, when that axis is the first (``F.softmax(out, dim=0)`` then
    ``torch.max(..., dim=1)``): the softmax normalises over the batch, the code takes
    the classes on dim 1. Axes are compared only where it is sound: literals, the
    softmax's at position 0 (a literal 0, or a negative one the certain rank puts
    there), the read's after it (a positive literal, or a negative one with a certain
    rank). A softmax over a later axis read along another one is left alone:
    ``softmax(dim=1)`` of a (batch, classes, time) output read with ``max(dim=2)``
    pools over time, and ``topk(k, dim=0)`` of ``softmax(dim=1)`` ranks examples."""
    act = head.activation
    if act is None or act.kind not in ("softmax", "log_softmax") or act.moved:
        return None
    if not isinstance(act.axis, int) or isinstance(act.axis, bool) or not act.axis_given:
        return None
    for read in head.class_reads:
        if read.axis is None or not act.same(read.activation):
            continue
        rank = read.rank if read.rank is not None else act.rank
        if rank is not None:
            first, other = _normalised(act.axis, rank), _normalised(read.axis, rank)
            if first == 0 and other is not None and other > 0:
                return read
        elif act.axis == 0 and read.axis > 0:
            return read
    return None


def _judged_by_read(head: Head) -> Optional[tuple]:
    read = mismatched_read(head)
    if read is None:
        return None
    act = head.activation
    name = act.name or act.kind
    param = "dim" if _is_torch(act) else "axis"
    return (
        f"{name} normalises over {param} {act.axis}, but {read.name} ({{classes_at}}) reads the classes on {param} {read.axis}: "
        f"on a batch it normalises each class across the examples, so an example's probabilities depend on the "
        f"rest of the batch and do not sum to 1 over the classes the code reads; use {param}={read.axis} "
        f"({param}=-1 also serves a single unbatched input)", read.axis,
    )


def check(head: Head):
    judged = judge(head)
    if judged is None:
        return
    message, _ = judged
    act = head.activation
    related = related_loss(head)
    read = mismatched_read(head)
    if read is not None:
        related += (Related("classes read here", read.node),)
    if act.built is not None:
        # a module built in one place and applied in another: its axis is written where it was built
        related = (Related(ACTIVATION_APPLIED, act.node),) + related
    yield Finding("HL008", message, act.built if act.built is not None else act.node, related, head)


# --- the fix --------------------------------------------------------------------------


def fix(finding: Finding, syntax) -> Optional[Fix]:
    """A literal axis -> the right one (unsafe: what the model outputs changes): ``dim=0`` on a 2-D
    PyTorch output -> 1, a Keras softmax axis -> -1 (off the batch) or the loss's axis.
    Only on the call that applies the softmax itself (``nn.Softmax(...)`` as an
    ``nn.Sequential`` item, ``F.softmax(x, ...)``, ``layers.Softmax(axis=...)``), with
    plain arguments; a softmax module held in an attribute is left to a person."""
    import libcst as cst

    head = finding.head
    act = head.activation
    judged = judge(head)
    if judged is None or judged[1] is None or not isinstance(act.node, cst.Call):
        return None
    target = judged[1]
    call = act.node
    if isinstance(call.func, cst.Call):
        call = call.func  # functional Keras: Softmax(axis=1)(x)
    params = _axis_param(act.spelling)
    if params is None or not _spells(call, act.spelling) or any(arg.star for arg in call.args):
        return None
    param, pos = params
    arg = _axis_arg(call, param, pos)
    if arg is None or not isinstance(arg.value, (cst.Integer, cst.UnaryOperation)):
        return None
    value = cst.Integer(str(target)) if target >= 0 else cst.UnaryOperation(cst.Minus(), cst.Integer(str(-target)))
    shown = syntax.code(arg.value).strip()
    return Fix(f"use {param}={target} instead of {param}={shown} (the output changes)", False, ((arg.value, value),))


def _axis_param(spelling: str) -> Optional[tuple]:
    """(parameter, position) of the axis argument of the softmax ``spelling`` names."""
    spec = V.ACTIVATION_FUNCTIONS.get(spelling) or V.ACTIVATION_MODULES.get(spelling)
    if spec is None and spelling.startswith("Tensor."):
        spec = V.ACTIVATION_METHODS.get(spelling[len("Tensor."):])
    if spec is None or spec.axis_param is None:
        return None
    return spec.axis_param, spec.axis_pos


def _spells(call, spelling: str) -> bool:
    """The call's own name is the softmax's (not ``self.act(x)`` for a module held elsewhere)."""
    import libcst as cst

    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
    return name.lower() == spelling.rsplit(".", 1)[-1].lower()


def _axis_arg(call, param: str, pos: int):
    positional = [arg for arg in call.args if arg.keyword is None]
    named = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value == param]
    if named:
        return named[0]
    return positional[pos] if pos < len(positional) else None


RULE = Rule("HL008", "softmax-over-wrong-axis", "softmax over the batch axis, an implicit dim, or another axis than the loss's or the one the classes are read on", check, fix)
