"""The torch probes: one small experiment per rule on the head rebuilt from records.

Every probe runs under a fixed seed (without disturbing the caller's random state),
on one intra-op thread, with warnings silenced, and returns a verdicts.Outcome;
``run`` adds the framework, version, device and the defaults that were applied.
"""

from __future__ import annotations

import contextlib
import math
import warnings

from ..records import Evidence, Head, Sign
from . import imports, verdicts
from .defaults import CLASSES, REGRESSION_UNITS, SAMPLES, Choices
from .torch_heads import activation, criterion, linear
from .verdicts import OUTPUT_RANGES, ProbeUnavailable

SEED = 0
# Targets are made in torch's default dtype (``.to(torch.get_default_dtype())``, not
# ``.float()``): the outputs are float64 when that is the default, and a loss refuses
# float32 targets next to float64 outputs (tests/probe_matrix.py runs both).
# HL001: full-batch Adam on separable data; 300 steps bring the logits' loss
# near 0 and the softmax-on-softmax loss onto its floor, in ~0.1 s on one core.
CLASSIFIER_STEPS = 300
CLASSIFIER_LR = 0.1
# HL003: a linear output fits the (linear) signed targets almost exactly in 200 steps.
REGRESSION_STEPS = 200
REGRESSION_LR = 0.05
# HL003: a derivative below this is "no gradient" (exactly 0 for relu, vanishing
# for softplus and exp far below zero).
NO_GRADIENT = 1e-3


def pick_device(torch, requested: str) -> str:
    if requested == "cpu":
        return "cpu"
    has_gpu = torch.cuda.is_available()
    if requested == "cuda" and not has_gpu:
        raise ProbeUnavailable("CUDA was requested but torch sees no GPU")
    return "cuda" if has_gpu else "cpu"


def version(torch) -> str:
    return torch.__version__.split("+")[0]  # "2.13.0+cpu" -> "2.13.0"; the device is reported apart


@contextlib.contextmanager
def _isolated(torch, device: str):
    """Seeded, single-threaded and quiet, leaving the caller's RNG state untouched."""
    devices = [torch.cuda.current_device()] if device == "cuda" else []
    with torch.random.fork_rng(devices=devices), imports.torch_single_thread(torch), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(SEED)
        yield


def run(code: str, head: Head, requested: str) -> Evidence:
    torch = imports.torch()
    device = pick_device(torch, requested)
    choices = Choices()
    with _isolated(torch, device):
        outcome = PROBES[code](torch, head, device, choices)
    return Evidence(
        status=outcome.status,
        summary=outcome.summary,
        framework="torch",
        version=version(torch),
        device=device,
        measurements=tuple((name, float(f"{value:.6g}")) for name, value in outcome.measurements),
        defaults=tuple(choices.notes),
    )


def _activation_kind(head: Head, expected: str) -> str:
    return head.activation.kind if head.activation is not None else expected


def _fit(torch, layer, act, crit, x, y, steps: int, lr: float) -> float:
    """Full-batch Adam on ``crit(act(layer(x)), y)``; the final per-term loss.

    Adam is written out (the textbook update, torch.optim's defaults) because the
    first torch.optim optimizer imports torch._dynamo, about 1 s here: longer than
    the whole probe."""
    params = list(layer.parameters())
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        grads = torch.autograd.grad(crit.mean(act(layer(x)), y), params)
        with torch.no_grad():
            for p, g, m_i, v_i in zip(params, grads, m, v):
                m_i.mul_(beta1).add_(g, alpha=1 - beta1)
                v_i.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                denom = (v_i / (1 - beta2**step)).sqrt_().add_(eps)
                p.addcdiv_(m_i, denom, value=-lr / (1 - beta1**step))
    with torch.no_grad():
        return crit.mean(act(layer(x)), y).item()


def _clone(torch, layer):
    """A second layer with the same initial weights, so both runs start alike."""
    twin = type(layer)(layer.in_features, layer.out_features).to(layer.weight.device)
    twin.load_state_dict(layer.state_dict())
    return twin


# --- HL001: softmax output into a loss that applies softmax itself ---------------------


def double_softmax(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES)
    dim = choices.softmax_axis(head, "torch")
    softmax = activation(torch, _activation_kind(head, "softmax"), dim)
    crit = criterion(torch, head, choices)

    # Labels from a random linear map: separable, so the logits' loss can approach 0
    # and any floor left with the softmax is the softmax's doing.
    x = torch.randn(SAMPLES, d, device=device)
    labels = (x @ torch.randn(d, classes, device=device)).argmax(dim=1)
    y = labels if crit.target == "index" else torch.nn.functional.one_hot(labels, classes).to(torch.get_default_dtype())

    start = linear(torch, d, classes, device)
    # Gradients at the same initial point, with respect to the logits themselves.
    z = start(x).detach().requires_grad_(True)
    (g_with,) = torch.autograd.grad(crit.mean(softmax(z), y), z)
    (g_without,) = torch.autograd.grad(crit.mean(z, y), z)
    ratio = (g_without.norm() / g_with.norm()).item() if g_with.norm() > 0 else math.inf

    floor_with = _fit(torch, _clone(torch, start), softmax, crit, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    floor_without = _fit(torch, _clone(torch, start), lambda t: t, crit, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)

    # The best a softmax output can do as "logits": one-hot probabilities give
    # -log(e / (e + C - 1)) (no label smoothing).
    smoothing = getattr(crit.module, "label_smoothing", 0.0)
    analytic = math.log(1 + (classes - 1) / math.e) if not smoothing and classes > 1 else None
    return verdicts.double_softmax(floor_with, floor_without, ratio, analytic, classes, CLASSIFIER_STEPS)


# --- HL002: sigmoid output trained with squared error ------------------------------------

LOGIT, TARGET = -10.0, 1.0  # a confidently wrong prediction: p = sigmoid(-10) = 4.5e-5 for a positive


def sigmoid_mse(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = head.output_layer.units if head.output_layer is not None else None
    if isinstance(units, int) and units != 1:
        # Each sigmoid unit is scored independently: one unit shows the per-unit gradient.
        choices.note(f"units=1 ({units} in the source; the gradient is the same for each unit)")
    act = activation(torch, _activation_kind(head, "sigmoid"), 1)
    crit = criterion(torch, head, choices)

    # Zero weights and bias -10 put the logit at -10 for any input; the gradient
    # with respect to the bias is then exactly d(loss)/d(logit).
    layer = linear(torch, d, 1, device)
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.fill_(LOGIT)
    x = torch.randn(1, d, device=device)
    y = torch.full((1, 1), TARGET, device=device)
    (mse_grad,) = torch.autograd.grad(crit.mean(act(layer(x)), y), layer.bias)
    bce = criterion(torch, head, choices, kind="bce_with_logits")  # the maximum-likelihood loss
    (bce_grad,) = torch.autograd.grad(bce.mean(layer(x), y), layer.bias)
    return verdicts.sigmoid_mse(LOGIT, TARGET, mse_grad.item(), bce_grad.item())


# --- HL003: non-negative output on targets that can be negative -------------------------


def _regression_targets(torch, x, units: int, sign: Sign, choices: Choices):
    """Targets with the sign the analysis found: a linear map of x scaled to unit
    variance (standard normal, so a linear output can fit them exactly), or its
    absolute value when the targets are non-negative."""
    w = torch.randn(x.shape[1], units, device=x.device)
    y = (x @ w) / w.norm(dim=0)
    if sign is Sign.NONNEG:
        return y.abs(), "non-negative"
    if sign is not Sign.SIGNED:
        choices.note("targets=standard normal (their sign is unknown)")
    return y, "signed"


def nonneg_signed(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = choices.units(head, REGRESSION_UNITS)
    kind = _activation_kind(head, "relu")
    act = activation(torch, kind, 1)
    crit = criterion(torch, head, choices)
    low, high = OUTPUT_RANGES.get(kind, (0.0, math.inf))

    x = torch.randn(SAMPLES, d, device=device)
    y, sign = _regression_targets(torch, x, units, head.targets.sign, choices)
    unreachable = ((y < low) | (y > high)).float().mean().item()

    start = linear(torch, d, units, device)
    fitted = _clone(torch, start)
    loss_with = _fit(torch, fitted, act, crit, x, y, REGRESSION_STEPS, REGRESSION_LR)
    loss_without = _fit(torch, _clone(torch, start), lambda t: t, crit, x, y, REGRESSION_STEPS, REGRESSION_LR)

    # After the fit: where does the activation pass no gradient back? (elementwise,
    # so the gradient of the sum is each output's own derivative)
    z = fitted(x).detach().requires_grad_(True)
    (deriv,) = torch.autograd.grad(act(z).sum(), z)
    none = deriv.abs() < NO_GRADIENT
    return verdicts.nonneg_signed(
        kind, unreachable, loss_with, loss_without, none.float().mean().item(),
        int(none.all(dim=0).sum().item()), units, REGRESSION_STEPS, sign,
    )


# --- HL004: softmax over a single unit ----------------------------------------------------


def _loss_targets(torch, target: str, out):
    n = out.shape[0]
    if target == "index":
        return torch.zeros(n, dtype=torch.long, device=out.device)  # the only class there is
    if target == "binary":
        return torch.randint(0, 2, out.shape, device=out.device).to(torch.get_default_dtype())
    return torch.randn(out.shape, device=out.device)


def one_unit_softmax(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = choices.units(head, 1)
    dim = choices.softmax_axis(head, "torch")
    act = activation(torch, _activation_kind(head, "softmax"), dim)
    layer = linear(torch, d, units, device)
    params = list(layer.parameters())

    x = torch.randn(SAMPLES, d, device=device)
    out = act(layer(x))
    gap = (1 - out).abs()  # |1 - p|: within verdicts.ONE_TOLERANCE counts as 1.0, never == 1.0
    ones = int((gap < verdicts.ONE_TOLERANCE).all(dim=1).sum().item())
    grads = torch.autograd.grad(out.sum(), params, retain_graph=True)
    output_grad = max(g.abs().max().item() for g in grads)
    # The corrected head: the same layer and inputs with a sigmoid (the fix).
    reference = torch.autograd.grad(torch.sigmoid(layer(x)).sum(), params)
    reference_grad = max(g.abs().max().item() for g in reference)

    loss_grad = None
    if head.loss is not None:
        try:
            crit = criterion(torch, head, choices)
        except ProbeUnavailable:
            crit = None  # a loss with no torch constructor here: the output gradient says it all
        if crit is not None:
            grads = torch.autograd.grad(crit.mean(out, _loss_targets(torch, crit.target, out)), params, allow_unused=True)
            loss_grad = max((g.abs().max().item() for g in grads if g is not None), default=0.0)
    return verdicts.one_unit_softmax(SAMPLES, ones, output_grad, reference_grad, loss_grad, largest_gap=gap.max().item())


# --- HL005: sigmoid output into a loss that applies sigmoid itself ----------------------


def _binary_floor(negatives: float) -> float:
    """The best a probability p in [0, 1] read as a logit can score: p = 0 for a
    negative costs -ln(1 - sigmoid(0)) = ln 2, p = 1 for a positive -ln sigmoid(1)."""
    return negatives * math.log(2) + (1 - negatives) * math.log(1 + math.exp(-1))


def double_sigmoid(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = choices.units(head, 1)
    sigmoid = activation(torch, _activation_kind(head, "sigmoid"), 1)
    crit = criterion(torch, head, choices)

    # 0/1 labels from a random linear map: separable, so the logits' loss can approach 0.
    x = torch.randn(SAMPLES, d, device=device)
    y = (x @ torch.randn(d, units, device=device) > 0).to(torch.get_default_dtype())

    start = linear(torch, d, units, device)
    z = start(x).detach().requires_grad_(True)
    (g_with,) = torch.autograd.grad(crit.mean(sigmoid(z), y), z)
    (g_without,) = torch.autograd.grad(crit.mean(z, y), z)
    ratio = (g_without.norm() / g_with.norm()).item() if g_with.norm() > 0 else math.inf

    floor_with = _fit(torch, _clone(torch, start), sigmoid, crit, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    floor_without = _fit(torch, _clone(torch, start), lambda t: t, crit, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    analytic = _binary_floor((y == 0).float().mean().item())
    return verdicts.double_sigmoid(floor_with, floor_without, ratio, analytic, CLASSIFIER_STEPS)


# --- HL006: NLL on softmax probabilities or on raw scores ---------------------------------

WRONG_LOGIT = 8.0  # a confidently wrong prediction: logit 8 on one wrong class, 0 elsewhere


def _accuracy(scores, labels) -> float:
    return (scores.argmax(dim=1) == labels).float().mean().item()


def nll_on_probabilities(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    F = torch.nn.functional
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES)
    crit = criterion(torch, head, choices)
    x = torch.randn(SAMPLES, d, device=device)
    labels = (x @ torch.randn(d, classes, device=device)).argmax(dim=1)
    start = linear(torch, d, classes, device)

    kind = _activation_kind(head, "softmax")
    if kind != "softmax":  # raw scores (or the corrected head's log_softmax, which has a floor)
        act = activation(torch, kind, 1)
        # one run, read after 100 and after 300 steps (the fit is deterministic)
        losses = []
        for steps in (100, CLASSIFIER_STEPS):
            trained = _clone(torch, start)
            losses.append((steps, _fit(torch, trained, act, crit, x, labels, steps, CLASSIFIER_LR)))
        reference = _clone(torch, start)
        _fit(torch, reference, lambda t: t, criterion(torch, head, choices, kind="cross_entropy"), x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
        with torch.no_grad():
            scores = act(trained(x))
            return verdicts.nll_on_scores(losses, _accuracy(scores, labels), _accuracy(reference(x), labels), scores.abs().mean().item())

    dim = choices.softmax_axis(head, "torch")
    softmax = activation(torch, "softmax", dim)
    z = torch.zeros(1, classes, device=device)
    z[0, 1 % classes] = WRONG_LOGIT
    z.requires_grad_(True)
    target = torch.zeros(1, dtype=torch.long, device=device)
    (g_prob,) = torch.autograd.grad(crit.mean(softmax(z), target), z)
    (g_log,) = torch.autograd.grad(crit.mean(F.log_softmax(z, dim=1), target), z)

    on_probs, on_logs = _clone(torch, start), _clone(torch, start)
    _fit(torch, on_probs, softmax, crit, x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
    _fit(torch, on_logs, lambda t: F.log_softmax(t, dim=1), crit, x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
    with torch.no_grad():
        trained = {
            "steps": float(CLASSIFIER_STEPS),
            "accuracy_on_probabilities": _accuracy(on_probs(x), labels),
            "accuracy_on_log_probabilities": _accuracy(on_logs(x), labels),
            "cross_entropy_on_probabilities": F.cross_entropy(on_probs(x), labels).item(),
            "cross_entropy_on_log_probabilities": F.cross_entropy(on_logs(x), labels).item(),
        }
    return verdicts.nll_on_probabilities(WRONG_LOGIT, g_prob[0, 0].item(), g_log[0, 0].item(), trained)


# --- HL007: raw output into a loss that expects probabilities ------------------------------


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def logits_into_probability_loss(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = choices.units(head, 1)
    crit = criterion(torch, head, choices)
    x = torch.randn(SAMPLES, d, device=device)
    y = torch.randint(0, 2, (SAMPLES, units), device=device).to(torch.get_default_dtype())
    act = activation(torch, _activation_kind(head, "identity"), 1)  # identity: the raw output of the finding
    with torch.no_grad():
        out = act(linear(torch, d, units, device)(x))
    outside = ((out < 0) | (out > 1)).float().mean().item()
    # On the CPU even when measuring on a GPU: there the range check is a
    # device-side assert, which leaves the CUDA context unusable for the process.
    error = None
    try:
        crit.module(out.cpu(), y.cpu())
    except RuntimeError as exc:
        error = _first_line(exc)
    return verdicts.probability_loss_raises(SAMPLES, outside, error)


# --- HL010: a crossentropy over classes on a single unit -----------------------------------


# the losses HL010 meets, per example
_PER_EXAMPLE = {"nn.CrossEntropyLoss": lambda F: F.cross_entropy, "nn.NLLLoss": lambda F: F.nll_loss}


def one_unit_categorical(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    kind = _activation_kind(head, "identity")
    try:
        act = activation(torch, kind, 1)
    except ProbeUnavailable:
        # over one class the loss is 0 whatever the activation: none stands in
        choices.note(f"no activation stands in for {kind!r} (one class: the loss is the same)")
        act = activation(torch, "identity", 1)
    crit = criterion(torch, head, choices)
    layer = linear(torch, d, 1, device)
    params = list(layer.parameters())
    x = torch.randn(SAMPLES, d, device=device)
    out = act(layer(x))
    # the corrected head: binary cross-entropy on the same logit, random 0/1 labels
    binary = torch.randint(0, 2, (SAMPLES, 1), device=device).to(torch.get_default_dtype())
    reference = torch.nn.functional.binary_cross_entropy_with_logits(layer(x), binary).item()
    error = None
    if crit.name in _PER_EXAMPLE:  # a loss over classes: the finding
        labels = torch.zeros(SAMPLES, dtype=torch.long, device=device)  # the only class there is
        terms = _PER_EXAMPLE[crit.name](torch.nn.functional)(out, labels, reduction="none")
        # a label of 1, on the CPU (a GPU would hit a device-side assert)
        try:
            crit.module(out.detach().cpu(), torch.ones(SAMPLES, dtype=torch.long))
        except (IndexError, RuntimeError) as exc:
            error = _first_line(exc)
    else:  # a binary loss on the one unit (the corrected head): binary labels
        labels = binary
        terms = type(crit.module)(reduction="none")(out, labels)
    grads = torch.autograd.grad(crit.mean(out, labels), params)
    weight_grad = max(g.abs().max().item() for g in grads)
    return verdicts.one_unit_categorical(SAMPLES, terms.abs().max().item(), weight_grad, error, reference_loss=reference)


# --- HL008: softmax over the wrong axis -----------------------------------------------

TIME_STEPS = 6  # the middle axis of a 3-D (batch, time, features) probe input
COUPLED = 8  # the batch in which one example's output is watched while the others change


def _written_softmax(torch, head: Head):
    """The softmax as the source writes it: its dim, or none at all (torch then
    chooses from the rank, and warns)."""
    act = head.activation
    fn = torch.nn.functional.log_softmax if act.kind == "log_softmax" else torch.nn.functional.softmax
    if act.axis is None and not act.axis_given:
        return lambda t: fn(t)
    return lambda t: fn(t, dim=act.axis)


def _normalised_axis(probs) -> "int | None":
    for axis in range(probs.dim()):
        sums = probs.sum(dim=axis)
        if (sums - 1).abs().max().item() < verdicts.SUMS_TO_ONE:
            return axis
    return None


def wrong_axis(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    act = head.activation
    rank = act.rank if act.rank in (2, 3) else 2
    if act.rank != rank:
        choices.note(f"rank=2 ({act.rank} in the record)")
    if act.axis_given and (not isinstance(act.axis, int) or not -rank <= act.axis < rank):
        raise ProbeUnavailable(f"dim={act.axis!r} is not an axis of a {rank}-D output")
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    softmax = _written_softmax(torch, head)
    layer = linear(torch, d, classes, device)
    shape = (SAMPLES, d) if rank == 2 else (SAMPLES, TIME_STEPS, d)
    x = torch.randn(*shape, device=device)

    with warnings.catch_warnings(record=True) as caught, torch.no_grad():
        warnings.simplefilter("always")
        out = softmax(layer(x))
        probs = out.exp() if act.kind == "log_softmax" else out
        alone = softmax(layer(x[:1]))
        small = x[:COUPLED]  # a small batch, where each example weighs most
        others = small.clone()
        others[1:] = torch.randn_like(others[1:])
        moved = (softmax(layer(others))[0] - softmax(layer(small))[0]).abs().max().item()
    warned = any("Implicit dimension choice" in str(w.message) for w in caught)
    alone = alone.exp() if act.kind == "log_softmax" else alone
    picked = _normalised_axis(probs)
    class_sums = probs.sum(dim=-1)
    training, extra = "", ()
    if rank == 2 and picked != rank - 1 and head.loss is not None:
        training, extra = _train_on_the_axis(torch, head, choices, layer, x, classes, softmax)
    return verdicts.wrong_axis(
        rank, picked, class_sums.min().item(), class_sums.max().item(), moved,
        ((1 - alone).abs() < verdicts.ONE_TOLERANCE).float().mean().item(), warned, training, extra,
    )


def _train_on_the_axis(torch, head: Head, choices: Choices, start, x, classes: int, softmax):
    """Train with the source's softmax and with one over the classes, from the same
    start: the loss and the share of examples classified right (argmax over classes)."""
    try:
        crit = criterion(torch, head, choices)
    except ProbeUnavailable:
        return "", ()
    labels = (x @ torch.randn(x.shape[1], classes, device=x.device)).argmax(dim=1)
    y = labels if crit.target == "index" else torch.nn.functional.one_hot(labels, classes).to(torch.get_default_dtype())
    log = head.activation.kind == "log_softmax"
    right = (lambda t: torch.log_softmax(t, dim=1)) if log else (lambda t: torch.softmax(t, dim=1))
    results = []
    for act in (softmax, right):
        layer = _clone(torch, start)
        loss = _fit(torch, layer, act, crit, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
        with torch.no_grad():  # the class each example's output ranks first
            accuracy = (act(layer(x)).argmax(dim=1) == labels).float().mean().item()
        results.append((loss, accuracy))
    (loss, accuracy), (ref_loss, ref_accuracy) = results
    text = (
        f"after {CLASSIFIER_STEPS} steps with {crit.name} the loss is {loss:.3f} ({ref_loss:.3f} over the classes) "
        f"and {verdicts._pct(accuracy)} of examples are classified right ({verdicts._pct(ref_accuracy)})"
    )
    return text, (("loss", loss), ("reference_loss", ref_loss), ("accuracy", accuracy), ("reference_accuracy", ref_accuracy))


# --- HL009: an L1 penalty on a softmax output ---------------------------------------------

PENALTY_BATCHES = 5
PENALTY_STEPS = 100
DEFAULT_COEFFICIENT = 0.01


def penalty_coefficient(head: Head, choices: Choices) -> float:
    penalty = next((p for p in head.penalties if p.kind == "l1"), None)
    value = penalty.coefficient if penalty is not None else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 1000:
        return float(value)
    choices.note(f"coefficient={DEFAULT_COEFFICIENT} (not a literal)")
    return DEFAULT_COEFFICIENT


def l1_on_softmax(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    coefficient = penalty_coefficient(head, choices)
    layer = linear(torch, d, classes, device)
    params = list(layer.parameters())

    act = activation(torch, _activation_kind(head, "softmax"), 1)  # the corrected head: identity (L1 on logits)

    def penalty(t):  # the L1 norm of the activation's output, over every element
        return coefficient * act(t).abs().sum()

    values = [penalty(layer(torch.randn(SAMPLES, d, device=device))).item() for _ in range(PENALTY_BATCHES)]
    x = torch.randn(SAMPLES, d, device=device)
    grad = max(g.abs().max().item() for g in torch.autograd.grad(penalty(layer(x)), params))
    on_logits = coefficient * layer(x).abs().sum()
    reference = max(g.abs().max().item() for g in torch.autograd.grad(on_logits, params))

    # The same training with and without the penalty, from the same start.
    labels = (x @ torch.randn(d, classes, device=device)).argmax(dim=1)
    nll = torch.nn.functional.nll_loss
    with_penalty, without = _clone(torch, layer), _clone(torch, layer)
    _adam(torch, with_penalty, lambda m: nll(torch.log_softmax(m(x), dim=1), labels) + penalty(m(x)), PENALTY_STEPS)
    _adam(torch, without, lambda m: nll(torch.log_softmax(m(x), dim=1), labels), PENALTY_STEPS)
    change = max((a - b).abs().max().item() for a, b in zip(with_penalty.parameters(), without.parameters()))
    return verdicts.l1_on_softmax(
        coefficient, values[0], max(values) - min(values), PENALTY_BATCHES, grad, reference, change, PENALTY_STEPS,
    )


def _adam(torch, layer, loss_of, steps: int, lr: float = CLASSIFIER_LR) -> None:
    """Adam (torch.optim's update, written out as in _fit) on ``loss_of(layer)``."""
    params = list(layer.parameters())
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    for step in range(1, steps + 1):
        grads = torch.autograd.grad(loss_of(layer), params)
        with torch.no_grad():
            for p, g, m_i, v_i in zip(params, grads, m, v):
                m_i.mul_(0.9).add_(g, alpha=0.1)
                v_i.mul_(0.999).addcmul_(g, g, value=0.001)
                p.addcdiv_(m_i, (v_i / (1 - 0.999**step)).sqrt_().add_(1e-8), value=-lr / (1 - 0.9**step))


# --- HL011: an output range the loss cannot score ----------------------------------------


def range_mismatch(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    from ..rules.hl011_range_mismatch import (
        sigmoid_into_cross_entropy, sigmoid_on_signed_regression, softmax_into_binary, softmax_into_sigmoid_loss,
        tanh_into_bce,
    )

    if sigmoid_on_signed_regression(head) is not None:
        return nonneg_signed(torch, head, device, choices)  # HL003's measurement, for a sigmoid's (0, 1)
    if softmax_into_binary(head) is not None or softmax_into_sigmoid_loss(head) is not None:
        return _softmax_into_binary(torch, head, device, choices)
    if sigmoid_into_cross_entropy(head) is not None:
        return _sigmoid_into_cross_entropy(torch, head, device, choices)
    kind = _activation_kind(head, "tanh")
    if tanh_into_bce(head) is None and not (kind == "sigmoid" and head.loss is not None and head.loss.kind == "bce"):
        # (sigmoid into BCE is the corrected head, measured to be refuted)
        raise ProbeUnavailable(
            "torch has no probe for this pair (tanh or softmax into binary cross-entropy, sigmoid into cross-entropy)"
        )
    d = choices.in_features(head)
    units = choices.units(head, 1)
    crit = criterion(torch, head, choices)
    layer = linear(torch, d, units, device)
    x = torch.randn(SAMPLES, d, device=device)
    with torch.no_grad():
        out = activation(torch, kind, 1)(layer(x))
    y = torch.randint(0, 2, out.shape, device=device).to(torch.get_default_dtype())
    negative = (out < 0).float().mean().item()
    error = ""
    if device != "cpu":
        # on CUDA the same check is a device-side assert, which ends the process's CUDA context
        choices.note("the loss is evaluated on cpu (on cuda torch asserts on the device)")
    try:
        value = crit.mean(out.cpu(), y.cpu())
        if not math.isfinite(value.item()):
            error = f"nothing but returns {value.item()}"
    except RuntimeError as exc:
        error = f"RuntimeError: {str(exc).strip().splitlines()[0]}"
    return verdicts.tanh_into_bce(negative, out.numel(), error)


# Plain SGD, as in most tutorials: binary cross-entropy's mean over the units divides
# the gradient by the class count, which Adam's normalisation would hide.
SGD_STEPS = 300
SGD_LR = 0.1


def _sgd(torch, layer, loss_of, steps: int = SGD_STEPS, lr: float = SGD_LR) -> None:
    params = list(layer.parameters())
    for _ in range(steps):
        grads = torch.autograd.grad(loss_of(layer), params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(g, alpha=lr)


def _against_logits(torch, act, source, reference, x, labels) -> tuple:
    """After training: the source head's accuracy and the cross-entropy of its outputs
    read as a distribution (each row divided by its sum), the same for the reference's
    logits, and the source's mean row sum."""
    F = torch.nn.functional
    with torch.no_grad():
        p = act(source(x))
        q = (p / p.sum(dim=1, keepdim=True)).clamp_min(1e-7)
        logits = reference(x)
        return (_accuracy(p, labels), F.nll_loss(q.log(), labels).item(), _accuracy(logits, labels),
                F.cross_entropy(logits, labels).item(), float(p.sum(dim=1).mean()))


def _softmax_into_binary(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    """The softmax with the source's binary cross-entropy on one-hot rows vs the logits
    with cross-entropy, from the same start, under plain SGD; the labels of a noisy
    linear map (separable labels hide a slower start behind enough steps)."""
    F = torch.nn.functional
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=3)
    crit = criterion(torch, head, choices)
    x = torch.randn(SAMPLES, d, device=device)
    labels = (x @ torch.randn(d, classes, device=device) + torch.randn(SAMPLES, classes, device=device)).argmax(dim=1)
    onehot = F.one_hot(labels, classes).to(torch.get_default_dtype())
    source = linear(torch, d, classes, device)
    reference = _clone(torch, source)
    z = source(x)
    (g_source,) = torch.autograd.grad(crit.mean(F.softmax(z, dim=1), onehot), z)
    (g_reference,) = torch.autograd.grad(F.cross_entropy(z, labels), z)
    _sgd(torch, source, lambda layer: crit.mean(F.softmax(layer(x), dim=1), onehot))
    _sgd(torch, reference, lambda layer: F.cross_entropy(layer(x), labels))
    accuracy, ce, ref_accuracy, ref_ce, _ = _against_logits(torch, lambda t: F.softmax(t, dim=1), source, reference, x, labels)
    ratio = (g_source.norm() / g_reference.norm()).item()
    extra = (("gradient_norm_ratio_at_start", ratio), ("learning_rate", SGD_LR))
    note = f"at the start its gradient is {ratio:.2f}x cross-entropy's (SGD, lr {SGD_LR})"
    return verdicts.wrong_loss_for_activation(
        f"softmax with {crit.name}", accuracy, ref_accuracy, ce, ref_ce, "the logits and nn.CrossEntropyLoss",
        SGD_STEPS, 1.0, "", extra, note,
    )


def _sigmoid_into_cross_entropy(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    """Sigmoid outputs into cross-entropy vs the logits into it, from the same start
    (full-batch Adam on separable labels): the loss's floor and what each run reaches."""
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    crit = criterion(torch, head, choices)
    x = torch.randn(SAMPLES, d, device=device)
    labels = (x @ torch.randn(d, classes, device=device)).argmax(dim=1)
    source = linear(torch, d, classes, device)
    reference = _clone(torch, source)
    final = _fit(torch, source, torch.sigmoid, crit, x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
    ref_final = _fit(torch, reference, lambda t: t, crit, x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
    floor = math.log(1 + (classes - 1) / math.e)  # right sigmoid at 1, the others at 0
    accuracy, ce, ref_accuracy, ref_ce, row_sum = _against_logits(torch, torch.sigmoid, source, reference, x, labels)
    extra = (("loss_floor", floor), ("final_loss", final), ("reference_final_loss", ref_final))
    note = f"the loss ends at {final:.3f} (its floor with sigmoids is {floor:.3f}) vs {ref_final:.3f} on the logits"
    return verdicts.wrong_loss_for_activation(
        f"sigmoid with {crit.name}", accuracy, ref_accuracy, ce, ref_ce, f"the logits and {crit.name}",
        CLASSIFIER_STEPS, row_sum, "", extra, note,
    )


# --- HL012: argmax over a single unit -----------------------------------------------------


def argmax_one_unit(torch, head: Head, device: str, choices: Choices) -> verdicts.Outcome:
    """The one-unit layer with its activation on random inputs: argmax over the unit
    axis against a threshold on the same outputs."""
    d = choices.in_features(head)
    kind = _activation_kind(head, "identity")
    act = activation(torch, kind, 1)
    layer = linear(torch, d, choices.units(head, 1), device)
    with torch.no_grad():
        out = act(layer(torch.randn(SAMPLES, d, device=device)))
    zeros = int((out.argmax(dim=1) == 0).sum().item())
    threshold = 0.5 if kind == "sigmoid" else 0.0
    positives = int((out[:, 0] > threshold).sum().item())
    return verdicts.argmax_one_unit(SAMPLES, zeros, positives)


PROBES = {
    "HL001": double_softmax,
    "HL002": sigmoid_mse,
    "HL003": nonneg_signed,
    "HL004": one_unit_softmax,
    "HL005": double_sigmoid,
    "HL006": nll_on_probabilities,
    "HL007": logits_into_probability_loss,
    "HL010": one_unit_categorical,
    "HL008": wrong_axis,
    "HL009": l1_on_softmax,
    "HL011": range_mismatch,
    "HL012": argmax_one_unit,
}
