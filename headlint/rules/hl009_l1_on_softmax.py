"""HL009 l1-on-softmax: an L1 penalty on a softmax output.

A softmax's outputs are positive and sum to 1 over its axis, so their L1 norm,
sum(|p|), is the number of rows whatever the weights are: the penalty is a
constant, its gradient is 0 (up to rounding), and it regularises nothing. Keras
``activity_regularizer=l1(...)`` (or ``"l1"``, ``L1L2(l1=...)``) on a softmax layer,
``add_loss`` of such a norm, or ``loss + lam * probs.abs().sum()`` written out.
See rules/HL009.md.

Fix (``fix`` below, safe): the ``activity_regularizer=`` argument removed when it is
a plain L1 regularizer; the training does not change (the loss it reports drops by
the constant). A term added to a loss in a training loop is left to a person.
"""

from __future__ import annotations

from typing import Optional

from ..records import Finding, Fix, Head, Related
from .base import Rule

_WHERE = {
    "activity_regularizer": "the L1 activity regularizer {name} on this softmax output",
    "add_loss": "the L1 penalty {name} passed to add_loss (p: this softmax output)",
    "loss term": "the L1 penalty {name} added to the loss (p: this softmax output)",
}


def check(head: Head):
    act = head.activation
    if act is None or act.kind != "softmax":
        return
    for penalty in head.penalties:
        if penalty.kind != "l1":
            continue
        what = _WHERE.get(penalty.where, "the L1 penalty {name} on this softmax output").format(name=penalty.name)
        yield Finding(
            "HL009",
            f"{what} is a constant: softmax outputs are positive and sum to 1, so their L1 norm is the same for "
            f"every input and its gradient is 0; it regularises nothing: remove it (to change how peaked the "
            f"probabilities are, penalise their entropy instead)",
            act.node,
            (Related("L1 penalty here", penalty.node),) if penalty.node is not None and penalty.node is not act.node else (),
            head,
        )


# --- the fix --------------------------------------------------------------------------

# regularizer constructors whose whole penalty is L1 (not L1L2: its L2 part does something)
_PURE_L1 = frozenset({"l1", "L1"})


def fix(finding: Finding, syntax) -> Optional[Fix]:
    """``Dense(..., activation="softmax", activity_regularizer=l1(1e-5))`` -> the same
    layer without the ``activity_regularizer=`` argument (safe: a constant penalty
    changes no gradient). Only a plain L1: ``"l1"``, ``l1(...)``, ``L1(...)``."""
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    penalty = next((p for p in finding.head.penalties if p.kind == "l1"), None)
    arg = penalty.node if penalty is not None else None
    if penalty is None or penalty.where != "activity_regularizer" or not isinstance(arg, cst.Arg):
        return None
    if not _plain_l1(arg.value):
        return None
    call = syntax.parent(arg)
    if not isinstance(call, cst.Call) or any(a.star for a in call.args):
        return None
    args = list(call.args)
    index = next(i for i, a in enumerate(args) if a is arg)
    if len(args) == 1:
        new = call.with_changes(args=()) if edits.keeps_comments(call, call.with_changes(args=())) else None
    elif index == len(args) - 1:
        new = edits.without_last_arg(call)
    else:
        new = call.with_changes(args=[*args[:index], *args[index + 1:]])
        if not edits.keeps_comments(call, new):
            new = None
    if new is None:
        return None
    shown = f"activity_regularizer={syntax.shown(arg.value)}"
    return Fix(f"remove {shown}: a constant penalty changes no gradient", True, ((call, new),))


def _plain_l1(value) -> bool:
    import libcst as cst

    if isinstance(value, cst.SimpleString):
        return not value.prefix and value.evaluated_value in _PURE_L1
    if isinstance(value, cst.Call):
        func = value.func
        name = func.attr.value if isinstance(func, cst.Attribute) else (func.value if isinstance(func, cst.Name) else "")
        return name in _PURE_L1
    return False


RULE = Rule("HL009", "l1-on-softmax", "L1 penalty on a softmax output: a constant that does nothing", check, fix)
