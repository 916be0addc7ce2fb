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
    y = labels if crit.target == "index" else torch.nn.functional.one_hot(labels, classes).float()

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
        return torch.randint(0, 2, out.shape, device=out.device).float()
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
    ones = int((out == 1.0).all(dim=1).sum().item())  # exactly 1.0, not approximately
    grads = torch.autograd.grad(out.sum(), params, retain_graph=True)
    output_grad = max(g.abs().max().item() for g in grads)

    loss_grad = None
    if head.loss is not None:
        try:
            crit = criterion(torch, head, choices)
        except ProbeUnavailable:
            crit = None  # a loss with no torch constructor here: the output gradient says it all
        if crit is not None:
            grads = torch.autograd.grad(crit.mean(out, _loss_targets(torch, crit.target, out)), params, allow_unused=True)
            loss_grad = max((g.abs().max().item() for g in grads if g is not None), default=0.0)
    return verdicts.one_unit_softmax(SAMPLES, ones, output_grad, loss_grad)


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
    y = (x @ torch.randn(d, units, device=device) > 0).float()

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

    if _activation_kind(head, "softmax") != "softmax":  # raw scores
        # one run, read after 100 and after 300 steps (the fit is deterministic)
        losses = []
        for steps in (100, CLASSIFIER_STEPS):
            trained = _clone(torch, start)
            losses.append((steps, _fit(torch, trained, lambda t: t, crit, x, labels, steps, CLASSIFIER_LR)))
        reference = _clone(torch, start)
        _fit(torch, reference, lambda t: t, criterion(torch, head, choices, kind="cross_entropy"), x, labels, CLASSIFIER_STEPS, CLASSIFIER_LR)
        with torch.no_grad():
            scores = trained(x)
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
    y = torch.randint(0, 2, (SAMPLES, units), device=device).float()
    with torch.no_grad():
        out = linear(torch, d, units, device)(x)
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
    zeros = torch.zeros(SAMPLES, dtype=torch.long, device=device)  # the only class there is
    per_example = _PER_EXAMPLE[crit.name](torch.nn.functional)
    terms = per_example(out, zeros, reduction="none")
    grads = torch.autograd.grad(crit.mean(out, zeros), params)
    weight_grad = max(g.abs().max().item() for g in grads)
    # a label of 1, on the CPU (a GPU would hit a device-side assert)
    error = None
    try:
        crit.module(out.detach().cpu(), torch.ones(SAMPLES, dtype=torch.long))
    except (IndexError, RuntimeError) as exc:
        error = _first_line(exc)
    return verdicts.one_unit_categorical(SAMPLES, terms.abs().max().item(), weight_grad, error)


PROBES = {
    "HL001": double_softmax,
    "HL002": sigmoid_mse,
    "HL003": nonneg_signed,
    "HL004": one_unit_softmax,
    "HL005": double_sigmoid,
    "HL006": nll_on_probabilities,
    "HL007": logits_into_probability_loss,
    "HL010": one_unit_categorical,
}
