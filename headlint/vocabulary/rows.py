"""The shapes of the vocabulary's rows: what one spelling of an activation, a
layer or a loss says to the interpreter. The tables themselves live in one module
per framework or library (torch.py, keras.py, tensorflow.py, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..records import Framework

TORCH, KERAS = Framework.TORCH, Framework.KERAS

# Canonical activation kinds for names used by Keras ``activation=`` strings,
# ``keras.activations.*`` and torch/tf functions alike.
ACTIVATION_KINDS = {
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sigmoid": "sigmoid",
    "expit": "sigmoid",
    "relu": "relu",
    "relu6": "relu6",
    "softplus": "softplus",
    "exp": "exp",
    "exponential": "exp",
    "tanh": "tanh",
    "linear": "identity",
    "identity": "identity",
}
NON_NEGATIVE = frozenset({"relu", "relu6", "softplus", "exp"})
# Loss kinds that regress the output onto the targets' values (squared, absolute,
# Huber / smooth L1, log-cosh error): the output must be able to reach them.
REGRESSION_LOSSES = frozenset({"mse", "mae", "huber", "log_cosh"})
# The activation functions torch and TensorFlow both name this way (``F.softmax``,
# ``tf.nn.softmax``, ...), each its own kind.
TENSOR_ACTIVATIONS = {name: name for name in ("softmax", "log_softmax", "sigmoid", "relu", "relu6", "softplus", "tanh")}


@dataclass(frozen=True)
class ActivationFn:
    """A function applying an activation to its first argument."""

    kind: str
    axis_param: Optional[str] = None  # "dim" / "axis"
    axis_pos: Optional[int] = None  # positional index of the axis argument
    display: str = ""


def activation_fns(prefix: str, names: dict, axis_param: str, display: str) -> dict:
    """Rows ``<prefix>.<name>`` for a module of activation functions."""
    out = {}
    for name, kind in names.items():
        softmaxish = kind in ("softmax", "log_softmax")
        out[f"{prefix}.{name}"] = ActivationFn(
            kind,
            axis_param if softmaxish else None,
            1 if softmaxish else None,
            f"{display}.{name}",
        )
    return out


@dataclass(frozen=True)
class ActivationModule:
    """A layer object that only applies an activation: ``nn.Softmax(dim=1)``."""

    kind: Optional[str]  # None: taken from the first argument (keras Activation)
    framework: Framework
    axis_param: Optional[str] = None
    axis_pos: Optional[int] = None
    default_axis: Optional[int] = None
    display: str = ""


@dataclass(frozen=True)
class LayerSpec:
    kind: str
    framework: Framework
    params: tuple  # positional parameter names, in order
    units_param: Optional[str]
    activation_param: Optional[str] = None  # Keras layers carry their activation
    display: str = ""
    # A function that builds the layer and applies it at once
    # (``tf.layers.dense(x, 10)``): the input is this parameter, and the
    # activation when none is given (``tf.contrib.layers.fully_connected``: relu).
    applies_to: Optional[str] = None
    default_activation: Optional[str] = None
    # The axis holding the units, counted from the end, when it is not the last: a
    # channels-first convolution's (torch's Conv2d gives (batch, channels, h, w): -3).
    units_axis: Optional[int] = None


@dataclass(frozen=True)
class LossSpec:
    kind: str
    framework: Framework
    applies: Optional[str]  # what the loss applies to its prediction itself
    expects: str  # logits | probabilities | log_probabilities | values
    display: str
    # Call signature of the loss computation: names of the prediction and target
    # parameters and their positions.
    pred: tuple = ("input", 0)
    target: tuple = ("target", 1)
    # Keras: from_logits switches applies/expects. (param name, position in ctor/fn)
    from_logits_pos: Optional[int] = None
    softmax_family: bool = False  # with from_logits=True this applies softmax
    # The positional order differs between versions of the same function
    # (``tf.nn.softmax_cross_entropy_with_logits(logits, labels)`` before TF 1.0,
    # ``(labels, logits)`` in TF 2): positional arguments are read only when
    # exactly one of them is a model output.
    positional_ambiguous: bool = False
