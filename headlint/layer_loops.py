"""Loops over a literal list of layers (``for layer in self.layers: x = layer(x)`` over an
``nn.ModuleList``, a list of Keras layers, ``enumerate`` of one): the interpreter runs
the body for the layers before the last (joined), then for the last one, so the output
is what the last layer makes of what the others made."""

from __future__ import annotations

import libcst as cst

from .values import ActObj, Instance, LayerObj, ModelV, PassObj, Seq, ShapeObj, Value


# A literal sequence of layers longer than this is walked as one joined element.
_UNROLL = 32


def unrolled(iterable: Value) -> bool:
    """A short literal sequence of layers (an ``nn.ModuleList``, a list of Keras layers,
    ``enumerate`` of one): a loop over it applies them in order."""
    return isinstance(iterable, Seq) and 0 < len(iterable.items) <= _UNROLL and any(
        layer_like(item) for item in iterable.items)


def target_names(target) -> set:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return set().union(*(target_names(element.value) for element in target.elements))
    return set()


def layer_like(value: Value) -> bool:
    if isinstance(value, Seq):  # ``(i, layer)`` from enumerate
        return any(layer_like(item) for item in value.items)
    return isinstance(value, (LayerObj, ActObj, PassObj, ShapeObj, ModelV)) or (
        isinstance(value, Instance) and value.model is not None)
