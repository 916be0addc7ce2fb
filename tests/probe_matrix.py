"""The probe matrix: for every rule and framework, a head with the mistake and its
corrected twin, as the adapters record them. ``matrix(FRAMEWORK)`` confirms every
case of that framework: {case: [mistake's status, twin's status, mistake's summary,
twin's summary]}. tests/test_probe_matrix.py calls it in its own process for torch,
and runs one process per Keras backend with ``python probe_matrix.py keras`` (Keras
picks its backend once per process), which prints that as one JSON line.

The numerics vary, to show the verdicts do not depend on them: ``numerics(seed=,
float64=)`` (in a process: HEADLINT_MATRIX_SEED, another seed for the probes' data
and weights, and HEADLINT_MATRIX_FLOAT64=1, float64 where the framework allows it);
the test also runs TensorFlow with its oneDNN kernels on and off (TF_ENABLE_ONEDNN_OPTS).
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager

from headlint.records import Activation, Framework, Head, Kind, Layer, Link, Loss, Penalty, Sign, TargetFact

T, K = Framework.TORCH, Framework.KERAS
SIGNED = TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "randn")
LABELS = TargetFact(Kind.LABEL, Sign.NONNEG)


def linear(units, in_features=64):
    return Layer("linear", units, f"nn.Linear({in_features}, {units})", args=(("in_features", in_features), ("out_features", units)))


def dense(units):
    return Layer("dense", units, f"Dense({units})", args=(("units", units),))


def act(kind, axis=None, given=False, spelling="", rank=None):
    return Activation(kind, axis, given, kind, spelling=spelling, rank=rank)


def torch_loss(kind, applies=None, expects="probabilities"):
    names = {"cross_entropy": "nn.CrossEntropyLoss", "mse": "nn.MSELoss", "bce": "nn.BCELoss",
             "bce_with_logits": "nn.BCEWithLogitsLoss", "nll": "nn.NLLLoss"}
    return Loss(kind, T, applies, expects, name=names[kind])


def keras_loss(kind, from_logits=None):
    args = (("from_logits", from_logits),) if from_logits is not None else ()
    applies = {"categorical_crossentropy": "softmax", "sparse_categorical_crossentropy": "softmax",
               "binary_crossentropy": "sigmoid"}.get(kind) if from_logits else None
    return Loss(kind, K, applies, "logits" if from_logits else "probabilities", from_logits, repr(kind), args)


def torch_cases():
    """case -> (code, mistake, corrected twin)."""
    ce, bce = torch_loss("cross_entropy", "softmax", "logits"), torch_loss("bce")
    nll = torch_loss("nll", None, "log_probabilities")
    l1 = (Penalty("l1", "0.01 * p.abs().sum()", "loss term", 0.01),)
    return {
        "HL001": ("HL001", Head(T, "Net", linear(10), act("softmax", 1, True), ce),
                  Head(T, "Net", linear(10), act("identity"), ce)),
        "HL002": ("HL002", Head(T, "Net", linear(1), act("sigmoid"), torch_loss("mse"), targets=LABELS),
                  Head(T, "Net", linear(1), act("sigmoid"), bce, targets=LABELS)),
        "HL003": ("HL003", Head(T, "Net", linear(1), act("relu"), torch_loss("mse"), targets=SIGNED),
                  Head(T, "Net", linear(1), act("identity"), torch_loss("mse"), targets=SIGNED)),
        "HL004": ("HL004", Head(T, "Net", linear(1), act("softmax", 1, True), bce),
                  Head(T, "Net", linear(1), act("sigmoid"), bce)),
        "HL005": ("HL005", Head(T, "Net", linear(1), act("sigmoid"), torch_loss("bce_with_logits", "sigmoid", "logits")),
                  Head(T, "Net", linear(1), act("identity"), torch_loss("bce_with_logits", "sigmoid", "logits"))),
        "HL006": ("HL006", Head(T, "Net", linear(10), act("softmax", 1, True), nll),
                  Head(T, "Net", linear(10), act("log_softmax", 1, True), nll)),
        "HL006 raw": ("HL006", Head(T, "Net", linear(10), act("identity"), nll),
                      Head(T, "Net", linear(10), act("log_softmax", 1, True), nll)),
        "HL007": ("HL007", Head(T, "Net", linear(1), act("identity"), bce), Head(T, "Net", linear(1), act("sigmoid"), bce)),
        "HL008": ("HL008", Head(T, "Net", linear(10), act("log_softmax", 0, True, rank=2), nll),
                  Head(T, "Net", linear(10), act("log_softmax", 1, True, rank=2), nll)),
        "HL009": ("HL009", Head(T, "Net", linear(10), act("softmax", 1, True, rank=2), penalties=l1),
                  Head(T, "Net", linear(10), act("identity", rank=2), penalties=l1)),
        "HL010": ("HL010", Head(T, "Net", linear(1), act("identity"), ce),
                  Head(T, "Net", linear(1), act("identity"), torch_loss("bce_with_logits", "sigmoid", "logits"))),
        "HL011": ("HL011", Head(T, "Net", linear(1, 32), act("tanh"), bce), Head(T, "Net", linear(1, 32), act("sigmoid"), bce)),
        # the twin has one unit per class: its argmax picks both
        "HL012": ("HL012", Head(T, "Net", linear(1), act("identity")), Head(T, "Net", linear(2), act("identity"))),
    }


def keras_cases(backend: str):
    """case -> (code, mistake, corrected twin). On tensorflow, Keras recovers the
    logits behind its own softmax/sigmoid inside fit() (those heads are refuted
    there, by design: tests/test_probes.py), so the double-activation mistakes are
    the ones TensorFlow does not undo: the raw tf.nn op met eagerly."""
    eager = Link(None, "call")
    if backend == "tensorflow":
        softmax, sigmoid, link = act("softmax", spelling="tensorflow.nn.softmax"), act("sigmoid", spelling="tensorflow.math.sigmoid"), eager
    else:
        softmax, sigmoid, link = act("softmax", spelling="keras.activations.softmax"), act("sigmoid", spelling="keras.activations.sigmoid"), None
    keras_act = lambda kind, **kw: act(kind, spelling=f"keras.activations.{kind}", **kw)  # noqa: E731
    sparse_logits, bce_logits = keras_loss("sparse_categorical_crossentropy", True), keras_loss("binary_crossentropy", True)
    bce, mse = keras_loss("binary_crossentropy", False), keras_loss("mse")
    cce = keras_loss("categorical_crossentropy", False)
    l1 = (Penalty("l1", "activity_regularizer=l1(0.01)", "activity_regularizer", 0.01),)
    return {
        "HL001": ("HL001", Head(K, "Net", dense(10), softmax, sparse_logits, link=link),
                  Head(K, "Net", dense(10), keras_act("identity"), sparse_logits, link=link)),
        "HL002": ("HL002", Head(K, "Net", dense(1), keras_act("sigmoid"), mse, targets=LABELS),
                  Head(K, "Net", dense(1), keras_act("sigmoid"), bce, targets=LABELS)),
        "HL003": ("HL003", Head(K, "Net", dense(1), keras_act("relu"), mse, targets=SIGNED),
                  Head(K, "Net", dense(1), keras_act("identity"), mse, targets=SIGNED)),
        "HL004": ("HL004", Head(K, "Net", dense(1), keras_act("softmax"), bce), Head(K, "Net", dense(1), keras_act("sigmoid"), bce)),
        "HL005": ("HL005", Head(K, "Net", dense(1), sigmoid, bce_logits, link=link),
                  Head(K, "Net", dense(1), keras_act("identity"), bce_logits, link=link)),
        "HL007": ("HL007", Head(K, "Net", dense(1), keras_act("identity"), bce), Head(K, "Net", dense(1), keras_act("sigmoid"), bce)),
        "HL008": ("HL008", Head(K, "Net", dense(10), keras_act("softmax", axis=0, given=True, rank=2), cce),
                  Head(K, "Net", dense(10), keras_act("softmax", axis=-1, given=True, rank=2), cce)),
        "HL009": ("HL009", Head(K, "Net", dense(10), keras_act("softmax", rank=2), penalties=l1),
                  Head(K, "Net", dense(10), keras_act("identity", rank=2), penalties=l1)),
        "HL010": ("HL010", Head(K, "Net", dense(1), keras_act("identity"), keras_loss("sparse_categorical_crossentropy", False)),
                  Head(K, "Net", dense(1), keras_act("sigmoid"), bce)),
        "HL011": ("HL011", Head(K, "Net", dense(1), keras_act("tanh"), bce), Head(K, "Net", dense(1), keras_act("sigmoid"), bce)),
        "HL012": ("HL012", Head(K, "Net", dense(1), keras_act("sigmoid")), Head(K, "Net", dense(2), keras_act("softmax"))),
    }


@contextmanager
def numerics(framework: str, seed=None, float64: bool = False):
    """Another seed for the probes and float64 where the framework allows it, while
    the block runs; as they were afterwards (the test's process goes on)."""
    from headlint.confirm import keras_heads, keras_probes, torch_probes

    modules = (torch_probes, keras_heads, keras_probes)
    seeds = [module.SEED for module in modules]
    restore = []
    if seed is not None:
        for module in modules:
            module.SEED = int(seed)
    if float64 and framework == "torch":
        import torch

        restore.append(lambda dtype=torch.get_default_dtype(): torch.set_default_dtype(dtype))
        torch.set_default_dtype(torch.float64)
    if float64 and framework == "keras":
        import keras

        restore.append(lambda floatx=keras.config.floatx(): keras.config.set_floatx(floatx))
        keras.config.set_floatx("float64")
    try:
        yield
    finally:
        for module, before in zip(modules, seeds):
            module.SEED = before
        for undo in restore:
            undo()


def matrix(framework: str) -> dict:
    from headlint.confirm import confirm, imports

    cases = torch_cases() if framework == "torch" else keras_cases(imports.keras().backend)
    out = {}
    for name, (code, mistake, twin) in cases.items():
        bad, good = confirm(code, mistake, "cpu"), confirm(code, twin, "cpu")
        out[name] = [bad.status, good.status, bad.summary, good.summary]
    return out


def main(framework: str) -> None:
    seed = os.environ.get("HEADLINT_MATRIX_SEED") or None
    with numerics(framework, seed, os.environ.get("HEADLINT_MATRIX_FLOAT64") == "1"):
        print("@matrix " + json.dumps(matrix(framework)))


if __name__ == "__main__":
    main(sys.argv[1])
