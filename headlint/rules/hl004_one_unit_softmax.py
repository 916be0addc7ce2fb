"""HL004 one-unit-softmax: a softmax over a single unit.

exp(z) / exp(z) = 1 for every input: the output is the constant 1.0, its gradient
is exactly 0, and nothing is learned, whatever the loss. See rules/HL004.md.
"""

from __future__ import annotations

from ..records import Finding, Framework, Head
from . import Rule


def _over_the_unit_axis(head: Head) -> bool:
    act = head.activation
    if act.axis == -1 or (head.framework is Framework.KERAS and not act.axis_given):
        return True  # layers add their units on the last axis
    if head.framework is Framework.KERAS:
        return False  # Softmax(axis=1) over (batch, time, 1) normalises over time
    # dim=1 or PyTorch's implicit dim is the unit axis of a (batch, units) output;
    # a model returning several tensors may return (batch, time, 1) attention
    # weights normalised over time, so only a single output is judged.
    return act.axis in (1, None) and head.single_output and not (act.axis is None and act.axis_given)


def check(head: Head):
    act, layer = head.activation, head.output_layer
    if act is None or layer is None or act.kind != "softmax" or layer.units != 1:
        return
    if not _over_the_unit_axis(head):
        return
    fix = (
        "use one sigmoid unit with binary cross-entropy, or 2 units with softmax"
    )
    yield Finding(
        "HL004",
        f"softmax over a single unit ({layer.name}) always outputs 1.0, so its gradient is 0 and nothing is learned; {fix}",
        act.node,
        (),
        head,
    )


RULE = Rule("HL004", "one-unit-softmax", "softmax over a single output unit", check)
