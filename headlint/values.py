"""Abstract values: what the interpreter knows about a Python value without running it.

The interpreter (interpreter.py) evaluates model code over these values. A tensor
remembers the last activation applied to it, the layer that produced it, the model
whose output it is, and facts about its contents (targets.py). Anything the
interpreter cannot follow is ``UNKNOWN``, and rules stay silent on unknowns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from .records import Activation, Framework, Layer, Loss, TargetFact, UNKNOWN_FACT
from . import targets
from . import vocabulary as V

# The layer arguments that give its unit count (``out_features``, ``units``, ...).
_UNIT_ARGS = frozenset(spec.units_param for spec in V.LAYERS.values())


class Value:
    fact: TargetFact = UNKNOWN_FACT


class _Unknown(Value):
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(eq=False)
class Const(Value):
    """A Python literal: number, string, bool or None."""

    value: Any
    node: Any = None
    # A parameter's default, bound because no argument was seen: a caller headlint
    # does not see may pass another value, so it decides no branch.
    default: bool = False

    @property
    def fact(self) -> TargetFact:  # type: ignore[override]
        return targets.of_number(self.value)


@dataclass(eq=False)
class Qual(Value):
    """A library object reached through an import: ``torch.nn.Softmax``."""

    name: str  # canonical qualified name
    # Where it was spelled (``tf.nn.softmax`` in ``Dense(10, activation=tf.nn.softmax)``),
    # when that is not where it is called: a finding about what it applies points there.
    node: Any = None


@dataclass(eq=False)
class Tensor(Value):
    act: Optional[Activation] = None  # last activation applied; None: not known
    layer: Optional[Layer] = None  # layer whose output the activation was applied to
    model: Optional["ModelV"] = None  # the model whose output this is
    fact: TargetFact = UNKNOWN_FACT
    single: bool = True  # False: one element of a multi-output model
    rank: Optional[int] = None  # number of axes, when certain
    # The value of a loss call (the interpreter's LossEvent): a penalty added to it trains.
    loss: Any = None
    # This is part of the L1 norm of a softmax output (see frameworks/penalties.py):
    # (step, the softmax output, the calls so far as written, the literal factor).
    l1: Optional[tuple] = None
    penalties: tuple = ()  # records.Penalty on these values (Keras activity_regularizer=)
    # Literal sizes of a weight matrix or drawn array (``tf.Variable(tf.random_normal([64, 10]))``),
    # None for a size that is not a literal: a matrix product with it is a linear layer.
    shape: Optional[tuple] = None
    weights: bool = False  # a trainable variable (``tf.Variable``), not data
    # A buffer allocated for targets (``torch.zeros(n)``, ``torch.FloatTensor(n, 1)``): the
    # literal values written into it so far (``t[:half] = 1``); None: not such a buffer.
    filled: Optional[frozenset] = None
    # A squared error written out, step by step (frameworks/squared.py), and the loss
    # events computed by hand that this value carries until ``.backward()`` trains them.
    squared: Optional[tuple] = None
    pending: tuple = ()
    # The indices half of ``torch.max(out, dim)``: [model, ClassRead], recorded as an
    # argmax of the model's classes once the code takes it (frameworks.data.taken)
    indices_of: Optional[list] = None
    # A sum of an exp along an axis, kept (frameworks/written_softmax.py): (the exp, the axis)
    summed: Optional[tuple] = None
    # A pandas DataFrame: the facts of its columns (frameworks/frames.py); ``fact`` is
    # then the fact of the whole table, Frame.whole().
    frame: Optional["Frame"] = None

    def derived(self, **changes) -> "Tensor":
        return replace(self, **changes)

    @property
    def raw(self) -> bool:
        """A layer's output with nothing applied after it: raw scores, any real number."""
        return self.layer is not None and self.act is not None and self.act.kind == "identity"

    def reshaped(self) -> "Tensor":
        """After a view, reshape or index: the activation and the layer stay, but
        the layer's unit count no longer says what the last axis holds."""
        moved = replace(self, act=replace(self.act, moved=True)) if self.act is not None and not self.act.moved else self
        layer = self.layer
        if layer is None or layer.units is None:
            return moved
        args = tuple(arg for arg in layer.args if arg[0] not in _UNIT_ARGS)
        return replace(moved, layer=replace(layer, units=None, args=args))


@dataclass(eq=False)
class Seq(Value):
    """A tuple or list; ``fact`` is computed from literal numbers."""

    items: list
    node: Any = None
    fact: TargetFact = UNKNOWN_FACT


@dataclass(eq=False)
class Many(Value):
    """A list a comprehension builds of a model's outputs (``[net(x) for x in inputs]``):
    of a length not known, each element like ``element``."""

    element: Value


@dataclass(eq=False)
class DictV(Value):
    items: dict  # literal key -> Value


@dataclass(eq=False)
class LayerObj(Value):
    """A parametrised layer (``nn.Linear``, ``Dense``) and the activation it carries."""

    layer: Layer
    act: Activation  # Keras ``activation=``; identity for torch layers
    penalty: Any = None  # Keras ``activity_regularizer=``: a records.Penalty
    in_rank: Optional[int] = None  # Keras ``input_shape=`` / ``input_dim=``: the input's rank
    out_rank: Optional[int] = None  # fixed output rank (Keras convolutions); None: the input's


@dataclass(eq=False)
class ActObj(Value):
    """A layer that only applies an activation: ``nn.Softmax(dim=1)``."""

    kind: str
    axis: Optional[int]
    axis_given: bool
    display: str
    node: Any = None
    spelling: str = ""  # canonical name of the constructor
    penalty: Any = None  # Keras ``activity_regularizer=``: a records.Penalty
    # A parameter's default (``activation_fn=nn.Sigmoid()``) in a function evaluated with
    # no call in sight (literals.as_default): what runs is the caller's choice
    default: bool = False


@dataclass(eq=False)
class PassObj(Value):
    """Dropout, Flatten, Reshape: the last activation stays what it was."""

    reshapes: bool = False  # Flatten, Reshape: the unit count is lost
    rank: Optional[int] = None  # the output's rank when the layer fixes it (Flatten: 2)


@dataclass(eq=False)
class ShapeObj(Value):
    """A layer whose output is new values of a known rank: ``LSTM(return_sequences=True)``."""

    rank: Optional[int] = None


@dataclass(eq=False)
class LossObj(Value):
    """A loss object, or a loss function used as a value (``loss=keras.losses.mse``)."""

    loss: Loss
    pred: tuple  # (keyword, position) of the prediction when called
    target: tuple


@dataclass(eq=False)
class ModelV(Value):
    """A model: a Sequential stack, a functional Keras model, or an instance of a
    module class. Mutable: ``add``, ``compile`` and ``fit`` record into it."""

    framework: Framework
    name: str
    node: Any = None
    items: Optional[list] = None  # Sequential layers
    outputs_value: Optional[Value] = None  # functional Keras outputs
    forward: Optional[Callable[[], Value]] = None  # computes a module's output
    instance: Optional["Instance"] = None  # for a module class: the instance it models
    classifier_evidence: list = field(default_factory=list)
    compiles: list = field(default_factory=list)  # CompileEvent
    fits: list = field(default_factory=list)  # Value of the targets given to fit()
    fit_nodes: list = field(default_factory=list, repr=False)  # each fit() call, beside its targets
    applied: bool = False  # a Keras model called on a tensor: a layer of another model (or eager inference)
    # Where the code reads this model's output as classes (records.ClassRead)
    class_reads: list = field(default_factory=list)
    # (softmax, layer) of each softmax or log_softmax the code applies to this model's
    # output outside it (``F.softmax(net(x), dim=0)`` to make predictions)
    applied_softmaxes: list = field(default_factory=list)
    library: Any = None  # a model a library built (frameworks/libraries.py): its row and units
    _output: Optional[Value] = None
    _computing: bool = False


@dataclass(eq=False)
class Function(Value):
    node: Any  # cst.FunctionDef or cst.Lambda
    scope: Any  # the defining Scope
    name: str
    owner: Optional["ClassV"] = None


@dataclass(eq=False)
class ClassV(Value):
    node: Any
    scope: Any
    name: str
    bases: list  # Values
    attrs: dict = field(default_factory=dict)  # class-level names, methods included
    framework: Optional[Framework] = None  # set when a base is a module class
    # A framework layer, activation layer or loss class it derives from
    # (``class MaskedConv2d(nn.Conv2d)``): its canonical name
    object_base: Optional[str] = None

    def lookup(self, name: str):
        if name in self.attrs:
            return self.attrs[name]
        for base in self.bases:
            if isinstance(base, ClassV):
                found = base.lookup(name)
                if found is not None:
                    return found
        return None


@dataclass(eq=False)
class Instance(Value):
    cls: ClassV
    attrs: dict = field(default_factory=dict)
    model: Optional[ModelV] = None
    # (call, arguments) of the constructor call in sight that built it; None: none seen
    built: Optional[tuple] = None
    # For a subclass of a framework object (ClassV.object_base): the object its
    # ``super().__init__(...)`` built (a LayerObj, ActObj or LossObj)
    object: Optional[Value] = None


@dataclass(eq=False)
class BoundMethod(Value):
    instance: Value
    function: Function


@dataclass(eq=False)
class Partial(Value):
    func: Value
    args: list
    kwargs: dict


@dataclass(eq=False)
class Dataset(Value):
    """A dataset or loader; iterating yields one element per column."""

    columns: list


@dataclass(eq=False)
class Transformer(Value):
    """A fitted preprocessing object (StandardScaler): transform() gives ``result``;
    ``encodes``: how its output is one-hot (vocabulary.ONE_HOT_ENCODERS), or ""."""

    result: TargetFact
    encodes: str = ""


@dataclass(frozen=True)
class Frame:
    """The columns of a pandas DataFrame: ``known``, (name, fact) of the columns the
    code set by name (``df["Amount"] = StandardScaler().fit_transform(...)``);
    ``unnamed``, facts of columns set under names not known (``df[cols] = ...``);
    ``rest``, the fact of every other column, as the table was read (None: it has
    no others, ``df[["a", "b"]]``)."""

    known: tuple = ()
    unnamed: tuple = ()
    rest: Optional[TargetFact] = UNKNOWN_FACT

    def column(self, name) -> TargetFact:
        for known, fact in self.known:
            if known == name:
                return fact
        fact = self.rest or UNKNOWN_FACT
        for other in self.unnamed:  # it may be one of those
            fact = targets.join(fact, other)
        return fact

    def whole(self) -> TargetFact:
        return targets.of_columns([*self.known, *((None, f) for f in self.unnamed)], self.rest)

    def assigned(self, names: Optional[tuple], fact: TargetFact) -> "Frame":
        """After ``df[names] = value``; ``names`` None when they are not literals."""
        if names is None:
            return replace(self, unnamed=(*self.unnamed, fact))
        kept = tuple((name, f) for name, f in self.known if name not in names)
        return replace(self, known=kept + tuple((name, fact) for name in names))

    def without(self, names: Optional[tuple]) -> Optional["Frame"]:
        """After dropping ``names``; None (nothing known) when they are not literals
        and a column set by name may be among them."""
        if names is None:
            return None if self.known or self.unnamed else self
        return replace(self, known=tuple((name, f) for name, f in self.known if name not in names))

    def only(self, names: tuple) -> "Frame":
        """``df[["a", "b"]]``: just those columns."""
        return Frame(tuple((name, self.column(name)) for name in names), (), None) if names else self

    def table(self) -> "Tensor":
        return Tensor(fact=self.whole(), frame=self, rank=2)  # (rows, columns)


@dataclass(eq=False)
class ImageTransform(Value):
    """A torchvision transform (vocabulary/images.py): ``fact``, what the images it
    gives hold; None when it keeps what it was given (a crop, a flip)."""

    fact: Optional[TargetFact] = None


class Lazy(Value):
    """A name imported from one of the project's own modules (project.py): resolved
    on first use, so that imports a file never uses cost nothing. Resolved once:
    every copy of a scope (the branches of an ``if``) then sees the same value."""

    __slots__ = ("_resolve", "_value")

    def __init__(self, resolve: Callable[[], Value]):
        self._resolve = resolve
        self._value: Optional[Value] = None

    def get(self) -> Value:
        if self._value is None:
            self._value = UNKNOWN  # an import cycle resolves to unknown
            self._value = self._resolve()
        return self._value


@dataclass(eq=False)
class ModuleV(Value):
    """One of the project's own modules, bound by ``import pkg.models`` or
    ``from . import models``: an attribute is a name imported from it."""

    module: str  # dotted name, relative to ``level``
    level: int  # leading dots of a relative import
    attr: Callable[[str], Value]  # name -> Value


@dataclass(eq=False)
class RNG(Value):
    """``np.random.default_rng()``: its draw methods create data."""


def fact_of(value: Value) -> TargetFact:
    return value.fact if value is not None else UNKNOWN_FACT


def _same_loss(a: Loss, b: Loss) -> bool:
    return (a.kind, a.framework, a.applies, a.expects, a.from_logits) == (b.kind, b.framework, b.applies, b.expects, b.from_logits)


def join(a: Value, b: Value) -> Value:
    """Two possible values of one name: keep what both agree on."""
    a = a.get() if isinstance(a, Lazy) else a
    b = b.get() if isinstance(b, Lazy) else b
    if a is b:
        return a
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        same_act = (
            a.act is not None
            and b.act is not None
            and a.act.kind == b.act.kind
            and a.act.axis == b.act.axis
        )
        return Tensor(
            act=a.act if same_act else None,
            layer=a.layer if same_act and a.layer == b.layer else None,
            model=a.model if a.model is b.model else None,
            fact=targets.join(a.fact, b.fact),
            rank=a.rank if a.rank == b.rank else None,
        )
    if isinstance(a, Const) and isinstance(b, Const) and a.value == b.value:
        return a
    if isinstance(a, LossObj) and isinstance(b, LossObj) and _same_loss(a.loss, b.loss):
        return a  # ``CrossEntropyLoss()`` or ``CrossEntropyLoss(weight=w)``: the same loss to the rules
    if isinstance(a, (Tensor, Seq, Const)) and isinstance(b, (Tensor, Seq, Const)):
        return Tensor(fact=targets.join(a.fact, b.fact))
    return UNKNOWN
