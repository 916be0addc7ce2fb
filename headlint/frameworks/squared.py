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
from ..records import Kind, Sign, TargetFact
from ..values import Const, Tensor, Value
from . import common

# the steps of ``Tensor.squared``: (step, the output, the target, the code so far)
DIFF, SQUARE = "diff", "square"


def _output(value) -> bool:
    """A model's output with a known last step: the prediction of a loss."""
    return isinstance(value, Tensor) and value.model is not None and (value.act is not None or value.layer is not None)


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
    sides = [v for v in (left, right) if isinstance(v, Tensor) and v.pending]
    if sides and op in ("+", "-", "*", "/"):
        others = [v for v in (left, right) if not (isinstance(v, Tensor) and v.pending)]
        if all(isinstance(v, Const) or (isinstance(v, Tensor) and v.model is None) for v in others):
            # ``d_real + d_fake``, ``0.5 * d_loss``: still the errors, still to be trained on
            return Tensor(pending=tuple(event for v in sides for event in v.pending))
    return None


def _raw_kept(output: Tensor, diff: Tensor) -> Tensor:
    """``d_real - torch.mean(d_fake)`` (a relativistic GAN's score), ``logits - logits.max()``:
    a layer's raw output less something is still raw scores, wherever it goes next."""
    if output.raw:
        return diff.derived(act=output.act, layer=output.layer, model=output.model, rank=output.rank)
    return diff


def reduced(value: Value, name: str, site, shown: str) -> Optional[Value]:
    """``torch.mean(err)`` / ``err.sum()`` of a squared difference: a loss computed
    by hand, pending until it is trained on. ``shown``: how the reduction is
    written, ``{}`` standing for the error."""
    if not (isinstance(value, Tensor) and value.squared is not None and value.squared[0] == SQUARE):
        return None
    if name not in V.L1_REDUCE:
        return None

    _, pred, target, code = value.squared
    record = common.loss(V.WRITTEN_SQUARED_ERROR, None, site.node)
    framework = pred.model.framework if pred.model is not None else record.framework
    record = replace(record, framework=framework, name=shown.format(code))
    event = LossEvent(record, pred, _target_value(target), site.node, site.ctx.inference)
    return Tensor(pending=(event,))


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
