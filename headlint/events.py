"""What the interpreter and the framework adapters share: the *events* recorded
while the checked code is read (a loss computed on a prediction, a penalty, a Keras
``compile``), which link.py turns into heads; the context code runs in (``Ctx``);
the call being evaluated (``CallSite``); and ``Evaluator``, the interpreter as the
adapters see it.

The interpreter calls into the adapters (frameworks/), and the adapters call back
into the interpreter (a module's ``forward`` is the user's function, a wrapper's
``fit`` the user's ``train_step``): they do that through the ``Evaluator`` a call
site carries, so that the adapters never import the interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional, Protocol

from .records import Loss
from .values import ClassV, Const, Function, ModelV, Value

if TYPE_CHECKING:  # annotations only
    import libcst as cst


@dataclass(eq=False)
class LossEvent:
    loss: Loss
    pred: Value
    target: Value
    node: cst.CSTNode  # the call computing the loss
    inference: bool  # under no_grad / eval / in a predict or validation method
    kind: str = "call"  # or "compile": Keras applies the loss inside fit()
    compiled_at: Optional[cst.CSTNode] = None  # kind "compile": the compile() call naming the loss
    # provenance.py: (name, call, wrapper value) of the user's loss the prediction was
    # given to, and (name, call) of the call site that passed the model or the loss in
    through: Optional[tuple] = None
    passed: Optional[tuple] = None


@dataclass(eq=False)
class PenaltyEvent:
    """A penalty on a tensor's values: a Keras activity regularizer, ``add_loss``, or
    a term added to a loss (frameworks/penalties.py)."""

    penalty: object  # records.Penalty
    pred: Value  # the tensor it penalises
    node: cst.CSTNode
    inference: bool
    framework: object = None  # records.Framework, when the tensor's model does not say


@dataclass(eq=False)
class CompileEvent:
    model: ModelV
    loss: Value
    metrics: Value
    node: cst.CSTNode


@dataclass
class Events:
    losses: list = field(default_factory=list)
    models: list = field(default_factory=list)  # every ModelV created
    penalties: list = field(default_factory=list)  # PenaltyEvent
    # (framework, output) of each layer built with a softmax over its single unit
    # (``Dense(1, activation="softmax")``): constant 1.0 wherever it is used, in a model or not
    constant_layers: list = field(default_factory=list)
    # Classifier evidence (a threshold, an argmax, a round) on an output that belongs to
    # no model object (a TF1 graph, a plain function): by the node of its activation
    loose_evidence: dict = field(default_factory=dict)
    # ``torch.save(net, "net.pkl")``: the literal path -> the model saved there, which
    # ``torch.load("net.pkl")`` gives back
    saved: dict = field(default_factory=dict)

    def used_as_classes(self, value, node) -> None:
        """``value`` (a Tensor) is read as class scores at ``node``: evidence on its
        model, or on its activation when it has no model."""
        if value.model is not None:
            value.model.classifier_evidence.append(node)
        elif value.act is not None and value.act.node is not None:
            self.loose_evidence.setdefault(id(value.act.node), []).append(node)


# --- where code runs, and the call being evaluated -------------------------------


class Ctx:
    """Where code runs: on a training path or not, in which method, under which
    branch choices. Copied at every block (a plain class: copies are frequent)."""

    __slots__ = ("inference", "owner", "self_value", "guard")

    def __init__(self, inference: bool = False, owner: Optional[ClassV] = None,
                 self_value: Optional[Value] = None, guard: frozenset = frozenset()):
        self.inference = inference  # code on this path does not train
        self.owner = owner  # class of the method being evaluated, for super()
        self.self_value = self_value
        self.guard = guard  # the branch choices leading here (branches.py)

    def copy(self, inference: Optional[bool] = None, guard: Optional[frozenset] = None) -> "Ctx":
        return Ctx(self.inference if inference is None else inference, self.owner, self.self_value,
                   self.guard if guard is None else guard)


@dataclass
class CallSite:
    """A call being evaluated: values of its arguments and their syntax."""

    node: cst.Call
    args: list
    kwargs: dict
    arg_nodes: list  # cst.Arg for each positional
    kwarg_nodes: dict  # name -> cst.Arg
    ctx: Ctx
    interp: "Evaluator"  # the interpreter evaluating it
    spelled: Optional[cst.CSTNode] = None  # where the callee was written, when elsewhere

    def arg(self, name: Optional[str], pos: Optional[int] = None) -> Optional[Value]:
        if name is not None and name in self.kwargs:
            return self.kwargs[name]
        if pos is not None and pos < len(self.args):
            return self.args[pos]
        return None

    def arg_node(self, name: Optional[str], pos: Optional[int] = None):
        if name is not None and name in self.kwarg_nodes:
            return self.kwarg_nodes[name]
        if pos is not None and pos < len(self.arg_nodes):
            return self.arg_nodes[pos]
        return None

    def literal(self, name: Optional[str], pos: Optional[int] = None, default=None):
        value = self.arg(name, pos)
        return value.value if isinstance(value, Const) else default

    def has(self, name: Optional[str], pos: Optional[int] = None) -> bool:
        return self.arg(name, pos) is not None


class Evaluator(Protocol):
    """The interpreter (interpreter.Interpreter), as far as the framework adapters
    use it: where events go, and the evaluation of the checked code's own functions
    and classes that a framework call leads back into."""

    events: Events
    unrolled: set  # names a loop over a list of layers binds (interpreter.Interpreter.unrolled)

    def call_function(self, fn: Function, args: list, kwargs: dict, ctx: Ctx, site=None,
                      unseen: bool = False) -> Value:
        """``fn(*args, **kwargs)``, its body evaluated (``site``: the call's node)."""

    def call_value(self, callee: Value, site: "CallSite") -> Value:
        """``callee(...)`` with the site's arguments, whatever it is (a function, a module, a loss)."""

    def instantiate(self, cls: ClassV, args: list, kwargs: dict, ctx: Ctx, unseen: bool = False) -> Value:
        """``cls(*args, **kwargs)`` for a class of the checked code."""

    def element_of(self, iterable: Value) -> Value:
        """What iterating over ``iterable`` gives."""
