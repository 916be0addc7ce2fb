"""Rebuild a Keras head from the records, and measure it on Keras' own backend.

Allow-listed constructors only (keras.layers.Dense / Softmax / Activation,
keras.losses classes, and TensorFlow's fused ``tf.nn.*_with_logits`` ops when
the loss record names one); literal options only. Also holds the two things that
differ per Keras backend: which device is there, and how to take a gradient
(tf.GradientTape on tensorflow, autograd on torch).
"""

from __future__ import annotations

import contextlib
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


def dense(kb: KerasBundle, units: int, **initializers):
    """Dense with a seeded initializer: the same weights on every run, without
    touching the process-wide seeds (keras.utils.set_random_seed would)."""
    keras = kb.keras
    initializers.setdefault("kernel_initializer", keras.initializers.GlorotUniform(seed=SEED))
    initializers.setdefault("bias_initializer", "zeros")
    return keras.layers.Dense(units, **initializers)


def activation_layer(kb: KerasBundle, kind: str, axis: int = -1):
    """The activation as its own layer. ``Dense(activation='softmax')``, ``Softmax()``
    and ``Activation('softmax')`` all run keras.activations.softmax, which is what
    the backend's losses inspect; a separate layer lets the probe reach the logits."""
    keras = kb.keras
    if kind == "softmax":
        return keras.layers.Softmax(axis=axis)
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


def criterion(kb: KerasBundle, head: Head, choices: Choices, kind: str = "", from_logits=None) -> Criterion:
    """The head's loss (or ``kind``, for a reference loss) with its literal options.
    ``from_logits`` overrides the source's (reference losses take logits)."""
    own = head.loss is not None and (not kind or kind == head.loss.kind)
    kind = kind or head.loss.kind
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


def _tf_op(kb: KerasBundle, kind: str) -> Criterion:
    if kb.backend != "tensorflow":
        raise ProbeUnavailable(f"tf.nn.{kind} needs the tensorflow backend; keras is configured for {kb.backend}")
    op = getattr(kb.tf.nn, kind)

    def fn(y_true, y_pred):  # per-sample losses; compile() averages them over the batch
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


def gradients(kb: KerasBundle, compute: Callable, wrt: list) -> list:
    """d compute() / d each of ``wrt`` (tensors or keras Variables), as numpy arrays,
    with the backend's own autodiff. Unconnected inputs get zeros."""
    keras = kb.keras
    targets = [w.value if isinstance(w, keras.Variable) else w for w in wrt]
    if kb.backend == "tensorflow":
        tf = kb.tf
        with tf.GradientTape() as tape:
            for t in targets:
                tape.watch(t)
            value = compute()
        grads = tape.gradient(value, targets, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    elif kb.backend == "torch":
        value = compute()
        grads = kb.module.autograd.grad(value, targets, allow_unused=True, materialize_grads=True)
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
