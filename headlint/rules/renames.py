"""A loss swapped for its twin by renaming the call: ``nn.BCELoss(...)`` ->
``nn.BCEWithLogitsLoss(...)``, ``F.nll_loss(x, y)`` -> ``F.cross_entropy(x, y)``.

The twins take the same parameters in the same order, so the arguments stay as
written. Only the last part of an attribute is renamed (``nn.X``, ``torch.nn.X``,
``F.x``): the twin lives in the same module, and no import has to change. A name
imported on its own (``from torch.nn import BCELoss``) is left to the user."""

from __future__ import annotations

from typing import Optional

from ..records import Fix


def rename_call(call, syntax, twins: dict, why: str, forbidden: tuple = ()) -> Optional[Fix]:
    """``twins``: old attribute name -> (new name, how many positional arguments
    the twin takes the same way). ``forbidden``: keywords the twin does not have."""
    import libcst as cst

    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    old = call.func.attr.value
    if old not in twins:
        return None
    new, positional = twins[old]
    if any(arg.star for arg in call.args):
        return None
    if sum(1 for arg in call.args if arg.keyword is None) > positional:
        return None
    if any(arg.keyword is not None and arg.keyword.value in forbidden for arg in call.args):
        return None
    attr = call.func.attr
    shown = syntax.code(call.func).strip()
    return Fix(
        f"use {shown[: -len(old)]}{new} instead of {shown}: {why}",
        True,
        ((attr, attr.with_changes(value=new)),),
    )
