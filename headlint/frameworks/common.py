"""What PyTorch and Keras share: building activation, layer and loss records from
a call, applying layers to tensors, and running a model to its output."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .. import branches, targets
from .. import vocabulary as V
from ..events import Evaluator, LossEvent
from ..names import short
from ..records import Activation, Framework, Layer, Loss, Sign
from ..values import (
    UNKNOWN,
    ActObj,
    Const,
    DictV,
    Function,
    Instance,
    LayerObj,
    LossObj,
    Many,
    ModelV,
    PassObj,
    Qual,
    Seq,
    ShapeObj,
    Tensor,
    Value,
)
from . import penalties

# Literal arguments worth keeping for confirmation probes.
PROBE_ARGS = ("from_logits", "reduction", "label_smoothing", "ignore_index", "delta", "beta", "axis", "dim")

_OUTPUT_SIGN = {
    "softmax": Sign.NONNEG, "sigmoid": Sign.NONNEG, "relu": Sign.NONNEG, "relu6": Sign.NONNEG,
    "softplus": Sign.NONNEG, "exp": Sign.NONNEG, "tanh": Sign.SIGNED, "log_softmax": Sign.SIGNED,
}


def activation_kind(value: Optional[Value]) -> Optional[str]:
    """The activation a Keras ``activation=`` argument names: a string, None, or a
    function reference such as ``tf.nn.softmax``. None when it cannot be told."""
    if value is None:
        return "identity"
    if isinstance(value, Const):
        if value.value is None:
            return "identity"
        if isinstance(value.value, str):
            return V.ACTIVATION_KINDS.get(value.value.lower(), "other")
        return None
    if isinstance(value, Qual):
        fn = V.ACTIVATION_FUNCTIONS.get(value.name)
        if fn is not None:
            return fn.kind
        return "other" if value.name.startswith(("keras.activations.", "tensorflow.nn.")) else None
    if isinstance(value, ActObj):
        return value.kind
    return None


_WIDTH_KEEPING = frozenset({"identity", "relu", "relu6", "sigmoid", "tanh", "softplus", "exp", "softmax", "log_softmax"})


def apply_activation(value: Value, act: Activation) -> Tensor:
    base = value if isinstance(value, Tensor) else Tensor()
    if act.kind == "exp" and base.act is not None and base.act.kind == "log_softmax":
        # exp(log_softmax(z)) is softmax(z): the same output, over the same axis
        return base.derived(act=replace(base.act, kind="softmax", name=f"exp({base.act.name})"),
                            fact=targets.with_sign(base.fact, Sign.NONNEG))
    # The layer stays the output's through activations that keep its width (a softmax
    # over ``F.relu(self.fc(x))`` has fc's units), not through unknown ones (GLU halves it).
    width_kept = base.act is not None and base.act.kind in _WIDTH_KEEPING
    sign = _OUTPUT_SIGN.get(act.kind)
    fact = targets.with_sign(base.fact, sign) if sign else base.fact
    if base.rank is not None:
        act = replace(act, rank=base.rank)
    if width_kept and not base.act.moved and base.layer is not None and base.layer.units_axis is not None:
        act = replace(act, units_axis=base.layer.units_axis)  # nothing reshaped the layer's axes since
    return Tensor(act=act, layer=base.layer if width_kept else None, model=base.model, fact=fact, rank=base.rank)


def axis_of(site, param: Optional[str], pos: Optional[int], default=None):
    """(axis, given) for a softmax-like call; axis None when not a literal."""
    if param is None:
        return None, False
    value = site.arg(param, pos)
    if value is None:
        return default, False
    if isinstance(value, Const) and (isinstance(value.value, int) or value.value is None):
        return value.value, value.value is not None
    return None, True  # given, but not a literal


def activation_fn(spec: V.ActivationFn, site, value: Value) -> Tensor:
    """``F.softmax(x, dim=1)``, ``tf.nn.softmax(x)``, ``x.softmax(-1)`` applied to ``value``."""
    axis, given = axis_of(site, spec.axis_param, spec.axis_pos)
    spelling = getattr(site, "qual", None) or f"Tensor.{spec.kind}"
    node = getattr(site, "spelled", None) or site.node
    act = Activation(spec.kind, axis, given, _display(spec.display, axis, given, spec.axis_param), node, spelling)
    _note_reapplied(value, act, site)
    out = apply_activation(value, act)
    owner = site.ctx.owner
    if (isinstance(value, Tensor) and value.model is not None and act.kind in ("softmax", "log_softmax")
            and (owner is None or owner.framework is None)):
        # a softmax the code applies to a model's output outside any module (a module's
        # own softmax is part of its output, judged as that module's head)
        value.model.applied_softmaxes.append((out.act, out.layer))
    return out


# An activation a second one re-applies: a sigmoid again, a softmax again or its log.
_REAPPLIED = {"sigmoid": ("sigmoid",), "softmax": ("softmax", "log_softmax")}


def _note_reapplied(value: Value, act: Activation, site) -> None:
    """``torch.sigmoid(inputs)`` in a Dice loss given a model's sigmoid output,
    ``pred.log_softmax(-1)`` in a label-smoothing loss given a softmax output: the
    model's activation applied a second time. Recorded as a loss event whose loss
    applies it (kind "reapplied"), so that the rules for a loss applying the activation
    itself (HL005, HL001) judge it, and provenance names the user's loss it runs in."""
    if not isinstance(value, Tensor) or value.model is None or value.act is None or value.act.configurable:
        return
    first = value.act
    if act.kind not in _REAPPLIED.get(first.kind, ()) or (first.kind == "softmax" and not _same_axis(first, act, value)):
        return
    applies = "sigmoid" if act.kind == "sigmoid" else "softmax"
    record = Loss("reapplied", value.model.framework, applies, "logits", None, act.name or short(act.spelling),
                  node=act.node)
    loss_event(record, value, UNKNOWN, site)


def _same_axis(first: Activation, second: Activation, value: Tensor) -> bool:
    """Do two softmaxes normalise over the same axis of ``value``? Neither axis given
    (the framework's default for both), literal axes naming the same position, or, where
    the rank is not known, 1 and -1 of a layer whose units are last ((batch, units))."""
    if not first.axis_given and not second.axis_given:
        return True
    axes = []
    for act in (first, second):
        axis = act.axis if act.axis_given else (-1 if value.model.framework is Framework.KERAS else None)
        if not isinstance(axis, int) or isinstance(axis, bool):
            return False  # a torch implicit dim, or an axis that is not a literal
        axes.append(axis)
    a, b = axes
    if value.rank is not None:
        return a % value.rank == b % value.rank
    units_last = value.layer is None or value.layer.units_axis is None
    return a == b or (units_last and {a, b} == {1, -1})


def _display(display: str, axis, given: bool, param: Optional[str]) -> str:
    if given and axis is not None and param:
        return f"{display}({param}={axis})"
    return display


def activation_module(spec: V.ActivationModule, site) -> Value:
    """``nn.Softmax(dim=1)``, ``layers.Softmax()``, ``layers.Activation('softmax')``."""
    kind = spec.kind
    if kind is None:  # Keras Activation: named by its first argument
        kind = activation_kind(site.arg("activation", 0))
        if kind is None:
            return ActObj("other", None, False, spec.display, site.node, site.qual)
    axis, given = axis_of(site, spec.axis_param, spec.axis_pos, spec.default_axis)
    display = spec.display if spec.kind else f"{spec.display}({kind!r})"
    shown = _display(display, axis, given, spec.axis_param)
    return ActObj(kind, axis, given, shown, site.node, site.qual, penalties.activity_penalty(site))


def literal_args(site, params: tuple) -> tuple:
    out = []
    for index, param in enumerate(params):
        value = site.arg(param, index)
        if value is not None:
            out.append((param, value.value if isinstance(value, Const) else ...))
    for key in PROBE_ARGS:
        if key in site.kwargs and key not in params:
            value = site.kwargs[key]
            out.append((key, value.value if isinstance(value, Const) else ...))
    return tuple(out)


def layer(spec: V.LayerSpec, site) -> LayerObj:
    units_pos = spec.params.index(spec.units_param) if spec.units_param in spec.params else None
    units = site.literal(spec.units_param, units_pos)
    units = units if isinstance(units, int) and not isinstance(units, bool) else None
    name_value = site.arg("name")
    layer_name = name_value.value if isinstance(name_value, Const) and isinstance(name_value.value, str) else None
    shown = []
    for index, param in enumerate(spec.params[: (units_pos or 0) + 1]):
        value = site.literal(param, index, default=...)
        shown.append("..." if value is ... else repr(value))
    record = Layer(
        spec.kind,
        units,
        f"{spec.display}({', '.join(shown)})",
        layer_name,
        literal_args(site, spec.params),
        site.node,
        units_axis=spec.units_axis,
    )
    ranks = {"in_rank": input_rank(site), "out_rank": fixed_rank(site)}
    if spec.activation_param is None:
        return LayerObj(record, Activation("identity", name="no activation", node=site.node, spelling=site.qual), **ranks)
    act_pos = spec.params.index(spec.activation_param) if spec.activation_param in spec.params else None
    act_value = site.arg(spec.activation_param, act_pos)
    if act_value is None and any(getattr(arg, "star", "") for arg in getattr(site.node, "args", ())):
        # ``Dense(1, **head_cfg)``: the activation may be in what is unpacked
        return LayerObj(record, Activation("other", node=site.node))
    kind = activation_kind(act_value)
    if act_value is None and spec.default_activation is not None:
        kind = spec.default_activation  # ``fully_connected(x, 10)`` is a relu layer
    act_node = site.arg_node(spec.activation_param, act_pos) or site.node
    penalty = penalties.activity_penalty(site)
    if kind is None:
        return LayerObj(record, Activation("other", node=act_node), penalty, **ranks)
    axis = -1 if kind in ("softmax", "log_softmax") else None
    param = spec.activation_param
    name = f"{param}={act_value.value!r}" if isinstance(act_value, Const) else (
        f"{param}={short(act_value.name)}" if isinstance(act_value, Qual) else (
            f"the default {param} ({kind})" if act_value is None and kind != "identity" else "no activation"
        )
    )
    # a string names a Keras activation; a function reference is applied as it is
    spelling = act_value.name if isinstance(act_value, Qual) else f"keras.activations.{kind}"
    made = LayerObj(record, Activation(kind, axis, False, name, act_node, spelling), penalty, **ranks)
    if kind == "softmax" and units == 1:
        site.interp.events.constant_layers.append((spec.framework, Tensor(act=made.act, layer=record)))
    return made


def input_rank(site) -> Optional[int]:
    """The rank a Keras layer or ``Input`` declares for its input (batch axis
    included): ``shape=(784,)`` / ``input_shape=(None, 64)`` / ``input_dim=20``."""
    for param, how in V.INPUT_RANK_ARGS:
        value = site.arg(param, 0 if param == "shape" and getattr(site, "qual", "") in V.INPUTS else None)
        if value is None:
            continue
        if how == "dim":
            return 2
        if isinstance(value, Seq) and all(not isinstance(item, Seq) for item in value.items):
            return len(value.items) + (1 if how == "shape" else 0)
        return None
    return None


def ranked_layer(qual: str, site) -> ShapeObj:
    """``LSTM(64, return_sequences=True)``, ``GlobalAveragePooling1D()``,
    ``Bidirectional(LSTM(...))``: the rank of what they output, when the literals say it."""
    if qual in V.RANK_WRAPPERS:
        inner = site.arg("layer", 0)
        return ShapeObj(inner.rank if isinstance(inner, ShapeObj) else None)
    param, when_true, otherwise = V.RANKED_LAYERS[qual]
    value = site.arg(param)
    if value is None:
        return ShapeObj(otherwise)
    if isinstance(value, Const) and isinstance(value.value, bool):
        return ShapeObj(when_true if value.value else otherwise)
    return ShapeObj(None)


def fixed_rank(site) -> Optional[int]:
    """The output rank a layer fixes whatever its input (vocabulary.RANK_LAYERS)."""
    row = V.RANK_LAYERS.get(getattr(site, "qual", ""))
    if row is None:
        return None
    rank, changers = row
    return None if any(site.has(param, index) for index, param in enumerate(changers)) else rank


def loss(spec: V.LossSpec, site=None, node=None) -> Loss:
    """A Loss record; ``site`` gives the constructor's or function's arguments."""
    from_logits = None
    applies, expects = spec.applies, spec.expects
    name = spec.display
    if spec.framework is Framework.KERAS and spec.kind.endswith("crossentropy"):
        from_logits = False
        if site is not None and spec.from_logits_pos is not None:
            value = site.arg("from_logits", spec.from_logits_pos)
            if value is not None:
                from_logits = value.value if isinstance(value, Const) and isinstance(value.value, bool) else None
        if from_logits:
            applies = "softmax" if spec.softmax_family else "sigmoid"
            expects = "logits"
            name = f"{spec.display}(from_logits=True)"
        elif from_logits is None:
            expects = "unknown"
    args = literal_args(site, ()) if site is not None else ()
    return Loss(spec.kind, spec.framework, applies, expects, from_logits, name, args, node if node is not None else (site.node if site else None))


def loss_object(spec: V.LossSpec, site=None, node=None) -> LossObj:
    return LossObj(loss(spec, site, node), spec.pred, spec.target)


def _an_output(value) -> bool:
    return isinstance(value, Tensor) and (value.act is not None or value.model is not None)


def loss_arguments(spec: V.LossSpec, site) -> tuple:
    """(prediction, target) parameters of a loss call. Where the positional order
    changed between versions, two positional arguments are read only when exactly
    one of them is a model output; otherwise (None, None): no loss is recorded."""
    if not spec.positional_ambiguous or site.has(spec.pred[0]) or site.has(spec.target[0]) or len(site.args) < 2:
        return spec.pred, spec.target
    first, second = _an_output(site.args[0]), _an_output(site.args[1])
    if first == second:
        return None, None
    return ((None, 0), (None, 1)) if first else ((None, 1), (None, 0))


def loss_step(row: tuple, site) -> Value:
    """``tflearn.regression(net, loss='categorical_crossentropy')``: the loss named
    by a string, applied to the incoming tensor (its targets come with fit())."""
    pred, param, default, table = row
    name = site.arg(param)
    key = default if name is None else (name.value if isinstance(name, Const) else None)
    spec = table.get(key) if isinstance(key, str) else None
    if spec is not None:
        node = site.arg_node(param) or site.node
        record = Loss(spec.kind, spec.framework, spec.applies, spec.expects, None, spec.display, (), node)
        record_loss(record, pred, ("<targets>", 10**6), site, kind="compile")
    return site.arg(*pred) or UNKNOWN


def record_loss(record: Loss, pred: tuple, target: tuple, site, kind: str = "call") -> Tensor:
    """A loss computed on (prediction, target): the event link.py turns into a head."""
    return loss_event(record, site.arg(*pred) or UNKNOWN, site.arg(*target) or UNKNOWN, site, kind)


def loss_event(record: Loss, pred: Value, target: Value, site, kind: str = "call") -> Tensor:
    """Record that ``record`` trains ``pred`` towards ``target`` at this call (also where
    a library computes the loss itself); the value is the loss's."""
    event = LossEvent(record, pred, target, site.node, site.ctx.inference, kind)
    site.interp.events.losses.append(event)
    return Tensor(loss=event)


def shaped(value: Optional[Value], site) -> Value:
    """``tf.squeeze(out)``, ``torch.squeeze(out)``, ``tf.reshape(out, [-1, n])``: the
    same output in another shape. Its activation and layer stay; the unit count and
    the rank may not."""
    if not isinstance(value, Tensor):
        return Tensor()
    return value.reshaped().derived(rank=None)


def apply_module(obj: Value, value: Value, interp: Evaluator, node=None) -> Value:
    """Call a layer-like object on a tensor: a Sequential item, or ``self.fc(x)``
    (then ``node`` is the call, where the finding points)."""
    if isinstance(obj, branches.Alt) or isinstance(value, branches.Alt):
        combos = branches.combinations([obj, value])
        if combos is None:
            return _apply_module(branches.collapse(obj), branches.collapse(value), interp, node)
        return branches.alternatives((guard, _apply_module(o, v, interp, node)) for guard, (o, v) in combos)
    return _apply_module(obj, value, interp, node)


def _apply_module(obj: Value, value: Value, interp: Evaluator, node=None) -> Value:
    if isinstance(obj, LayerObj):
        rank = obj.out_rank or (value.rank if isinstance(value, Tensor) else None) or obj.in_rank
        act = replace(obj.act, rank=rank) if rank is not None else obj.act
        if act.kind == "identity" and node is not None and node is not obj.layer.node:
            act = replace(act, applied=node)  # ``self.fc(out)`` in forward: the raw output leaves here
        output = Tensor(act=act, layer=obj.layer, rank=rank, penalties=(obj.penalty,) if obj.penalty else ())
        penalties.record_activity(interp, output, obj.penalty)
        return output
    if isinstance(obj, ActObj):
        where = _where_applied(obj, node, interp)
        built = obj.node if where is not obj.node else None  # the module's construction, when applied elsewhere
        act = Activation(obj.kind, obj.axis, obj.axis_given, obj.display, where, obj.spelling, built=built,
                         configurable=obj.default)
        output = apply_activation(value, act)
        if obj.penalty is not None:
            output = output.derived(penalties=(obj.penalty,))
        penalties.record_activity(interp, output, obj.penalty)
        return output
    if isinstance(obj, PassObj):
        passed = value if isinstance(value, Tensor) else Tensor()
        passed = passed.reshaped() if obj.reshapes else passed
        return passed.derived(rank=obj.rank) if obj.rank is not None else passed
    if isinstance(obj, ShapeObj):
        return Tensor(rank=obj.rank)
    if isinstance(obj, Tensor) and obj.act is None and obj.model is None:
        return Tensor(rank=obj.rank)  # ``keras.Input(shape=...)`` opening a Sequential
    if isinstance(obj, ModelV):
        return stack_output(obj, value, interp)
    if isinstance(obj, Instance) and obj.model is not None:
        return model_output(obj.model, interp)
    return Tensor()


def _where_applied(obj: ActObj, node, interp: Evaluator):
    """Where a finding about an activation module points: the call applying it
    (``self.softmax(x)``, ``sigmoid(out)``), unless that call names no particular module
    (``layer(x)`` in a loop over a list of layers) and the module's own construction is known."""
    import libcst as cst

    if node is None:
        return obj.node
    looped = isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in interp.unrolled
    return obj.node if looped and obj.node is not None else node


def call_method_of(instance: Instance, name: str, args: list, kwargs: dict, site) -> Value:
    """``instance.<name>(*args, **kwargs)`` for a method its class defines."""
    method = instance.cls.lookup(name)
    if not isinstance(method, Function):
        return UNKNOWN
    return site.interp.call_function(method, [instance, *args], kwargs, site.ctx, site.node)


def model_output(model: ModelV, interp: Evaluator) -> Value:
    """What the model returns on the training path, each tensor tagged with it."""
    if model._output is not None:
        return model._output
    if model._computing:
        return UNKNOWN
    model._computing = True
    try:
        if model.items is not None:
            raw = fold(model.items, interp)
        elif model.outputs_value is not None:
            raw = model.outputs_value
        elif model.forward is not None:
            raw = model.forward()
        else:
            raw = UNKNOWN
    finally:
        model._computing = False
    model._output = tag(raw, model)
    return model._output


def tag(raw: Value, model: ModelV) -> Value:
    if isinstance(raw, branches.Alt):
        return branches.alternatives((guard, tag(option, model)) for guard, option in raw.options)
    if isinstance(raw, Tensor):
        return raw.derived(model=model)
    if isinstance(raw, Seq):
        return Seq([item.derived(model=model, single=False) if isinstance(item, Tensor) else item for item in raw.items], raw.node)
    if isinstance(raw, DictV):  # forward returning {"logits": ..., "value": ...}
        return DictV({k: v.derived(model=model, single=False) if isinstance(v, Tensor) else v for k, v in raw.items.items()})
    return raw


def fold(items: list, interp: Evaluator) -> Value:
    """A Sequential stack: each item applied to the previous one's output."""
    return fold_from(Tensor(), items, interp)


def stack_output(model: ModelV, given: Value, interp: Evaluator) -> Value:
    """A model's output on ``given``: its summary, but a stack of layers keeps the rank
    it is given where its summary cannot say (``self.classifier(x.view(n, -1))``; a
    Sequential nested in another after a library backbone's (batch, features))."""
    summary = model_output(model, interp)
    if (model.items is not None and isinstance(given, Tensor) and given.rank is not None
            and isinstance(summary, Tensor) and summary.rank is None):
        ranked = fold_from(Tensor(rank=given.rank), model.items, interp)
        if isinstance(ranked, Tensor) and ranked.rank is not None:
            return tag(ranked, model)
    return summary


def fold_from(value: Value, items: list, interp: Evaluator) -> Value:
    """A Sequential stack applied to ``value``."""
    for item in items:
        value = apply_module(item, value, interp)
    return value


# Probability-like activations that a small epsilon or a clip into (0, 1) keeps.
PROBABILITIES = frozenset({"softmax", "sigmoid", "log_softmax"})


def logarithm(value: Value) -> Optional[Tensor]:
    """``torch.log(softmax(z))`` is ``log_softmax(z)``: None for anything else."""
    if isinstance(value, Tensor) and value.act is not None and value.act.kind == "softmax":
        return value.derived(act=replace(value.act, kind="log_softmax", name=f"log({value.act.name})"),
                             fact=targets.with_sign(value.fact, Sign.SIGNED))
    return None


def concatenated(items: Value) -> Optional[Tensor]:
    """``torch.cat([p1, p2])`` of outputs that all end in the same activation (or of
    ``[net(x) for x in inputs]``): an output with that activation (its unit count is no
    longer known)."""
    if isinstance(items, Many):
        items = Seq([items.element])
    if not isinstance(items, Seq) or not items.items:
        return None
    tensors = [item for item in items.items if isinstance(item, Tensor)]
    if len(tensors) != len(items.items) or any(t.act is None for t in tensors):
        return None
    first = tensors[0]
    if any(t.act.kind != first.act.kind or t.act.axis != first.act.axis for t in tensors) or first.act.kind == "identity":
        return None
    model = first.model if all(t.model is first.model for t in tensors) else None
    return Tensor(act=replace(first.act, moved=True), model=model, fact=first.fact)
