"""HL004 one-unit-softmax: a softmax over a single unit.

exp(z) / exp(z) = 1 for every input: the output is the constant 1.0, its gradient
is exactly 0, and nothing is learned, whatever the loss. See rules/HL004.md.

Fix (``fix`` below, unsafe): Keras ``Dense(1, activation='softmax')`` ->
``activation='sigmoid'`` (and ``Activation('softmax')`` after it -> ``'sigmoid'``); PyTorch, the one-unit ``nn.Softmax(...)`` item of an
``nn.Sequential`` -> ``nn.Sigmoid()``. Offered only when the output trains with
binary cross-entropy on probabilities, or no loss is in sight.
"""

from __future__ import annotations

from typing import Optional

from ..records import Finding, Fix, Framework, Head
from .base import Rule, loss_phrase, related_loss
from .outputs import one_unit_classes, one_unit_softmax


def check(head: Head):
    if not one_unit_softmax(head):
        return
    act, layer = head.activation, head.output_layer
    instead = f"for two classes {_INSTEAD.get(head.framework, _INSTEAD[None])}"
    related = ()
    if one_unit_classes(head):
        # the loss reads classes over the one unit too: HL010's mistake, reported here once
        instead = (f"{loss_phrase(head)} then scores a single class, so its loss is 0 as well: give the layer one "
                   f"unit per class, or {instead}")
        related = related_loss(head)
    yield Finding(
        "HL004",
        f"softmax over a single unit ({layer.name}) outputs 1.0 whatever the input, so the model learns nothing; "
        + instead,
        act.node,
        related,
        head,
    )


# What a two-class head is, in each framework's words.
_INSTEAD = {
    Framework.KERAS: "use activation='sigmoid' with loss='binary_crossentropy', or 2 units with softmax",
    Framework.TORCH: "drop the softmax and use nn.BCEWithLogitsLoss, or 2 units with nn.CrossEntropyLoss (no softmax)",
    None: "use a sigmoid with binary cross-entropy, or 2 units with softmax",
}


# --- the fix --------------------------------------------------------------------------

# Losses that take one probability per unit: a sigmoid is what they expect.
_BINARY_ON_PROBABILITIES = frozenset({"bce", "binary_crossentropy", "binary_focal_crossentropy"})
# Keras activation functions named by reference, and their sigmoid.
_KERAS_SOFTMAX_FUNCTIONS = frozenset({"tensorflow.nn.softmax", "keras.activations.softmax"})
# what the fix changes (why it is unsafe)
_WHY = "one probability instead of the constant 1.0"


def fix(finding: Finding, syntax) -> Optional[Fix]:
    """One sigmoid unit, the binary classifier a one-unit softmax was meant to be
    (unsafe: the model's outputs change; with binary cross-entropy this is the
    intended model). Not offered with any other loss (with categorical
    cross-entropy the model needs 2 units, a person's decision), nor for a softmax
    spelled any other way."""
    head = finding.head
    act, layer, loss = head.activation, head.output_layer, head.loss
    if act is None or layer is None or act.node is None:
        return None
    if loss is not None and not (
        loss.kind in _BINARY_ON_PROBABILITIES and loss.applies is None and loss.expects == "probabilities"
    ):
        return None
    if head.framework is Framework.KERAS and layer.kind == "dense":
        if act.spelling == "keras.layers.Activation":
            return _keras_activation_layer(act, syntax)
        return _keras_sigmoid(act, layer, syntax)
    if head.framework is Framework.TORCH and act.spelling == "torch.nn.Softmax":
        return _torch_sigmoid(act, syntax)
    return None


def _keras_sigmoid(act, layer, syntax) -> Optional[Fix]:
    """``Dense(1, activation='softmax')`` -> ``'sigmoid'`` (same quotes);
    ``activation=tf.nn.softmax`` -> ``tf.nn.sigmoid``."""
    import libcst as cst

    arg = act.node
    if not isinstance(arg, cst.Arg) or syntax.parent(arg) is not layer.node or arg.star:
        return None
    value = arg.value
    if isinstance(value, cst.SimpleString):
        if value.prefix or value.evaluated_value != "softmax":
            return None
        new = value.with_changes(value=f"{value.quote}sigmoid{value.quote}")
        return Fix(f"use activation='sigmoid': {_WHY}", False, ((value, new),))
    if isinstance(value, cst.Attribute) and value.attr.value == "softmax" and act.spelling in _KERAS_SOFTMAX_FUNCTIONS:
        shown = syntax.code(value.value).strip()
        return Fix(f"use activation={shown}.sigmoid: {_WHY}", False, ((value.attr, value.attr.with_changes(value="sigmoid")),))
    return None


def _keras_activation_layer(act, syntax) -> Optional[Fix]:
    """``Activation('softmax')`` after ``Dense(1)`` -> ``Activation('sigmoid')``."""
    import libcst as cst

    call = act.node
    if isinstance(call, cst.Call) and isinstance(call.func, cst.Call):
        call = call.func  # functional: Activation("softmax")(x)
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    named = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "activation"]
    first = call.args[0] if call.args and call.args[0].keyword is None else None
    chosen = named + ([first] if first is not None else [])
    if len(chosen) != 1:
        return None
    value = chosen[0].value
    if not isinstance(value, cst.SimpleString) or value.prefix or value.evaluated_value != "softmax":
        return None
    new = value.with_changes(value=f"{value.quote}sigmoid{value.quote}")
    return Fix(f"use Activation('sigmoid'): {_WHY}", False, ((value, new),))


def _torch_sigmoid(act, syntax) -> Optional[Fix]:
    """The ``nn.Softmax(...)`` item of an ``nn.Sequential(...)`` -> ``nn.Sigmoid()``
    (spelled through the same module: ``torch.nn.Sigmoid()`` for ``torch.nn.Softmax``)."""
    from . import edits  # libcst only when a fix is asked for
    import libcst as cst


    item = act.node
    if not isinstance(item, cst.Call) or not isinstance(item.func, cst.Attribute) or item.func.attr.value != "Softmax":
        return None
    arg = syntax.parent(item)
    sequential = syntax.parent(arg)
    if not (isinstance(arg, cst.Arg) and arg.value is item and not arg.star and arg.keyword is None):
        return None
    if not isinstance(sequential, cst.Call) or syntax.torch_sequential(sequential) is None:
        return None
    if edits.only_args(item, ("dim",)) is None:
        return None
    new = item.with_changes(
        func=item.func.with_changes(attr=item.func.attr.with_changes(value="Sigmoid")),
        args=(),
        whitespace_before_args=cst.SimpleWhitespace(""),
    )
    if not edits.keeps_comments(item, new):
        return None
    return Fix(f"replace {syntax.shown(item, act.name)} with {syntax.code(new).strip()}: {_WHY}", False, ((item, new),))


RULE = Rule("HL004", "one-unit-softmax", "softmax over a single output unit", check, fix)
