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
    low, high = OUTPUT_RANGES.get(activation, (0.0, float("inf")))
    where = "below 0" if high == float("inf") else f"outside [{low:g}, {high:g}]"
    reach = f"{_pct(unreachable)} of {targets} targets are {where}, which {activation} cannot output"
    fit = (
        f"after {steps} steps the loss is {loss_with:.3f} vs {loss_without:.3f} with a linear output; "
        f"{_pct(no_gradient)} of outputs get no gradient, {dead_units} of {units} units dead"
    )
    if unreachable > 0.01 and loss_with - loss_without > LOSS_GAP:
        return Outcome("confirmed", f"{reach}; {fit}", measurements)
    return Outcome("refuted", f"the targets are reachable: {reach}; {fit}", measurements)


# --- HL004 ------------------------------------------------------------------------

# A one-unit softmax is "the constant 1.0" when every output is within ONE_TOLERANCE
# of 1 and the gradient it sends to the weights is at most CONSTANT_GRADIENT times
# the corrected head's (the same layer with a sigmoid). Not ``== 1.0``: float32
# softmax over one unit is exactly 1 with most kernels, but vectorised exp kernels
# (TensorFlow's oneDNN on some AMD CPUs) return 0.99999994, one ulp below, whose
# gradient is ~1e-5 instead of 0; a real output moves by far more than 1e-5.
ONE_TOLERANCE = 1e-5
CONSTANT_GRADIENT = 1e-3


def one_unit_softmax(
    samples: int,
    ones: int,
    output_grad: float,
    reference_grad: float,
    loss_grad: Optional[float] = None,
    loss_note: str = "",
    largest_gap: float = 0.0,
) -> Outcome:
    """``ones``: outputs within ONE_TOLERANCE of 1; ``largest_gap``: the largest
    |1 - p| seen; ``reference_grad``: the largest gradient a sigmoid on the same
    layer and inputs sends to the weights."""
    measurements = [
        ("samples", float(samples)),
        ("outputs_within_tolerance_of_1", float(ones)),
        ("largest_distance_from_1", largest_gap),
        ("output_gradient_max_abs", output_grad),
        ("sigmoid_output_gradient_max_abs", reference_grad),
    ]
    if loss_grad is not None:
        measurements.append(("loss_gradient_max_abs", loss_grad))
    grads = "0" if output_grad == 0 else f"at most {_g(output_grad)}"
    measured = f"gradient to the weights {grads} vs {_g(reference_grad)} with a sigmoid"
    if ones == samples and reference_grad > 0 and output_grad <= CONSTANT_GRADIENT * reference_grad:
        text = f"output is 1.0 (within {ONE_TOLERANCE:g}) for all {samples} random inputs; {measured}"
        if loss_grad and loss_note:  # only Keras on TF: the loss is taken from the cached logit
            text += f" ({loss_note})"
        return Outcome("confirmed", text, measurements)
    return Outcome(
        "refuted",
        f"output is 1.0 (within {ONE_TOLERANCE:g}) for {ones} of {samples} random inputs; {measured}",
        measurements,
    )


# --- HL005 ------------------------------------------------------------------------


def double_sigmoid(
    floor_with: float,
    floor_without: float,
    grad_ratio: float,
    analytic_floor: Optional[float],
    steps: int,
    neutralised_by: Optional[str] = None,
    extra: tuple = (),
    path: str = "",
) -> Outcome:
    """As double_softmax, for a sigmoid met by a loss that applies sigmoid: the floor
    gap after training decides (same FLOOR_GAP)."""
    measured = f" (measured: {path})" if path else ""
    measurements = [
        ("steps", float(steps)),
        ("loss_floor_with_sigmoid", floor_with),
        ("loss_floor_without_sigmoid", floor_without),
        ("logit_gradient_ratio", grad_ratio),
        *extra,
    ]
    if analytic_floor is not None:
        measurements.insert(3, ("analytic_floor_with_sigmoid", analytic_floor))
    grads = (
        "no gradient reaches the logits" if math.isinf(grad_ratio) else f"logit gradients {grad_ratio:.1f}x smaller"
    )
    if floor_with - floor_without > FLOOR_GAP:
        return Outcome(
            "confirmed",
            f"loss cannot go below {floor_with:.3f} with the sigmoid vs {floor_without:.3f} without; {grads}{measured}",
            measurements,
        )
    why = neutralised_by or "the framework does not reproduce the double sigmoid"
    if not math.isinf(grad_ratio) and abs(grad_ratio - 1) < 0.05:
        grads = "logit gradients are the same"
    return Outcome(
        "refuted",
        f"{why}: the loss reaches {floor_with:.3f} with the sigmoid and {floor_without:.3f} without; {grads}{measured}",
        measurements,
    )


# --- HL006 ------------------------------------------------------------------------


def nll_on_probabilities(wrong_logit: float, prob_grad: float, log_grad: float, trained: dict) -> Outcome:
    """NLL on softmax probabilities: d(-p[target])/d(target logit) at a confidently
    wrong point, against the log_softmax's; ``trained``: what 300 steps of each
    reach (accuracy, true cross-entropy), reported, not judged."""
    measurements = [
        ("wrong_logit", wrong_logit),
        ("target_logit_gradient_on_probabilities", abs(prob_grad)),
        ("target_logit_gradient_on_log_probabilities", abs(log_grad)),
        ("gradient_ratio", abs(log_grad) / abs(prob_grad) if prob_grad else float("inf")),
        *trained.items(),
    ]
    text = (
        f"with logit {wrong_logit:g} on a wrong class, the target's logit gets gradient {_g(prob_grad)} "
        f"vs {_g(log_grad)} with log_softmax; after {int(trained['steps'])} steps accuracy "
        f"{_pct(trained['accuracy_on_probabilities'])} vs {_pct(trained['accuracy_on_log_probabilities'])}, "
        f"cross-entropy {trained['cross_entropy_on_probabilities']:.3f} vs {trained['cross_entropy_on_log_probabilities']:.3f}"
    )
    if abs(prob_grad) < VANISHING * abs(log_grad):
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"the gradient does not vanish: {text}", measurements)


def nll_on_scores(losses: list, accuracy: float, reference_accuracy: float, scale: float) -> Outcome:
    """NLL on raw scores: ``losses`` is [(step, loss), ...] along training. A loss
    below 0 is impossible on log-probabilities (each is <= 0, so -log p >= 0), and
    one still falling by the same amount is unbounded."""
    (first_step, first), (last_step, last) = losses[0], losses[-1]
    measurements = [
        *((f"loss_after_{step}_steps", value) for step, value in losses),
        ("accuracy", accuracy),
        ("accuracy_with_cross_entropy", reference_accuracy),
        ("mean_abs_score", scale),
    ]
    falling = last < 0 and last < first - 1.0
    text = (
        f"the loss is {first:.1f} after {first_step} steps and {last:.1f} after {last_step}"
        + (", still falling" if falling else "")
        + f" (NLL of log-probabilities is never below 0); mean |score| {scale:.1f}; "
        f"accuracy {_pct(accuracy)} vs {_pct(reference_accuracy)} with cross-entropy"
    )
    if falling:
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"the loss has a floor: {text}", measurements)


# --- HL007 ------------------------------------------------------------------------

# An output "gets no gradient" when its gradient is at most this fraction of the
# largest one the corrected head (the same loss on logits) sends at the same point:
# Keras' clip gives exactly 0, but a verdict must not hang on a float being 0.
NO_GRADIENT_SHARE = 1e-6


def no_gradient(grad, reference_grad):
    """Elementwise: |grad| within NO_GRADIENT_SHARE of nothing, next to the largest
    |reference_grad| (numpy arrays)."""
    import numpy as np

    scale = float(np.abs(reference_grad).max())
    return np.abs(grad) <= NO_GRADIENT_SHARE * scale


def probability_loss_raises(samples: int, outside: float, error: Optional[str]) -> Outcome:
    """PyTorch: raw outputs outside [0, 1] and whether the probability loss refuses them."""
    measurements = [("samples", float(samples)), ("outputs_outside_0_1_share", outside), ("raises", float(error is not None))]
    share = f"{_pct(outside)} of {samples} raw outputs of a freshly initialised layer are outside [0, 1]"
    if outside > 0 and error:
        return Outcome("confirmed", f"{share}; the loss raises {error}", measurements)
    return Outcome("refuted", f"{share}; the loss accepted them", measurements)


# Accuracy this much below the same model trained on logits counts as harm.
ACCURACY_GAP = 0.05


def probability_loss_clipped(
    samples: int, no_gradient: float, wrong_no_gradient: float, accuracy: float, reference_accuracy: float, steps: int,
) -> Outcome:
    """Keras: raw outputs clipped by a from_logits=False crossentropy. ``no_gradient``:
    the share of outputs whose gradient is exactly 0 at the start;
    ``wrong_no_gradient``: the share of examples wrongly classified that get none at
    all. Confirmed when such examples exist or the training run falls behind."""
    measurements = [
        ("samples", float(samples)),
        ("no_gradient_output_share", no_gradient),
        ("wrong_and_no_gradient_share", wrong_no_gradient),
        ("steps", float(steps)),
        ("accuracy", accuracy),
        ("accuracy_with_from_logits_true", reference_accuracy),
    ]
    text = (
        f"at initialisation {_pct(no_gradient)} of the raw outputs get exactly zero gradient (clipped), and "
        f"{_pct(wrong_no_gradient)} of {samples} examples are wrongly classified with no gradient at all; "
        f"after {steps} steps accuracy {_pct(accuracy)} vs {_pct(reference_accuracy)} with from_logits=True"
    )
    if wrong_no_gradient > 0 or reference_accuracy - accuracy > ACCURACY_GAP:
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"every wrong output gets a gradient and training keeps up: {text}", measurements)


# --- HL010 ------------------------------------------------------------------------

# A loss this small is 0 (Keras' clip leaves 1e-7-sized terms; float32 log-softmax
# over one class is 0 or a few ulps away from it on every kernel).
ZERO_LOSS = 1e-6


def one_unit_categorical(
    samples: int, max_loss: float, weight_grad: float, label_error: Optional[str], note: str = "",
    reference_loss: Optional[float] = None,
) -> Outcome:
    """The loss over the one class on ``samples`` random inputs (labels it can
    score), the gradient it sends to the weights, and what a label of 1 does;
    ``reference_loss``: binary cross-entropy on the same logit and binary labels
    (the corrected head), which is not 0."""
    measurements = [
        ("samples", float(samples)),
        ("loss_max", max_loss),
        ("weight_gradient_max_abs", weight_grad),
        ("label_1_fails", float(label_error is not None)),
    ]
    if reference_loss is not None:
        measurements.append(("binary_crossentropy_on_the_same_logit", reference_loss))
    if max_loss == 0:
        text = f"the loss is exactly 0 for all {samples} random inputs"
    else:
        text = f"the loss is at most {max_loss:.2g} for all {samples} random inputs"
    if reference_loss is not None:
        text += f" (binary cross-entropy on the same logit: {reference_loss:.3f})"
    text += "; gradient to the weights is exactly 0" if weight_grad == 0 else f" ({note})" if note else ""
    if label_error:
        text += f"; a label of 1 fails: {label_error}"
    if max_loss < ZERO_LOSS:
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"the loss is not constant: {text}", measurements)


# --- HL008 ------------------------------------------------------------------------

# A softmax is over the class axis when every group sums to 1 within this tolerance.
SUMS_TO_ONE = 1e-4


def wrong_axis(
    rank: int,
    picked: Optional[int],
    class_sum_min: float,
    class_sum_max: float,
    coupling: float,
    alone_ones: float,
    warned: bool,
    training: str = "",
    extra: tuple = (),
) -> Outcome:
    """``picked``: the axis the softmax normalised over (None: no single one);
    ``coupling``: how far one example's (or one time step's) output moves when the
    others change; ``alone_ones``: the share of class probabilities equal to 1.0
    for an example alone in its batch; ``training``: what training measured."""
    measurements = [
        ("rank", float(rank)),
        ("normalised_axis", float(picked) if picked is not None else -1.0),
        ("class_sum_min", class_sum_min),
        ("class_sum_max", class_sum_max),
        ("max_change_from_other_examples", coupling),
        ("ones_for_a_single_example", alone_ones),
        ("deprecation_warning", 1.0 if warned else 0.0),
        *extra,
    ]
    right = picked == rank - 1 and class_sum_max - class_sum_min < SUMS_TO_ONE and abs(class_sum_max - 1) < SUMS_TO_ONE
    if right:
        # an implicit dim torch resolves to the class axis too: deprecated, but the output is right
        implicit = " (torch picked it for the implicit dim, and warned)" if warned else ""
        return Outcome(
            "refuted", f"the softmax is over the class axis ({picked}){implicit}: every example's classes sum to 1",
            measurements,
        )
    where = f"axis {picked}" if picked is not None else "another axis"
    text = (
        f"normalised over {where} of the {rank}-D output: an example's class probabilities sum to "
        f"{class_sum_min:.3g}..{class_sum_max:.3g} instead of 1"
    )
    if picked == 0:
        text += f"; alone in its batch an example gets 1.0 for {_pct(alone_ones)} of its classes"
    if coupling > SUMS_TO_ONE:
        others = "the other examples of a batch of 8" if picked == 0 else "its other positions"
        text += f"; its probabilities move by up to {coupling:.2g} when {others} change"
    if warned:
        text += " (torch warned: implicit dim)"
    if training:
        text += f"; {training}"
    return Outcome("confirmed", text, measurements)


# --- HL009 ------------------------------------------------------------------------

# The penalty counts as a constant when it varies by less than this (relative) over
# random batches, and as giving no gradient when its gradient is this much smaller
# than the same penalty's on the logits.
CONSTANT = 1e-5
NO_GRADIENT_RATIO = 1e-4


def l1_on_softmax(
    coefficient: float,
    value: float,
    spread: float,
    batches: int,
    grad: float,
    reference_grad: float,
    weight_change: float,
    steps: int,
    loss_gap: Optional[float] = None,
) -> Outcome:
    measurements = [
        ("coefficient", coefficient),
        ("penalty_value", value),
        ("penalty_spread_over_batches", spread),
        ("batches", float(batches)),
        ("penalty_gradient_max_abs", grad),
        ("same_penalty_on_logits_gradient_max_abs", reference_grad),
        ("max_weight_change_from_penalty", weight_change),
        ("steps", float(steps)),
    ]
    if loss_gap is not None:
        measurements.append(("training_loss_difference", loss_gap))
    text = (
        f"the penalty is {value:.6g} on each of {batches} random batches (spread {spread:.1e}); its gradient to the "
        f"weights is at most {grad:.1e} vs {reference_grad:.2g} for the same penalty on the logits; "
        f"after {steps} steps the weights differ from training without it by at most {weight_change:.1e}"
    )
    if loss_gap is not None:
        text += f" and the reported loss by {loss_gap:.6g}"
    constant = spread <= CONSTANT * max(abs(value), 1e-12)
    if constant and reference_grad > 0 and grad <= NO_GRADIENT_RATIO * reference_grad:
        return Outcome("confirmed", text, measurements)
    return Outcome("refuted", f"the penalty is not a constant here: {text}", measurements)


# --- HL011 ------------------------------------------------------------------------


def tanh_into_bce(
    negative: float,
    samples: int,
    error: str = "",
    clipped_loss: Optional[float] = None,
    dead_share: Optional[float] = None,
    after: str = "",
    extra: tuple = (),
) -> Outcome:
    """``error``: what the framework raised on the first batch; ``clipped_loss`` and
    ``dead_share``: Keras' clipped loss of a positive with a negative output, and the
    share of examples whose gradient is exactly 0 at the start."""
    measurements = [("negative_output_share", negative), ("samples", float(samples)), *extra]
    head = f"{_pct(negative)} of {samples} outputs are negative at the start"
    if error:
        measurements.append(("raised", 1.0))
        return Outcome("confirmed", f"{head}; the loss raises {error}", measurements)
    if clipped_loss is not None and dead_share:
        measurements += [("clipped_loss", clipped_loss), ("zero_gradient_share", dead_share)]
        text = (
            f"{head}; each positive among them is clipped to a loss of {clipped_loss:.2f} with gradient exactly 0 "
            f"({_pct(dead_share)} of the examples)"
        )
        return Outcome("confirmed", text + (f"; {after}" if after else ""), measurements)
    return Outcome("refuted", f"{head}, and the loss takes them" + (f"; {after}" if after else ""), measurements)


# A loss trains measurably worse than the right one when its final categorical
# accuracy is this much lower, or its predictions' cross-entropy this much higher;
# outputs whose sum per example is this far from 1 are not a distribution. (Its own
# name: it once shared ACCURACY_GAP with HL007 and silently rebound it to 0.02.)
WRONG_LOSS_ACCURACY_GAP = 0.02
CE_GAP = 0.1
ROW_SUM_GAP = 0.1


def wrong_loss_for_activation(
    what: str,
    accuracy: float,
    reference_accuracy: float,
    ce: float,
    reference_ce: float,
    reference: str,
    steps: int,
    row_sum: float,
    neutralised_by: str = "",
    extra: tuple = (),
    note: str = "",
) -> Outcome:
    """HL011's softmax + binary and sigmoid + categorical cases: training with the
    source's pair vs the right one from the same start; ``note`` ends the summary."""
    measurements = [
        ("steps", float(steps)),
        ("accuracy", accuracy),
        ("reference_accuracy", reference_accuracy),
        ("prediction_cross_entropy", ce),
        ("reference_prediction_cross_entropy", reference_ce),
        ("mean_output_row_sum", row_sum),
        *extra,
    ]
    text = (
        f"after {steps} steps {what} classifies {_pct(accuracy)} of examples right (cross-entropy of its "
        f"predictions {ce:.3f}) vs {_pct(reference_accuracy)} ({reference_ce:.3f}) with {reference}; "
        f"its outputs sum to {row_sum:.3g} per example"
    )
    text += f"; {note}" if note else ""
    if reference_accuracy - accuracy > WRONG_LOSS_ACCURACY_GAP or ce - reference_ce > CE_GAP or abs(row_sum - 1) > ROW_SUM_GAP:
        return Outcome("confirmed", text, measurements)
    why = neutralised_by or "it trains as well as the right pair here"
    return Outcome("refuted", f"{why}: {text}", measurements)


def argmax_one_unit(samples: int, zeros: int, positives: int) -> Outcome:
    """``zeros``: argmax over the unit axis returned 0; ``positives``: the same
    outputs thresholded (probability > 0.5, logit > 0) called positive."""
    measurements = [("samples", float(samples)), ("argmax_is_0", float(zeros)), ("threshold_positive", float(positives))]
    text = (f"argmax over the unit axis is 0 for {zeros} of {samples} random inputs; "
            f"thresholding the first unit calls {positives} of them positive")
    return Outcome("confirmed" if zeros == samples else "refuted", text, measurements)
