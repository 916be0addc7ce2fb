"""The shapes of the library tables' rows (the heads, losses and training loops that
libraries build from arguments). Apart from vocabulary/rows.py because these tables load
only when a file calls into one of those libraries: a check that never does pays
nothing for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ...records import Framework

TORCH, KERAS = Framework.TORCH, Framework.KERAS


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
