"""Confirmation probes on the real frameworks (CPU).

Heads are built directly as records, the way the adapters would produce them;
each probe's evidence is computed once per module and checked for sensible
numbers, not for exact values. Tests that need a GPU skip without one.
"""

import os
import subprocess
import sys
import textwrap

import pytest

from headlint.confirm import confirm, imports
from headlint.records import Activation, Evidence, Framework, Head, Kind, Layer, Link, Loss, Sign, TargetFact

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # the probes train small models on torch and TensorFlow

T, K = Framework.TORCH, Framework.KERAS


# --- heads, as the adapters record them -----------------------------------------------


def torch_head(code, **kw):
    heads = {
        "HL001": lambda: Head(
            T, "Net",
            Layer("linear", 10, "nn.Linear(64, 10)", args=(("in_features", 64), ("out_features", 10))),
            Activation("softmax", 1, True, "nn.Softmax(dim=1)"),
            Loss("cross_entropy", T, "softmax", "logits", name="nn.CrossEntropyLoss"),
        ),
        "HL002": lambda: Head(
            T, "Net",
            Layer("linear", 1, "nn.Linear(32, 1)", args=(("in_features", 32), ("out_features", 1))),
            Activation("sigmoid", name="nn.Sigmoid()"),
            Loss("mse", T, None, "values", name="nn.MSELoss"),
            targets=TargetFact(Kind.LABEL, Sign.NONNEG),
        ),
        "HL003": lambda: Head(
            T, "Net",
            Layer("linear", 1, "nn.Linear(..., 1)", args=(("in_features", ...), ("out_features", 1))),
            Activation("relu", name="nn.ReLU()"),
            Loss("mse", T, None, "values", name="nn.MSELoss"),
            targets=TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "torch.randn"),
        ),
        "HL004": lambda: Head(
            T, "Net",
            Layer("linear", 1, "nn.Linear(64, 1)", args=(("in_features", 64), ("out_features", 1))),
            Activation("softmax", 1, True, "nn.Softmax(dim=1)"),
            Loss("bce", T, None, "probabilities", name="nn.BCELoss"),
        ),
    }
    head = heads[code]()
    return _replace(head, **kw)


def keras_head(code, **kw):
    heads = {
        "HL001": lambda: Head(
            K, "Sequential",
            Layer("dense", 10, "Dense(10)", args=(("units", 10), ("activation", "softmax"))),
            Activation("softmax", -1, False, "activation='softmax'"),
            Loss("categorical_crossentropy", K, "softmax", "logits", True,
                 "CategoricalCrossentropy(from_logits=True)", (("from_logits", True),)),
        ),
        "HL002": lambda: Head(
            K, "Sequential", Layer("dense", 1, "Dense(1)", args=(("units", 1),)),
            Activation("sigmoid", name="activation='sigmoid'"), Loss("mse", K, None, "values", name="'mse'"),
            targets=TargetFact(Kind.LABEL, Sign.NONNEG),
        ),
        "HL003": lambda: Head(
            K, "Sequential", Layer("dense", 1, "Dense(1)", args=(("units", 1),)),
            Activation("relu", name="activation='relu'"), Loss("mse", K, None, "values", name="'mse'"),
            targets=TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "np.random.randn"),
        ),
        "HL004": lambda: Head(
            K, "Sequential", Layer("dense", 1, "Dense(1)", args=(("units", 1),)),
            Activation("softmax", -1, False, "activation='softmax'"),
            Loss("binary_crossentropy", K, None, "probabilities", False, "'binary_crossentropy'"),
        ),
    }
    return _replace(heads[code](), **kw)


def _replace(head, **kw):
    from dataclasses import replace

    return replace(head, **kw) if kw else head


def measured(evidence: Evidence) -> dict:
    return dict(evidence.measurements)


# --- torch ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def torch_evidence():
    return {code: confirm(code, torch_head(code), "cpu") for code in ("HL001", "HL002", "HL003", "HL004")}


def test_torch_evidence_names_framework_version_and_device(torch_evidence):
    for code, ev in torch_evidence.items():
        assert ev.status == "confirmed", (code, ev.summary)
        assert ev.framework == "torch" and ev.device == "cpu" and ev.backend == ""
        assert ev.version == torch.__version__.split("+")[0]
        assert "\n" not in ev.summary and not ev.summary.startswith("confirmed")
        assert all(isinstance(v, float) for _, v in ev.measurements)
        assert ev.to_dict()["status"] == "confirmed"


def test_torch_double_softmax_has_a_loss_floor_and_smaller_gradients(torch_evidence):
    m = measured(torch_evidence["HL001"])
    assert m["loss_floor_with_softmax"] > 1.0
    assert m["loss_floor_without_softmax"] < 0.1
    assert m["analytic_floor_with_softmax"] == pytest.approx(1.4612, abs=1e-3)
    assert m["loss_floor_with_softmax"] >= m["analytic_floor_with_softmax"] - 1e-3
    assert 4 < m["logit_gradient_ratio"] < 30
    assert torch_evidence["HL001"].summary.startswith("loss cannot go below 1.")


def test_torch_sigmoid_mse_gradient_vanishes_when_confidently_wrong(torch_evidence):
    ev = torch_evidence["HL002"]
    m = measured(ev)
    assert m["mse_logit_gradient"] == pytest.approx(9.08e-5, rel=0.01)  # 2 (1 - p) p (1 - p), p = sigmoid(-10)
    assert m["bce_logit_gradient"] == pytest.approx(1.0, abs=1e-3)
    # the summary rounds the gradients to two digits: the same text on any kernel
    assert ev.summary.startswith("at logit -10 with target 1, d(MSE)/d(logit) = 9.1e-05 vs ")
    assert ev.summary.endswith(" for binary cross-entropy")


def test_torch_relu_on_signed_targets_leaves_half_unreachable(torch_evidence):
    ev = torch_evidence["HL003"]
    m = measured(ev)
    assert 0.35 < m["unreachable_target_share"] < 0.65
    assert m["loss_with_activation"] > 0.3 > 0.05 > m["loss_linear_output"]
    assert m["no_gradient_share"] == pytest.approx(m["unreachable_target_share"], abs=0.1)
    assert "which relu cannot output" in ev.summary
    assert ev.defaults == ("in_features=16 (not a literal)",)


def assert_constant_one(m):
    """A one-unit softmax: every output within verdicts.ONE_TOLERANCE of 1, and a
    gradient at least 1,000x smaller than the sigmoid twin's (never ``== 0``:
    vectorised exp kernels give 0.99999994 and a 1e-5 gradient)."""
    assert m["outputs_within_tolerance_of_1"] == m["samples"] == 256  # counts
    assert m["largest_distance_from_1"] < 1e-5
    assert m["sigmoid_output_gradient_max_abs"] > 1.0  # the corrected head learns
    assert m["output_gradient_max_abs"] < 1e-3 * m["sigmoid_output_gradient_max_abs"]


def test_torch_one_unit_softmax_is_constant_one_without_gradient(torch_evidence):
    m = measured(torch_evidence["HL004"])
    assert_constant_one(m)
    assert m["loss_gradient_max_abs"] < 1e-3 * m["sigmoid_output_gradient_max_abs"]
    assert torch_evidence["HL004"].summary.startswith("output is 1.0 (within 1e-05) for all 256 random inputs; ")
    assert "with a sigmoid" in torch_evidence["HL004"].summary


def test_torch_probe_is_deterministic(torch_evidence):
    again = confirm("HL001", torch_head("HL001"), "cpu")
    # the same seed and data in one process: equal to float32 rounding (not ==, which
    # would hang on the kernel picking the same summation order twice)
    for (name, value), (_, before) in zip(again.measurements, torch_evidence["HL001"].measurements):
        assert value == pytest.approx(before, rel=1e-5, abs=1e-7), name


def test_torch_probe_leaves_rng_and_threads_alone():
    torch.manual_seed(1234)
    state, threads = torch.random.get_rng_state(), torch.get_num_threads()
    confirm("HL004", torch_head("HL004"), "cpu")
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.get_num_threads() == threads


def test_label_smoothing_literal_is_used_and_still_confirms():
    head = torch_head("HL001")
    head = _replace(head, loss=_replace(head.loss, args=(("label_smoothing", 0.2),)))
    ev = confirm("HL001", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["loss_floor_without_softmax"] > 0.3  # smoothing keeps the logits' loss above 0
    assert "analytic_floor_with_softmax" not in m


def test_non_literal_and_oversized_arguments_get_named_defaults():
    head = torch_head(
        "HL001",
        output_layer=Layer("linear", None, args=(("in_features", 100000), ("out_features", ...), ("bias", False))),
    )
    head = _replace(head, loss=_replace(head.loss, args=(("reduction", ...), ("weight", "os.system('x')"))))
    ev = confirm("HL001", head, "cpu")
    assert ev.status == "confirmed"
    assert measured(ev)["classes"] == 10
    assert ev.defaults == (
        "in_features=256 (100000 in the source, capped to keep the probe fast)",
        "out_features=10 (not a literal)",
        "reduction: the framework default (not a literal)",
    )


def test_sum_reduction_reports_per_sample_floors():
    head = torch_head("HL001")
    head = _replace(head, loss=_replace(head.loss, args=(("reduction", "sum"),)))
    assert measured(confirm("HL001", head, "cpu"))["loss_floor_with_softmax"] < 2.0


def test_non_negative_targets_refute_hl003():
    ev = confirm("HL003", torch_head("HL003", targets=TargetFact(Kind.CONTINUOUS, Sign.NONNEG)), "cpu")
    assert ev.status == "refuted"
    assert measured(ev)["unreachable_target_share"] == 0.0


@pytest.mark.parametrize("kind", ["relu6", "softplus", "exp"])
def test_other_non_negative_activations_confirm_hl003(kind):
    ev = confirm("HL003", torch_head("HL003", activation=Activation(kind)), "cpu")
    assert ev.status == "confirmed", ev.summary
    assert f"which {kind} cannot output" in ev.summary


def test_softmax_over_the_batch_axis_is_not_a_constant():
    ev = confirm("HL004", torch_head("HL004", activation=Activation("softmax", 0, True)), "cpu")
    assert ev.status == "refuted"


# --- failures never raise ----------------------------------------------------------------


def test_code_without_a_probe():
    ev = confirm("HL042", torch_head("HL001"))
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: no probe for HL042 yet")


def test_cuda_requested_without_a_gpu():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU; see test_cuda_probe")
    ev = confirm("HL004", torch_head("HL004"), "cuda")
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: CUDA was requested but torch sees no GPU")


def test_cuda_probe():
    if not torch.cuda.is_available():
        pytest.skip("torch sees no GPU on this machine")
    for code in ("HL001", "HL002", "HL003", "HL004"):
        ev = confirm(code, torch_head(code), "cuda")
        assert (ev.status, ev.device) == ("confirmed", "cuda"), ev.summary
    assert confirm("HL004", torch_head("HL004"), "auto").device == "cuda"


def test_auto_device_without_a_gpu_is_cpu():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert confirm("HL004", torch_head("HL004"), "auto").device == "cpu"


def test_unknown_device():
    ev = confirm("HL004", torch_head("HL004"), "tpu")
    assert ev.status == "unconfirmed" and "unknown device 'tpu'" in ev.summary


def _no_framework(monkeypatch, missing):
    def refuse(name, *args, **kwargs):
        raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)

    monkeypatch.setattr(imports, "_cache", {})
    monkeypatch.setattr(imports, "import_module", refuse)


def test_torch_not_installed(monkeypatch):
    _no_framework(monkeypatch, "torch")
    ev = confirm("HL001", torch_head("HL001"))
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: torch is not installed")


def test_tensorflow_not_installed(monkeypatch):
    _no_framework(monkeypatch, "tensorflow")
    ev = confirm("HL001", keras_head("HL001"))
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: tensorflow is not installed")


def test_native_import_output_is_held_back_and_replayed_on_failure(monkeypatch, capfd):
    def noisy(name, *args, **kwargs):
        os.write(2, b"native: cannot load libcudart\n")
        raise ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow")

    monkeypatch.setattr(imports, "_cache", {})
    monkeypatch.setattr(imports, "import_module", noisy)
    assert confirm("HL001", keras_head("HL001")).summary == "not confirmed: tensorflow is not installed"
    assert "cannot load libcudart" in capfd.readouterr().err


def test_a_head_outside_the_allow_list_is_unconfirmed():
    ev = confirm("HL003", torch_head("HL003", activation=Activation("swish")), "cpu")
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: no torch constructor for activation 'swish'")
    head = torch_head("HL003")
    ev = confirm("HL003", _replace(head, loss=_replace(head.loss, kind="log_cosh")), "cpu")
    assert ev.summary == "not confirmed: no torch constructor for loss 'log_cosh'"


def test_a_failing_probe_is_unconfirmed_with_one_line(monkeypatch):
    from headlint.confirm import torch_probes

    def broken(*args):
        raise RuntimeError("shape mismatch\nsecond line")

    monkeypatch.setitem(torch_probes.PROBES, "HL004", broken)
    ev = confirm("HL004", torch_head("HL004"), "cpu")
    assert (ev.status, ev.summary) == (
        "unconfirmed", "not confirmed: the torch probe for HL004 failed (RuntimeError: shape mismatch)"
    )


def test_unknown_framework_and_missing_activation():
    assert confirm("HL001", torch_head("HL001", framework=None)).status == "unconfirmed"
    assert "no activation" in confirm("HL001", torch_head("HL001", activation=None)).summary


def test_importing_the_package_imports_no_framework():
    code = "import sys, headlint.confirm; print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- keras -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kb():
    pytest.importorskip("keras")
    bundle = imports.keras()
    if bundle.backend != "tensorflow":
        pytest.skip(f"these tests measure keras on tensorflow; keras is configured for {bundle.backend}")
    return bundle


@pytest.fixture(scope="module")
def keras_evidence(kb):
    return {code: confirm(code, keras_head(code), "cpu") for code in ("HL001", "HL002", "HL003", "HL004")}


def test_keras_evidence_names_the_backend(keras_evidence, kb):
    for ev in keras_evidence.values():
        assert (ev.framework, ev.backend, ev.device) == ("keras", "tensorflow", "cpu")
        assert ev.version == kb.keras.__version__
        assert "in_features=16 (the layer takes it from the data)" in ev.defaults


def test_keras_on_tensorflow_neutralises_from_logits_true_after_softmax(keras_evidence):
    # keras/src/backend/tensorflow/nn.py: _get_logits takes the logits cached on
    # the softmax output even when from_logits=True, and warns.
    ev = keras_evidence["HL001"]
    m = measured(ev)
    assert ev.status == "refuted"
    assert "_get_logits" in ev.summary and "tensorflow" in ev.summary
    assert m["loss_floor_with_softmax"] == pytest.approx(m["loss_floor_without_softmax"], abs=1e-3)
    assert m["loss_floor_without_softmax"] < 0.1
    assert m["logit_gradient_ratio"] == pytest.approx(1.0, abs=0.01)
    assert m["keras_logits_warnings"] == 1.0


def test_tf_nn_fused_op_after_softmax_is_harmful(kb):
    head = keras_head("HL001")
    head = _replace(head, loss=Loss("softmax_cross_entropy_with_logits", K, "softmax", "logits",
                                    name="tf.nn.softmax_cross_entropy_with_logits"))
    ev = confirm("HL001", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["loss_floor_with_softmax"] > 1.0 and m["loss_floor_without_softmax"] < 0.1
    assert m["logit_gradient_ratio"] > 4


# Which softmax, and where the loss meets it. Keras' tensorflow backend undoes its
# own softmax (``_keras_logits``) in any mode and a raw tf.nn.softmax only in a
# graph (op type Softmax, inside fit()); a raw one met eagerly is a real double softmax.

SPARSE_FROM_LOGITS = Loss(
    "sparse_categorical_crossentropy", K, "softmax", "logits", True,
    "SparseCategoricalCrossentropy(from_logits=True)", (("from_logits", True),),
)


def softmax_head(spelling, link_kind, loss=SPARSE_FROM_LOGITS, units=10):
    """``tf.nn.softmax(self.classifier(h))`` (axis left to its default) or
    ``Dense(10, activation='softmax')``, meeting ``loss`` as ``link_kind`` says."""
    name = "activation='softmax'" if spelling.startswith("keras.") else spelling.replace("tensorflow.", "tf.")
    return Head(
        K, "Net", Layer("dense", units, f"Dense({units})", args=(("units", units),)),
        Activation("softmax", None, False, name, spelling=spelling),
        loss, link=Link(node=None, kind=link_kind),
    )


@pytest.fixture(scope="module")
def route_evidence(kb):
    heads = {
        "raw_call": softmax_head("tensorflow.nn.softmax", "call"),
        "keras_compile": softmax_head("keras.activations.softmax", "compile"),
        "raw_compile": softmax_head("tensorflow.nn.softmax", "compile"),
    }
    return {key: confirm("HL001", head, "cpu") for key, head in heads.items()}


def test_raw_tf_softmax_in_an_eager_loop_is_a_real_double_softmax(route_evidence):
    ev = route_evidence["raw_call"]
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["loss_floor_with_softmax"] > 1.0 > 0.1 > m["loss_floor_without_softmax"]
    assert m["loss_floor_with_softmax"] >= m["analytic_floor_with_softmax"] - 1e-3
    assert m["logit_gradient_ratio"] > 4
    assert m["keras_logits_warnings"] == 0.0  # nothing for Keras to see behind an eager tf.nn.softmax
    assert ev.summary.endswith("(measured: eager custom loop with raw tf.nn.softmax)")


def assert_neutralised_in_fit(ev, softmax: str) -> dict:
    """Keras undid the softmax: the same floor and gradients as on the logits, and a warning."""
    m = measured(ev)
    assert ev.status == "refuted", ev.summary
    assert m["loss_floor_with_softmax"] == pytest.approx(m["loss_floor_without_softmax"], abs=1e-3)
    assert m["loss_floor_without_softmax"] < 0.1
    assert m["logit_gradient_ratio"] == pytest.approx(1.0, abs=0.01)
    assert m["keras_logits_warnings"] == 1.0
    assert ev.summary.endswith(f"(measured: fit() with {softmax})")
    return m


def test_keras_softmax_inside_fit_is_neutralised(route_evidence):
    ev = route_evidence["keras_compile"]
    assert_neutralised_in_fit(ev, "Keras' softmax")
    assert "_get_logits" in ev.summary


def test_raw_tf_softmax_inside_fit_is_neutralised_by_its_op_type(route_evidence):
    # Measured: in fit()'s graph the output's op type is Softmax, and _get_logits
    # takes its input, so the raw op is undone exactly like Keras' own softmax.
    ev = route_evidence["raw_compile"]
    m = assert_neutralised_in_fit(ev, "raw tf.nn.softmax")
    assert "sees the Softmax op of tf.nn.softmax in fit()'s graph" in ev.summary
    # the same training as with Keras' softmax, to the last digit
    keras_floor = measured(route_evidence["keras_compile"])["loss_floor_with_softmax"]
    assert m["loss_floor_with_softmax"] == pytest.approx(keras_floor, rel=1e-4)


def test_the_reference_trains_alike_eagerly_and_in_fit(route_evidence):
    eager, fitted = measured(route_evidence["raw_call"]), measured(route_evidence["keras_compile"])
    # the reference (the loss on the logits) trains alike eagerly and in fit()
    assert eager["loss_floor_without_softmax"] == pytest.approx(fitted["loss_floor_without_softmax"], rel=1e-3)


def test_tf_math_softmax_in_an_eager_loop_is_confirmed_too(kb):
    ev = confirm("HL001", softmax_head("tensorflow.math.softmax", "call"), "cpu")
    assert ev.status == "confirmed", ev.summary
    assert ev.summary.endswith("(measured: eager custom loop with raw tf.math.softmax)")


def test_a_raw_softmax_without_a_link_is_measured_inside_fit_and_says_so(kb):
    head = _replace(softmax_head("tensorflow.nn.softmax", "call"), link=None)
    ev = confirm("HL001", head, "cpu")
    assert ev.status == "refuted" and ev.summary.endswith("(measured: fit() with raw tf.nn.softmax)")
    assert "training path: fit() (the record does not say where the loss is called)" in ev.defaults


def test_sparse_tf_op_on_integer_labels_runs_inside_fit(kb):
    # compile() hands a loss its labels as floats; the fused sparse op needs integers.
    loss = Loss("sparse_softmax_cross_entropy_with_logits", K, "softmax", "logits",
                name="tf.nn.sparse_softmax_cross_entropy_with_logits")
    for spelling, link_kind, path in (
        ("keras.activations.softmax", "compile", "fit() with Keras' softmax"),
        ("tensorflow.nn.softmax", "call", "eager custom loop with raw tf.nn.softmax"),
    ):
        ev = confirm("HL001", softmax_head(spelling, link_kind, loss), "cpu")
        assert ev.status == "confirmed", ev.summary
        assert ev.summary.endswith(f"(measured: {path})")


def test_one_unit_raw_softmax_in_an_eager_loop_gets_no_loss_gradient(kb):
    # Keras' softmax lets binary_crossentropy reach the logit (test_keras_one_unit_softmax);
    # eagerly, a raw tf.nn.softmax does not: the loss gradient vanishes too.
    bce = Loss("binary_crossentropy", K, None, "probabilities", False, "'binary_crossentropy'")
    ev = confirm("HL004", softmax_head("tensorflow.nn.softmax", "call", bce, units=1), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert_constant_one(m)
    assert m["loss_gradient_max_abs"] < 1e-3 * m["sigmoid_output_gradient_max_abs"]
    assert "every prediction stays 1.0" not in ev.summary


def test_keras_sigmoid_mse(keras_evidence):
    ev = keras_evidence["HL002"]
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["mse_logit_gradient"] == pytest.approx(9.08e-5, rel=0.01)
    assert m["bce_logit_gradient"] == pytest.approx(1.0, abs=1e-3)


def test_keras_relu_on_signed_targets(keras_evidence):
    ev = keras_evidence["HL003"]
    m = measured(ev)
    assert ev.status == "confirmed"
    assert 0.35 < m["unreachable_target_share"] < 0.65
    assert m["loss_with_activation"] > 0.3 and m["loss_linear_output"] < 0.05


def test_keras_one_unit_softmax(keras_evidence):
    ev = keras_evidence["HL004"]
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert_constant_one(m)
    # binary_crossentropy is computed from the cached logit on tensorflow: the
    # weights move, yet the model's output stays 1.0.
    assert m["loss_gradient_max_abs"] > 1e-3 * m["sigmoid_output_gradient_max_abs"]
    assert "every prediction stays 1.0" in ev.summary


def test_keras_cuda_requested_without_a_gpu(kb):
    if kb.tf.config.list_physical_devices("GPU"):
        pytest.skip("tensorflow sees a GPU here")
    ev = confirm("HL004", keras_head("HL004"), "cuda")
    assert (ev.status, ev.summary) == ("unconfirmed", "not confirmed: CUDA was requested but tensorflow sees no GPU")


def test_keras_on_the_torch_backend_keeps_the_double_softmax():
    """The same head and loss on Keras' torch backend: no logits are recovered."""
    pytest.importorskip("keras")
    script = textwrap.dedent(
        """
        from headlint.confirm import confirm
        from headlint.records import *
        K = Framework.KERAS
        head = Head(K, "Sequential", Layer("dense", 10, args=(("units", 10),)), Activation("softmax", -1),
                    Loss("categorical_crossentropy", K, "softmax", "logits", True, "CategoricalCrossentropy(from_logits=True)"))
        ev = confirm("HL001", head, "cpu")
        m = dict(ev.measurements)
        print(ev.status, ev.backend, m["loss_floor_with_softmax"] > 1.0, m["loss_floor_without_softmax"] < 0.1)
        raw = Activation("softmax", -1, spelling="tensorflow.nn.softmax")
        ev = confirm("HL001", Head(K, "Net", head.output_layer, raw, head.loss, Link(None, "call")), "cpu")
        print(ev.status, "keras' softmax stands in for tf.nn.softmax (keras runs on torch)" in ev.defaults)
        """
    )
    env = dict(os.environ, KERAS_BACKEND="torch", TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["confirmed", "torch", "True", "True", "confirmed", "True"]


def test_a_conv_output_layer_gets_a_dense_stand_in():
    head = torch_head("HL003", output_layer=Layer("conv", 1, "nn.Conv2d(16, 1, 3)", args=(("in_channels", 16),)))
    ev = confirm("HL003", head, "cpu")
    assert ev.status == "confirmed"
    assert "a dense layer stands in for the conv layer nn.Conv2d(16, 1, 3)" in ev.defaults


# --- HL005, HL006, HL007, HL010 --------------------------------------------------------------

NLL = Loss("nll", T, None, "log_probabilities", name="nn.NLLLoss")


def new_torch_head(code, units=1, act="identity", loss=None):
    losses = {
        "HL005": Loss("bce_with_logits", T, "sigmoid", "logits", name="nn.BCEWithLogitsLoss"),
        "HL006": NLL,
        "HL007": Loss("bce", T, None, "probabilities", name="nn.BCELoss"),
        "HL010": Loss("cross_entropy", T, "softmax", "logits", name="nn.CrossEntropyLoss"),
    }
    layer = Layer("linear", units, f"nn.Linear(64, {units})", args=(("in_features", 64), ("out_features", units)))
    return Head(T, "Net", layer, Activation(act, 1 if "softmax" in act else None, "softmax" in act), loss or losses[code])


@pytest.fixture(scope="module")
def new_torch_evidence():
    heads = {
        "HL005": new_torch_head("HL005", act="sigmoid"),
        "HL006": new_torch_head("HL006", 10, "softmax"),
        "HL006 raw": new_torch_head("HL006", 10),
        "HL007": new_torch_head("HL007"),
        "HL010": new_torch_head("HL010", act="sigmoid"),
    }
    return {key: confirm(key[:5], head, "cpu") for key, head in heads.items()}


def test_new_torch_probes_confirm(new_torch_evidence):
    for key, ev in new_torch_evidence.items():
        assert (ev.status, ev.framework, ev.device) == ("confirmed", "torch", "cpu"), (key, ev.summary)
        assert ev.defaults == ()  # every size was a literal


def test_torch_double_sigmoid_floor_is_the_analytic_one(new_torch_evidence):
    m = measured(new_torch_evidence["HL005"])
    # p in [0, 1] read as a logit: ln 2 per negative, ln(1 + 1/e) = 0.313 per positive
    assert 0.45 < m["analytic_floor_with_sigmoid"] < 0.56
    assert m["loss_floor_with_sigmoid"] == pytest.approx(m["analytic_floor_with_sigmoid"], abs=0.03)
    assert m["loss_floor_without_sigmoid"] < 0.05
    assert 3 < m["logit_gradient_ratio"] < 8
    assert new_torch_evidence["HL005"].summary.startswith("loss cannot go below 0.5")


def test_torch_nll_on_probabilities_vanishes_when_confidently_wrong(new_torch_evidence):
    m = measured(new_torch_evidence["HL006"])
    # d(-p_y)/dz_y = -p_y (1 - p_y), p_y = 1 / (e^8 + 9): 3.3e-4, vs 1 - p_y on log-probabilities
    assert m["target_logit_gradient_on_probabilities"] == pytest.approx(3.34e-4, rel=0.01)
    assert m["target_logit_gradient_on_log_probabilities"] == pytest.approx(1.0, abs=1e-3)
    assert m["cross_entropy_on_probabilities"] > 0.3 > 0.05 > m["cross_entropy_on_log_probabilities"]
    assert m["accuracy_on_probabilities"] < m["accuracy_on_log_probabilities"] == 1.0


def test_torch_nll_on_raw_scores_has_no_floor(new_torch_evidence):
    ev = new_torch_evidence["HL006 raw"]
    m = measured(ev)
    assert m["loss_after_300_steps"] < m["loss_after_100_steps"] < -10  # NLL of log-probabilities is >= 0
    assert m["accuracy"] < 0.9 and m["accuracy_with_cross_entropy"] == 1.0
    assert "still falling" in ev.summary


def test_torch_bce_on_raw_outputs_raises(new_torch_evidence):
    ev = new_torch_evidence["HL007"]
    assert 0.3 < measured(ev)["outputs_outside_0_1_share"] < 0.7
    assert ev.summary.endswith("the loss raises RuntimeError: all elements of input should be between 0 and 1")


@pytest.mark.parametrize("act,loss", [("identity", None), ("sigmoid", None), ("log_softmax", NLL)])
def test_torch_one_unit_cross_entropy_is_exactly_zero(act, loss):
    ev = confirm("HL010", new_torch_head("HL010", act=act, loss=loss), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    # 0 within verdicts.ZERO_LOSS; the corrected head (binary cross-entropy on the same logit) is not 0
    assert m["loss_max"] < 1e-6 and m["weight_gradient_max_abs"] < 1e-6 and m["label_1_fails"] == 1.0
    assert m["binary_crossentropy_on_the_same_logit"] > 0.1
    assert ev.summary.endswith("a label of 1 fails: IndexError: Target 1 is out of bounds.")


def test_torch_hl010_probe_never_puts_a_bad_label_on_the_gpu():
    if not torch.cuda.is_available():
        pytest.skip("torch sees no GPU on this machine")
    for code, head in (("HL010", new_torch_head("HL010")), ("HL007", new_torch_head("HL007"))):
        ev = confirm(code, head, "cuda")
        assert (ev.status, ev.device) == ("confirmed", "cuda"), ev.summary
    assert torch.zeros(1, device="cuda").item() == 0.0  # the CUDA context still works


# Keras: the loss where it meets the output, as for HL001

BCE_FROM_LOGITS = Loss(
    "binary_crossentropy", K, "sigmoid", "logits", True, "BinaryCrossentropy(from_logits=True)", (("from_logits", True),)
)


def keras_new_head(units, act, spelling, loss, link_kind="compile"):
    return Head(
        K, "Net", Layer("dense", units, f"Dense({units})", args=(("units", units),)),
        Activation(act, spelling=spelling), loss, link=Link(node=None, kind=link_kind),
    )


@pytest.fixture(scope="module")
def keras_sigmoid_evidence(kb):
    heads = {
        "keras_compile": keras_new_head(1, "sigmoid", "keras.activations.sigmoid", BCE_FROM_LOGITS),
        "raw_call": keras_new_head(1, "sigmoid", "tensorflow.math.sigmoid", BCE_FROM_LOGITS, "call"),
        "tf_op": keras_new_head(1, "sigmoid", "keras.activations.sigmoid", Loss(
            "sigmoid_cross_entropy_with_logits", K, "sigmoid", "logits", name="tf.nn.sigmoid_cross_entropy_with_logits")),
    }
    return {key: confirm("HL005", head, "cpu") for key, head in heads.items()}


def test_keras_sigmoid_in_fit_is_neutralised_for_from_logits_true(keras_sigmoid_evidence):
    ev = keras_sigmoid_evidence["keras_compile"]
    m = measured(ev)
    assert ev.status == "refuted" and "_get_logits" in ev.summary
    assert m["loss_floor_with_sigmoid"] == pytest.approx(m["loss_floor_without_sigmoid"], abs=1e-3)
    assert m["keras_logits_warnings"] == 1.0
    assert ev.summary.endswith("(measured: fit() with Keras' sigmoid)")


def test_keras_raw_sigmoid_in_an_eager_loop_and_the_tf_op_are_double_sigmoids(keras_sigmoid_evidence):
    for key in ("raw_call", "tf_op"):
        ev = keras_sigmoid_evidence[key]
        m = measured(ev)
        assert ev.status == "confirmed", ev.summary
        assert m["loss_floor_with_sigmoid"] > 0.45 > 0.05 > m["loss_floor_without_sigmoid"]
        assert m["keras_logits_warnings"] == 0.0
    assert keras_sigmoid_evidence["raw_call"].summary.endswith("(measured: eager custom loop with raw tf.math.sigmoid)")


@pytest.mark.parametrize("units,kind", [(1, "binary_crossentropy"), (10, "sparse_categorical_crossentropy")])
def test_keras_raw_outputs_are_clipped_by_probability_losses(kb, units, kind):
    loss = Loss(kind, K, None, "probabilities", False, repr(kind))
    ev = confirm("HL007", keras_new_head(units, "identity", "", loss), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["no_gradient_output_share"] > 0.3  # clipped: exactly zero gradient
    assert m["accuracy_with_from_logits_true"] == 1.0
    if units == 10:  # renormalised and clipped scores barely train
        assert m["accuracy"] < 0.7


@pytest.mark.parametrize("kind", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_keras_one_unit_categorical_loss_is_zero(kb, kind):
    loss = Loss(kind, K, None, "probabilities", False, repr(kind))
    ev = confirm("HL010", keras_new_head(1, "sigmoid", "keras.activations.sigmoid", loss), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["loss_max"] < 1e-6  # verdicts.ZERO_LOSS: Keras' clip leaves 1e-7-sized terms
    assert m["binary_crossentropy_on_the_same_logit"] > 0.1
    if kind.startswith("sparse"):
        assert m["label_1_fails"] == 1.0 and "outside the valid range of [0, 1)." in ev.summary
    else:
        # TensorFlow's fused softmax op returns gradient softmax - labels = 1 - y: the
        # weights move although the loss is 0 for every example
        assert m["weight_gradient_max_abs"] > 0 and "moves no loss" in ev.summary


def test_one_unit_categorical_with_an_activation_torch_cannot_build_is_still_measured():
    ev = confirm("HL010", new_torch_head("HL010", act="other"), "cpu")
    assert ev.status == "confirmed", ev.summary
    assert ev.defaults == ("no activation stands in for 'other' (one class: the loss is the same)",)


# --- judged with tolerances, never float equality ------------------------------------------


def test_a_one_unit_softmax_one_ulp_below_1_is_still_confirmed(monkeypatch):
    """TensorFlow's oneDNN exp on some AMD CPUs gives 0.99999994 for a one-unit
    softmax, with a ~1e-5 gradient: still the constant 1.0 (it used to be refuted)."""
    from headlint.confirm import torch_probes

    def one_ulp_below(torch_module, kind, dim):
        return lambda t: torch_module.softmax(t, dim=dim) - 6e-8 * torch_module.sigmoid(t)

    monkeypatch.setattr(torch_probes, "activation", one_ulp_below)
    ev = confirm("HL004", torch_head("HL004"), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert 0 < m["largest_distance_from_1"] < 1e-5 and 0 < m["output_gradient_max_abs"]
    assert "gradient to the weights at most" in ev.summary


def test_the_one_unit_softmax_verdict_is_judged_against_the_sigmoid_twin():
    from headlint.confirm import verdicts

    # the figures of the failing AMD run: 1.5e-05 next to a sigmoid's ~40
    assert verdicts.one_unit_softmax(256, 256, 1.5e-5, 40.0).status == "confirmed"
    assert verdicts.one_unit_softmax(256, 255, 0.0, 40.0).status == "refuted"  # one output is not 1
    assert verdicts.one_unit_softmax(256, 256, 0.1, 40.0).status == "refuted"  # it still learns
    assert verdicts.one_unit_softmax(256, 256, 0.0, 0.0).status == "refuted"  # no twin to compare with
