"""HL001 double-softmax: a softmax output fed to a loss that applies softmax itself.

The loss takes its input as logits and applies (log-)softmax again, so the
probabilities in [0, 1] are squashed a second time: the loss cannot get near 0 and
the gradients shrink. See rules/HL001.md.

Fixes (``fix`` below): Keras ``from_logits=True`` -> ``from_logits=False`` (safe);
PyTorch, the ``nn.Softmax`` ending an ``nn.Sequential`` removed, or ``return
F.softmax(x, dim=1)`` in ``forward`` -> ``return x`` (unsafe).
"""

from __future__ import annotations

from typing import Optional

from .. import vocabulary as V
from ..records import Finding, Fix, Framework, Head
from .base import Rule, in_users_loss, loss_phrase, related_head


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind != "softmax" or loss.applies != "softmax":
        return
    if head.output_layer is not None and head.output_layer.units == 1:
        return  # one unit: the loss is 0 either way; HL004 says what is wrong
    if loss.kind == "reapplied":
        yield from _reapplied(head)
        return
    if loss.from_logits:
        fix = "remove the softmax (activation=None) or set from_logits=False"
        if loss.framework is Framework.KERAS:
            # rules/HL001.md: keras/src/backend/tensorflow/nn.py, _get_logits
            fix += " (TensorFlow's fit() quietly undoes Keras' own softmax and only warns; Keras on torch or jax does not)"
    elif loss.framework is Framework.KERAS:
        fix = "pass the logits, not the softmax output"
    else:
        fix = "return the raw logits and apply softmax only to make predictions"
    yield Finding(
        "HL001",
        f"softmax output is fed to {loss_phrase(head)}, which applies softmax itself: "
        + ("on this evaluation path the loss it reports cannot approach 0, so it says nothing about the "
           "training loss and misleads model selection; " if head.evaluation else
           "the loss cannot approach 0 and gradients shrink; ")
        + fix,
        act.node,
        related_head(head),
        head,
    )


def _reapplied(head: Head):
    """A softmax (or log_softmax) over the model's softmax output again, over the same
    axis (frameworks/common.py, _note_reapplied). Judged where a loss is made of it: in
    the user's loss (label smoothing, distillation, a soft-target cross-entropy), or a
    log_softmax, which is what a loss takes; a softmax taken twice to make predictions
    only flattens them, and the argmax stays."""
    act, loss = head.activation, head.loss
    if not in_users_loss(head) and "log_softmax" not in loss.name:
        return
    yield Finding(
        "HL001",
        f"softmax output is fed to {loss_phrase(head)}, which applies softmax to it again: the probabilities "
        f"flatten towards uniform (over C classes none can exceed e / (e + C - 1)), so the loss cannot approach 0 "
        f"and gradients shrink; apply softmax once: return the logits from the model, or take the log of the "
        f"probabilities it gives",
        act.node,
        related_head(head),
        head,
    )


# --- the fix --------------------------------------------------------------------------

_KERAS_FIX = "set from_logits=False (the output already is probabilities)"
# why the PyTorch fixes are unsafe
_TORCH_WHY = "the model then outputs logits: apply softmax where its outputs are used as probabilities"
_FUNCTIONAL_SOFTMAX = ("torch.nn.functional.softmax", "torch.softmax", "torch.special.softmax")


def fix(finding: Finding, syntax) -> Optional[Fix]:
    """Keras ``from_logits=True`` -> ``False`` (safe: the loss then takes the
    softmax output for the probabilities it is). PyTorch, with nn.CrossEntropyLoss
    or F.cross_entropy: the ``nn.Softmax(...)`` ending an ``nn.Sequential(...)``
    removed, or ``return F.softmax(expr, dim=1)`` in ``forward`` -> ``return expr``
    (unsafe: what the model outputs changes). Nothing else: a Keras softmax with a
    loss that has no from_logits to turn off, a softmax module held in an attribute,
    a softmax applied outside the model, need a person to decide where it goes."""
    from . import edits  # libcst only when a fix is asked for

    head = finding.head
    act, loss, layer = head.activation, head.loss, head.output_layer
    if act is None or loss is None or act.node is None or loss.node is None:
        return None
    if layer is not None and layer.units == 1:
        return None  # a one-unit softmax (HL004): removing either softmax would hide it
    if loss.from_logits is True:
        return None if in_users_loss(head) else edits.from_logits_false(act, loss, syntax, _KERAS_FIX)
    if loss.framework is Framework.TORCH and head.framework is Framework.TORCH and loss.kind == "cross_entropy":
        if act.spelling == "torch.nn.Softmax":
            return _drop_sequential_softmax(act, syntax)
        if act.spelling in _FUNCTIONAL_SOFTMAX or act.spelling == "Tensor.softmax":
            return _return_logits(act, syntax)
    return None


def _drop_sequential_softmax(act, syntax) -> Optional[Fix]:
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    item = act.node
    if not isinstance(item, cst.Call):
        return None
    arg = syntax.parent(item)
    sequential = syntax.parent(arg)
    if not (isinstance(arg, cst.Arg) and arg.value is item and isinstance(sequential, cst.Call)):
        return None
    model = syntax.torch_sequential(sequential)
    if model is None or not sequential.args or sequential.args[-1] is not arg:
        return None
    if any(a.star or a.keyword is not None for a in sequential.args):
        return None
    if len(model.items) != len(sequential.args):
        return None  # items appended later: the softmax is not what the model ends with
    target = sequential_target(sequential, syntax)
    if target is None or syntax.used_structurally(target):
        return None  # ``model[:-1]`` and the like would change meaning
    new = edits.without_last_arg(sequential)
    if new is None:
        return None
    return Fix(f"remove {syntax.shown(item, act.name)} from the nn.Sequential; {_TORCH_WHY}", False, ((sequential, new),))


def sequential_target(call, syntax):
    """The name or attribute an ``nn.Sequential(...)`` (possibly ``.to(device)``) is
    assigned to, when it is assigned to exactly one; None otherwise."""
    import libcst as cst

    node, parent = call, syntax.parent(call)
    while isinstance(parent, cst.Attribute) and parent.value is node:
        outer = syntax.parent(parent)
        if not (isinstance(outer, cst.Call) and outer.func is parent and parent.attr.value in V.SELF_METHODS):
            return None
        node, parent = outer, syntax.parent(outer)
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
        target = parent.targets[0].target
    elif isinstance(parent, cst.AnnAssign) and parent.value is node:
        target = parent.target
    else:
        return None
    return target if isinstance(target, (cst.Name, cst.Attribute)) else None


def _return_logits(act, syntax) -> Optional[Fix]:
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    call = act.node
    if not isinstance(call, cst.Call):
        return None
    ret = syntax.parent(call)
    if not (isinstance(ret, cst.Return) and ret.value is call):
        return None
    fn = syntax.enclosing_function(ret)
    if fn is None or fn.name.value != "forward" or not syntax.method_of_class(fn) or _returns(fn) != 1:
        return None
    if act.spelling == "Tensor.softmax":
        if not isinstance(call.func, cst.Attribute) or call.func.attr.value != "softmax":
            return None
        if edits.only_args(call, ("dim",)) is None:
            return None
        logits = call.func.value
        shown = ".softmax()"
    else:
        args = edits.only_args(call, ("input", "dim"), required=("input",))
        if args is None:
            return None
        logits = args["input"].value
        shown = f"{syntax.code(call.func).strip()}()"
    if call.lpar:  # ``return (F.softmax(x, dim=1))``: the parentheses stay
        if logits.lpar:
            return None
        logits = logits.with_changes(lpar=call.lpar, rpar=call.rpar)
    if isinstance(logits, (cst.NamedExpr, cst.GeneratorExp, cst.Yield)) and not logits.lpar:
        return None  # not valid after ``return`` without parentheses
    if not edits.keeps_comments(call, logits):
        return None
    return Fix(f"return the logits, without {shown}; {_TORCH_WHY}", False, ((call, logits),))


def _returns(fn) -> int:
    """How many return statements ``fn`` has (not counting nested functions)."""
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    nested = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
    return sum(1 for node in edits.walk(fn, stop=nested) if isinstance(node, cst.Return))

RULE = Rule("HL001", "double-softmax", "softmax output fed to a loss that applies softmax itself", check, fix,
            on_evaluation=True)
