"""Heads that libraries build from arguments (vocabulary/libraries/).

``keras.applications.ResNet50(classes=10)`` ends in ``Dense(10, softmax)``,
``smp.Unet(classes=1, activation="sigmoid")`` in a one-channel convolution and a
sigmoid, ``AutoModelForSequenceClassification.from_pretrained(n, num_labels=1)`` in
one raw logit that the model trains with MSE when given labels. Each becomes a
model whose output is that head, built from the row and the literal arguments, so
the rules apply to it unchanged. Nothing of the library is imported.

Also the libraries' losses whose behaviour depends on their arguments (smp's
``DiceLoss(mode, from_logits=True)``) and their training wrappers (skorch's
``NeuralNetClassifier(Module, criterion=...)``, whose ``fit`` trains the module).
"""

from __future__ import annotations

from typing import Optional

from .. import vocabulary as V
from ..names import short
from ..records import Activation, Framework, Layer, Loss
from ..events import CallSite
from ..values import (
    UNKNOWN, BoundMethod, ClassV, Const, DictV, Function, Instance, LossObj, ModelV, Partial, Qual, Tensor, Value,
)
from . import common

# Where every row's name starts (tests/test_library_rows.py checks it): the tables are
# loaded only when a call under one of these is met, so a file that uses none of these
# libraries does not pay for a thousand rows at start-up.
PREFIXES = ("keras.applications.", "keras_hub.", "timm.", "torchvision.", "segmentation_models_pytorch.",
            "transformers.", "skorch.", "ray_skorch.", "ignite.", "poutyne.", "torchbearer.")


def _tables():
    from ..vocabulary import libraries

    return libraries

# How an activation kind is spelled in each framework: probes rebuild it from this.
_SPELLING = {
    Framework.KERAS: {"softmax": "keras.activations.softmax", "sigmoid": "keras.activations.sigmoid",
                      "log_softmax": "keras.activations.log_softmax", "tanh": "keras.activations.tanh"},
    Framework.TORCH: {"softmax": "torch.nn.Softmax", "sigmoid": "torch.nn.Sigmoid",
                      "log_softmax": "torch.nn.LogSoftmax", "tanh": "torch.nn.Tanh"},
}
# The output's rank: (batch, classes), or (batch, classes, height, width) for segmentation.
_RANK = {-1: 2, 1: 4}


def knows(qual: str) -> bool:
    if not qual.startswith(PREFIXES):
        return False
    L = _tables()
    return qual in L.HEADS or qual in L.LOSSES or qual in L.NETS or qual in L.MODULE_BASES


def module_base(qual: str):
    """The framework of a library's module class a user's class derives from
    (``class Net(torchvision.models.vgg.VGG)``), or None."""
    return _tables().MODULE_BASES.get(qual) if qual.startswith(PREFIXES) else None


def call(qual: str, site) -> Optional[Value]:
    if not qual.startswith(PREFIXES):
        return None
    L = _tables()
    if qual in L.HEADS:
        return head_model(qual, L.HEADS[qual], site)
    if qual in L.LOSSES:
        return library_loss_object(L.LOSSES[qual], site)
    if qual in L.NETS:
        net = LibraryNetV(L.NETS[qual], site)
        return net if net.row.trains_on else net.fit(site)  # ignite's trainer: the call trains
    return None


# --- models ---------------------------------------------------------------------------


class LibraryModel:
    """What a model built by a library keeps for later calls: its row and unit count."""

    def __init__(self, row, units: Optional[int]):
        self.row = row
        self.units = units


def head_model(qual: str, row, site) -> Value:
    """The model a library entry point builds, its output the head the row describes;
    unknown when the arguments leave the head unknown (``include_top`` not a literal
    True, given by position)."""
    display = short(qual).replace(".from_pretrained", "").replace(".from_preset", "")
    if row.top_param is not None:
        if site.has(row.top_param) and site.literal(row.top_param) is not True:
            return UNKNOWN  # include_top=False: the user builds the head (functional code follows it)
        if not site.has(row.top_param) and site.args:
            return UNKNOWN  # include_top may be the first positional argument
    if row.units_param is None or not site.has(row.units_param, row.units_pos):
        units = row.default_units
    else:
        number = site.literal(row.units_param, row.units_pos)
        units = number if isinstance(number, int) and not isinstance(number, bool) else None
    act = _activation(row, site, display)
    layer_name = f"{display} head ({_layer_display(row, units)})"
    layer = Layer(row.layer, units, layer_name, args=(("units", units),) if units is not None else (), node=site.node,
                  built_by=f"{display} ({row.read_from.split(':')[0]})")
    rank = _RANK.get(row.axis)
    output = Tensor(act=act, layer=layer, rank=rank)
    if row.output == "dict":  # torchvision segmentation: {"out": ..., "aux": ...}
        value: Value = DictV({"out": output})
    elif row.output == "hf":  # a ModelOutput: ``.logits``
        value = DictV({"logits": output})
    else:
        value = output
    model = ModelV(row.framework, display, site.node, outputs_value=value)
    if isinstance(value, DictV):
        # the one output under its key (``model(x)["out"]``, ``outputs.logits``), not one
        # of several outputs as a dict returned by a user's forward would be
        model._output = DictV({key: item.derived(model=model) for key, item in value.items.items()})
    model.library = LibraryModel(row, units)
    site.interp.events.models.append(model)
    return model


def _layer_display(row, units) -> str:
    shown = units if units is not None else "..."
    if row.framework is Framework.KERAS:
        return f"{'Conv2D' if row.layer == 'conv' else 'Dense'}({shown})"
    return f"{'Conv2d' if row.layer == 'conv' else 'Linear'}(..., {shown})"


def _activation(row, site, display: str) -> Optional[Activation]:
    """The head's activation: the argument when it is a literal the row lists, the
    library's default when it is not given; None (unknown) otherwise."""
    axis = row.axis
    if row.activation_param is None or not site.has(row.activation_param, row.activation_pos):
        kind, node, written = row.default_activation, site.node, f"{display}'s default {row.default_activation}"
    else:
        written_value = site.literal(row.activation_param, row.activation_pos, ...)
        if written_value is ...:
            return None  # a variable or a callable: unknown
        key = "None" if written_value is None else str(written_value)
        found = next(((k, a) for value, k, a in row.activations if value == key), None)
        if found is None:
            return None
        kind, listed_axis = found
        axis = listed_axis if listed_axis is not None else axis
        node = site.arg_node(row.activation_param, row.activation_pos)
        node = getattr(node, "value", node)
        written = f"{row.activation_param}={written_value!r}"
        if kind == "identity":
            written = f"{row.activation_param}={written_value!r} (no activation)"
    softmaxish = kind in ("softmax", "log_softmax")
    return Activation(
        kind,
        axis if softmaxish else None,
        softmaxish,
        written,
        node,
        _SPELLING[row.framework].get(kind, ""),
        rank=_RANK.get(row.axis),
    )


def head_replaced(model: ModelV, attribute: str, value: Value, index: Optional[Value], interp) -> None:
    """``model.fc = nn.Linear(512, 2)``, ``model.classifier[6] = ...`` on a model a torch
    library built: the head is now what the new module gives (applied to features of
    no known kind); replaced in part (an item of the classifier that may not be its
    last) it stays known only when the new item is a raw layer, as the old one was.
    Another attribute (``model.avgpool = ...``) leaves the head as it is."""
    library = model.library
    name = library.row.read_from.split(" ", 1)[0]
    if model.framework is not Framework.TORCH or attribute not in _tables().HEAD_ATTRIBUTES.get(name, ()):
        return
    new = common.apply_module(value, Tensor(), interp)
    last = index is None or (isinstance(index, Const) and index.value == -1)
    if not isinstance(new, Tensor) or new.act is None or not (last or new.raw):
        new = Tensor()  # whatever it is, the library's head is no longer what the code trains
    outputs = model.outputs_value
    model.outputs_value = DictV({key: new for key in outputs.items}) if isinstance(outputs, DictV) else new
    model._output = None
    model.library = LibraryModel(library.row, new.layer.units if new.layer is not None else None)


def called(model: ModelV, site) -> Optional[Value]:
    """Calling a model a library built: its output, and, for a model that computes
    its own loss from ``labels=`` (Hugging Face), that loss as an event."""
    library = model.library
    if library.row.library_loss is None or "labels" not in site.kwargs:
        return None
    output = common.model_output(model, site.interp)
    logits = output.items.get("logits") if isinstance(output, DictV) else None
    if not isinstance(logits, Tensor):
        return None
    if library.row.library_loss == "hf_sequence" and library.units == 1:
        record = Loss("mse", model.framework, None, "values", name="the model's own MSELoss (num_labels=1 makes it a regression)", node=site.node)
    elif library.units is not None:
        record = Loss("cross_entropy", model.framework, "softmax", "logits", name="the model's own cross-entropy", node=site.node)
    else:
        return None
    return DictV({**output.items, "loss": common.loss_event(record, logits, site.kwargs["labels"], site)})


# --- losses ----------------------------------------------------------------------------


def _mode(value: Optional[Value]) -> Optional[str]:
    """``mode="binary"`` or smp's constant ``smp.losses.BINARY_MODE``."""
    if isinstance(value, Const) and isinstance(value.value, str):
        return value.value
    if isinstance(value, Qual) and value.name.endswith("_MODE"):
        return value.name.rsplit(".", 1)[-1][: -len("_MODE")].lower()
    return None


def library_loss_object(row, site) -> Value:
    """smp's ``DiceLoss("binary")``: with from_logits (its default) it applies a
    sigmoid (binary, multilabel) or a softmax (multiclass) itself, so it takes logits;
    without, probabilities."""
    from_logits = row.from_logits_default
    if row.from_logits_param is not None:
        if site.has(row.from_logits_param, row.from_logits_pos):
            from_logits = site.literal(row.from_logits_param, row.from_logits_pos, ...)
    if row.activation_param is not None and site.has(row.activation_param, row.activation_pos):
        # legacy smp: ``DiceLoss(activation="sigmoid")`` applies it to the prediction first
        given = site.literal(row.activation_param, row.activation_pos, ...)
        applies = given if given in ("sigmoid", "softmax") else None
        expects = "logits" if applies is not None else ("probabilities" if given is None else "unknown")
        record = Loss(row.kind, row.framework, applies, expects, None, f"{row.display}(activation={given!r})", node=site.node)
        return LossObj(record, row.pred, row.target)
    mode = _mode(site.arg(row.mode_param, row.mode_pos)) if row.mode_param else "*"
    applied = dict(row.applies)
    if from_logits is True:
        applies = applied.get(mode, applied.get("*"))
        expects = "logits" if applies is not None else "unknown"
        name = f"{row.display}({mode!r})" if row.mode_param and mode else row.display
        if row.from_logits_param is not None and applies is not None:
            name += f", which takes logits by default ({row.from_logits_param}=True)" if site.arg(row.from_logits_param, row.from_logits_pos) is None else f" with {row.from_logits_param}=True"
    elif from_logits is False:
        applies, expects, name = None, "probabilities", f"{row.display}({row.from_logits_param}=False)" if row.from_logits_param else row.display
    else:
        applies, expects, name = None, "unknown", row.display
    record = Loss(row.kind, row.framework, applies, expects, from_logits if isinstance(from_logits, bool) else None, name, node=site.node)
    return LossObj(record, row.pred, row.target)


# --- training wrappers ---------------------------------------------------------------


class LibraryNetV(Value):
    """A library's training loop given the model and the loss: skorch's
    ``NeuralNetClassifier(Module, criterion=...)`` and poutyne's ``Model(net, opt, loss)``
    train when their ``fit`` is called, ignite's ``create_supervised_trainer(model, opt,
    loss_fn)`` is the training itself (``trains_on`` empty). Either way the library calls
    ``criterion(model(x), y)``, and so does this, on the evaluated output."""

    def __init__(self, row, site):
        self.row = row
        self.site = site
        self.module = site.arg(row.module_param, row.module_pos)
        self.criterion = site.arg(row.criterion_param, row.criterion_pos)

    def trains(self, name: str) -> bool:
        return name in self.row.trains_on

    def fit(self, site) -> Value:
        output = self._module_output(site)
        if output is None:
            return self
        target = (site.arg(*self.row.target) if self.row.target is not None else None) or UNKNOWN
        record = self._criterion()
        if record is not None:
            common.loss_event(record, output, target, site)
        elif self._callable_criterion():
            # the user's own loss (a function, a module, a partial): called as the library calls it
            called = CallSite(site.node, [output, target], {}, [], {}, site.ctx, site.interp)
            site.interp.call_value(self.criterion, called)
        return self

    def _module_output(self, site) -> Optional[Value]:
        module = self.module
        if isinstance(module, ClassV) and module.framework is not None:
            prefix = f"{self.row.module_param}__"
            kwargs = {k[len(prefix):]: v for k, v in self.site.kwargs.items() if k.startswith(prefix)}
            module = site.interp.instantiate(module, [], kwargs, site.ctx)
        if isinstance(module, Instance) and module.model is not None:
            module = module.model
        if not isinstance(module, ModelV):
            return None
        return common.model_output(module, site.interp)

    def _criterion(self) -> Optional[Loss]:
        criterion = self.criterion
        if criterion is None and self.row.default_criterion is not None:
            criterion = Qual(self.row.default_criterion)
        named = self._named(criterion)
        if named is not None:
            criterion = named
        if isinstance(criterion, LossObj):
            record = criterion.loss
        elif isinstance(criterion, Qual) and criterion.name in V.LOSS_CLASSES:  # the class: the library builds it
            record = common.loss(V.LOSS_CLASSES[criterion.name], None, self.site.node)
        elif isinstance(criterion, Qual) and criterion.name in V.LOSS_FUNCTIONS:  # ``loss_fn=F.cross_entropy``
            record = common.loss(V.LOSS_FUNCTIONS[criterion.name], None, self.site.node)
        else:
            return None
        nll = (isinstance(criterion, Qual) and criterion.name == self.row.log_before) or (
            isinstance(criterion, LossObj) and self.row.log_before is not None and record.kind == "nll")
        if nll:
            # NeuralNetClassifier takes the log of the module's output before NLLLoss:
            # the module must return probabilities (skorch's convention)
            shown = "its default criterion" if self.criterion is None else f"criterion={record.name}"
            return Loss("sparse_categorical_crossentropy", Framework.TORCH, None, "probabilities",
                        name=f"{short(self.site.qual)} with {shown} (NLLLoss on the log of the module's output)",
                        node=self.site.node)
        return record

    def _named(self, criterion) -> Optional[Qual]:
        """A criterion given by name (poutyne's ``"cross_entropy"``): the loss function it names."""
        row = self.row
        if not (isinstance(criterion, Const) and isinstance(criterion.value, str) and row.criterion_key):
            return None
        function = dict(row.criterion_names).get(row.criterion_key(criterion.value))
        return Qual(function) if function is not None else None

    def _callable_criterion(self) -> bool:
        return isinstance(self.criterion, (Function, Instance, Partial, BoundMethod))
