"""The framework adapters, behind one dispatch the interpreter calls.

``call_qualified`` handles a call of a library object reached through an import
(``nn.Softmax(dim=1)``, ``layers.Dense(10)``, ``torch.randn(8)``); ``call_object``
a call of a value those produced (a layer applied to a tensor, a loss applied to a
prediction); ``call_method`` a method on one (``x.softmax(1)``, ``model.compile``).
The vocabulary says what each name is; common.py builds the records; torch.py,
keras.py and data.py hold what is specific to each.
"""

from __future__ import annotations

from typing import Optional

from .. import targets
from .. import vocabulary as V
from ..events import Ctx, Evaluator
from ..records import Framework
from ..values import (
    UNKNOWN,
    ActObj,
    Const,
    Function,
    Instance,
    LayerObj,
    LossObj,
    ModelV,
    PassObj,
    Seq,
    ShapeObj,
    Tensor,
    Value,
)
from . import common, data, frames, libraries, penalties, squared, written_softmax
from . import tensorflow as tf_adapter
from . import keras as keras_adapter
from . import torch as torch_adapter

_HANDLERS = {**torch_adapter.HANDLERS, **keras_adapter.HANDLERS}
thresholded = data.thresholded
_FORWARD = {Framework.TORCH: "forward", Framework.KERAS: "call"}


def module_base(qual: str):
    """The framework whose module a subclass of ``qual`` is (``nn.Module``, ``keras.Model``,
    a library's model class), or None."""
    return V.MODULE_BASES.get(qual) or libraries.module_base(qual)


def object_base(qual: str):
    """The framework of the object a subclass of ``qual`` is, when ``qual`` is a
    framework layer, activation layer or loss class (``class MaskedConv2d(nn.Conv2d)``,
    ``class WeightedBCE(nn.BCEWithLogitsLoss)``), or None."""
    spec = V.LAYERS.get(qual) or V.ACTIVATION_MODULES.get(qual) or V.LOSS_CLASSES.get(qual)
    if spec is None or getattr(spec, "applies_to", None) is not None:
        return None  # ``tf.layers.dense(x, 10)`` is a function, not a class
    return spec.framework


def forward_name(framework) -> str:
    """The method a module, layer or loss of ``framework`` runs when called."""
    return _FORWARD[framework]


def knows(qual: str) -> bool:
    return (
        qual in V.ACTIVATION_FUNCTIONS
        or qual in V.ACTIVATION_MODULES
        or qual in V.LAYERS
        or qual in V.PASS_THROUGH
        or qual in V.LOSS_CLASSES
        or qual in V.LOSS_FUNCTIONS
        or qual in V.MODULE_BASES
        or qual in V.INPUTS
        or qual in _HANDLERS
        or data.knows(qual)
        or penalties.knows(qual)
        or qual in V.RANKED_LAYERS
        or qual in V.RANK_WRAPPERS
        or qual in V.LOSS_STEPS
        or qual in V.SHAPE_FUNCTIONS
        or qual in V.RETURNS_ARGUMENT
        or tf_adapter.knows(qual)
        or libraries.knows(qual)
    )


def arith(op: str, left: Value, right: Value, node, interp: Evaluator) -> Optional[Value]:
    """An operator that means something to a framework: a penalty added to a loss,
    a hand-made linear layer (``h @ W + b``), a softmax written out; None for plain arithmetic."""
    softmax = written_softmax.arith(op, left, right, node)
    if softmax is not None:
        return softmax
    written = squared.arith(op, left, right, node)
    if written is not None:
        return written
    penalised = penalties.arith(op, left, right, node, interp)
    if penalised is not None:
        return penalised
    return tf_adapter.arith(op, left, right, node)


def call_qualified(qual: str, site) -> Value:
    site.qual = qual
    if qual in V.ACTIVATION_FUNCTIONS:
        return common.activation_fn(V.ACTIVATION_FUNCTIONS[qual], site, site.arg(None, 0) or UNKNOWN)
    if qual in V.ACTIVATION_MODULES:
        return common.activation_module(V.ACTIVATION_MODULES[qual], site)
    if qual in V.LAYERS:
        spec = V.LAYERS[qual]
        built = common.layer(spec, site)
        if spec.applies_to is None:
            return built
        # ``tf.layers.dense(x, 10, activation=tf.nn.softmax)``: built and applied at once
        return common.apply_module(built, site.arg(spec.applies_to, 0) or UNKNOWN, site.interp, site.node)
    if qual in V.PASS_THROUGH:
        return PassObj(qual in V.RESHAPE_LAYERS, rank=common.fixed_rank(site) or common.input_rank(site))
    if qual in V.INPUTS:
        return Tensor(rank=common.input_rank(site))
    if qual in V.LOSS_CLASSES:
        return common.loss_object(V.LOSS_CLASSES[qual], site)
    if qual in V.LOSS_FUNCTIONS:
        spec = V.LOSS_FUNCTIONS[qual]
        pred, target = common.loss_arguments(spec, site)
        if pred is None:
            return Tensor()
        return common.record_loss(common.loss(spec, site), pred, target, site)
    if qual in V.LOSS_STEPS:
        return common.loss_step(V.LOSS_STEPS[qual], site)
    if qual in _HANDLERS:
        return _HANDLERS[qual](site)
    if qual in V.L1_REGULARIZERS:
        return penalties.regularizer(qual, site)
    if qual in V.RANKED_LAYERS or qual in V.RANK_WRAPPERS:
        return common.ranked_layer(qual, site)
    if qual in V.SHAPE_FUNCTIONS:
        return common.shaped(site.arg(V.SHAPE_FUNCTIONS[qual], 0), site)
    if qual in V.RETURNS_ARGUMENT:
        return site.arg(*V.RETURNS_ARGUMENT[qual]) or UNKNOWN  # DataParallel(model): the model
    built = libraries.call(qual, site)
    if built is not None:
        return built
    handled = tf_adapter.call(qual, site)
    if handled is None:
        handled = data.call(qual, site)
    return handled if handled is not None else UNKNOWN


def call_object(callee: Value, site) -> Value:
    """A value produced by a framework call, called in turn."""
    if isinstance(callee, (LayerObj, ActObj, PassObj, ShapeObj)):
        return common.apply_module(callee, site.arg(None, 0) or UNKNOWN, site.interp, site.node)
    if isinstance(callee, ModelV):
        return call_model(callee, site)
    if isinstance(callee, LossObj):
        return common.record_loss(callee.loss, callee.pred, callee.target, site)
    return UNKNOWN


def call_model(model: ModelV, site) -> Value:
    if model.framework is Framework.KERAS:
        model.applied = True
    if model.library is not None:
        computed = libraries.called(model, site)  # ``model(**batch, labels=y)``: its own loss
        if computed is not None:
            return computed
    depends = model.instance is not None and _depends_on_input(model, site)
    if model.instance is not None and (len(site.args) > 1 or site.kwargs or depends):
        # ``model(x, labels=y)``: a forward that computes its own loss from the
        # arguments (Hugging Face style) is followed with them, for its loss events;
        # ``Endpoint()(Dense(1)(x))``: a custom layer's output depends on what it is
        # given, so it is evaluated on it
        out = common.call_method_of(model.instance, _FORWARD[model.framework], site.args, site.kwargs, site)
        if depends and out is not UNKNOWN:
            return common.tag(out, model)
        summary = common.model_output(model, site.interp)
        if _informative(out) and not _informative(summary):
            # ``self.cd4(x, nn.Sequential(self.fc4, self.softmax))``: a wrapper module
            # applies the layer it is given, so only this call says what comes out
            return common.tag(out, model)
        return summary
    return common.stack_output(model, site.arg(None, 0), site.interp)


def _depends_on_input(model: ModelV, site) -> bool:
    """Is what this custom layer returns decided by what it is given here: its
    output, evaluated once on an unknown input, is an activation with no layer of
    its own (an output layer applying softmax to whatever it gets) and this input
    is telling; or that output's rank is unknown and this input's is known.
    (Re-evaluating every custom layer at every call site would multiply the cost
    of deep models.)"""
    given = site.arg(None, 0)
    if not isinstance(given, Tensor):
        return False
    summary = common.model_output(model, site.interp)
    if not isinstance(summary, Tensor):
        return False
    if given.rank is not None and summary.rank is None and summary.layer is not None:
        return True  # a block ending in nn.Linear returns the rank it is given (``FC(512, 10)(x.view(n, -1))``)
    return (_informative(given) and summary.layer is None and summary.act is not None
            and summary.act.kind not in ("identity", "other"))


def _informative(value) -> bool:
    """A tensor whose activation, layer or model is known: what it is matters to
    what a custom layer returns."""
    return isinstance(value, Tensor) and (value.act is not None or value.layer is not None or value.model is not None)


def call_method(receiver: Value, name: str, site) -> Value:
    if isinstance(receiver, (LossObj, LayerObj, ActObj, PassObj)) and name in V.SELF_METHODS:
        return receiver  # nn.CrossEntropyLoss().to(device) is the same loss
    if isinstance(receiver, LossObj) and name in ("forward", "call", "__call__"):
        return common.record_loss(receiver.loss, receiver.pred, receiver.target, site)  # criterion.forward(out, y)
    if isinstance(receiver, (LayerObj, ActObj, PassObj, ShapeObj)) and name in ("forward", "call", "__call__"):
        return common.apply_module(receiver, site.arg(None, 0) or UNKNOWN, site.interp, site.node)
    if name in V.PASS_ARGUMENT_METHODS and receiver is UNKNOWN and any(
        isinstance(a, ModelV) or (isinstance(a, Instance) and a.model is not None) for a in site.args
    ):
        # ``model, opt, loader = accelerator.prepare(model, opt, loader)``: the same objects
        return site.args[0] if len(site.args) == 1 else Seq(list(site.args))
    if isinstance(receiver, ModelV):
        handled = model_method(receiver, name, site)
        return handled if handled is not None else UNKNOWN
    if isinstance(receiver, libraries.LibraryNetV):
        if receiver.trains(name):
            return receiver.fit(site)
        return receiver if name in receiver.row.chains else UNKNOWN
    # ``out["logits"].softmax(dim=-1)``: only tensors have a softmax method
    tensor_like = isinstance(receiver, Tensor) or (receiver is UNKNOWN and name in ("softmax", "log_softmax"))
    if tensor_like and name in V.ACTIVATION_METHODS:
        return common.activation_fn(V.ACTIVATION_METHODS[name], site, receiver)
    if name == "backward" and squared.trained(receiver, site):
        return Const(None)
    if name in V.HAND_LOSS_TRAINERS:  # ``optimizer.minimize(loss)``, ``tape.gradient(loss, params)``
        squared.trained(site.arg(*V.HAND_LOSS_TRAINERS[name]), site)
    handled = data.method(receiver, name, site)
    if handled is not None:
        return handled
    if name in ("min", "amin"):  # ``y - y.min()`` is non-negative whatever y is
        return Tensor(fact=targets.transfer("minimum", receiver.fact))
    return Tensor() if isinstance(receiver, Tensor) else UNKNOWN


def attribute_set(model: ModelV, name: str, value: Value) -> None:
    """``model.<name> = value`` on a model the program builds (not a library's)."""
    if model.framework is Framework.TORCH:
        torch_adapter.attribute_set(model, name, value)


def model_method(model: ModelV, name: str, site) -> Optional[Value]:
    if name in ("forward", "call", "__call__"):
        return call_model(model, site)
    adapter = torch_adapter if model.framework is Framework.TORCH else keras_adapter
    return adapter.model_method(model, name, site)


def module_model(instance: Instance, interp: Evaluator) -> ModelV:
    """The model behind an instance of a module class: its output is what
    ``forward`` (PyTorch) or ``call`` (Keras) returns with ``self`` bound."""
    cls = instance.cls
    framework = cls.framework
    model = ModelV(framework, cls.name, cls.node)

    def forward() -> Value:
        method = cls.lookup(_FORWARD[framework])
        if not isinstance(method, Function):
            return UNKNOWN
        return interp.call_function(method, [instance, Tensor()], {}, Ctx())

    model.forward = forward
    model.instance = instance
    interp.events.models.append(model)
    return model
