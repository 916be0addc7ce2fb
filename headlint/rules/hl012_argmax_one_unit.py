"""HL012 argmax-one-unit: class predictions taken with argmax over a single
output unit.

The argmax of one number is its only index, 0: every prediction is class 0,
whatever the model learned, and accuracy computed from it is the share of class 0.
It happens when a binary classifier has one unit (a sigmoid, one logit, Hugging
Face's ``num_labels=1``) but predictions are taken as if it had one unit per class.
See rules/HL012.md.
"""

from __future__ import annotations

from ..records import Finding, Framework, Head, Related
from .base import Rule


def _unit_axis(axis: int, rank, layer, framework) -> bool:
    """Is ``axis`` the axis that holds the layer's units? Dense and linear layers put
    them last; torch convolutions on axis 1 (channels first), Keras' last."""
    channels_first = layer.kind == "conv" and framework is Framework.TORCH
    if rank is None:
        if channels_first:
            return axis == 1  # a batch's axis 1, whatever the rank (N, C, ...)
        return axis == -1 and layer.kind in ("dense", "linear")
    if not -rank <= axis < rank:
        return False
    units_axis = 1 if channels_first else rank - 1
    return axis % rank == units_axis


def check(head: Head):
    for read in head.class_reads:
        node, axis, rank, layer = read.node, read.axis, read.rank, read.layer
        if read.kind != "argmax" or layer is None or layer.units != 1 or axis is None:
            continue
        if head.output_layer is not None and layer != head.output_layer:
            continue  # another output of the same model
        if not _unit_axis(axis, rank, layer, head.framework):
            continue
        yield Finding(
            "HL012",
            f"argmax over the single output unit of {layer.name} is always 0: every prediction is class 0, "
            "whatever the model learned; threshold the one output instead (probability > 0.5, or logit > 0), "
            "or give the model one unit per class",
            node,
            (Related("the single unit", layer.node),) if layer.node is not None else (),
            head,
        )


RULE = Rule("HL012", "argmax-one-unit", "class predictions taken with argmax over a single output unit", check)
