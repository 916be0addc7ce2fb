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


def test_hl004_with_a_crossentropy_over_classes_asks_for_one_unit_per_class():
    # HL010's mistake too (the loss scores one class), reported once, by HL004
    dense1, softmax = Layer("dense", 1, "Dense(1)"), Activation("softmax", axis=-1)
    with_classes = Head(Framework.KERAS, "model", dense1, softmax, KERAS_CCE, None, TargetFact(), (), True)
    (finding,) = RULES["HL004"].check(with_classes)
    assert "one unit per class" in finding.message and "'categorical_crossentropy'" in finding.message
    assert fired("HL010", with_classes) == []
    (alone,) = RULES["HL004"].check(Head(Framework.KERAS, "model", dense1, softmax, None, None, TargetFact(), (), True))
    assert "one unit per class" not in alone.message


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
        ("HL004", head("softmax", None, LINEAR1), "nn.BCEWithLogitsLoss"),
        ("HL004", Head(Framework.KERAS, "M", DENSE1, Activation("softmax", -1, False)), "activation='sigmoid'"),
    ]
    for code, h, fix in cases:
        (finding,) = RULES[code].check(h)
        assert fix in finding.message


# --- HL005, HL006, HL007, HL010 ------------------------------------------------------------

BCE_LOGITS = Loss("bce_with_logits", Framework.TORCH, "sigmoid", "logits", None, "nn.BCEWithLogitsLoss")
KERAS_BCE = Loss("binary_crossentropy", Framework.KERAS, None, "probabilities", False, "'binary_crossentropy'")
KERAS_BCE_LOGITS = Loss("binary_crossentropy", Framework.KERAS, "sigmoid", "logits", True, "BinaryCrossentropy(from_logits=True)")
KERAS_BCE_UNKNOWN = Loss("binary_crossentropy", Framework.KERAS, None, "unknown", None, "BinaryCrossentropy")
KERAS_SPARSE = Loss("sparse_categorical_crossentropy", Framework.KERAS, None, "probabilities", False, "'sparse_categorical_crossentropy'")
TF_SIGMOID_OP = Loss("sigmoid_cross_entropy_with_logits", Framework.KERAS, "sigmoid", "logits", None, "tf.nn.sigmoid_cross_entropy_with_logits")
DENSE1 = Layer("dense", 1, "Dense(1)")
DENSE10 = Layer("dense", 10, "Dense(10)")


def test_hl005_sigmoid_into_a_loss_that_applies_sigmoid():
    for loss in (BCE_LOGITS, KERAS_BCE_LOGITS, TF_SIGMOID_OP):
        assert fired("HL005", head("sigmoid", loss, LINEAR1)) == ["HL005"]
    assert fired("HL005", head("sigmoid", BCE, LINEAR1)) == []  # the probability loss: right
    assert fired("HL005", head("identity", BCE_LOGITS, LINEAR1)) == []  # logits: right
    assert fired("HL005", head("softmax", BCE_LOGITS)) == []  # another mistake, not this one
    assert fired("HL005", head("sigmoid", KERAS_BCE_UNKNOWN, DENSE1, framework=Framework.KERAS)) == []


def test_hl006_one_rule_two_messages():
    (on_softmax,) = RULES["HL006"].check(head("softmax", NLL))
    (on_scores,) = RULES["HL006"].check(head("identity", NLL))
    assert "softmax output" in on_softmax.message and "log_softmax instead of softmax" in on_softmax.message
    assert "raw output of nn.Linear(64, 10)" in on_scores.message and "no lower bound" in on_scores.message


def test_hl006_quiet_on_log_probabilities_and_unknown_outputs():
    assert fired("HL006", head("log_softmax", NLL)) == []
    assert fired("HL006", head("softmax", CE)) == []  # HL001's
    # a sigmoid output is probabilities, not log-probabilities: reported (tests/test_torch.py)
    assert fired("HL006", head("sigmoid", NLL)) != []
    assert fired("HL006", Head(Framework.TORCH, "Net", None, None, NLL)) == []  # nothing known
    # identity with no layer behind it is not a known raw output
    assert fired("HL006", Head(Framework.TORCH, "Net", None, Activation("identity"), NLL)) == []


def test_hl006_leaves_a_one_unit_softmax_to_hl004_but_not_raw_scores():
    assert fired("HL006", head("softmax", NLL, LINEAR1)) == []
    assert fired("HL004", head("softmax", NLL, LINEAR1)) == ["HL004"]
    assert fired("HL006", head("identity", NLL, LINEAR1)) == ["HL006"]  # -z: unbounded, whatever the units


def test_hl007_needs_a_known_raw_output():
    assert fired("HL007", head("identity", BCE, LINEAR1)) == ["HL007"]
    assert fired("HL007", head("identity", KERAS_BCE, DENSE1, framework=Framework.KERAS)) == ["HL007"]
    assert fired("HL007", head("identity", KERAS_SPARSE, DENSE10, framework=Framework.KERAS)) == ["HL007"]
    for act in ("sigmoid", "softmax", "other", "relu"):
        assert fired("HL007", head(act, BCE, LINEAR1)) == []
    assert fired("HL007", Head(Framework.TORCH, "Net", None, None, BCE)) == []  # unknown output
    assert fired("HL007", Head(Framework.TORCH, "Net", None, Activation("identity"), BCE)) == []  # no layer
    assert fired("HL007", head("identity", BCE_LOGITS, LINEAR1)) == []
    assert fired("HL007", head("identity", KERAS_BCE_UNKNOWN, DENSE1, framework=Framework.KERAS)) == []  # from_logits=flag


def test_hl007_leaves_one_unit_class_losses_to_hl010():
    keras_one = head("identity", KERAS_SPARSE, DENSE1, framework=Framework.KERAS)
    assert fired("HL007", keras_one) == [] and fired("HL010", keras_one) == ["HL010"]


def test_hl010_whatever_the_activation_but_not_twice_with_hl004():
    for act in ("identity", "sigmoid", "log_softmax", "tanh"):
        assert fired("HL010", head(act, CE, LINEAR1)) == ["HL010"], act
    assert fired("HL010", head("identity", KERAS_SPARSE, DENSE1, framework=Framework.KERAS)) == ["HL010"]
    # a one-unit softmax over the unit axis: HL004 speaks, once
    assert fired("HL010", head("softmax", CE, LINEAR1)) == []
    assert fired("HL004", head("softmax", CE, LINEAR1)) == ["HL004"]
    # one of several outputs: PyTorch's class axis may be time in (batch, time, 1)
    assert fired("HL010", head("identity", CE, LINEAR1, single=False)) == []
    keras_multi = head("sigmoid", KERAS_SPARSE, DENSE1, framework=Framework.KERAS, single=False)
    assert fired("HL010", keras_multi) == ["HL010"]  # Keras: always the last axis
    # a softmax over another axis: HL004 is silent, and the loss still sees one class
    other_axis = Head(Framework.KERAS, "M", DENSE1, Activation("softmax", 1, True), KERAS_SPARSE)
    assert fired("HL004", other_axis) == [] and fired("HL010", other_axis) == ["HL010"]


def test_hl010_quiet_on_two_units_binary_losses_and_unknown_counts():
    assert fired("HL010", head("identity", CE)) == []
    assert fired("HL010", head("sigmoid", BCE, LINEAR1)) == []
    assert fired("HL010", head("identity", BCE_LOGITS, LINEAR1)) == []
    assert fired("HL010", head("identity", CE, Layer("linear", None, "nn.Linear(64, n)"))) == []
    # NLL normalises nothing: on raw scores it is HL006's (-z), after log_softmax it is 0
    assert fired("HL010", head("identity", NLL, LINEAR1)) == []
    assert fired("HL010", head("log_softmax", NLL, LINEAR1)) == ["HL010"]


def test_hl010_keras_loss_over_another_axis_is_not_judged():
    other_axis = Loss("categorical_crossentropy", Framework.KERAS, None, "probabilities", False, "CategoricalCrossentropy", (("axis", 1),))
    assert fired("HL010", head("sigmoid", other_axis, DENSE1, framework=Framework.KERAS)) == []


def test_new_rules_point_at_the_activation_or_else_the_layer():
    act_node, layer_node = object(), object()
    sigmoid = Activation("sigmoid", node=act_node)
    raw = Activation("identity", node=layer_node)
    layer = Layer("linear", 1, "nn.Linear(64, 1)", node=layer_node)
    (f,) = RULES["HL005"].check(Head(Framework.TORCH, "Net", layer, sigmoid, BCE_LOGITS))
    assert f.node is act_node
    (f,) = RULES["HL007"].check(Head(Framework.TORCH, "Net", layer, raw, BCE))
    assert f.node is layer_node
    (f,) = RULES["HL010"].check(Head(Framework.TORCH, "Net", layer, sigmoid, CE))
    assert f.node is act_node


def test_new_messages_name_the_fix_and_the_loss():
    cases = [
        ("HL005", head("sigmoid", BCE_LOGITS, LINEAR1), "nn.BCELoss"),
        ("HL006", head("softmax", NLL), "log_softmax"),
        ("HL007", head("identity", BCE, LINEAR1), "nn.BCEWithLogitsLoss"),
        ("HL007", head("identity", KERAS_BCE, DENSE1, framework=Framework.KERAS), "from_logits=True"),
        ("HL010", head("identity", CE, LINEAR1), "one unit per class"),
    ]
    for code, h, fix in cases:
        (finding,) = RULES[code].check(h)
        assert fix in finding.message and h.loss.name in finding.message and "{loss_at}" in finding.message

