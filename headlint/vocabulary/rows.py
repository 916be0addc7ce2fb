"""The shapes of the vocabulary's rows: what one spelling of an activation, a
layer or a loss says to the interpreter. The tables themselves live in one module
per framework or library (torch.py, keras.py, tensorflow.py, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

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


# --- heads that libraries build (vocabulary/libraries/) ---------------------------


@dataclass(frozen=True)
class LibraryHead:
    """A model a library builds with its output head from arguments
    (``keras.applications.ResNet50(classes=10)``, ``smp.Unet(classes=1,
    activation="sigmoid")``): the head that the library's own source builds."""

    framework: Framework
    read_from: str  # "keras 3.15.1: keras/src/applications/resnet.py"
    layer: str  # the final layer's kind: "dense", "linear" or "conv"
    units_param: Optional[str]  # the argument giving the output units
    units_pos: Optional[int]  # its position in the public signature; None: keyword only
    default_units: Optional[int]  # None: no default that a literal could tell
    activation_param: Optional[str] = None
    activation_pos: Optional[int] = None
    default_activation: str = "identity"
    # The values the activation argument accepts, as (value as written, kind, axis);
    # ``None`` is written "None". A value not listed (a callable) leaves it unknown.
    activations: tuple = ()
    top_param: Optional[str] = None  # ``include_top``: False builds no head at all
    axis: int = -1  # the class axis of the output: 1 for (N, C, H, W) segmentation
    # What calling the model returns: "tensor"; "dict" (torchvision segmentation:
    # {"out": ...}); "hf" (a Hugging Face ModelOutput: ``.logits``, and ``.loss``
    # when ``labels=`` is passed, computed by ``library_loss``).
    output: str = "tensor"
    # How the library picks its own loss when given labels: "hf_sequence"
    # (num_labels == 1: MSE regression; otherwise cross-entropy), "hf_token"
    # (always cross-entropy). None: the library computes no loss.
    library_loss: Optional[str] = None


@dataclass(frozen=True)
class LibraryLoss:
    """A library's loss class whose behaviour depends on its arguments
    (``smp.losses.DiceLoss(mode, from_logits=True)``)."""

    framework: Framework
    read_from: str
    display: str  # "smp.losses.DiceLoss"
    kind: str  # "dice", "jaccard", "focal", "lovasz", "bce_with_logits", "cross_entropy"
    mode_param: Optional[str] = None
    mode_pos: Optional[int] = None
    # What the loss applies to its input when from_logits is true, per mode:
    # (("binary", "sigmoid"), ("multiclass", "softmax"), ...); ("*", kind) for any mode.
    applies: tuple = ()
    from_logits_param: Optional[str] = None  # None: the loss always takes logits
    from_logits_pos: Optional[int] = None
    from_logits_default: bool = True
    pred: tuple = ("y_pred", 0)
    target: tuple = ("y_true", 1)
    # The argument naming an activation the loss applies first (smp's legacy
    # ``utils.losses.DiceLoss(activation="sigmoid")``): given, it decides what the loss takes.
    activation_param: Optional[str] = None
    activation_pos: Optional[int] = None


@dataclass(frozen=True)
class LibraryNet:
    """A library's training wrapper given the module and the criterion
    (``skorch.NeuralNetClassifier(Module, criterion=nn.CrossEntropyLoss)``):
    ``fit(X, y)`` trains the module's output with the criterion."""

    framework: Framework
    read_from: str
    module_param: str
    module_pos: int
    criterion_param: str
    criterion_pos: Optional[int]
    default_criterion: Optional[str]  # canonical name of the criterion class
    # The criterion whose input the library passes through ``log`` first (skorch's
    # NeuralNetClassifier with NLLLoss): the module must then return probabilities.
    log_before: Optional[str] = None
    # The wrapper's methods that train (``fit``); empty: the call that builds it is the
    # training itself (ignite's ``create_supervised_trainer`` returns the running engine).
    trains_on: tuple = ("fit", "partial_fit")
    # Its methods that return the wrapper itself (torchbearer's ``with_generators(...)``).
    chains: tuple = ()
    # Where a training method takes the targets: (keyword, position), or None (a loader).
    target: Optional[tuple] = ("y", 1)
    # Criteria the library accepts by name (poutyne's ``"cross_entropy"``): the name as
    # the library normalises it (``criterion_key``) -> the canonical loss function.
    criterion_names: tuple = ()
    criterion_key: Optional[Callable[[str], str]] = None
