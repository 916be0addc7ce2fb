"""Penalties on an output's values (HL009): Keras ``activity_regularizer=l1(...)``,
``add_loss(...)``, and an L1 norm written out and added to a loss
(``loss + lam * probs.abs().sum()``, ``torch.norm(probs, p=1)``).

An L1 norm written out is followed step by step on the tensor it is computed from
(``Tensor.l1``: the step reached, the tensor, the code so far): ``abs`` of a
softmax output, then a sum or mean over every element (or over the softmax's own
axis first), scaled by anything. When such a term is added to the value of a loss
call, or passed to ``add_loss``, it becomes a PenaltyEvent. The steps are rows of
the vocabulary.
"""

from __future__ import annotations

from typing import Optional

from .. import vocabulary as V
from ..events import Evaluator, PenaltyEvent
from ..names import short
from ..records import Framework, Penalty
from ..values import Const, Tensor, Value

# the steps of ``Tensor.l1``
ABS, ROWS, TERM = "abs", "rows", "term"  # |p|; summed over the softmax axis; a scalar


class RegularizerObj(Value):
    """A Keras regularizer object: its L1 factor (None: not a literal)."""

    def __init__(self, l1, name: str, node=None):
        self.l1 = l1
        self.name = name
        self.node = node


# --- Keras regularizers --------------------------------------------------------------


def regularizer(qual: str, site) -> Value:
    """``keras.regularizers.l1(1e-5)``, ``L1L2(l1=0.01, l2=0.01)``."""
    param, pos, default = V.L1_REGULARIZERS[qual]
    value = site.arg(param, pos)
    if value is None:
        factor = default
    elif isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        factor = float(value.value)
    else:
        factor = ...  # a variable: some factor, not 0 as far as anyone can tell
    shown = [f"{k}={v.value!r}" if isinstance(v, Const) else f"{k}=..." for k, v in site.kwargs.items()]
    shown = [repr(a.value) if isinstance(a, Const) else "..." for a in site.args] + shown
    return RegularizerObj(factor, f"{short(qual).replace('keras.regularizers.', '')}({', '.join(shown)})", site.node)


def activity_penalty(site) -> Optional[Penalty]:
    """The L1 penalty a layer's ``activity_regularizer=`` puts on its output, or None
    (no regularizer, one without an L1 part, or one that cannot be told)."""
    value = site.arg("activity_regularizer")
    if value is None:
        return None
    if isinstance(value, Const) and isinstance(value.value, str):
        factor = V.L1_REGULARIZER_STRINGS.get(value.value)
        name = repr(value.value)
    elif isinstance(value, RegularizerObj):
        factor, name = value.l1, value.name
    else:
        return None
    if factor is None or factor == 0:
        return None
    node = site.arg_node("activity_regularizer")
    return Penalty("l1", f"activity_regularizer={name}", "activity_regularizer", None if factor is ... else factor, node)


# --- an L1 norm written out ------------------------------------------------------------


def _softmax_output(value) -> bool:
    return isinstance(value, Tensor) and value.act is not None and value.act.kind == "softmax" and value.l1 is None


def _over_the_softmax_axis(site, value: Tensor, axis_pos: int) -> Optional[bool]:
    """A reduction's axis argument: None when there is none (every element), True
    when it is the softmax's own axis, False otherwise."""
    given = site.arg("dim", axis_pos) or site.arg("axis", axis_pos)
    if given is None:
        return None
    act = value.l1[1].act
    if not isinstance(given, Const) or not isinstance(given.value, int) or not isinstance(act.axis, int):
        return False  # torch's implicit dim, or an axis that is not a literal
    if given.value == act.axis:
        return True
    rank = act.rank  # dim=-1 and dim=1 are the same axis of a 2-D output
    if rank is None or not (-rank <= given.value < rank and -rank <= act.axis < rank):
        return False
    return given.value % rank == act.axis % rank


def _step(value: Tensor, name: str, site, axis_pos: int, shown: str) -> Optional[Tensor]:
    step, source, text, _ = value.l1 if value.l1 is not None else (None, value, "p", None)
    code = shown.format(text)
    if name in V.L1_ABS:
        return Tensor(l1=(ABS, value, code, 1.0)) if _softmax_output(value) else None
    if name in V.L1_REDUCE and step in (ABS, ROWS):
        over = _over_the_softmax_axis(site, value, axis_pos)
        if over is None:
            return Tensor(l1=(TERM, source, code, 1.0))
        if over and step == ABS:
            return Tensor(l1=(ROWS, source, code, 1.0))
    return None


def _norm(key: str, value, site, shown: str) -> Optional[Tensor]:
    param, pos = V.L1_NORMS[key]
    order = site.arg(param, pos)
    extra = set(site.kwargs) - {param, "dtype", "out"}
    if not _softmax_output(value) or not (isinstance(order, Const) and order.value == 1) or extra:
        return None
    if len(site.args) > pos + 1:  # a dim given by position
        return None
    return Tensor(l1=(TERM, value, shown.format("p"), 1.0))


def _reduced_loss(value: Tensor, name: str) -> Optional[Tensor]:
    """``tf.reduce_mean(loss_fn(y, p))`` is still the loss a penalty may be added to."""
    return Tensor(loss=value.loss) if value.loss is not None and name in V.L1_REDUCE else None


def call(qual: str, site) -> Optional[Value]:
    """``torch.abs(p)``, ``tf.reduce_sum(...)``, ``torch.norm(p, p=1)``: a step of an
    L1 norm of a softmax output, or None when this call is not one."""
    value = site.arg(None, 0)
    if not isinstance(value, Tensor):
        return None
    if value.loss is not None:
        return _reduced_loss(value, qual.rpartition(".")[2])
    if qual in V.L1_NORMS:
        return _norm(qual, value, site, f"{short(qual)}({{}}, {V.L1_NORMS[qual][0]}=1)")
    module, _, name = qual.rpartition(".")
    if module in V.L1_MODULES and (name in V.L1_ABS or name in V.L1_REDUCE):
        return _step(value, name, site, 1, f"{short(qual)}({{}})")
    return None


def method(receiver: Value, name: str, site) -> Optional[Value]:
    """``p.abs()``, ``.sum()``, ``.mean(dim=1)``, ``p.norm(1)``."""
    if not isinstance(receiver, Tensor):
        return None
    if receiver.loss is not None:
        return _reduced_loss(receiver, name)
    if name == "norm":
        return _norm("Tensor.norm", receiver, site, "{}.norm(1)")
    if name in V.L1_ABS or name in V.L1_REDUCE:
        return _step(receiver, name, site, 0, f"{{}}.{name}()")
    return None


def builtin_abs(value: Value, site) -> Optional[Value]:
    return _step(value, "abs", site, 0, "abs({})") if isinstance(value, Tensor) else None


def arith(op: Optional[str], left: Value, right: Value, node, interp: Evaluator) -> Optional[Value]:
    """``lam * term`` is still the term; ``loss + term`` adds it to a loss (a
    PenaltyEvent) and is still a loss. None: not an operation on these."""
    sides = (left, right)
    if op in ("*", "/") and any(_term(v) for v in sides):
        term = next(v for v in sides if _term(v))
        other = right if term is left else left
        if isinstance(other, Tensor) and (other.l1 is not None or other.loss is not None):
            return None
        _, source, text, factor = term.l1
        number = other.value if isinstance(other, Const) and _is_number(other.value) else None
        shown = repr(number) if number is not None else "lam"
        if op == "*":
            code = f"{shown} * {text}"
            factor = factor * number if number is not None and factor is not None else None
        elif term is left:
            code = f"{text} / {shown}"
            factor = factor / number if number and factor is not None else None
        else:  # lam / term: the reciprocal of a constant is a constant too
            code, factor = f"{shown} / {text}", None
        return Tensor(l1=(TERM, source, code, factor))
    if op in ("+", "-") and any(isinstance(v, Tensor) and v.loss is not None for v in sides):
        loss = next(v.loss for v in sides if isinstance(v, Tensor) and v.loss is not None)
        for value in sides:
            if _term(value):
                record(interp, value, "loss term", node, loss.inference, loss.loss.framework)
        return Tensor(loss=loss)
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _term(value) -> bool:
    return isinstance(value, Tensor) and value.l1 is not None and value.l1[0] == TERM


def added(value: Optional[Value], site) -> None:
    """``model.add_loss(value)`` / ``self.add_loss(value)``."""
    if _term(value):
        record(site.interp, value, "add_loss", site.node, site.ctx.inference, Framework.KERAS)


def record(interp: Evaluator, term: Tensor, where: str, node, inference: bool, framework=None) -> None:
    _, source, text, factor = term.l1
    penalty = Penalty("l1", text, where, factor, node)
    interp.events.penalties.append(PenaltyEvent(penalty, source, node, inference, framework))


def record_activity(interp: Evaluator, output: Value, penalty: Optional[Penalty]) -> None:
    if penalty is not None and isinstance(output, Tensor):
        interp.events.penalties.append(PenaltyEvent(penalty, output, penalty.node, False, Framework.KERAS))


def knows(qual: str) -> bool:
    return qual in V.L1_REGULARIZERS

