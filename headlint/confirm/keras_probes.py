"""The Keras probes: one small experiment per rule, on the backend Keras is configured with.

What a combination does depends on the backend. Keras' tensorflow backend looks
behind a softmax/sigmoid output before computing a crossentropy: Keras' own
softmax and sigmoid (``activation='softmax'``, ``layers.Softmax``,
``keras.ops.softmax``, ...) cache their input (``_keras_logits``) and, in graph
mode (inside fit() or a tf.function), the output's op type is checked, so
``_get_logits`` in keras/src/backend/tensorflow/nn.py swaps the probabilities
back for the logits, with from_logits=False *and* with from_logits=True (then it
only warns). A raw ``tf.nn.softmax`` output met by the loss eagerly, in a
GradientTape loop, carries neither and is not undone. The torch and jax backends
do no such thing. So these probes never assume: they rebuild the activation as
the source spelled it and train and differentiate through Keras on its backend,
eagerly or inside fit() as the source does (keras_heads.route), and a harm the
backend neutralises comes back "refuted" with the reason. TensorFlow's fused
``tf.nn.*_cross_entropy_with_logits`` ops do not look behind their input.
"""

from __future__ import annotations

import contextlib
import math

from ..records import Evidence, Head, Sign
from . import imports, verdicts
from .defaults import CLASSES, REGRESSION_UNITS, SAMPLES, Choices
from .imports import KerasBundle
from .keras_heads import (
    ACTIVATION_NAMES, SEED, activation_layer, criterion, dense, evaluate, fit, gpu_available, gradients, loss_kind, quiet, route,
    sequential, train_eager,
)
from .verdicts import OUTPUT_RANGES, ProbeUnavailable

# Same sizes as the torch probes (see torch_probes.py for why).
CLASSIFIER_STEPS = 300
CLASSIFIER_LR = 0.1
REGRESSION_STEPS = 200
REGRESSION_LR = 0.05
NO_GRADIENT = 1e-3
LOGIT, TARGET = -10.0, 1.0


def pick_device(kb: KerasBundle, requested: str) -> str:
    if requested == "cpu":
        return "cpu"
    has_gpu = gpu_available(kb)
    if requested == "cuda" and not has_gpu:
        raise ProbeUnavailable(f"CUDA was requested but {kb.backend} sees no GPU")
    return "cuda" if has_gpu else "cpu"


@contextlib.contextmanager
def _on(kb: KerasBundle, device: str):
    """Run on the chosen device; on the torch backend also on one CPU thread
    (see imports.torch_single_thread)."""
    if kb.backend == "torch":
        # Plain "cpu"/"cuda": Keras' torch backend moves each new variable with
        # .to(device), and "cpu:0" made that a copy, a non-leaf tensor that fit()
        # then finds no gradients for (keras 3.15).
        name = device
    else:
        name = "gpu:0" if device == "cuda" else "cpu:0"
    with kb.keras.device(name):
        if kb.backend == "torch":
            with imports.torch_single_thread(kb.module):
                yield
        else:
            yield


def run(code: str, head: Head, requested: str) -> Evidence:
    kb = imports.keras()
    device = pick_device(kb, requested)
    choices = Choices()
    with _on(kb, device), quiet(kb) as caught:
        outcome = PROBES[code](kb, head, choices, caught)
    return Evidence(
        status=outcome.status,
        summary=outcome.summary,
        framework="keras",
        version=kb.keras.__version__,
        device=device,
        backend=kb.backend,
        measurements=tuple((name, float(f"{value:.6g}")) for name, value in outcome.measurements),
        defaults=tuple(choices.notes),
    )


def _rng():
    import numpy as np

    return np.random.default_rng(SEED)


def _kind(head: Head, expected: str) -> str:
    return head.activation.kind if head.activation is not None else expected


def _targets(labels, classes: int, target: str):
    import numpy as np

    if target == "index":
        return labels.astype("int32")
    return np.eye(classes, dtype="float32")[labels]


def _np(kb: KerasBundle, tensor):
    return kb.keras.ops.convert_to_numpy(tensor)


def _logits_warnings(caught) -> int:
    """How often Keras said it took the logits back from a softmax/sigmoid output."""
    return sum("does not represent logits" in str(w.message) for w in caught)


# --- HL001: softmax output into a loss that applies softmax itself ---------------------


def _with_and_without(kb: KerasBundle, d: int, units: int, act_layer, crit, ref, x, y, way) -> tuple:
    """The double-activation experiment (HL001, HL005): Dense + the activation trained
    with the loss as the source builds it, against the same Dense (same starting
    weights) trained with the loss on its logits, the way the source trains (in
    fit()'s graph, or eagerly). (logit gradient ratio at the start, loss floor with
    the activation, without it)."""
    import numpy as np

    ops = kb.keras.ops
    with_act = sequential(kb, d, dense(kb, units), act_layer)
    without = sequential(kb, d, dense(kb, units))
    without.set_weights(with_act.get_weights())  # the same starting point
    layer, act = with_act.layers[0], with_act.layers[1]

    # Gradients with respect to the logits at the starting point, through the
    # activation layer and the loss exactly as Keras composes them.
    z = layer(x)
    (g_with,) = gradients(kb, lambda logits: crit.mean(kb, y, act(logits)), [z], way.graph)
    (g_without,) = gradients(kb, lambda logits: ref.mean(kb, y, logits), [z], way.graph)
    ratio = float(np.linalg.norm(g_without) / np.linalg.norm(g_with)) if np.linalg.norm(g_with) > 0 else math.inf

    if way.eager:
        xt, yt = ops.convert_to_tensor(x), ops.convert_to_tensor(y)
        # loss_fn(y, model(x)) under a GradientTape, layer by layer (the same
        # output tensor as calling the Sequential, at half the cost per step)
        train_eager(
            kb,
            [lambda: crit.fn(yt, act(layer(xt))), lambda: ref.fn(yt, without.layers[0](xt))],
            with_act.trainable_variables + without.trainable_variables,
            CLASSIFIER_STEPS, CLASSIFIER_LR,
        )
    else:
        fit(kb, with_act, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
        fit(kb, without, ref.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    floor_with = evaluate(kb, lambda: crit.mean(kb, y, with_act(x)), way.graph)
    floor_without = evaluate(kb, lambda: ref.mean(kb, y, without(x)), way.graph)
    return ratio, floor_with, floor_without


def double_softmax(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES)
    axis = choices.softmax_axis(head, "keras")
    crit = criterion(kb, head, choices)
    # The reference: the same loss on the logits (from_logits=True, or the same tf.nn op).
    ref = criterion(kb, head, choices, kind=loss_kind(head), from_logits=True)
    way = route(kb, head, choices, _kind(head, "softmax"))  # how the loss meets the output: fit() or eagerly

    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    labels = (x @ rng.standard_normal((d, classes))).argmax(axis=1)  # separable
    y = _targets(labels, classes, crit.target)

    act_layer = activation_layer(kb, way.kind, axis, raw=bool(way.raw))
    ratio, floor_with, floor_without = _with_and_without(kb, d, classes, act_layer, crit, ref, x, y, way)

    warned = _logits_warnings(caught)
    reason = None
    name = head.loss.name or crit.name
    if kb.backend == "tensorflow" and warned:
        if way.raw and way.graph:  # a raw op carries no _keras_logits: only its op type can be seen
            reason = (
                f"keras on tensorflow sees the Softmax op of {way.raw} in {way.loop}'s graph and computes {name} "
                "from its input (keras/src/backend/tensorflow/nn.py, _get_logits) and only warns"
            )
        else:
            reason = (
                f"keras on tensorflow computes {name} from the logits behind the softmax "
                "output (keras/src/backend/tensorflow/nn.py, _get_logits) and only warns"
            )
    elif kb.backend:
        reason = f"keras on {kb.backend} does not reproduce the double softmax"
    smoothing = crit.fn.get_config().get("label_smoothing", 0.0) if hasattr(crit.fn, "get_config") else 0.0
    analytic = math.log(1 + (classes - 1) / math.e) if not smoothing and classes > 1 else None
    return verdicts.double_softmax(
        floor_with, floor_without, ratio, analytic, classes, CLASSIFIER_STEPS,
        neutralised_by=reason, extra=(("keras_logits_warnings", float(min(warned, 1))),),
        path=way.describe(),
    )


# --- HL002: sigmoid output trained with squared error ------------------------------------


def sigmoid_mse(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    keras = kb.keras
    d = choices.in_features(head)
    units = head.output_layer.units if head.output_layer is not None else None
    if isinstance(units, int) and units != 1:
        choices.note(f"units=1 ({units} in the source; the gradient is the same for each unit)")
    crit = criterion(kb, head, choices)
    bce = criterion(kb, head, choices, kind="binary_crossentropy", from_logits=False)  # on the sigmoid output
    # Squared error never looks behind the sigmoid; the reference crossentropy may
    # (Keras' sigmoid, or tf.sigmoid in a graph), and either way its gradient at the
    # logit is sigmoid(z) - y. The activation and the mode are the source's all the same.
    way = route(kb, head, choices, _kind(head, "sigmoid"))

    # Zero kernel and bias -10: the logit is -10 for any input, and the gradient
    # with respect to the bias is exactly d(loss)/d(logit).
    model = sequential(
        kb, d,
        dense(kb, 1, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(LOGIT)),
        activation_layer(kb, way.kind, raw=bool(way.raw)),
    )
    bias = model.layers[0].bias
    x = _rng().standard_normal((1, d)).astype("float32")
    y = keras.ops.convert_to_tensor([[TARGET]], dtype="float32")
    (mse_grad,) = gradients(kb, lambda _bias: crit.mean(kb, y, model(x)), [bias], way.graph)
    (bce_grad,) = gradients(kb, lambda _bias: bce.mean(kb, y, model(x)), [bias], way.graph)
    return verdicts.sigmoid_mse(LOGIT, TARGET, float(mse_grad[0]), float(bce_grad[0]))


# --- HL003: non-negative output on targets that can be negative -------------------------


def nonneg_signed(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    d = choices.in_features(head)
    units = choices.units(head, REGRESSION_UNITS)
    # Nothing looks behind these activations: fit() measures a custom loop's harm too.
    way = route(kb, head, choices, _kind(head, "relu"))
    kind = way.kind
    crit = criterion(kb, head, choices)
    low, high = OUTPUT_RANGES.get(kind, (0.0, math.inf))

    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    w = rng.standard_normal((d, units))
    y = ((x @ w) / np.sqrt((w * w).sum(0))).astype("float32")  # standard normal, linear in x
    sign = "signed"
    if head.targets.sign is Sign.NONNEG:
        y, sign = np.abs(y), "non-negative"
    elif head.targets.sign is not Sign.SIGNED:
        choices.note("targets=standard normal (their sign is unknown)")
    unreachable = float(((y < low) | (y > high)).mean())

    model = sequential(kb, d, dense(kb, units), activation_layer(kb, kind, raw=bool(way.raw)))
    linear = sequential(kb, d, dense(kb, units))
    linear.set_weights(model.get_weights())
    fit(kb, model, crit.fn, x, y, REGRESSION_STEPS, REGRESSION_LR)
    fit(kb, linear, crit.fn, x, y, REGRESSION_STEPS, REGRESSION_LR)
    loss_with = float(_np(kb, crit.mean(kb, y, model(x))))
    loss_without = float(_np(kb, crit.mean(kb, y, linear(x))))

    # After the fit: the activation's derivative at each output (elementwise, so
    # the gradient of the sum is each output's own derivative).
    z = model.layers[0](x)
    (deriv,) = gradients(kb, lambda out: kb.keras.ops.sum(model.layers[1](out)), [z])
    none = np.abs(deriv) < NO_GRADIENT
    return verdicts.nonneg_signed(
        kind, unreachable, loss_with, loss_without, float(none.mean()),
        int(none.all(axis=0).sum()), units, REGRESSION_STEPS, sign,
    )


# --- HL004: softmax over a single unit ----------------------------------------------------


def _loss_targets(target: str, n: int, units: int):
    import numpy as np

    rng = _rng()
    if target == "index":
        return np.zeros((n,), dtype="int32")  # the only class there is
    if target == "onehot":
        return np.ones((n, units), dtype="float32") / units
    if target == "binary":
        return rng.integers(0, 2, (n, units)).astype("float32")
    return rng.standard_normal((n, units)).astype("float32")


def one_unit_softmax(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    ops = kb.keras.ops
    d = choices.in_features(head)
    units = choices.units(head, 1)
    axis = choices.softmax_axis(head, "keras")
    way = route(kb, head, choices, _kind(head, "softmax"))
    model = sequential(kb, d, dense(kb, units), activation_layer(kb, way.kind, axis, raw=bool(way.raw)))
    weights = model.trainable_variables

    x = _rng().standard_normal((SAMPLES, d)).astype("float32")
    gap = np.abs(1 - _np(kb, model(x)))  # |1 - p|: within verdicts.ONE_TOLERANCE counts as 1.0, never == 1.0
    ones = int((gap < verdicts.ONE_TOLERANCE).all(axis=1).sum())
    output_grad = max(float(np.abs(g).max()) for g in gradients(kb, lambda *_: ops.sum(model(x)), weights))
    # The corrected head: the same weights and inputs with a sigmoid (the fix).
    twin = sequential(kb, d, dense(kb, units), activation_layer(kb, "sigmoid"))
    twin.set_weights(model.get_weights())
    reference_grad = max(
        float(np.abs(g).max()) for g in gradients(kb, lambda *_: ops.sum(twin(x)), twin.trainable_variables)
    )

    loss_grad, note = None, ""
    if head.loss is not None:
        try:
            crit = criterion(kb, head, choices)
        except ProbeUnavailable:
            crit = None  # the output gradient says it all
        if crit is not None:
            y = _loss_targets(crit.target, SAMPLES, units)
            # The loss where it meets the output: in fit()'s graph a raw tf.nn.softmax
            # shows its op type (to a categorical crossentropy; a binary one looks
            # for Sigmoid), eagerly it shows nothing; Keras' softmax shows its logit either way.
            grads = gradients(kb, lambda *_: crit.mean(kb, y, model(x)), weights, way.graph)
            loss_grad = max(float(np.abs(g).max()) for g in grads)
            if loss_grad > verdicts.CONSTANT_GRADIENT * reference_grad:
                # Keras on tensorflow scores a crossentropy on the cached logit, so
                # the weights move, but what the model outputs is still 1.0.
                note = (
                    f"{way.describe()}: keras on {kb.backend} computes {crit.name} from the logit behind "
                    f"the softmax, so the weights still move (gradient {loss_grad:.2g}), but every prediction stays 1.0"
                )
    return verdicts.one_unit_softmax(SAMPLES, ones, output_grad, reference_grad, loss_grad, note, float(gap.max()))


# --- HL005: sigmoid output into a loss that applies sigmoid itself ----------------------


def _binary_floor(negatives: float) -> float:
    """-ln(1 - sigmoid(0)) = ln 2 for a negative, -ln sigmoid(1) for a positive (torch_probes)."""
    return negatives * math.log(2) + (1 - negatives) * math.log(1 + math.exp(-1))


def double_sigmoid(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    """HL001's experiment with a sigmoid: the loss as the source builds it against
    the same loss on the logits, trained the way the source trains."""
    d = choices.in_features(head)
    units = choices.units(head, 1)
    crit = criterion(kb, head, choices)
    ref = criterion(kb, head, choices, kind=loss_kind(head), from_logits=True)
    way = route(kb, head, choices, _kind(head, "sigmoid"))

    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    y = (x @ rng.standard_normal((d, units)) > 0).astype("float32")  # separable 0/1 labels

    act_layer = activation_layer(kb, way.kind, raw=bool(way.raw))
    ratio, floor_with, floor_without = _with_and_without(kb, d, units, act_layer, crit, ref, x, y, way)

    warned = _logits_warnings(caught)
    reason = None
    name = head.loss.name or crit.name
    if kb.backend == "tensorflow" and warned:
        seen = f"the Sigmoid op of {way.raw} in {way.loop}'s graph" if way.raw and way.graph else "the logits behind the sigmoid output"
        reason = (
            f"keras on tensorflow computes {name} from {seen} "
            "(keras/src/backend/tensorflow/nn.py, _get_logits) and only warns"
        )
    elif kb.backend:
        reason = f"keras on {kb.backend} does not reproduce the double sigmoid"
    smoothing = crit.fn.get_config().get("label_smoothing", 0.0) if hasattr(crit.fn, "get_config") else 0.0
    analytic = _binary_floor(float((y == 0).mean())) if not smoothing else None
    return verdicts.double_sigmoid(
        floor_with, floor_without, ratio, analytic, CLASSIFIER_STEPS,
        neutralised_by=reason, extra=(("keras_logits_warnings", float(min(warned, 1))),),
        path=way.describe(),
    )


# --- HL007: raw output into a loss that expects probabilities ------------------------------


def _labels(rng, x, units: int, target: str):
    """Separable labels for ``units`` outputs, in the form the loss takes, and the
    class of each example (for accuracy)."""
    scores = x @ rng.standard_normal((x.shape[1], units))
    if target == "binary":
        y = (scores > 0).astype("float32")
        return y, y
    classes = scores.argmax(axis=1)
    return _targets(classes, units, target), classes


def logits_into_probability_loss(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    d = choices.in_features(head)
    crit = criterion(kb, head, choices)
    units = choices.units(head, 1 if crit.target == "binary" else CLASSES)
    ref = criterion(kb, head, choices, kind=loss_kind(head), from_logits=True)  # the loss on logits

    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    y, truth = _labels(rng, x, units, crit.target)
    kind = _kind(head, "identity")  # identity: the raw output of the finding; the corrected head has its activation
    raw = sequential(kb, d, dense(kb, units), *([] if kind == "identity" else [activation_layer(kb, kind)]))
    reference = sequential(kb, d, dense(kb, units))
    reference.set_weights(raw.get_weights())

    # Per example, at the start: does the loss send any gradient back to its outputs?
    # (Nothing looks behind a raw Dense output: fit() and an eager loop alike.)
    out = raw(x)
    (g,) = gradients(kb, lambda o: crit.mean(kb, y, o), [out], graph=True)
    (g_ref,) = gradients(kb, lambda o: ref.mean(kb, y, o), [reference(x)], graph=True)  # the loss on logits
    none = verdicts.no_gradient(g, g_ref)
    silent = np.all(none.reshape(SAMPLES, -1), axis=1)  # examples: no gradient to any output
    wrong = ~_correct(_np(kb, out), truth, crit.target, threshold=0.5)

    fit(kb, raw, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    fit(kb, reference, ref.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    return verdicts.probability_loss_clipped(
        SAMPLES, float(none.mean()), float((silent & wrong).mean()),
        float(_correct(_np(kb, raw(x)), truth, crit.target, 0.5).mean()),
        float(_correct(_np(kb, reference(x)), truth, crit.target, 0.0).mean()),
        CLASSIFIER_STEPS,
    )


def _correct(out, truth, target: str, threshold: float):
    """Per example: every binary output on the right side of ``threshold`` (0.5 for
    probabilities, 0 for logits), or the right class ranked first."""
    if target == "binary":
        return ((out > threshold) == (truth > 0.5)).all(axis=1)
    return out.argmax(axis=1) == truth


# --- HL010: a crossentropy over classes on a single unit -----------------------------------


def _first_line(exc: BaseException) -> str:
    """The message TensorFlow puts after its op name ``{{function_node ...}}``."""
    text = str(exc).strip()
    if "}}" in text:
        text = text.split("}}", 1)[1]
    lines = text.strip().splitlines()
    if not lines:
        return type(exc).__name__
    sentence = lines[0].strip().split(". ", 1)[0].rstrip(".")  # not the 256 label values that follow
    return f"{type(exc).__name__}: {sentence}."


def one_unit_categorical(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    d = choices.in_features(head)
    crit = criterion(kb, head, choices)
    kind = _kind(head, "identity")
    if kind not in ACTIVATION_NAMES and kind != "softmax":
        # over one class the loss is 0 whatever the activation: none stands in
        choices.note(f"no activation stands in for {kind!r} (one class: the loss is the same)")
        kind = "identity"
    if kind == "identity":
        model = sequential(kb, d, dense(kb, 1))
        way = None
    else:
        way = route(kb, head, choices, kind)
        model = sequential(kb, d, dense(kb, 1), activation_layer(kb, way.kind, raw=bool(way.raw)))
    graph = way.graph if way is not None else True
    x = _rng().standard_normal((SAMPLES, d)).astype("float32")

    # The labels a one-class loss can take: class 0 (index), or what binary labels
    # become as one-hot rows of one column (0 or 1: both sum to at most one class).
    if crit.target == "index":
        y = np.zeros((SAMPLES,), dtype="int32")
    else:
        y = _rng().integers(0, 2, (SAMPLES, 1)).astype("float32")
    terms = _np(kb, _terms(kb, crit, y, model(x)))
    grads = gradients(kb, lambda *_: crit.mean(kb, y, model(x)), model.trainable_variables, graph)
    weight_grad = max(float(np.abs(g).max()) for g in grads)

    error = None
    if crit.target == "index":
        try:
            _np(kb, crit.fn(np.ones((SAMPLES,), dtype="int32"), model(x)))
        except Exception as exc:  # noqa: BLE001 - the backend's own error is the evidence
            error = _first_line(exc)
    note = ""
    if weight_grad > 0:
        note = (
            f"keras on {kb.backend} still sends the weights a gradient ({weight_grad:.2g}) that moves "
            "no loss: the fused softmax op's gradient assumes labels that sum to 1"
        )
    # the corrected head: binary cross-entropy on the same logit, random 0/1 labels
    binary = _rng().integers(0, 2, (SAMPLES, 1)).astype("float32")
    reference = float(_np(kb, kb.keras.losses.BinaryCrossentropy(from_logits=True)(binary, model.layers[0](x))))
    return verdicts.one_unit_categorical(
        SAMPLES, float(np.abs(terms).max()), weight_grad, error, note, reference_loss=reference,
    )


def _terms(kb: KerasBundle, crit, y, out):
    """The loss of each example (the Keras loss function, unreduced)."""
    fn = crit.fn
    if hasattr(fn, "fn") and hasattr(fn, "_fn_kwargs"):  # a keras.losses.Loss wrapping a function
        return fn.fn(y, out, **fn._fn_kwargs)
    return fn(y, out)


# --- HL008: softmax over the wrong axis -----------------------------------------------

TIME_STEPS = 6  # the middle axis of a 3-D (batch, time, features) probe input
COUPLED = 8  # the batch in which one example's output is watched while the others change


def _normalised_axis(probs) -> "int | None":
    import numpy as np

    for axis in range(probs.ndim):
        if np.abs(probs.sum(axis=axis) - 1).max() < verdicts.SUMS_TO_ONE:
            return axis
    return None


def wrong_axis(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    keras = kb.keras
    act = head.activation
    rank = act.rank if act.rank in (2, 3) else 2
    if act.rank != rank:
        choices.note(f"rank=2 ({act.rank} in the record)")
    axis = -1 if act.axis is None and not act.axis_given else act.axis
    if not isinstance(axis, int) or not -rank <= axis < rank:
        raise ProbeUnavailable(f"axis={axis!r} is not an axis of a {rank}-D output")
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    way = route(kb, head, choices, _kind(head, "softmax"))
    shape = (d,) if rank == 2 else (TIME_STEPS, d)

    def build(on_axis):
        layer = activation_layer(kb, way.kind, on_axis, raw=bool(way.raw))
        return keras.Sequential([keras.Input(shape), dense(kb, classes), layer])

    model = build(axis)
    rng = _rng()
    x = rng.standard_normal((SAMPLES, *shape)).astype("float32")
    log = way.kind == "log_softmax"
    read = (lambda t: np.exp(_np(kb, t))) if log else (lambda t: _np(kb, t))
    probs = read(model(x))
    picked = _normalised_axis(probs)
    alone = read(model(x[:1]))
    small = x[:COUPLED].copy()
    others = small.copy()
    if picked == 0 or rank == 2:
        others[1:] = rng.standard_normal(others[1:].shape)
        moved = np.abs(read(model(others))[0] - read(model(small))[0]).max()
    else:  # over time: the other time steps of example 0 change
        others[0, 1:] = rng.standard_normal(others[0, 1:].shape)
        moved = np.abs(read(model(others))[0, 0] - read(model(small))[0, 0]).max()
    class_sums = probs.sum(axis=-1)
    training, extra = "", ()
    if head.loss is not None and picked != rank - 1:
        training, extra = _train_on_the_axis(kb, head, choices, way, build, model, x, classes, rank)
    return verdicts.wrong_axis(
        rank, picked, float(class_sums.min()), float(class_sums.max()), float(moved),
        float((np.abs(1 - alone) < verdicts.ONE_TOLERANCE).mean()), False, training, extra,
    )


def _train_on_the_axis(kb, head, choices, way, build, model, x, classes, rank):
    """Train with the source's softmax and with one over the classes (the loss's
    axis), from the same start; the loss as Keras computes it, and the share of
    examples (positions) whose output ranks the right class first."""
    try:
        crit = criterion(kb, head, choices)
    except ProbeUnavailable:
        return "", ()
    rng = _rng()
    labels = (x @ rng.standard_normal((x.shape[-1], classes))).argmax(axis=-1)
    y = _targets(labels, classes, crit.target)
    right = build(-1)
    right.set_weights(model.get_weights())
    results = []
    for net in (model, right):
        if way.eager:
            xt, yt = kb.keras.ops.convert_to_tensor(x), kb.keras.ops.convert_to_tensor(y)
            train_eager(kb, [lambda net=net: crit.fn(yt, net(xt))], net.trainable_variables, CLASSIFIER_STEPS, CLASSIFIER_LR)
        else:
            fit(kb, net, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
        loss = evaluate(kb, lambda net=net: crit.mean(kb, y, net(x)), way.graph)
        accuracy = float((_np(kb, net(x)).argmax(axis=-1) == labels).mean())
        results.append((loss, accuracy))
    (loss, accuracy), (ref_loss, ref_accuracy) = results
    where = "examples" if rank == 2 else "positions"
    text = (
        f"after {CLASSIFIER_STEPS} steps ({way.describe()}) {crit.name} is {loss:.3f} ({ref_loss:.3f} over the classes) "
        f"and {verdicts._pct(accuracy)} of {where} rank the right class first ({verdicts._pct(ref_accuracy)})"
    )
    if kb.backend == "tensorflow" and abs(loss - ref_loss) < 1e-3 and not way.raw:
        text += (
            "; keras on tensorflow computes the loss from the logits behind its softmax, over the loss's axis "
            "(keras/src/backend/tensorflow/nn.py, _get_logits): the training is not hurt, the outputs are"
        )
    extra = (("loss", loss), ("reference_loss", ref_loss), ("accuracy", accuracy), ("reference_accuracy", ref_accuracy))
    return text, extra


# --- HL009: an L1 penalty on a softmax output ---------------------------------------------

PENALTY_BATCHES = 5
PENALTY_STEPS = 100
DEFAULT_COEFFICIENT = 0.01


def l1_on_softmax(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    import numpy as np

    keras = kb.keras
    ops = keras.ops
    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    penalty = next((p for p in head.penalties if p.kind == "l1"), None)
    coefficient = penalty.coefficient if penalty is not None else None
    if not (isinstance(coefficient, (int, float)) and not isinstance(coefficient, bool) and 0 < coefficient <= 1000):
        choices.note(f"coefficient={DEFAULT_COEFFICIENT} (not a literal)")
        coefficient = DEFAULT_COEFFICIENT
    regularizer = keras.regularizers.L1(coefficient)
    # activity_regularizer on the softmax layer: Keras adds l1 * sum(|p|) / batch to the loss
    # the head's activation: softmax in the finding, none (L1 on the logits) in the corrected head
    kind = ACTIVATION_NAMES.get(_kind(head, "softmax"), "softmax")
    model = sequential(kb, d, dense(kb, classes, activation=kind, activity_regularizer=regularizer))
    on_logits = sequential(kb, d, dense(kb, classes, activity_regularizer=regularizer))
    on_logits.set_weights(model.get_weights())

    def penalty_of(net, batch):
        out = net(batch)
        if net.losses:
            return ops.sum(ops.stack(net.losses))
        # keras on jax keeps a layer's losses only inside fit()'s stateless call:
        # the same term as Layer.__call__ adds, the regularizer over the batch size
        return regularizer(out) / batch.shape[0]

    rng = _rng()
    values = [float(_np(kb, penalty_of(model, rng.standard_normal((SAMPLES, d)).astype("float32")))) for _ in range(PENALTY_BATCHES)]
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    grad = max(float(np.abs(g).max()) for g in gradients(kb, lambda *_: penalty_of(model, x), model.trainable_variables))
    reference = max(float(np.abs(g).max()) for g in gradients(kb, lambda *_: penalty_of(on_logits, x), on_logits.trainable_variables))

    # The same training with and without the regularizer, from the same start.
    labels = (x @ rng.standard_normal((d, classes))).argmax(axis=1).astype("int32")
    plain = sequential(kb, d, dense(kb, classes, activation="softmax"))
    plain.set_weights(model.get_weights())
    loss = keras.losses.SparseCategoricalCrossentropy()
    fit(kb, model, loss, x, labels, PENALTY_STEPS, CLASSIFIER_LR)
    fit(kb, plain, loss, x, labels, PENALTY_STEPS, CLASSIFIER_LR)
    change = max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights(), plain.get_weights()))
    gap = model.evaluate(x, labels, verbose=0) - plain.evaluate(x, labels, verbose=0)
    return verdicts.l1_on_softmax(
        coefficient, values[0], max(values) - min(values), PENALTY_BATCHES, grad, reference, change, PENALTY_STEPS,
        loss_gap=float(gap),
    )


# --- HL011: an output range the loss cannot score ----------------------------------------


def range_mismatch(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    from ..rules import hl011_range_mismatch as rule

    if rule.sigmoid_on_signed_regression(head) is not None:
        return nonneg_signed(kb, head, choices, caught)  # HL003's measurement, for a sigmoid's (0, 1)
    if rule.tanh_into_bce(head) is not None:
        return _tanh_into_bce(kb, head, choices)
    if _kind(head, "") == "sigmoid" and head.loss is not None and head.loss.kind == "binary_crossentropy":
        return _tanh_into_bce(kb, head, choices)  # the corrected head: measured the same way
    if rule.softmax_into_binary(head) is not None or rule.softmax_into_sigmoid_loss(head) is not None:
        return _wrong_loss(kb, head, choices, "softmax", "categorical_crossentropy")
    if rule.sigmoid_into_categorical(head) is not None:
        return _wrong_loss(kb, head, choices, "softmax", head.loss.kind)
    if rule.sigmoid_into_cross_entropy(head) is not None:
        return _sigmoid_into_logits_loss(kb, head, choices)
    raise ProbeUnavailable("the head is none of HL011's pairs")


def _sigmoid_into_logits_loss(kb: KerasBundle, head: Head, choices: Choices) -> verdicts.Outcome:
    """Sigmoid outputs into the source's logits loss vs the logits into it, trained
    from the same start on separable labels: the loss's floor and what each run reaches."""
    import numpy as np

    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=2)
    crit = criterion(kb, head, choices)
    way = route(kb, head, choices, _kind(head, "sigmoid"))
    model = sequential(kb, d, dense(kb, classes), activation_layer(kb, way.kind, raw=bool(way.raw)))
    reference = sequential(kb, d, dense(kb, classes))
    reference.set_weights(model.get_weights())
    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    labels = (x @ rng.standard_normal((d, classes))).argmax(axis=1)
    y = _targets(labels, classes, crit.target)
    fit(kb, model, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    fit(kb, reference, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    final = evaluate(kb, lambda: crit.mean(kb, y, model(x)), True)
    ref_final = evaluate(kb, lambda: crit.mean(kb, y, reference(x)), True)
    p = _np(kb, model(x))
    logits = _np(kb, reference(x))
    shifted = logits - logits.max(axis=1, keepdims=True)
    accuracy, ce = _as_distribution(p, labels)
    ref_accuracy, ref_ce = _as_distribution(np.exp(shifted), labels)  # the logits' softmax, unnormalised
    floor = math.log(1 + (classes - 1) / math.e)  # right sigmoid at 1, the others at 0
    extra = (("loss_floor", floor), ("final_loss", final), ("reference_final_loss", ref_final))
    note = f"the loss ends at {final:.3f} (its floor with sigmoids is {floor:.3f}) vs {ref_final:.3f} on the logits"
    if final < floor:
        # Keras' sigmoid caches its logits, and the tensorflow backend's crossentropy uses them
        note += (f"; keras on {kb.backend} computes the loss from the logits behind the sigmoid "
                 "(keras/src/backend/tensorflow/nn.py, _get_logits): the training is not hurt, predict()'s "
                 "sigmoids are, saturating at 1.0 for several classes")
    return verdicts.wrong_loss_for_activation(
        f"sigmoid with {crit.name}", accuracy, ref_accuracy, ce, ref_ce, f"the logits and {crit.name}",
        CLASSIFIER_STEPS, float(p.sum(axis=1).mean()), "", extra, note,
    )


def _tanh_into_bce(kb: KerasBundle, head: Head, choices: Choices) -> verdicts.Outcome:
    d = choices.in_features(head)
    units = choices.units(head, 1)
    crit = criterion(kb, head, choices)
    way = route(kb, head, choices, _kind(head, "tanh"))
    model = sequential(kb, d, dense(kb, units), activation_layer(kb, way.kind, raw=bool(way.raw)))
    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    y = (x @ rng.standard_normal((d, units)) > 0).astype("float32")  # separable labels
    out = model(x)
    negative = float((_np(kb, out) < 0).mean())
    (grad,) = gradients(kb, lambda o: crit.mean(kb, y, o), [out], way.graph)
    per_example = _np(kb, kb.keras.losses.binary_crossentropy(y[:, :1], out[:, :1]))
    # the corrected head: the same loss on a sigmoid of the same pre-activations
    sigmoid = sequential(kb, d, dense(kb, units), activation_layer(kb, "sigmoid"))
    sigmoid.set_weights(model.get_weights())
    (grad_ref,) = gradients(kb, lambda o: crit.mean(kb, y, o), [sigmoid(x)], way.graph)
    stuck = (y == 1) & verdicts.no_gradient(grad, grad_ref)
    clipped = float(per_example[stuck[:, 0]].max()) if stuck[:, 0].any() else None

    fit(kb, model, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    fit(kb, sigmoid, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    after = _np(kb, model(x))
    accuracy = float(((after > 0.5) == y).mean())
    reference = float(((_np(kb, sigmoid(x)) > 0.5) == y).mean())
    later = (
        f"after {CLASSIFIER_STEPS} steps {verdicts._pct(accuracy)} are classified right ({verdicts._pct(reference)} "
        f"with a sigmoid) and {verdicts._pct(float((after < 0).mean()))} of the outputs are still negative"
    )
    extra = (("accuracy", accuracy), ("sigmoid_accuracy", reference), ("negative_after_training", float((after < 0).mean())))
    return verdicts.tanh_into_bce(
        negative, int(out.shape[0]) * units, clipped_loss=clipped, dead_share=float(stuck.mean()), after=later, extra=extra,
    )


def _as_distribution(p, labels) -> tuple:
    """Predictions read as a distribution over the classes (each row divided by its
    sum): (accuracy, cross-entropy of the right class)."""
    import numpy as np

    q = np.clip(p / p.sum(axis=1, keepdims=True), 1e-7, 1.0)
    return float((p.argmax(axis=1) == labels).mean()), float(-np.log(q[np.arange(len(labels)), labels]).mean())


def _wrong_loss(kb: KerasBundle, head: Head, choices: Choices, right_kind: str, right_loss: str) -> verdicts.Outcome:
    """The source's activation and loss vs ``right_kind`` with ``right_loss``, trained
    from the same start; the predictions read as a distribution over the classes."""
    import numpy as np

    d = choices.in_features(head)
    classes = choices.units(head, CLASSES, minimum=3)
    crit = criterion(kb, head, choices)
    ref = criterion(kb, head, choices, kind=right_loss, from_logits=False)
    way = route(kb, head, choices, _kind(head, "softmax"))
    model = sequential(kb, d, dense(kb, classes), activation_layer(kb, way.kind, raw=bool(way.raw)))
    reference = sequential(kb, d, dense(kb, classes), activation_layer(kb, right_kind))
    reference.set_weights(model.get_weights())
    rng = _rng()
    x = rng.standard_normal((SAMPLES, d)).astype("float32")
    labels = (x @ rng.standard_normal((d, classes))).argmax(axis=1)
    start = _np(kb, model(x))
    y, y_ref = _targets(labels, classes, crit.target), _targets(labels, classes, ref.target)
    fit(kb, model, crit.fn, x, y, CLASSIFIER_STEPS, CLASSIFIER_LR)
    fit(kb, reference, ref.fn, x, y_ref, CLASSIFIER_STEPS, CLASSIFIER_LR)

    def read(net):
        p = _np(kb, net(x))
        return (*_as_distribution(p, labels), p)

    accuracy, ce, p = read(model)
    ref_accuracy, ref_ce, _ = read(reference)
    onehot = np.eye(classes)[labels]
    extra = (
        ("binary_accuracy_at_start", float(((start > 0.5) == onehot).mean())),
        ("categorical_accuracy_at_start", float((start.argmax(axis=1) == labels).mean())),
    )
    what = f"{way.kind} with {crit.name}"
    trained_alike = abs(
        evaluate(kb, lambda: crit.mean(kb, y, model(x)), True) - evaluate(kb, lambda: ref.mean(kb, y_ref, reference(x)), True)
    ) < 1e-3
    note = ""
    if trained_alike and way.kind == "sigmoid":
        # Keras' sigmoid caches its logits, and a categorical crossentropy on tensorflow uses them
        note = (
            f"keras on {kb.backend} trains it exactly like a softmax (the same loss: it computes the loss from the "
            "logits behind the sigmoid, keras/src/backend/tensorflow/nn.py, _get_logits), but predict() returns the sigmoids"
        )
    return verdicts.wrong_loss_for_activation(
        what, accuracy, ref_accuracy, ce, ref_ce, f"{right_kind} and {right_loss}", CLASSIFIER_STEPS,
        float(p.sum(axis=1).mean()), f"keras on {kb.backend} trains it as well as {right_kind} with {right_loss}",
        extra, note,
    )


# --- HL012: argmax over a single unit -----------------------------------------------------


def argmax_one_unit(kb: KerasBundle, head: Head, choices: Choices, caught) -> verdicts.Outcome:
    """The one-unit Dense with its activation on random inputs: argmax over the unit
    axis against a threshold on the same outputs."""
    import numpy as np

    d = choices.in_features(head)
    kind = _kind(head, "identity")
    model = sequential(kb, d, dense(kb, choices.units(head, 1)), activation_layer(kb, kind))
    out = _np(kb, model(_rng().standard_normal((SAMPLES, d)).astype("float32")))
    zeros = int((np.argmax(out, axis=1) == 0).sum())
    threshold = 0.5 if kind == "sigmoid" else 0.0
    positives = int((out[:, 0] > threshold).sum())
    return verdicts.argmax_one_unit(SAMPLES, zeros, positives)


PROBES = {
    "HL001": double_softmax,
    "HL002": sigmoid_mse,
    "HL003": nonneg_signed,
    "HL004": one_unit_softmax,
    "HL005": double_sigmoid,
    "HL007": logits_into_probability_loss,
    "HL010": one_unit_categorical,
    "HL008": wrong_axis,
    "HL009": l1_on_softmax,
    "HL011": range_mismatch,
    "HL012": argmax_one_unit,
}
