"""Rebuild a Keras head from the records, and measure it on Keras' own backend.

Allow-listed constructors only (keras.layers.Dense / Softmax / Activation,
keras.losses classes, TensorFlow's fused ``tf.nn.*_with_logits`` ops when the
loss record names one, and the raw ``tf.nn``/``tf.math`` activation functions
when the activation record was spelled that way); literal options only. Also
holds what differs per Keras backend and per training path: which device is
there, how to take a gradient (tf.GradientTape on tensorflow, autograd on
torch), and whether the loss meets the output eagerly or in a traced graph.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from dataclasses import dataclass
from typing import Any, Callable

from ..records import Head
from .defaults import Choices, is_fraction, is_positive, one_of, source_args
from .imports import KerasBundle
from .verdicts import ProbeUnavailable

SEED = 0

# --- layers -------------------------------------------------------------------------

# Keras' names for the canonical activation kinds (keras.activations.get).
ACTIVATION_NAMES = {
    "sigmoid": "sigmoid",
    "relu": "relu",
    "relu6": "relu6",
    "softplus": "softplus",
    "tanh": "tanh",
    "exp": "exponential",
    "log_softmax": "log_softmax",
    "identity": "linear",
}


# The raw TensorFlow function for each canonical kind: what ``activation=tf.nn.softmax``
# or ``tf.nn.softmax(self.fc(x))`` applies. Looked up by kind in this fixed table,
# never by the source's spelling; tf.math.softmax is tf.nn.softmax, tf.sigmoid is
# tf.math.sigmoid, and so on. None of them marks its output the way Keras' own
# activations do (``_keras_logits``).
RAW_TF = {
    "softmax": ("nn", "softmax"),
    "log_softmax": ("nn", "log_softmax"),
    "sigmoid": ("math", "sigmoid"),
    "relu": ("nn", "relu"),
    "relu6": ("nn", "relu6"),
    "softplus": ("math", "softplus"),
    "tanh": ("math", "tanh"),
    "exp": ("math", "exp"),
}
_AXIS_KINDS = ("softmax", "log_softmax")


def raw_tf_spelling(head: Head) -> str:
    """``tf.nn.softmax`` when a raw TensorFlow function applied the head's
    activation (its spelling is ``tensorflow.*``, tf.keras aside), else ""."""
    act = head.activation
    spelling = act.spelling if act is not None else ""
    if not spelling.startswith("tensorflow.") or spelling.startswith("tensorflow.keras."):
        return ""
    return "tf." + spelling[len("tensorflow."):]


@dataclass(frozen=True)
class Route:
    """How the probe rebuilds the way the output meets its loss.

    ``raw``: the raw TensorFlow function that applies the activation
    ("tf.nn.softmax"), or "" for Keras' own activation. ``eager``: the loss is
    called on the output in the code (a GradientTape loop, eager); otherwise it
    runs inside fit(), in a traced graph. Both decide what Keras' tensorflow
    backend can see of the output: ``_keras_logits`` (Keras' activations, in
    either mode) or the Softmax/Sigmoid op type (graph mode only)."""

    kind: str
    raw: str = ""
    eager: bool = False

    @property
    def graph(self) -> bool:
        """Measure the loss in a traced function, as fit() runs it (else eagerly)."""
        return not self.eager

    @property
    def loop(self) -> str:
        return "eager custom loop" if self.eager else "fit()"

    @property
    def activation(self) -> str:
        return f"raw {self.raw}" if self.raw else f"Keras' {self.kind}"

    def describe(self) -> str:
        """For summaries: "eager custom loop with raw tf.nn.softmax", "fit() with Keras' softmax"."""
        return f"{self.loop} with {self.activation}"


def route(kb: KerasBundle, head: Head, choices: Choices, kind: str) -> Route:
    """What to rebuild for ``head``: a raw TensorFlow activation is rebuilt raw on
    the tensorflow backend, and then measured eagerly when the code calls the loss
    itself (``link.kind == "call"``) and inside fit() otherwise. Keras' own
    activations keep the fit() path (their ``_keras_logits`` is seen in both modes)."""
    raw = raw_tf_spelling(head)
    if not raw or kind not in RAW_TF:
        return Route(kind)
    if kb.backend != "tensorflow":
        # No backend but tensorflow looks behind an activation: Keras' own is the same function there.
        choices.note(f"keras' {kind} stands in for {raw} (keras runs on {kb.backend})")
        return Route(kind)
    link = head.link
    if link is None:
        choices.note("training path: fit() (the record does not say where the loss is called)")
    return Route(kind, raw, eager=link is not None and link.kind == "call")


def dense(kb: KerasBundle, units: int, **initializers):
    """Dense with a seeded initializer: the same weights on every run, without
    touching the process-wide seeds (keras.utils.set_random_seed would)."""
    keras = kb.keras
    initializers.setdefault("kernel_initializer", keras.initializers.GlorotUniform(seed=SEED))
    initializers.setdefault("bias_initializer", "zeros")
    return keras.layers.Dense(units, **initializers)


def activation_layer(kb: KerasBundle, kind: str, axis: int = -1, raw: bool = False):
    """The activation as its own layer. ``Dense(activation='softmax')``, ``Softmax()``
    and ``Activation('softmax')`` all run keras.activations.softmax, which is what
    the backend's losses inspect; a separate layer lets the probe reach the logits.
    ``raw``: apply the raw TensorFlow function instead (``Activation(tf.nn.softmax)``
    calls it as it is, like ``Dense(activation=tf.nn.softmax)`` or a ``call()``
    returning ``tf.nn.softmax(...)``)."""
    keras = kb.keras
    if raw:
        if kb.backend != "tensorflow" or kind not in RAW_TF:
            raise ProbeUnavailable(f"no raw tensorflow function for activation {kind!r} on {kb.backend}")
        module, name = RAW_TF[kind]
        fn = getattr(getattr(kb.tf, module), name)
        return keras.layers.Activation(functools.partial(fn, axis=axis) if kind in _AXIS_KINDS else fn)
    if kind == "softmax":
        return keras.layers.Softmax(axis=axis)
    if kind == "log_softmax" and axis != -1:
        return keras.layers.Activation(functools.partial(keras.activations.log_softmax, axis=axis))
    if kind not in ACTIVATION_NAMES:
        raise ProbeUnavailable(f"no keras constructor for activation {kind!r}")
    return keras.layers.Activation(ACTIVATION_NAMES[kind])


def sequential(kb: KerasBundle, in_features: int, *layers):
    keras = kb.keras
    return keras.Sequential([keras.Input((in_features,)), *layers])


# --- losses -------------------------------------------------------------------------

_REDUCTION = one_of("sum_over_batch_size", "sum", "mean", "none", None)
_XENT = {"reduction": _REDUCTION, "label_smoothing": is_fraction}

# kind -> (keras.losses class, option checks, target, takes from_logits)
#   onehot: one-hot rows; index: class indices; binary: 0/1 like the output; values: reals
LOSSES = {
    "categorical_crossentropy": ("CategoricalCrossentropy", _XENT, "onehot", True),
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", {"reduction": _REDUCTION}, "index", True),
    "binary_crossentropy": ("BinaryCrossentropy", _XENT, "binary", True),
    "categorical_focal_crossentropy": ("CategoricalFocalCrossentropy", _XENT, "onehot", True),
    "binary_focal_crossentropy": ("BinaryFocalCrossentropy", _XENT, "binary", True),
    "mse": ("MeanSquaredError", {"reduction": _REDUCTION}, "values", False),
    "mae": ("MeanAbsoluteError", {"reduction": _REDUCTION}, "values", False),
    "huber": ("Huber", {"reduction": _REDUCTION, "delta": is_positive}, "values", False),
    "log_cosh": ("LogCosh", {"reduction": _REDUCTION}, "values", False),
}

# TensorFlow's fused ops take logits by definition and never look behind them.
TF_OPS = {
    "softmax_cross_entropy_with_logits": "onehot",
    "softmax_cross_entropy_with_logits_v2": "onehot",
    "sparse_softmax_cross_entropy_with_logits": "index",
    "sigmoid_cross_entropy_with_logits": "binary",
}


@dataclass
class Criterion:
    """A Keras loss as compile() would get it, plus a per-sample reading of it."""

    fn: Callable  # fn(y_true, y_pred)
    reduction: Any
    target: str  # onehot | index | binary | values
    name: str

    def mean(self, kb: KerasBundle, y_true, y_pred):
        """The per-sample mean, whatever reduction the source chose (for floors)."""
        value = self.fn(y_true, y_pred)
        if self.reduction in ("none", None):
            return kb.keras.ops.mean(value)
        if self.reduction == "sum":
            return value / y_pred.shape[0]
        return value


# An activation the code applies a second time (records kind "reapplied") is measured as
# the crossentropy on logits that applies it (torch_heads.REAPPLIED_AS says why).
REAPPLIED_AS = {"sigmoid": "binary_crossentropy", "softmax": "categorical_crossentropy"}


def loss_kind(head: Head) -> str:
    """The head's loss kind as a Keras constructor builds it."""
    loss = head.loss
    return REAPPLIED_AS[loss.applies] if loss.kind == "reapplied" else loss.kind


def criterion(kb: KerasBundle, head: Head, choices: Choices, kind: str = "", from_logits=None) -> Criterion:
    """The head's loss (or ``kind``, for a reference loss) with its literal options.
    ``from_logits`` overrides the source's (reference losses take logits)."""
    own_kind = loss_kind(head) if head.loss is not None else ""
    own = head.loss is not None and (not kind or kind == own_kind)
    if own and not kind and head.loss.kind == "reapplied":
        return _reapplied(kb, head)
    kind = kind or own_kind
    if kind in TF_OPS:
        return _tf_op(kb, kind)
    if kind not in LOSSES:
        raise ProbeUnavailable(f"no keras constructor for loss {kind!r}")
    cls_name, checks, target, has_from_logits = LOSSES[kind]
    options = choices.options(source_args(head.loss.args), checks) if own else {}
    if has_from_logits:
        options["from_logits"] = choices.from_logits(head) if from_logits is None and own else bool(from_logits)
    fn = getattr(kb.keras.losses, cls_name)(**options)
    return Criterion(fn, options.get("reduction", "sum_over_batch_size"), target, cls_name)


def _reapplied(kb: KerasBundle, head: Head) -> Criterion:
    """The program's second activation, then the crossentropy on probabilities: what a
    loss made of ``tf.sigmoid(y_pred)`` scores. A raw tensorflow op, as the program's:
    Keras' own would cache its input for the loss to look behind (_get_logits)."""
    if kb.backend != "tensorflow":
        raise ProbeUnavailable(f"the program applies a tensorflow op; keras is configured for {kb.backend}")
    tf, sigmoid = kb.tf, head.loss.applies == "sigmoid"
    again = tf.nn.sigmoid if sigmoid else (lambda p: tf.nn.softmax(p, axis=-1))
    base = kb.keras.losses.BinaryCrossentropy() if sigmoid else kb.keras.losses.CategoricalCrossentropy()
    name = f"{head.loss.name} then {type(base).__name__}"
    return Criterion(lambda y_true, y_pred: base(y_true, again(y_pred)), "sum_over_batch_size",
                     "binary" if sigmoid else "onehot", name)


def _tf_op(kb: KerasBundle, kind: str) -> Criterion:
    if kb.backend != "tensorflow":
        raise ProbeUnavailable(f"tf.nn.{kind} needs the tensorflow backend; keras is configured for {kb.backend}")
    tf = kb.tf
    op = getattr(tf.nn, kind)
    index = TF_OPS[kind] == "index"

    def fn(y_true, y_pred):  # per-sample losses; compile() averages them over the batch
        if index:  # compile() hands a loss function its labels as floats; the op takes integers
            y_true = tf.cast(y_true, "int32")
        return op(labels=y_true, logits=y_pred)

    return Criterion(fn, "none", TF_OPS[kind], f"tf.nn.{kind}")


# --- per-backend tools ----------------------------------------------------------------


def gpu_available(kb: KerasBundle) -> bool:
    if kb.backend == "tensorflow":
        return bool(kb.tf.config.list_physical_devices("GPU"))
    if kb.backend == "torch":
        return bool(kb.module.cuda.is_available())
    if kb.backend == "jax":
        return any(d.platform == "gpu" for d in kb.module.devices())
    return False


def gradients(kb: KerasBundle, compute: Callable, wrt: list, graph: bool = False) -> list:
    """d compute(*wrt) / d each of ``wrt`` (tensors or keras Variables), as numpy
    arrays, with the backend's own autodiff. Unconnected inputs get zeros.
    ``compute`` takes the tensors it is differentiated by (a variable it may
    ignore and read through its layer). ``graph``: on tensorflow, run it in a
    tf.function, the way fit() runs a loss (where the output's op type is seen)."""
    keras = kb.keras
    targets = [w.value if isinstance(w, keras.Variable) else w for w in wrt]
    if kb.backend == "tensorflow":
        tf = kb.tf

        def taped(*inputs):
            with tf.GradientTape() as tape:
                for t in inputs:
                    tape.watch(t)
                value = compute(*inputs)
            return tape.gradient(value, list(inputs), unconnected_gradients=tf.UnconnectedGradients.ZERO)

        grads = tf.function(taped)(*targets) if graph else taped(*targets)
    elif kb.backend == "torch":
        value = compute(*targets)
        grads = kb.module.autograd.grad(value, targets, allow_unused=True, materialize_grads=True)
    elif kb.backend == "jax":
        # JAX differentiates functions of their arguments: a Keras variable is read
        # through a StatelessScope that maps it to the argument being differentiated.
        jax = kb.module

        def pure(*values):
            mapping = [(w, v) for w, v in zip(wrt, values) if isinstance(w, keras.Variable)]
            with keras.StatelessScope(state_mapping=mapping):
                return compute(*values)

        grads = jax.grad(pure, argnums=tuple(range(len(targets))))(*targets)
    else:
        raise ProbeUnavailable(f"no gradient probe for the keras {kb.backend} backend yet")
    return [keras.ops.convert_to_numpy(g) for g in grads]


def fit(kb: KerasBundle, model, loss: Callable, x, y, steps: int, lr: float) -> None:
    """``steps`` full-batch Adam steps through compile()/fit(): the path users train
    on, so whatever Keras does to the loss there (graph mode on tensorflow) is
    measured. All steps run in one fit call, and on tensorflow in one traced
    function (steps_per_execution) to pay the tracing cost once; the torch
    backend traces nothing and accepts only steps_per_execution=1."""
    import numpy as np

    keras = kb.keras
    per_call = 1 if kb.backend == "torch" else steps
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=loss, steps_per_execution=per_call)
    model.fit(
        np.concatenate([x] * steps), np.concatenate([y] * steps),
        batch_size=len(x), epochs=1, shuffle=False, verbose=0,
    )


def evaluate(kb: KerasBundle, compute: Callable, graph: bool = False) -> float:
    """compute() as a float; ``graph``: on tensorflow, inside a tf.function (as fit() runs it)."""
    if graph and kb.backend == "tensorflow":
        result = kb.tf.function(compute)()
    else:
        result = compute()
    return float(kb.keras.ops.convert_to_numpy(result))


def train_eager(kb: KerasBundle, losses: list, variables: list, steps: int, lr: float) -> None:
    """``steps`` full-batch Adam steps in an eager custom loop, the way
    ``with tf.GradientTape(): loss = loss_fn(y, model(x))`` runs them: each of
    ``losses`` (zero-argument callables: the model's forward pass and its loss) is
    called eagerly, on eager tensors, which is what decides whether Keras' tensorflow
    backend can look behind an activation. The models' losses are summed under
    one tape (their variables are disjoint: each gets exactly its own gradient) and
    one Adam updates them all (Adam works per variable: the same as one optimizer
    per model). The update alone runs as one traced function: it never sees the
    output, and run eagerly it costs ~3 ms a step on a CPU."""
    if kb.backend != "tensorflow":
        raise ProbeUnavailable(f"no eager training loop for the keras {kb.backend} backend yet")
    tf = kb.tf
    optimizer = kb.keras.optimizers.Adam(lr)
    optimizer.build(variables)
    values = [v.value for v in variables]
    update = tf.function(lambda grads: optimizer.apply(grads, variables))
    for _ in range(steps):
        with tf.GradientTape() as tape:
            total = sum(loss() for loss in losses)
        update(tape.gradient(total, values))


@contextlib.contextmanager
def quiet(kb: KerasBundle):
    """Keep the probe silent and collect Keras' own warnings: the tensorflow
    backend warns when from_logits=True meets a softmax output, and that warning
    is part of the evidence. TensorFlow's retracing notices (one per rebuilt
    model) go through its Python logger, raised to ERROR for the probe."""
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield caught
    finally:
        tf_logger.setLevel(level)
