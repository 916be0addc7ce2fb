"""Where a loss event came from, in the program's own terms.

A framework loss is often applied far from the code that chose it:

- inside the user's own loss, which the model output is given to
  (``FocalLoss()(out, y)``, whose ``forward`` calls
  ``F.binary_cross_entropy_with_logits``; ``dice_bce(pred, y)``): the *wrapper*;
- inside a function or a method that received the model or the loss as an
  argument (``train(net, nn.CrossEntropyLoss(), loader)``), or from an object whose
  constructor stored them (``Trainer(model, loss_fn).fit()``): the call site that
  *passed* them, where a person chose that combination.

The interpreter calls ``note_call`` as each call of the program's own functions
returns, with the loss events recorded during it. Outer calls return last, so the
outermost call that fits is the one kept: the wrapper the user called, the call
site in the code that made the model and the loss.
"""

from __future__ import annotations

from typing import Optional

from .events import LossEvent
from .values import Function, Instance, LossObj, ModelV, Partial, Seq, DictV, Tensor, Value

# Methods that run when an instance is called: the instance is the wrapper.
_CALL_METHODS = frozenset({"forward", "__call__", "call"})


def note_call(events: list, fn: Function, args: list, kwargs: dict, node, self_value: Optional[Value]) -> None:
    """``fn`` was called at ``node`` (None: no call in sight) with ``args`` and
    ``kwargs`` (``self_value`` first among them for a method), and ``events``
    (LossEvents) were recorded meanwhile."""
    given = [*(args[1:] if self_value is not None else args), *kwargs.values()]
    built = self_value.built if isinstance(self_value, Instance) else None
    for event in events:
        if node is not None and fn.name != "<lambda>" and _carries_output(given, event.pred):
            event.through = (_wrapper_name(fn), node, self_value if fn.name in _CALL_METHODS else fn)
        if node is not None and _carries_choice(given, event):
            event.passed = (f"{fn.name}()", node)
        elif built is not None and _carries_choice(built[1], event):
            event.passed = (f"{self_value.cls.name}()", built[0])


def _wrapper_name(fn: Function) -> str:
    if fn.owner is None:
        return fn.name
    return fn.owner.name if fn.name in _CALL_METHODS else f"{fn.owner.name}.{fn.name}"


def _parts(value: Value, depth: int = 0):
    """``value`` and what it holds: a tuple's items, a dict's values, a partial's
    function and arguments."""
    yield value
    if depth > 3:
        return
    inner: list = []
    if isinstance(value, Seq):
        inner = value.items
    elif isinstance(value, DictV):
        inner = list(value.items.values())
    elif isinstance(value, Partial):
        inner = [value.func, *value.args, *value.kwargs.values()]
    for item in inner:
        yield from _parts(item, depth + 1)


def _carries_output(given: list, pred: Value) -> bool:
    """Is the prediction ``pred`` (or the output it was reshaped from) among ``given``?"""
    if not isinstance(pred, Tensor):
        return False
    for value in given:
        for part in _parts(value):
            if part is pred:
                return True
            if isinstance(part, Tensor) and part.model is pred.model and _same_activation(part, pred):
                return True
    return False


def _same_activation(a: Tensor, b: Tensor) -> bool:
    if a.act is not None and b.act is not None:
        return a.act.node is not None and a.act.node is b.act.node
    return a.act is None and b.act is None and a.layer is not None and b.layer is not None and a.layer.node is b.layer.node


def _carries_choice(given: list, event: LossEvent) -> bool:
    """Is the event's model, its loss, or the user's loss wrapping it among ``given``?"""
    model = event.pred.model if isinstance(event.pred, Tensor) else None
    wrapper = event.through[2] if event.through is not None else None
    for value in given:
        for part in _parts(value):
            if model is not None and (part is model or (isinstance(part, Instance) and part.model is model)):
                return True
            if isinstance(part, LossObj) and part.loss is event.loss:
                return True
            if wrapper is not None and part is wrapper:
                return True
    return False


def stores_choice(value: Value) -> bool:
    """A constructor argument that can be a model or a loss the object keeps."""
    return any(
        isinstance(part, (ModelV, LossObj, Function, Partial)) or isinstance(part, Instance)
        for part in _parts(value)
    )
