"""HL007 logits-into-probability-loss: a layer's raw output fed to a loss that
expects probabilities.

``nn.BCELoss`` and ``F.binary_cross_entropy`` need inputs in [0, 1]: torch raises
on anything else. Keras' binary and categorical crossentropies with
``from_logits=False`` (the default, and the string losses) clip the prediction to
[1e-7, 1 - 1e-7] (categorical: after dividing by its sum), so every output
outside (0, 1) gets no gradient at all. Reported only on a *known* raw output: the
last layer is a Linear/Dense/conv layer with no activation after it, and nothing
applies a sigmoid or softmax on the way to the loss. See rules/HL007.md.

A one-unit output with a loss over classes is HL010's (there the missing
activation is not what is wrong).

Fixes (``fix`` below, safe: the model's outputs do not change, the loss reads them
as the logits they are): ``nn.BCELoss(...)`` -> ``nn.BCEWithLogitsLoss(...)``,
``F.binary_cross_entropy(...)`` -> ``F.binary_cross_entropy_with_logits(...)``
(same parameters, same order); Keras ``from_logits=False`` written as a literal
-> ``from_logits=True``.
"""

from __future__ import annotations

from typing import Optional

from ..records import Finding, Fix, Framework, Head
from .base import Rule, in_users_loss, loss_phrase, related_head
from .outputs import PROBABILITY_LOSSES, one_unit_classes, raw_output, where


def check(head: Head):
    loss = head.loss
    if loss is None or loss.kind not in PROBABILITY_LOSSES or loss.applies is not None:
        return
    if loss.expects != "probabilities" or not raw_output(head) or one_unit_classes(head):
        return
    layer = head.output_layer
    if loss.framework is Framework.TORCH:
        harm = "it raises an error on values outside [0, 1] (or gives NaN)"
        fix = "use nn.BCEWithLogitsLoss on the raw output, or apply torch.sigmoid first"
    elif loss.name.startswith(("tf.losses.", "tf.contrib.losses.")):
        harm = "it takes the log of each prediction (plus 1e-7), so an output <= 0 or >= 1 makes the loss NaN"
        fix = "apply tf.sigmoid to the scores first, or train with tf.losses.sigmoid_cross_entropy on them"
    else:
        harm = (
            "Keras clips predictions to [1e-7, 1 - 1e-7], so every output outside (0, 1) "
            "gets no gradient"
        )
        fix = "pass from_logits=True to the loss, or give the layer its sigmoid/softmax activation"
    yield Finding(
        "HL007",
        f"raw output of {layer.name} (no sigmoid or softmax) is fed to {loss_phrase(head)}, "
        f"which expects probabilities: {harm}; {fix}",
        where(head),
        related_head(head),
        head,
    )


# --- the fix --------------------------------------------------------------------------

# the probability loss -> its logits twin: the same parameters in the same order
_LOGITS_TWINS = {"BCELoss": ("BCEWithLogitsLoss", 4), "binary_cross_entropy": ("binary_cross_entropy_with_logits", 6)}
_WHY = "the loss then applies the sigmoid to the raw output itself"


def fix(finding: Finding, syntax) -> Optional[Fix]:
    head = finding.head
    loss = head.loss
    if loss is None or loss.node is None or in_users_loss(head):
        return None
    if loss.framework is Framework.TORCH:
        from .renames import rename_call

        return rename_call(loss.node, syntax, _LOGITS_TWINS, _WHY)
    if loss.from_logits is False:
        return _from_logits_true(loss, syntax)
    return None


def _from_logits_true(loss, syntax) -> Optional[Fix]:
    """``BinaryCrossentropy(from_logits=False)`` -> ``from_logits=True``, when the
    keyword is written, literally False, on a loss used where it is written."""
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst

    call = loss.node
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    flags = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "from_logits"]
    if len(flags) != 1 or not (isinstance(flags[0].value, cst.Name) and flags[0].value.value == "False"):
        return None
    if not edits.plain_use(call, syntax):
        return None
    false = flags[0].value
    return Fix("set from_logits=True (the output is logits)", True, ((false, false.with_changes(value="True")),))


RULE = Rule("HL007", "logits-into-probability-loss", "raw layer output fed to a loss that expects probabilities", check, fix)
