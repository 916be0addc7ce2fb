"""Each rule is a pure function of a head record: no syntax, no framework."""

from headlint.records import Activation, Framework, Head, Kind, Layer, Loss, Sign, TargetFact
from headlint.rules import RULES

CE = Loss("cross_entropy", Framework.TORCH, "softmax", "logits", None, "nn.CrossEntropyLoss")
NLL = Loss("nll", Framework.TORCH, None, "log_probabilities", None, "nn.NLLLoss")
MSE = Loss("mse", Framework.TORCH, None, "values", None, "nn.MSELoss")
BCE = Loss("bce", Framework.TORCH, None, "probabilities", None, "nn.BCELoss")
KERAS_CCE_LOGITS = Loss("categorical_crossentropy", Framework.KERAS, "softmax", "logits", True, "CategoricalCrossentropy(from_logits=True)")
KERAS_CCE = Loss("categorical_crossentropy", Framework.KERAS, None, "probabilities", False, "'categorical_crossentropy'")
LINEAR10 = Layer("linear", 10, "nn.Linear(64, 10)")
LINEAR1 = Layer("linear", 1, "nn.Linear(64, 1)")


def head(act=None, loss=None, layer=LINEAR10, targets=TargetFact(), framework=Framework.TORCH, evidence=(), single=True):
    activation = Activation(act, axis=1, axis_given=True) if act else None
    return Head(framework, "Net", layer, activation, loss, None, targets, evidence, single)


def fired(code, h):
    return [f.code for f in RULES[code].check(h)]


def test_hl001_softmax_into_a_softmax_loss():
    assert fired("HL001", head("softmax", CE)) == ["HL001"]
    assert fired("HL001", head("softmax", KERAS_CCE_LOGITS, framework=Framework.KERAS)) == ["HL001"]


def test_hl001_leaves_a_one_unit_softmax_to_hl004():
    # one class: the loss is 0 with or without the second softmax
    assert fired("HL001", head("softmax", CE, LINEAR1)) == []
    assert fired("HL004", head("softmax", CE, LINEAR1)) == ["HL004"]


def test_hl001_quiet_on_the_right_pairs():
    assert fired("HL001", head("log_softmax", CE)) == []  # harmless: log_softmax is idempotent
    assert fired("HL001", head("softmax", NLL)) == []
    assert fired("HL001", head("softmax", KERAS_CCE, framework=Framework.KERAS)) == []
    assert fired("HL001", head("identity", CE)) == []
    assert fired("HL001", head("softmax", None)) == []


def test_hl002_needs_labels_or_class_score_use():
    labels = TargetFact(Kind.LABEL, Sign.NONNEG, "a comparison")
    assert fired("HL002", head("sigmoid", MSE, targets=labels)) == ["HL002"]
    assert fired("HL002", head("sigmoid", MSE, evidence=("node",))) == ["HL002"]
    assert fired("HL002", head("sigmoid", MSE)) == []  # unknown targets, no evidence
    continuous = TargetFact(Kind.CONTINUOUS, Sign.NONNEG)
    assert fired("HL002", head("sigmoid", MSE, targets=continuous, evidence=("node",))) == []
    assert fired("HL002", head("sigmoid", BCE, targets=labels)) == []


def test_hl003_needs_definitely_signed_targets():
    signed = TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "torch.randn")
    for act in ("relu", "relu6", "softplus", "exp"):
        assert fired("HL003", head(act, MSE, LINEAR1, signed)) == ["HL003"]
    assert fired("HL003", head("relu", MSE, LINEAR1, TargetFact(Kind.CONTINUOUS, Sign.NONNEG))) == []
    assert fired("HL003", head("relu", MSE, LINEAR1, TargetFact())) == []
    assert fired("HL003", head("identity", MSE, LINEAR1, signed)) == []
    assert fired("HL003", head("tanh", MSE, LINEAR1, signed)) == []


def test_hl004_whatever_the_loss():
    assert fired("HL004", head("softmax", None, LINEAR1)) == ["HL004"]
    assert fired("HL004", head("softmax", CE, LINEAR1)) == ["HL004"]
    assert fired("HL004", head("sigmoid", None, LINEAR1)) == []
    assert fired("HL004", head("softmax", None, LINEAR10)) == []


def test_hl004_keras_softmax_over_another_axis_is_not_the_unit_axis():
    keras_head = head("softmax", None, Layer("dense", 1, "Dense(1)"), framework=Framework.KERAS)
    assert fired("HL004", keras_head) == []  # axis=1 given: (batch, time, 1) over time
    default_axis = Head(Framework.KERAS, "M", Layer("dense", 1, "Dense(1)"), Activation("softmax", -1, False))
    assert fired("HL004", default_axis) == ["HL004"]


def test_hl004_leaves_attention_weights_of_multi_output_models_alone():
    # (batch, time, 1) scores normalised over time, returned beside the output
    assert fired("HL004", head("softmax", None, LINEAR1, single=False)) == []


def test_every_message_names_the_fix():
    labels = TargetFact(Kind.LABEL, Sign.NONNEG, "a comparison")
    signed = TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "torch.randn")
    cases = [
        ("HL001", head("softmax", CE), "logits"),
        ("HL002", head("sigmoid", MSE, targets=labels), "cross-entropy"),
        ("HL003", head("relu", MSE, LINEAR1, signed), "linear output"),
        ("HL004", head("softmax", None, LINEAR1), "sigmoid"),
    ]
    for code, h, fix in cases:
        (finding,) = RULES[code].check(h)
        assert fix in finding.message
