"""HL005 double-sigmoid: a sigmoid output fed to a loss that applies sigmoid itself.

``nn.BCEWithLogitsLoss``, ``F.binary_cross_entropy_with_logits``, Keras binary
crossentropy with ``from_logits=True`` and ``tf.nn.sigmoid_cross_entropy_with_logits``
take logits and apply the sigmoid again: a probability p in (0, 1) becomes
sigmoid(p) in (0.5, 0.73), so the loss of a negative cannot go below ln 2 and every
gradient shrinks. See rules/HL005.md.

Fixes (``fix`` below, safe): Keras ``from_logits=True`` -> ``from_logits=False``;
PyTorch ``nn.BCEWithLogitsLoss(...)`` -> ``nn.BCELoss(...)`` and
``F.binary_cross_entropy_with_logits(...)`` -> ``F.binary_cross_entropy(...)`` (the
loss then takes the sigmoid output for the probability it is; the model's
outputs do not change).
"""

from __future__ import annotations

from typing import Optional

from ..records import Finding, Fix, Framework, Head
from .base import Rule, in_users_loss, loss_phrase, related_head
from .outputs import where


def check(head: Head):
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.kind != "sigmoid" or loss.applies != "sigmoid":
        return
    if loss.kind == "reapplied":
        yield Finding("HL005", _reapplied(head), where(head), related_head(head), head)
        return
    if loss.from_logits:
        fix = "remove the sigmoid (activation=None) or set from_logits=False"
        if loss.framework is Framework.KERAS:
            # rules/HL005.md: keras/src/backend/tensorflow/nn.py, _get_logits
            fix += " (TensorFlow's fit() quietly undoes Keras' own sigmoid and only warns; Keras on torch or jax does not)"
    elif loss.framework is Framework.KERAS:
        fix = "pass the logits, not the sigmoid output"
    else:
        fix = "return the logits and apply sigmoid only to make predictions (or use nn.BCELoss)"
    yield Finding(
        "HL005",
        f"sigmoid output is fed to {loss_phrase(head)}, which applies sigmoid itself: "
        + ("every prediction is squeezed into (0.5, 0.73), so on this evaluation path the loss it reports for "
           "a negative cannot go below 0.69 and misleads model selection; " if head.evaluation else
           "every prediction is squeezed into (0.5, 0.73), so the loss of a negative cannot go below 0.69 "
           "and gradients shrink; ")
        + fix,
        where(head),
        related_head(head),
        head,
    )


def _reapplied(head: Head) -> str:
    """A sigmoid applied to the model's sigmoid output again (frameworks/common.py,
    _note_reapplied): in the user's loss (a Dice loss that starts with ``torch.sigmoid``),
    or wherever predictions are made."""
    if in_users_loss(head):
        harm = ("every prediction is squeezed into (0.5, 0.73) before the loss scores it, so a negative can never "
                "score below 0.5 and gradients shrink")
    else:
        harm = ("every prediction is squeezed into (0.5, 0.73), so a threshold at 0.5 calls every example "
                "positive and the probabilities are wrong")
    return (f"sigmoid output is fed to {loss_phrase(head)}, which applies sigmoid to it again: {harm}; apply sigmoid "
            f"once: drop this one, or return the logits from the model")


# --- the fix --------------------------------------------------------------------------

# The logits loss and its probability twin: the same parameters in the same order
# ([input, target,] weight, size_average, reduce, reduction), but no pos_weight.
_TORCH_TWINS = {
    "BCEWithLogitsLoss": ("BCELoss", 4),
    "binary_cross_entropy_with_logits": ("binary_cross_entropy", 6),
}
_KERAS_FIX = "set from_logits=False (the output already is a probability)"


def fix(finding: Finding, syntax) -> Optional[Fix]:
    """Keras: ``from_logits=True`` -> ``False``, as HL001 does for a softmax. PyTorch:
    the loss becomes its probability twin, when its name is written as an attribute
    (``nn.BCEWithLogitsLoss``, ``F.binary_cross_entropy_with_logits``) and it has no
    ``pos_weight`` (BCELoss has none). Safe: the model is unchanged, and the loss
    becomes the binary cross-entropy of the probability it outputs."""
    from . import edits  # libcst only when a fix is asked for

    head = finding.head
    act, loss = head.activation, head.loss
    if act is None or loss is None or act.node is None or loss.node is None or in_users_loss(head):
        return None
    if loss.from_logits is True:
        return edits.from_logits_false(act, loss, syntax, _KERAS_FIX)
    if loss.framework is Framework.TORCH:
        return _probability_twin(loss, syntax)
    return None


def _probability_twin(loss, syntax) -> Optional[Fix]:
    from .renames import rename_call

    why = "the loss then reads the sigmoid output as the probability it is"
    return rename_call(loss.node, syntax, _TORCH_TWINS, why, forbidden=("pos_weight",))


RULE = Rule("HL005", "double-sigmoid", "sigmoid output fed to a loss that applies sigmoid itself", check, fix,
            on_evaluation=True)
