"""Framework-neutral records: what the adapters extract and what the rules read.

The adapters turn PyTorch and Keras syntax into these records; rules never see a
framework's spelling, only kinds from the canonical vocabulary (``softmax``,
``cross_entropy``, ...). Records point back at the syntax they came from through
``node`` (a libcst node); the engine turns nodes into line/column spans only for
the findings it reports, so files without findings never pay for positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional


class Framework(str, Enum):
    TORCH = "torch"
    KERAS = "keras"


# --- facts about targets: two tiny lattices (see targets.py) ------------------


class Kind(str, Enum):
    UNKNOWN = "unknown"
    LABEL = "label"  # bool / integer / one-hot / comparison result
    CONTINUOUS = "continuous"


class Sign(str, Enum):
    UNKNOWN = "unknown"
    NONNEG = "non-negative"
    SIGNED = "signed"  # can be negative


@dataclass(frozen=True)
class TargetFact:
    kind: Kind = Kind.UNKNOWN
    sign: Sign = Sign.UNKNOWN
    # Where the fact was established (e.g. the ``torch.randn`` call), for messages.
    because: str = ""
    node: Any = field(default=None, compare=False, repr=False)
    # One-hot rows (``to_categorical``, ``F.one_hot``): exactly one class per example,
    # as a softmax models it. The number of classes; -1: one-hot, how many classes is
    # not a literal; ONEHOT_IF_MULTICLASS: one-hot when there are three or more classes
    # (``LabelBinarizer``: two classes give one 0/1 column); 0: not known to be one-hot.
    onehot: int = 0
    # Class indices of a known number of classes (``keras.datasets.mnist``'s labels: 10),
    # which their one-hot rows keep (``to_categorical(y_train)``); 0: not known.
    classes: int = 0
    # True of a table as a whole, not of each of its columns (a pandas frame one of
    # whose columns was StandardScaler'd): a column picked by position says nothing.
    by_column: bool = False


UNKNOWN_FACT = TargetFact()
ONEHOT_IF_MULTICLASS = -2


# --- the head ------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """A final nonlinearity. ``kind`` is canonical: softmax, log_softmax, sigmoid,
    relu, relu6, softplus, exp, tanh, identity, other."""

    kind: str
    axis: Optional[int] = None  # softmax axis when it is a literal
    axis_given: bool = False  # False: the framework default applies
    name: str = ""  # as the user would recognise it: "nn.Softmax(dim=1)"
    node: Any = field(default=None, compare=False, repr=False)
    # The canonical name of what applied it ("tensorflow.nn.softmax",
    # "keras.activations.softmax", "torch.nn.Softmax"): probes rebuild it faithfully.
    spelling: str = ""
    # The rank of the tensor it applies to, when certain (2 for (batch, units));
    # None: not known. The axis a softmax normalises over depends on it.
    rank: Optional[int] = None
    # A reshape, transpose or index came after it: its axis no longer names an axis
    # of the output the loss sees.
    moved: bool = False
    # Applied straight to a layer whose units are not on the last axis (a torch Conv2d's
    # channels, -3): that axis, counted from the end; None: the last, or not known.
    units_axis: Optional[int] = None
    # A module built in one place and applied in another (``self.softmax =
    # nn.Softmax(dim=0)``, applied in ``forward``): where it was built, its axis written
    built: Any = field(default=None, compare=False, repr=False)
    # A layer's raw output (kind identity): where the layer is applied, when that is not
    # where it was built (``self.fc = nn.Linear(...)``, applied in ``forward``)
    applied: Any = field(default=None, compare=False, repr=False)
    # A module that is a parameter's default (``activation_fn=nn.Sigmoid()``) where no
    # caller is in sight: which activation runs is the caller's choice
    configurable: bool = field(default=False, compare=False)

    def same(self, other: Optional["Activation"]) -> bool:
        """The same activation, applied at the same place, seen through two values
        (records compare equal without their nodes)."""
        return other is not None and self == other and self.node is other.node


@dataclass(frozen=True)
class Layer:
    """The last parametrised layer before the activation."""

    kind: str  # linear, dense, conv, other
    units: Optional[int] = None  # output units / features when literal
    name: str = ""  # "nn.Linear(64, 10)" or "Dense(10)"
    layer_name: Optional[str] = None  # Keras ``name=`` (multi-output compile dicts)
    args: tuple = ()  # literal arguments for confirmation probes: ((key, value), ...)
    node: Any = field(default=None, compare=False, repr=False)
    # A head a library builds (``keras.applications.ResNet50``): its entry point and the
    # version its row was read from. Probes rebuild it from the framework itself.
    built_by: str = ""
    # The axis holding the units, from the end, when not the last (-3: a torch Conv2d's channels)
    units_axis: Optional[int] = None


@dataclass(frozen=True)
class Loss:
    """A loss as the framework defines it.

    ``applies`` is what the loss does to its prediction input before scoring:
    ``softmax`` (cross-entropy on logits), ``sigmoid`` (BCE on logits) or None.
    ``expects`` is what the prediction must be: logits, probabilities,
    log_probabilities or values (regression)."""

    # cross_entropy, nll, bce, bce_with_logits, mse, mae, huber, ...; "reapplied": the
    # program's own code applying the output's activation again (``torch.sigmoid`` in a
    # Dice loss given a sigmoid output), which ``applies`` names
    kind: str
    framework: Framework
    applies: Optional[str]
    expects: str
    from_logits: Optional[bool] = None
    name: str = ""  # "nn.CrossEntropyLoss", "'categorical_crossentropy'"
    args: tuple = ()  # literal arguments, for probes
    node: Any = field(default=None, compare=False, repr=False)

    @property
    def is_regression(self) -> bool:
        return self.expects == "values"

    @property
    def is_squared_error(self) -> bool:
        return self.kind == "mse"


@dataclass(frozen=True)
class Link:
    """Where a loss meets a model output: ``criterion(out, y)``, ``compile(loss=...)``."""

    node: Any = field(default=None, compare=False, repr=False)
    # "call": the loss is called on the output in the code (a training loop);
    # "compile": Keras applies it inside fit(), in graph mode
    kind: str = "call"
    # kind "compile": the compile() call that names the loss (``node`` is the fit()
    # that applies it, when one is seen)
    compiled_at: Any = field(default=None, compare=False, repr=False)
    # (name, call) of the user's own loss the output was given to (``FocalLoss()(out, y)``),
    # when the framework loss ``node`` is applied inside it
    through: Any = field(default=None, compare=False, repr=False)
    # (name, call) of the call site that passed the model or the loss in as an argument
    # (``train(net, nn.CrossEntropyLoss())``, ``Trainer(model, loss_fn)``)
    passed: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Penalty:
    """A term that regularises an output's values: Keras
    ``activity_regularizer=l1(1e-5)``, ``add_loss(...)``, or ``lam * p.abs().sum()``
    added to the loss."""

    kind: str  # l1
    name: str  # as the user would recognise it: "activity_regularizer=l1(1e-05)"
    where: str  # activity_regularizer | add_loss | loss term
    coefficient: Optional[float] = None  # the literal factor; None: not a literal
    node: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ClassRead:
    """Where the code reads a prediction's classes along one axis: ``out.argmax(dim=1)``,
    ``torch.max(p, 1)``, ``p.topk(3, dim=1)``, ``p.sort(dim=1)``, ``p.gather(1, actions)``,
    ``np.argmax(p, axis=1)``. HL012 reads argmaxes against the unit count, HL008 the
    axis against the softmax's."""

    kind: str  # argmax, max, topk, sort, argsort, gather
    axis: Optional[int]  # the literal axis; None: not a literal
    # The rank of the tensor read, when certain
    rank: Optional[int] = None
    layer: Optional[Layer] = None  # the layer the read values came from, when known
    # The last activation of the tensor read (a softmax applied to the model's output
    # outside the model is one): the distribution the read treats as classes
    activation: Optional[Activation] = None
    name: str = ""  # as the user would recognise it: "torch.max(..., dim=1)"
    node: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Head:
    """One output of one model, with the loss that trains it (if one is linked)."""

    framework: Optional[Framework]
    model: str  # the model's name: its class, or Sequential / Model
    output_layer: Optional[Layer]
    activation: Optional[Activation]
    loss: Optional[Loss] = None
    link: Optional[Link] = None
    targets: TargetFact = UNKNOWN_FACT
    # Places where the code treats the output as class scores (accuracy metric,
    # threshold at 0.5, argmax, round): evidence of a classifier.
    classifier_evidence: tuple = ()
    # False when the output is one element of a model returning several tensors
    single_output: bool = True
    # Regularisers on the output's values (Penalty records)
    penalties: tuple = ()
    # Where the code reads the model's predictions as classes (ClassRead records)
    class_reads: tuple = ()
    # The loss is computed where nothing trains (a validation step, under no_grad or
    # eval()): only the rules whose mistake also falsifies the number it reports judge it
    evaluation: bool = False


# --- findings ----------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    path: str
    line: int  # 1-based
    col: int  # 1-based, as flake8 and ruff print it
    end_line: int
    end_col: int
    # A notebook's span: the cell (1-based position among all its cells), with
    # ``line`` and ``end_line`` counted in that cell; ``in_file`` is the same place
    # in the .ipynb file's own text (line, col, end_line, end_col), for SARIF and
    # GitHub, which show files as they are.
    cell: Optional[int] = None
    in_file: Optional[tuple] = None


@dataclass(frozen=True)
class Related:
    label: str  # "loss created here"
    node: Any = field(default=None, compare=False, repr=False)


# The related location of the user's own loss that a framework loss is applied in:
# ``{wrapper_at}`` in a message becomes where it is, as ``{loss_at}`` becomes the
# place where the loss meets the output (engine.py): LOSS_APPLIED, or where the
# program applies the output's activation again (Loss kind "reapplied").
WRAPPER_CALLED = "loss wrapper called here"
LOSS_APPLIED = "loss applied here"
APPLIED_AGAIN = " applied again here"  # after the activation: "sigmoid applied again here"


def loss_place(label: str) -> bool:
    """Is a related location labelled ``label`` the one ``{loss_at}`` names?"""
    return label == LOSS_APPLIED or label.endswith(APPLIED_AGAIN)


@dataclass(frozen=True)
class Fix:
    """An automatic fix a rule offers for one finding (see fixes.py).

    ``edits`` are libcst ``(old_node, new_node)`` pairs on the module the finding
    came from, applied with ``Module.deep_replace``. ``safe``: the fix keeps what
    the program means (``from_logits=False`` on a softmax output); an unsafe one
    changes what the model outputs and is applied only with ``--unsafe-fixes``."""

    description: str  # imperative, one line: "set from_logits=False on the loss"
    safe: bool
    edits: tuple = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict:
        return {"description": self.description, "safe": self.safe}


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a code, a message and the syntax it points at.

    Rules build findings with nodes; the engine resolves them to spans. ``{loss_at}``
    in a message becomes where the loss is ("line 41"), once the engine knows it;
    ``{quoted}`` becomes the code of ``quoted``'s node and where it is ("y > 0.5 on
    line 12"), or its words when the node cannot be located; ``{classes_at}``, where
    the related "classes read here" is.
    ``fix`` is attached by the engine when the rule can offer one (fixes.attach)."""

    code: str
    message: str
    node: Any = field(default=None, compare=False, repr=False)
    related: tuple = ()  # of Related
    head: Optional[Head] = field(default=None, compare=False, repr=False)
    fix: Optional[Fix] = field(default=None, compare=False, repr=False)
    # (node, words): the code the message quotes as its evidence, and what to say instead
    quoted: tuple = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Located:
    """A finding after the engine has resolved where it is."""

    code: str
    name: str
    message: str
    span: Span
    related: tuple = ()  # of (label, Span)
    source_line: str = ""
    evidence: Optional[dict] = None
    # The fix offered, as reported: {"description": ..., "safe": bool}; None: none
    fix: Optional[dict] = None
    # HL100 only: (file_level, unused codes, unknown codes) of the directive it is about
    noqa: tuple = ()


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked; the run goes on with the others."""

    path: str
    reason: str
    stage: str = "read"  # read, parse, analyse, check
    detail: str = ""  # an internal error's traceback, shown with --verbose
    # Where the problem is, when it has a place (a syntax error): the character at
    # its line and column; in a notebook, its cell as a finding's Span has it.
    at: Optional[Span] = None
    # A syntax error with the rest of the file checked all the same (the lines, or
    # a notebook's cells, that do not parse left out): its findings are reported too.
    partial: bool = False


def internal_error(path: str, stage: str, error: BaseException) -> "FileError":
    """An unexpected exception while checking one file: a one-line reason (the
    traceback is kept for --verbose); the run goes on with the other files."""
    import traceback

    reason = (
        f"internal error while {_STAGES.get(stage, stage)} ({type(error).__name__}: {error}); please report it "
        "to the headlint maintainers with this file and `headlint --version` (--verbose shows the traceback)"
    )
    return FileError(path, reason, stage, "".join(traceback.format_exception(error)))


_STAGES = {"analyse": "analysing it", "check": "checking it", "parse": "parsing it"}


@dataclass(frozen=True)
class Evidence:
    """What a confirmation probe measured for one finding (``--confirm``).

    ``status``: confirmed (the framework reproduces the harm), refuted (it does
    not: the finding does not fail the run), or unconfirmed (the probe could not
    run; ``summary`` says why)."""

    status: str  # confirmed | refuted | unconfirmed
    summary: str  # one line for the terminal
    framework: str = ""  # torch | keras
    version: str = ""  # the framework's version
    device: str = ""  # cpu | cuda
    backend: str = ""  # Keras backend measured (tensorflow, torch, jax)
    measurements: tuple = ()  # ((name, number), ...) in a stable order
    defaults: tuple = ()  # arguments that were not literal and got a default
    # --keras-backends: every backend's own Evidence (this one is the deciding one)
    backends: tuple = ()

    def to_dict(self) -> dict:
        out = {
            "status": self.status,
            "summary": self.summary,
            "framework": self.framework,
            "version": self.version,
            "device": self.device,
            "backend": self.backend or None,
            "measurements": dict(self.measurements),
            "defaults": list(self.defaults),
        }
        if self.backends:
            out["backends"] = [evidence.to_dict() for evidence in self.backends]
        return out


@dataclass(frozen=True)
class Probing:
    """What ``--confirm`` was asked for: the device, and the Keras 3 backends to
    measure Keras findings on (None: the one Keras is configured with; ("all",):
    every installed one). The engine passes it to the probes as it is."""

    device: str = "auto"
    keras_backends: Optional[tuple] = None
