"""HL006 nll-on-probabilities: ``nn.NLLLoss`` / ``F.nll_loss`` on a softmax output
or on raw scores, where it needs log-probabilities.

NLL only picks ``-input[target]``: it does no normalisation and takes no log. On
softmax probabilities it minimises ``-p[target]``, bounded in [-1, 0], whose
gradient vanishes when the model is confidently wrong; on raw scores it
minimises ``-z[target]``, which has no lower bound: the model learns to grow one
number, not to be right. See rules/HL006.md. One rule, two messages: what to
change differs (softmax -> log_softmax, or a log_softmax added / CrossEntropyLoss).

A softmax over one unit is left to HL004 (its output is the constant 1.0, whatever
the loss).

Fixes (``fix`` below): on a softmax output, the softmax becomes ``log_softmax``
spelled the same way (``F.softmax`` -> ``F.log_softmax``, ``nn.Softmax`` ->
``nn.LogSoftmax``, ``x.softmax`` -> ``x.log_softmax``), with the same dim; safe when
the softmax is written inside the loss call (only the loss sees it), unsafe when
it is the model's output (returned, or the last item of an ``nn.Sequential``). On raw scores, ``nn.NLLLoss`` -> ``nn.CrossEntropyLoss``
and ``F.nll_loss`` -> ``F.cross_entropy`` (same parameters, same order): safe.
"""

from __future__ import annotations

from typing import Optional

from ..records import Finding, Fix, Head
from .base import Rule, in_users_loss, loss_phrase, related_head
from .outputs import one_unit, one_unit_softmax, raw_output, where


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or loss.kind != "nll" or one_unit_softmax(head):
        return
    if act.kind == "softmax":
        harm = (
            "on this evaluation path the loss it reports is -p[target], between -1 and 0, not the log-loss "
            "the training reports, and misleads model selection" if head.evaluation else
            "it then minimises -p[target], whose gradient vanishes when the model is confidently wrong"
        )
        message = (
            f"softmax output is fed to {loss_phrase(head)}, which expects log-probabilities: {harm}; "
            "use log_softmax instead of softmax (or return logits and use nn.CrossEntropyLoss)"
        )
    elif act.kind == "sigmoid" and not head.evaluation:
        message = (
            f"sigmoid output is fed to {loss_phrase(head)}, which expects log-probabilities over classes: it "
            "then minimises -p[target] of independent probabilities that are no distribution over the classes, "
            "and its gradient vanishes when the model is confidently wrong; for one yes/no output use "
            "nn.BCEWithLogitsLoss on the logits (or nn.BCELoss on the sigmoid), for classes return logits "
            "and use nn.CrossEntropyLoss"
        )
    elif raw_output(head):
        harm = (
            "on this evaluation path the loss it reports is -z[target], a raw score with no lower bound, not a "
            "log-loss" if head.evaluation else
            "-z[target] has no lower bound, so training grows that score instead of making it right"
        )
        message = (
            f"raw output of {head.output_layer.name} is fed to {loss_phrase(head)}, which expects "
            f"log-probabilities: {harm}; use nn.CrossEntropyLoss (log_softmax and NLL in one) or apply log_softmax"
        )
    else:
        return
    yield Finding("HL006", message, where(head), related_head(head), head)


# --- the fix --------------------------------------------------------------------------

# softmax spelled as ... -> its log_softmax, spelled the same way
_LOG_SPELLINGS = {
    "torch.nn.functional.softmax": "log_softmax",
    "torch.softmax": "log_softmax",
    "torch.special.softmax": "log_softmax",
    "Tensor.softmax": "log_softmax",
    "torch.nn.Softmax": "LogSoftmax",
}
# the loss on log-probabilities -> the loss on logits: the same parameters in the
# same order ([input, target,] weight, size_average, ignore_index, reduce, reduction)
_LOGITS_TWINS = {"NLLLoss": ("CrossEntropyLoss", 5), "nll_loss": ("cross_entropy", 7)}


def fix(finding: Finding, syntax) -> Optional[Fix]:
    head = finding.head
    act, loss = head.activation, head.loss
    if act is None or loss is None or loss.node is None:
        return None
    if act.kind == "softmax":
        return _log_softmax(head, syntax)
    if raw_output(head) and not one_unit(head) and not in_users_loss(head):  # one unit: HL010's mistake
        from .renames import rename_call

        why = "it applies log_softmax to the scores, then NLL"
        return rename_call(loss.node, syntax, _LOGITS_TWINS, why)
    return None


def _log_softmax(head: Head, syntax) -> Optional[Fix]:
    """``F.softmax(x, dim=1)`` -> ``F.log_softmax(x, dim=1)`` and the like: only the
    function's name changes, so the arguments (and the dim) stay as written."""
    import libcst as cst

    act = head.activation
    new_name = _LOG_SPELLINGS.get(act.spelling)
    call = act.node
    if new_name is None or not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    attr = call.func.attr
    if act.spelling == "torch.nn.Softmax":
        # the constructor, as an item of an nn.Sequential; not ``self.softmax(x)``
        # calling a module built elsewhere
        arg = syntax.parent(call)
        if attr.value != "Softmax" or not isinstance(arg, cst.Arg) or syntax.torch_sequential(syntax.parent(arg)) is None:
            return None
    elif act.spelling != "Tensor.softmax" and (attr.value != "softmax" or not _imported_module(call.func.value, syntax)):
        return None  # ``self.softmax(x)`` with ``self.softmax = F.softmax``: not a module's function
    safe = _inside_the_loss_call(call, head, syntax)
    if not safe and act.spelling != "torch.nn.Softmax" and not isinstance(syntax.parent(call), cst.Return):
        return None  # ``probs = F.softmax(...)`` may be read as probabilities further on
    why = (
        "only the loss sees it" if safe
        else "the model then outputs log-probabilities: apply .exp() where its outputs are used as probabilities"
    )
    shown = syntax.code(call.func).strip()
    return Fix(
        f"use {shown[: -len(attr.value)]}{new_name} instead of {shown}: {why}",
        safe,
        ((attr, attr.with_changes(value=new_name)),),
    )


def _imported_module(expr, syntax) -> bool:
    """``F`` or ``torch.nn.functional``: a dotted name whose first part an import binds."""
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    while isinstance(expr, cst.Attribute):
        expr = expr.value
    if not isinstance(expr, cst.Name):
        return False
    for node in edits.walk(syntax.module):
        if isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                while isinstance(bound, cst.Attribute):  # ``import torch.nn`` binds ``torch``
                    bound = bound.value
                if isinstance(bound, cst.Name) and bound.value == expr.value:
                    return True
    return False


def _inside_the_loss_call(call, head: Head, syntax) -> bool:
    """``F.nll_loss(F.softmax(out, 1), y)``: the softmax is an argument of the
    loss call itself, so changing it changes nothing but the loss."""
    import libcst as cst

    link = head.link.node if head.link is not None else None
    arg = syntax.parent(call)
    return link is not None and isinstance(arg, cst.Arg) and arg.value is call and syntax.parent(arg) is link


RULE = Rule("HL006", "nll-on-probabilities", "NLL loss on softmax probabilities or raw scores instead of log-probabilities", check, fix,
            on_evaluation=True)  # the number an evaluation reports is no log-loss either
