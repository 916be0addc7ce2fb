"""A squared error written out instead of called: ``torch.mean((d - 1) ** 2)``,
``torch.mean(d ** 2)``, ``((out - y) ** 2).sum()``. Least-squares GAN code trains
its discriminator this way, and a sigmoid discriminator trained so is HL002.

The error is followed step by step on the tensors (``Tensor.squared``): the
difference of a model output and a target, its square, then a mean or sum over it.
The result is a loss computed by hand, but a squared error is also a common metric
(a Brier score beside the real loss), so it counts only once it trains: it rides
on the value (``Tensor.pending``) through sums and scalings until ``.backward()``
is called on it, and only then becomes a loss event.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .. import vocabulary as V
from ..events import LossEvent
from ..names import short
from ..records import Framework, Kind, Sign, TargetFact
from ..values import UNKNOWN, Const, Tensor, Value
from . import common

# the steps of ``Tensor.squared``: (step, the output, the target, the code so far);
# SQUARES, a sum of squared errors not yet reduced: (SQUARES, ((output, target, code), ...))
DIFF, SQUARE, SQUARES = "diff", "square", "squares"


def _output(value) -> bool:
    """A model's output with a known last step: the prediction of a loss; in TF 1 graph
    code, which has no model object, an activation's output (``tf.nn.sigmoid(logits)``).
    Either counts only once trained."""
    if not isinstance(value, Tensor):
        return False
    if value.model is not None:
        return value.act is not None or value.layer is not None
    return value.act is not None and value.act.kind != "identity"


def _target(value) -> bool:
    return (isinstance(value, Const) and _is_number(value.value)) or (isinstance(value, Tensor) and value.model is None)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value: Value) -> str:
    return repr(value.value) if isinstance(value, Const) else "y"


def arith(op: Optional[str], left: Value, right: Value, node) -> Optional[Value]:
    """``d - 1`` / ``1 - d``, ``(d - y) ** 2``, ``d ** 2``, and sums or scalings of
    errors computed by hand; None: not one of these."""
    if op == "-":
        if _output(left) and _target(right):
            return _raw_kept(left, Tensor(fact=left.fact, squared=(DIFF, left, right, f"(d - {_shown(right)})")))
        if _output(right) and _target(left):
            return Tensor(fact=right.fact, squared=(DIFF, right, left, f"({_shown(left)} - d)"))
    if op == "**" and isinstance(right, Const) and right.value == 2 and isinstance(left, Tensor):
        if left.squared is not None and left.squared[0] == DIFF:
            _, pred, target, code = left.squared
            return Tensor(squared=(SQUARE, pred, target, f"{code} ** 2"))
        if _output(left):  # ``d ** 2``: the distance to 0
            return Tensor(squared=(SQUARE, left, Const(0), "d ** 2"))
    if op == "+" and _squares(left) and _squares(right):
        # ``tf.square(d_real - 1) + tf.square(d_fake)``: both errors, reduced together
        return Tensor(squared=(SQUARES, _squares(left) + _squares(right)))
    sides = [v for v in (left, right) if isinstance(v, Tensor) and v.pending]
    if sides and op in ("+", "-", "*", "/"):
        others = [v for v in (left, right) if not (isinstance(v, Tensor) and v.pending)]
        scaled = op in ("*", "/") and all(v is UNKNOWN for v in others)  # ``/ self.batch_size``
        if scaled or all(isinstance(v, Const) or (isinstance(v, Tensor) and v.model is None) for v in others):
            # ``d_real + d_fake``, ``0.5 * d_loss``: still the errors, still to be trained on
            return Tensor(pending=tuple(event for v in sides for event in v.pending))
    return None


def _raw_kept(output: Tensor, diff: Tensor) -> Tensor:
    """``d_real - torch.mean(d_fake)`` (a relativistic GAN's score), ``logits - logits.max()``:
    a layer's raw output less something is still raw scores, wherever it goes next."""
    if output.raw:
        return diff.derived(act=output.act, layer=output.layer, model=output.model, rank=output.rank)
    return diff


def _graph_framework(pred: Tensor, default):
    """The framework of an output no model holds: TF 1 graph code's is TensorFlow's."""
    spelling = pred.act.spelling if pred.act is not None else ""
    return Framework.KERAS if spelling.startswith(("tensorflow.", "keras.")) else default


def _squares(value) -> tuple:
    """The squared errors a value holds, not yet reduced: ((output, target, code), ...)."""
    if not isinstance(value, Tensor) or value.squared is None:
        return ()
    if value.squared[0] == SQUARE:
        return (value.squared[1:],)
    return value.squared[1] if value.squared[0] == SQUARES else ()


def _squared(value: Value, code: str) -> Optional[Tensor]:
    """The square of a difference of an output and a target (or of an output alone)."""
    if isinstance(value, Tensor) and value.squared is not None and value.squared[0] == DIFF:
        _, pred, target, shown = value.squared
        inner = shown[1:-1] if "({}" in code and shown.startswith("(") else shown  # ``tf.square(d - 1)``
        return Tensor(squared=(SQUARE, pred, target, code.format(inner)))
    if _output(value):
        return Tensor(squared=(SQUARE, value, Const(0), code.format("d")))
    return None


def call(qual: str, site) -> Optional[Value]:
    """``tf.square(d - 1)``, ``torch.pow(d - y, 2)``, ``tf.math.squared_difference(d, y)``,
    ``tf.nn.l2_loss(d - y)``, ``tf.sqrt(err)``; None: not one of these."""
    module, _, name = qual.rpartition(".")
    first = site.arg(None, 0)
    if qual in V.HAND_LOSS_TRAINING_FUNCTIONS:  # ``tf.gradients(loss, params)``
        trained(site.arg(*V.HAND_LOSS_TRAINING_FUNCTIONS[qual]), site)
        return None
    if qual in V.L2_LOSSES:
        square = _squared(first, "{}")
        return reduced(square, "sum", site, "tf.nn.l2_loss{}") if square is not None else None
    if module not in V.SUM_MODULES:
        return None
    spelled = short(qual).replace("numpy.", "np.")
    if name in V.SQUARE_FUNCTIONS:
        return _squared(first, spelled + "({})")
    if name in V.POWER_FUNCTIONS and isinstance(site.arg(*V.POWER_FUNCTIONS[name]), Const) \
            and site.arg(*V.POWER_FUNCTIONS[name]).value == 2:
        return _squared(first, spelled + "({}, 2)")
    if name in V.SQUARED_DIFFERENCES:
        difference = arith("-", first, site.arg(None, 1), site.node)
        if difference is None or difference.squared is None:
            return None
        _, pred, target, _ = difference.squared
        return Tensor(squared=(SQUARE, pred, target, f"{spelled}(d, {_shown(target)})"))
    if name in V.ROOTS and isinstance(first, Tensor) and first.pending:
        return Tensor(pending=first.pending)  # an L2 distance: the same output, pushed the same way
    return None


def reduced(value: Value, name: str, site, shown: str) -> Optional[Value]:
    """``torch.mean(err)`` / ``err.sum()`` of a squared difference (or of a sum of them):
    a loss computed by hand, pending until it is trained on. ``shown``: how the
    reduction is written, ``{}`` standing for the error."""
    if name in V.L1_REDUCE and isinstance(value, Tensor) and value.pending:
        return Tensor(pending=value.pending)  # ``tf.reduce_mean(mse_loss(d, ones))``: still that error
    errors = _squares(value)
    if not errors or name not in V.L1_REDUCE:
        return None
    events = []
    for pred, target, code in errors:
        record = common.loss(V.WRITTEN_SQUARED_ERROR, None, site.node)
        framework = pred.model.framework if pred.model is not None else _graph_framework(pred, record.framework)
        record = replace(record, framework=framework, name=shown.format(code))
        events.append(LossEvent(record, pred, _target_value(target), site.node, site.ctx.inference))
    return Tensor(pending=tuple(events))


def _target_value(target: Value) -> Value:
    """A literal 0 or 1 as the target pushes the output to a class value: labels."""
    if isinstance(target, Const) and target.value in (0, 1):
        return Tensor(fact=TargetFact(Kind.LABEL, Sign.NONNEG, f"the literal {target.value!r}"))
    return target


def trained(value: Value, site) -> bool:
    """``err.backward()``: the errors it carries train; they become loss events."""
    if not (isinstance(value, Tensor) and value.pending):
        return False
    for event in value.pending:
        event.inference = event.inference or site.ctx.inference
        site.interp.events.losses.append(event)
    return True
