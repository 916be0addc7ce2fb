"""Confirmation probes of HL008, HL009 and HL011 on the real frameworks (CPU).

Heads are records, as the adapters build them; each probe runs once per module and
its numbers are checked for what they must show, not for exact values."""

import pytest

from headlint.confirm import confirm, imports
from headlint.engine import check_text
from headlint.records import Activation, Framework, Head, Kind, Layer, Link, Loss, Penalty, Sign, TargetFact

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # the probes train small models on torch and TensorFlow

T, K = Framework.TORCH, Framework.KERAS
LINEAR = Layer("linear", 10, "nn.Linear(64, 10)", args=(("in_features", 64), ("out_features", 10)))
DENSE = Layer("dense", 10, "Dense(10)", args=(("units", 10),))
NLL = Loss("nll", T, None, "log_probabilities", name="nn.NLLLoss")
CCE = Loss("categorical_crossentropy", K, None, "probabilities", False, "'categorical_crossentropy'")
BCE_K = Loss("binary_crossentropy", K, None, "probabilities", False, "'binary_crossentropy'")


def measured(ev):
    return dict(ev.measurements)


def torch_softmax(axis, given, rank, kind="softmax", spelling="torch.nn.functional.softmax", loss=None):
    return Head(T, "Net", LINEAR, Activation(kind, axis, given, "F.softmax", rank=rank, spelling=spelling), loss)


@pytest.fixture(scope="module")
def torch_evidence():
    heads = {
        "batch": torch_softmax(0, True, 2, "log_softmax", "torch.nn.functional.log_softmax", NLL),
        "implicit-2d": torch_softmax(None, False, 2),
        "implicit-3d": torch_softmax(None, False, 3),
        "l1": Head(T, "Net", LINEAR, Activation("softmax", 1, True, rank=2),
                   penalties=(Penalty("l1", "0.001 * p.abs().sum()", "loss term", 0.001),)),
        "tanh": Head(T, "Net", Layer("linear", 1, args=(("in_features", 32), ("out_features", 1))),
                     Activation("tanh"), Loss("bce", T, None, "probabilities", name="nn.BCELoss")),
    }
    codes = {"batch": "HL008", "implicit-2d": "HL008", "implicit-3d": "HL008", "l1": "HL009", "tanh": "HL011"}
    return {key: confirm(codes[key], head, "cpu") for key, head in heads.items()}


def test_torch_softmax_over_the_batch(torch_evidence):
    ev = torch_evidence["batch"]
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["normalised_axis"] == 0.0 and m["class_sum_max"] < 0.5
    assert m["ones_for_a_single_example"] == 1.0  # alone in its batch: 1.0 for every class
    assert m["max_change_from_other_examples"] > 0.01
    assert m["loss"] > 1.0 > 0.1 > m["reference_loss"]  # NLL over the batch cannot get near 0
    assert "alone in its batch an example gets 1.0" in ev.summary


def test_torch_implicit_dim_on_a_2d_output_is_the_class_axis(torch_evidence):
    # HL008 does not report it; probed anyway, it is refuted: torch warns, but picks dim=1
    ev = torch_evidence["implicit-2d"]
    m = measured(ev)
    assert ev.status == "refuted", ev.summary
    assert m["deprecation_warning"] == 1.0 and m["normalised_axis"] == 1.0
    assert m["class_sum_min"] == pytest.approx(1.0, abs=1e-5) and m["max_change_from_other_examples"] < 1e-6
    assert "implicit dim, and warned" in ev.summary


def test_torch_implicit_dim_on_a_3d_output_is_the_batch(torch_evidence):
    ev = torch_evidence["implicit-3d"]
    m = measured(ev)
    assert ev.status == "confirmed" and m["rank"] == 3.0
    assert m["normalised_axis"] == 0.0 and m["deprecation_warning"] == 1.0


def test_torch_explicit_class_axis_is_refuted():
    ev = confirm("HL008", torch_softmax(1, True, 2), "cpu")
    assert ev.status == "refuted"


def test_torch_l1_on_softmax_is_a_constant_without_gradient(torch_evidence):
    ev = torch_evidence["l1"]
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["penalty_value"] == pytest.approx(0.001 * 256, rel=1e-5)  # the coefficient times the rows
    assert m["penalty_spread_over_batches"] < 1e-6
    assert m["penalty_gradient_max_abs"] < 1e-4 * m["same_penalty_on_logits_gradient_max_abs"]
    assert m["max_weight_change_from_penalty"] < 1e-4


def test_torch_tanh_into_bce_raises(torch_evidence):
    ev = torch_evidence["tanh"]
    assert ev.status == "confirmed"
    assert 0.2 < measured(ev)["negative_output_share"] < 0.8
    assert "RuntimeError: all elements of input should be between 0 and 1" in ev.summary


def test_torch_softmax_into_bce_trains_slower_under_sgd():
    """nn.BCELoss averages over the units: at the start its gradient is a fraction of
    cross-entropy's, and plain SGD from the same start ends behind."""
    head = Head(T, "Net", LINEAR, Activation("softmax", 1, True), Loss("bce", T, None, "probabilities", name="nn.BCELoss"))
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed" and "nn.CrossEntropyLoss" in ev.summary
    assert m["gradient_norm_ratio_at_start"] < 0.5  # measured 0.14 on 10 classes
    assert m["reference_accuracy"] - m["accuracy"] > 0.05  # measured 99% vs 85%


def test_torch_softmax_into_a_sigmoid_loss_trains_far_slower_under_sgd():
    """nn.BCEWithLogitsLoss squeezes each probability into [0.5, 0.73] again: the
    gradient through both squashings is a sliver of cross-entropy's."""
    head = Head(T, "Net", LINEAR, Activation("softmax", 1, True),
                Loss("bce_with_logits", T, "sigmoid", "logits", name="nn.BCEWithLogitsLoss"))
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["gradient_norm_ratio_at_start"] < 0.1  # measured 0.01 on 10 classes
    assert m["reference_accuracy"] - m["accuracy"] > 0.2  # measured 58% vs 8%


def test_torch_sigmoid_into_cross_entropy_has_a_floor():
    head = Head(T, "Net", LINEAR, Activation("sigmoid"), Loss("cross_entropy", T, "softmax", "logits", name="nn.CrossEntropyLoss"))
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert abs(m["loss_floor"] - 1.4612) < 1e-3  # log(1 + 9/e), exact arithmetic
    assert m["final_loss"] > m["loss_floor"] - 1e-3 and m["reference_final_loss"] < 0.1  # measured 1.505 vs 0.001


def test_torch_has_no_probe_for_other_pairs():
    head = Head(T, "Net", LINEAR, Activation("relu"), Loss("bce", T, None, "probabilities"))
    ev = confirm("HL011", head, "cpu")
    assert ev.status == "unconfirmed" and "no probe for this pair" in ev.summary


def test_confirm_from_source_to_evidence():
    text = """import torch
from torch import nn

model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.LogSoftmax(dim=0))
loss = nn.NLLLoss()(model(x), y)
"""
    (finding,) = check_text(text, "m.py", confirm="cpu").findings
    assert finding.code == "HL008" and finding.evidence["status"] == "confirmed"
    assert finding.evidence["measurements"]["ones_for_a_single_example"] == 1.0


# --- keras -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kb():
    pytest.importorskip("keras")
    bundle = imports.keras()
    if bundle.backend != "tensorflow":
        pytest.skip(f"these tests measure keras on tensorflow; keras is configured for {bundle.backend}")
    return bundle


def keras_softmax(axis, rank, loss=CCE, spelling="keras.layers.Softmax", link=None):
    return Head(K, "Sequential", DENSE, Activation("softmax", axis, True, "layers.Softmax", rank=rank, spelling=spelling),
                loss, link=link)


def test_keras_softmax_over_time_is_neutralised_in_training_on_tensorflow(kb):
    ev = confirm("HL008", keras_softmax(1, 3), "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary  # the outputs are wrong
    assert m["normalised_axis"] == 1.0 and m["class_sum_max"] > 1.5
    assert m["loss"] == pytest.approx(m["reference_loss"], abs=1e-3)  # the loss reads the logits
    assert m["accuracy"] < m["reference_accuracy"] - 0.2
    assert "_get_logits" in ev.summary and "the training is not hurt, the outputs are" in ev.summary


def test_a_raw_tf_softmax_over_the_batch_in_an_eager_loop(kb):
    head = keras_softmax(0, 2, spelling="tensorflow.nn.softmax", link=Link(None, "call"))
    ev = confirm("HL008", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["ones_for_a_single_example"] == 1.0
    # nothing recovers the logits of an eager raw op (the crossentropy's own renormalisation
    # over the classes makes up for most of it: the harm is in the outputs)
    assert abs(m["loss"] - m["reference_loss"]) > 1e-4
    assert "eager custom loop with raw tf.nn.softmax" in ev.summary


def test_keras_l1_activity_regularizer_on_softmax(kb):
    head = Head(K, "Sequential", DENSE, Activation("softmax", -1, rank=2, spelling="keras.activations.softmax"),
                penalties=(Penalty("l1", "activity_regularizer=l1(1e-05)", "activity_regularizer", 1e-5),))
    ev = confirm("HL009", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    assert m["penalty_value"] == pytest.approx(1e-5, rel=1e-4)  # l1 * sum(|p|) / batch = l1
    assert m["max_weight_change_from_penalty"] < 1e-5
    assert m["training_loss_difference"] == pytest.approx(1e-5, rel=0.05)


def test_keras_tanh_into_binary_crossentropy(kb):
    head = Head(K, "Sequential", Layer("dense", 1, args=(("units", 1),)),
                Activation("tanh", spelling="keras.activations.tanh"), BCE_K)
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["clipped_loss"] == pytest.approx(16.118, abs=0.01)  # -log(1e-7)
    assert 0.05 < m["zero_gradient_share"] < 0.5
    assert m["negative_after_training"] > 0.2  # still no probabilities


def test_keras_softmax_with_binary_crossentropy_on_one_hot(kb):
    head = Head(K, "Sequential", DENSE, Activation("softmax", -1, spelling="keras.activations.softmax"), BCE_K,
                targets=TargetFact(Kind.LABEL, Sign.NONNEG, onehot=10))
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary  # tensorflow reads the logits as 10 sigmoids
    assert m["reference_accuracy"] - m["accuracy"] > 0.02
    assert m["binary_accuracy_at_start"] > 0.8 > 0.2 > m["categorical_accuracy_at_start"]


def test_keras_sigmoid_with_categorical_crossentropy(kb):
    head = Head(K, "Sequential", DENSE, Activation("sigmoid", spelling="keras.activations.sigmoid"), CCE)
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed"
    assert m["mean_output_row_sum"] > 1.5  # predict() returns sigmoids, not a distribution
    assert "trains it exactly like a softmax" in ev.summary


def test_keras_sigmoid_into_crossentropy_from_logits(kb):
    """Sigmoid outputs scored as logits: Keras' own sigmoid on tensorflow is looked behind
    (the loss trains the logits, only predict()'s saturated sigmoids suffer); a raw
    tf.nn.sigmoid trains on the squeezed outputs and stays at the floor log(1 + 9/e)."""
    scce = Loss("sparse_categorical_crossentropy", K, "softmax", "logits", True, "SparseCategoricalCrossentropy(from_logits=True)")
    for spelling in ("keras.activations.sigmoid", "tensorflow.nn.sigmoid"):
        head = Head(K, "Sequential", DENSE, Activation("sigmoid", spelling=spelling), scce)
        ev = confirm("HL011", head, "cpu")
        m = measured(ev)
        assert ev.status == "confirmed", ev.summary
        assert abs(m["loss_floor"] - 1.4612) < 1e-3  # log(1 + 9/e), exact arithmetic
        if spelling.startswith("tensorflow") and kb.backend == "tensorflow":
            assert m["final_loss"] > m["loss_floor"] - 1e-3 and m["reference_final_loss"] < 0.1


def test_cuda_probes():
    if not torch.cuda.is_available():
        pytest.skip("torch sees no GPU on this machine")
    heads = {
        "HL008": torch_softmax(0, True, 2, "log_softmax", "torch.nn.functional.log_softmax", NLL),
        "HL009": Head(T, "Net", LINEAR, Activation("softmax", 1, True, rank=2),
                      penalties=(Penalty("l1", "p.abs().sum()", "loss term", 1.0),)),
        "HL011": Head(T, "Net", Layer("linear", 1, args=(("in_features", 32), ("out_features", 1))),
                      Activation("tanh"), Loss("bce", T, None, "probabilities", name="nn.BCELoss")),
    }
    for code, head in heads.items():
        ev = confirm(code, head, "cuda")
        assert (ev.status, ev.device) == ("confirmed", "cuda"), (code, ev.summary)
    assert "the loss is evaluated on cpu" in " ".join(confirm("HL011", heads["HL011"], "cuda").defaults)


@pytest.mark.parametrize("framework", [T, K], ids=["torch", "keras"])
def test_a_sigmoid_regressed_onto_signed_targets_cannot_reach_them(framework, request):
    if framework is K:
        request.getfixturevalue("kb")
    loss = (Loss("mse", T, None, "values", name="nn.MSELoss") if framework is T
            else Loss("mse", K, None, "values", None, "'mse'"))
    layer = LINEAR if framework is T else Layer("dense", 1, args=(("units", 1),))
    head = Head(framework, "Net", layer, Activation("sigmoid"), loss,
                targets=TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "torch.randn"))
    ev = confirm("HL011", head, "cpu")
    m = measured(ev)
    assert ev.status == "confirmed", ev.summary
    # standard normal targets: half below 0 and about 16% above 1 (the draw is random: wide bounds)
    assert 0.5 < m["unreachable_target_share"] < 0.85
    assert m["loss_with_activation"] > m["loss_linear_output"] + 0.05
    assert "targets are outside [0, 1], which sigmoid cannot output" in ev.summary
