"""Rebuild a torch head from the records: allow-listed constructors only.

Nothing from the checked program is imported or evaluated. The record's kind picks
a constructor from the tables below, and only allow-listed literal options
(see defaults.py) are passed to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..records import Head
from .defaults import Choices, is_fraction, is_int, is_positive, one_of, source_args
from .verdicts import ProbeUnavailable


def activation(torch, kind: str, dim: int) -> Callable:
    """The activation of the head; ``exp`` is a function, not a module, in torch."""
    nn = torch.nn
    table = {
        "softmax": lambda: nn.Softmax(dim=dim),
        "log_softmax": lambda: nn.LogSoftmax(dim=dim),
        "sigmoid": nn.Sigmoid,
        "relu": nn.ReLU,
        "relu6": nn.ReLU6,
        "softplus": nn.Softplus,
        "tanh": nn.Tanh,
        "identity": nn.Identity,
        "exp": lambda: torch.exp,
    }
    if kind not in table:
        raise ProbeUnavailable(f"no torch constructor for activation {kind!r}")
    return table[kind]()


_REDUCTION = one_of("mean", "sum", "none")

# kind -> (nn class, option checks, what the target is)
#   index: class indices (N,); binary: 0/1 floats like the prediction; values: real numbers
LOSSES = {
    "cross_entropy": ("CrossEntropyLoss", {"reduction": _REDUCTION, "label_smoothing": is_fraction, "ignore_index": is_int}, "index"),
    "nll": ("NLLLoss", {"reduction": _REDUCTION, "ignore_index": is_int}, "index"),
    "bce": ("BCELoss", {"reduction": _REDUCTION}, "binary"),
    "bce_with_logits": ("BCEWithLogitsLoss", {"reduction": _REDUCTION}, "binary"),
    "mse": ("MSELoss", {"reduction": _REDUCTION}, "values"),
    "mae": ("L1Loss", {"reduction": _REDUCTION}, "values"),
    "huber": ("HuberLoss", {"reduction": _REDUCTION, "delta": is_positive}, "values"),
    "smooth_l1": ("SmoothL1Loss", {"reduction": _REDUCTION, "beta": is_positive}, "values"),
}


@dataclass
class Criterion:
    """A torch loss module plus what is needed to read it per element."""

    module: Any
    reduction: str
    target: str  # index | binary | values
    name: str

    def _count(self, pred, target) -> int:
        return target.shape[0] if self.target == "index" else target.numel()

    def mean(self, pred, target):
        """The per-term mean, whatever reduction the source chose (for floors)."""
        value = self.module(pred, target)
        if self.reduction == "none":
            return value.mean()
        if self.reduction == "sum":
            return value / self._count(pred, target)
        return value


# An activation the code applies a second time (records kind "reapplied") is measured
# as the loss that applies it: a probability loss on sigmoid(sigmoid(z)) is
# nn.BCEWithLogitsLoss on sigmoid(z), one on log_softmax(softmax(z)) nn.CrossEntropyLoss.
REAPPLIED_AS = {"sigmoid": "bce_with_logits", "softmax": "cross_entropy"}


def loss_kind(head: Head) -> str:
    """The records call both HuberLoss and SmoothL1Loss 'huber'; the name tells them apart."""
    loss = head.loss
    if loss.kind == "huber" and "smooth" in (loss.name or "").lower():
        return "smooth_l1"
    if loss.kind == "reapplied":
        return REAPPLIED_AS[loss.applies]
    return loss.kind


def criterion(torch, head: Head, choices: Choices, kind: str = "") -> Criterion:
    """The head's loss (or ``kind``, for a reference loss) with its literal options."""
    kind = kind or loss_kind(head)
    if kind not in LOSSES:
        raise ProbeUnavailable(f"no torch constructor for loss {kind!r}")
    cls_name, checks, target = LOSSES[kind]
    # A reference loss (BCE next to the user's MSE) takes no options from the source.
    args = source_args(head.loss.args) if head.loss is not None and loss_kind(head) == kind else {}
    options = choices.options(args, checks)
    module = getattr(torch.nn, cls_name)(**options)
    return Criterion(module, options.get("reduction", "mean"), target, f"nn.{cls_name}")


def linear(torch, in_features: int, out_features: int, device: str):
    return torch.nn.Linear(in_features, out_features).to(device)
