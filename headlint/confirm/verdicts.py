"""What the measured numbers mean: one judgement per rule, shared by the frameworks.

A probe measures; this module decides whether the numbers reproduce the harm the
rule describes (confirmed) or not (refuted), and writes the one-line summary. The
thresholds sit here, once, so torch and Keras findings are judged alike.
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from typing import Optional

from ..records import Evidence


@dataclass
class Outcome:
    """A probe's result before the framework details are added."""

    status: str  # confirmed | refuted
    summary: str
    measurements: list = field(default_factory=list)  # [(name, float), ...]


class ProbeUnavailable(Exception):
    """The probe cannot run here (no GPU, an unsupported backend or loss); the
    message is the reason shown after "not confirmed: "."""


def unconfirmed(reason: str, **details) -> Evidence:
    """The probe could not run; ``reason`` says why, on one line."""
    reason = " ".join(str(reason).split())
    return Evidence(status="unconfirmed", summary=f"not confirmed: {reason}", **details)


def _g(value: float) -> str:
    """A gradient-sized number: 9.1e-05, 0.25, 1.0."""
    value = abs(value)
    if value == 0:
        return "0"
    if value < 1e-3:
        return f"{value:.1e}"
    text = f"{value:.2g}" if value < 1 else f"{value:.3g}"
    return text if "." in text or "e" in text else f"{text}.0"  # 1.0, not 1


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


# --- HL001 ------------------------------------------------------------------------

# The softmax must keep the loss this far above the logits' loss to count as harm;
# label smoothing raises both floors, so the gap, not a ratio, is judged.
FLOOR_GAP = 0.1


def double_softmax(
    floor_with: float,
    floor_without: float,
    grad_ratio: float,
    analytic_floor: Optional[float],
    classes: int,
    steps: int,
    neutralised_by: Optional[str] = None,
    extra: tuple = (),
    path: str = "",
) -> Outcome:
    """``path``: how the probe trained and measured, when a framework has more than
    one ("eager custom loop with raw tf.nn.softmax"); it ends the summary."""
    measured = f" (measured: {path})" if path else ""
    measurements = [
        ("classes", float(classes)),
        ("steps", float(steps)),
        ("loss_floor_with_softmax", floor_with),
        ("loss_floor_without_softmax", floor_without),
        ("logit_gradient_ratio", grad_ratio),
        *extra,
    ]
    if analytic_floor is not None:
        measurements.insert(4, ("analytic_floor_with_softmax", analytic_floor))
    if floor_with - floor_without > FLOOR_GAP:
        return Outcome(
            "confirmed",
            f"loss cannot go below {floor_with:.3f} with the softmax vs {floor_without:.3f} without; "
            + ("no gradient reaches the logits" if math.isinf(grad_ratio) else f"logit gradients {grad_ratio:.1f}x smaller")
            + measured,
            measurements,
        )
    why = neutralised_by or "the framework does not reproduce the double softmax"
    if math.isinf(grad_ratio):
        grads = "no gradient reaches the logits either way"  # e.g. a single class: the loss is 0
    elif abs(grad_ratio - 1) < 0.05:
        grads = "logit gradients are the same"
    else:
        grads = f"logit gradients {grad_ratio:.2f}x smaller"
    return Outcome(
        "refuted",
        f"{why}: the loss reaches {floor_with:.3f} with the softmax and {floor_without:.3f} without; {grads}{measured}",
        measurements,
    )


# --- HL002 ------------------------------------------------------------------------

# Squared error's gradient must be at least 100x smaller than cross-entropy's at a
# confidently wrong point to count as "vanishing".
VANISHING = 0.01


def sigmoid_mse(logit: float, target: float, mse_grad: float, bce_grad: float) -> Outcome:
    measurements = [
        ("logit", logit),
        ("target", target),
        ("mse_logit_gradient", abs(mse_grad)),
        ("bce_logit_gradient", abs(bce_grad)),
        ("gradient_ratio", abs(bce_grad) / abs(mse_grad) if mse_grad else float("inf")),
    ]
    text = (
        f"at logit {logit:g} with target {target:g}, d(MSE)/d(logit) = {_g(mse_grad)} "
        f"vs {_g(bce_grad)} for binary cross-entropy"
    )
    if abs(mse_grad) < VANISHING * abs(bce_grad):
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"the squared-error gradient does not vanish: {text}", measurements)


# Output range of each activation: a target outside it can never be reached.
OUTPUT_RANGES = {
    "relu": (0.0, float("inf")),
    "relu6": (0.0, 6.0),
    "softplus": (0.0, float("inf")),
    "exp": (0.0, float("inf")),
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "identity": (float("-inf"), float("inf")),
}


# --- HL003 ------------------------------------------------------------------------

# The fitted loss with the activation must stay this far above a linear output's.
LOSS_GAP = 0.05


def nonneg_signed(
    activation: str,
    unreachable: float,
    loss_with: float,
    loss_without: float,
    no_gradient: float,
    dead_units: int,
    units: int,
    steps: int,
    targets: str,
) -> Outcome:
    measurements = [
        ("unreachable_target_share", unreachable),
        ("loss_with_activation", loss_with),
        ("loss_linear_output", loss_without),
        ("no_gradient_share", no_gradient),
        ("dead_units", float(dead_units)),
        ("units", float(units)),
        ("steps", float(steps)),
    ]
    reach = f"{_pct(unreachable)} of {targets} targets are below 0, which {activation} cannot output"
    fit = (
        f"after {steps} steps the loss is {loss_with:.3f} vs {loss_without:.3f} with a linear output; "
        f"{_pct(no_gradient)} of outputs get no gradient, {dead_units} of {units} units dead"
    )
    if unreachable > 0.01 and loss_with - loss_without > LOSS_GAP:
        return Outcome("confirmed", f"{reach}; {fit}", measurements)
    return Outcome("refuted", f"the targets are reachable: {reach}; {fit}", measurements)


# --- HL004 ------------------------------------------------------------------------


def one_unit_softmax(
    samples: int,
    ones: int,
    output_grad: float,
    loss_grad: Optional[float] = None,
    loss_note: str = "",
) -> Outcome:
    measurements = [
        ("samples", float(samples)),
        ("outputs_equal_to_1", float(ones)),
        ("output_gradient_max_abs", output_grad),
    ]
    if loss_grad is not None:
        measurements.append(("loss_gradient_max_abs", loss_grad))
    if ones == samples and output_grad == 0.0:
        text = f"output is 1.0 for all {samples} random inputs; gradient to the weights is exactly 0"
        if loss_grad:  # only Keras on TF: the loss is taken from the cached logit
            text += f" ({loss_note})" if loss_note else ""
        return Outcome("confirmed", text, measurements)
    return Outcome(
        "refuted",
        f"output is 1.0 for {ones} of {samples} random inputs; largest output gradient {_g(output_grad)}",
        measurements,
    )
