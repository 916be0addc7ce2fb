"""A softmax written out: ``torch.exp(z) / torch.exp(z).sum(dim=1, keepdim=True)``,
``e = torch.exp(z - z.max(dim=1, keepdim=True)[0]); e / e.sum(dim=1, keepdim=True)``,
``tf.exp(z) / tf.reduce_sum(tf.exp(z), axis=-1, keepdims=True)``.

Course code writes its own softmax (a function, or a module whose ``forward`` does
this), then trains it with a loss that applies softmax again: to the rules it is a
softmax like ``F.softmax``, over the axis the sum is taken along.

The sum must keep its axis (``keepdim=True`` / ``keepdims=True``) for the division
to normalise each example, except over the first axis, where broadcasting divides
every row by the column sums as ``softmax(dim=0)`` does. A sum over everything, or
one reshaped before the division, is not judged."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .. import vocabulary as V
from ..records import Activation
from ..values import Const, Tensor, Value


def _exp(value: Value) -> bool:
    return isinstance(value, Tensor) and value.act is not None and value.act.kind == "exp" and not value.act.moved


def reduced(value: Value, name: str, site, first: int) -> Optional[Tensor]:
    """``e.sum(dim=1, keepdim=True)`` (``first`` 0) or ``torch.sum(e, 1, keepdim=True)``
    (``first`` 1) of an exp: a tensor that remembers what it sums, and along which axis."""
    if name not in V.SUM_REDUCTIONS or not _exp(value):
        return None
    param, keep = V.SUM_REDUCTIONS[name]
    axis = site.arg(param, first)
    if axis is None and param != "axis":
        axis = site.arg("axis")  # numpy and tensorflow spell it axis: e.sum(axis=1)
    if not isinstance(axis, Const) or not isinstance(axis.value, int) or isinstance(axis.value, bool):
        return None
    kept = site.arg(keep) or site.arg("keepdims" if keep == "keepdim" else "keepdim")
    kept_axis = isinstance(kept, Const) and kept.value is True
    if not kept_axis and axis.value != 0:
        return None  # (N, C) / (N,) does not broadcast per example
    return Tensor(fact=value.fact, summed=(value, axis.value))


def arith(op: str, left: Value, right: Value, node) -> Optional[Tensor]:
    """``exp / sum``: a softmax along the sum's axis, applied to what the exp was."""
    if op != "/" or not _exp(left) or not isinstance(right, Tensor) or right.summed is None:
        return None
    summed, axis = right.summed
    if summed is not left and not (summed.layer is not None and summed.layer is left.layer and summed.model is left.model):
        return None
    exp = left.act
    spelling = "tensorflow.nn.softmax" if exp.spelling.startswith(("tensorflow.", "keras.")) else "torch.softmax"
    act = Activation("softmax", axis, True, f"exp(...) / exp(...).sum({axis})", node, spelling, rank=exp.rank)
    return left.derived(act=act, summed=None)


def applied_at(result: Value, args: list, site) -> Value:
    """The result of a call of the user's own softmax (``def softmax(x)``, a module
    whose ``forward`` writes one) points at the call that applies it, as an
    ``nn.Softmax`` applied in ``forward`` does, with where it is written as where the
    activation was created: the helper is right, its use on the head is the mistake.
    Only where the softmax is of what the call was given (a helper, not a model's
    ``forward`` that computes its own layer first)."""
    if site is None or not isinstance(result, Tensor) or result.act is None or result.act.built is not None:
        return result
    act = result.act
    if act.kind != "softmax" or not act.name.startswith("exp(...) / "):
        return result
    if not any(isinstance(arg, Tensor) and arg.layer is result.layer for arg in args):
        return result
    return result.derived(act=replace(act, node=site, built=act.node))
