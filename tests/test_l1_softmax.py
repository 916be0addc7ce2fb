"""HL009 l1-on-softmax: the rule on records, the penalties the interpreter extracts
(Keras activity regularizers, add_loss, an L1 norm added to a loss), and the fix."""

import pytest

from conftest import codes, lint
from headlint.engine import check_text
from headlint.records import Activation, Framework, Head, Layer, Penalty
from headlint.rules import RULES

L1 = Penalty("l1", "activity_regularizer=l1(1e-05)", "activity_regularizer", 1e-5)


def fired(kind, penalties=(L1,)):
    h = Head(Framework.KERAS, "M", Layer("dense", 10), Activation(kind, -1), penalties=penalties)
    return [f.code for f in RULES["HL009"].check(h)]


def test_only_an_l1_penalty_on_a_softmax():
    assert fired("softmax") == ["HL009"]
    for kind in ("sigmoid", "relu", "log_softmax", "identity", "tanh"):
        assert fired(kind) == [], kind
    assert fired("softmax", ()) == []
    assert fired("softmax", (Penalty("l2", "l2(1e-4)", "activity_regularizer", 1e-4),)) == []


def test_the_message_names_the_penalty_and_the_remedy():
    h = Head(Framework.KERAS, "M", Layer("dense", 10), Activation("softmax", -1), penalties=(L1,))
    (finding,) = RULES["HL009"].check(h)
    assert "activity_regularizer=l1(1e-05)" in finding.message and "remove it" in finding.message


KERAS = "import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers, regularizers\n"


@pytest.mark.parametrize(
    "regularizer, expected",
    [
        ("regularizers.l1(1e-5)", ["HL009"]),
        ("regularizers.L1(l1=0.001)", ["HL009"]),
        ("regularizers.l1()", ["HL009"]),  # 0.01 by default
        ("'l1'", ["HL009"]),
        ("regularizers.L1L2(l1=1e-4, l2=1e-4)", ["HL009"]),  # the L1 part is a constant
        ("regularizers.l1_l2(l1=1e-4)", ["HL009"]),
        ("regularizers.l1(strength)", ["HL009"]),  # whatever its value, it is a constant
        ("regularizers.L1L2(l2=1e-4)", []),  # l1 defaults to 0
        ("regularizers.l1_l2()", []),  # 0.01 in tf.keras 2, 0.0 in Keras 3
        ("regularizers.l1(0)", []),
        ("regularizers.l2(1e-4)", []),
        ("'l2'", []),
        ("reg", []),  # not known
    ],
)
def test_keras_activity_regularizers(regularizer, expected):
    assert codes(
        KERAS + f"""
model = keras.Sequential([
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax", activity_regularizer={regularizer}),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    ) == expected


def test_activity_regularizer_on_softmax_layers_and_not_on_logits():
    assert codes(KERAS + "m = keras.Sequential([layers.Dense(10), layers.Softmax(activity_regularizer='l1')])\n") == ["HL009"]
    assert codes(KERAS + "m = keras.Sequential([layers.Dense(10), layers.Activation('softmax', activity_regularizer='l1')])\n") == ["HL009"]
    # on the Dense: the logits, before the softmax
    assert codes(KERAS + "m = keras.Sequential([layers.Dense(10, activity_regularizer='l1'), layers.Softmax()])\n") == []
    assert codes(KERAS + "m = keras.Sequential([layers.Dense(10, activation='relu', activity_regularizer='l1')])\n") == []
    assert codes(KERAS + "m = keras.Sequential([layers.Dense(10, activation='softmax', kernel_regularizer='l1')])\n") == []


def test_a_regularized_softmax_inside_a_functional_model():
    assert lint(
        KERAS + """
inputs = keras.Input(shape=(8,))
gate = layers.Dense(4, activation="softmax", activity_regularizer=regularizers.l1(1e-3))(inputs)
outputs = layers.Dense(1)(layers.Concatenate()([inputs, gate]))
model = keras.Model(inputs, outputs)
"""
    ) == [("HL009", 6)]


@pytest.mark.parametrize(
    "penalty, expected",
    [
        ("tf.reduce_mean(tf.reduce_sum(tf.abs(probs), axis=-1))", ["HL009"]),  # each row's L1 norm: 1
        ("tf.reduce_mean(tf.reduce_sum(tf.abs(probs), axis=0))", []),  # a total per class
        ("tf.norm(probs, ord=1)", ["HL009"]),
        ("keras.ops.sum(keras.ops.absolute(probs))", ["HL009"]),
    ],
)
def test_keras_l1_norms_in_a_custom_loop(penalty, expected):
    assert codes(
        KERAS + f"""
model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(10, activation="softmax")])
loss_fn = keras.losses.SparseCategoricalCrossentropy()
with tf.GradientTape() as tape:
    probs = model(x)
    loss = loss_fn(y, probs) + 1e-3 * {penalty}
"""
    ) == expected


def test_keras_add_loss_on_a_functional_model():
    assert codes(
        KERAS + """
inputs = keras.Input(shape=(8,))
outputs = layers.Dense(10, activation="softmax")(inputs)
model = keras.Model(inputs, outputs)
model.add_loss(1e-4 * tf.reduce_sum(tf.abs(outputs)))
model.add_loss(1e-4 * tf.reduce_sum(tf.square(outputs)))
"""
    ) == ["HL009"]


def test_keras_add_loss_in_a_subclassed_model():
    assert codes(
        KERAS + """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = layers.Dense(10, activation="softmax")

    def call(self, x):
        probs = self.out(x)
        self.add_loss(1e-3 * tf.reduce_sum(tf.abs(probs)))
        return probs
"""
    ) == ["HL009"]


TORCH = """import torch
from torch import nn
import torch.nn.functional as F

model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
for xb, yb in loader:
    probs = model(xb)
    loss = F.nll_loss(torch.log(probs), yb)
"""


@pytest.mark.parametrize(
    "penalty, expected",
    [
        ("loss = loss + 1e-3 * probs.abs().sum()", ["HL009"]),
        ("loss += 1e-3 * torch.abs(probs).mean()", ["HL009"]),
        ("loss = loss + torch.sum(torch.abs(probs)) / 100", ["HL009"]),
        ("loss = loss + 0.01 * torch.norm(probs, p=1)", ["HL009"]),
        ("loss = loss + 0.01 * probs.norm(1)", ["HL009"]),
        ("loss = loss + 0.01 * torch.linalg.vector_norm(probs, 1)", ["HL009"]),
        ("loss = loss + probs.abs().sum(dim=1).mean()", ["HL009"]),  # the softmax's own axis, then all
        ("loss = loss + probs.abs().sum(dim=-1).mean()", []),  # -1 is dim 1 only if the rank is 2: unknown
        ("loss = 1e-3 * abs(probs).sum() + loss", ["HL009"]),
        ("loss = loss + probs.abs().sum(dim=0).max()", []),  # a total per class: not constant
        ("loss = loss + 0.01 * torch.linalg.norm(probs, 1)", []),  # a matrix norm: not constant
        ("loss = loss + 0.01 * torch.norm(probs, p=2)", []),
        ("loss = loss + (probs ** 2).sum()", []),
        ("print(probs.abs().sum())", []),  # computed, never added to a loss
        ("penalty = probs.abs().sum()", []),
    ],
)
def test_torch_l1_terms_added_to_a_loss(penalty, expected):
    assert codes(TORCH + "    " + penalty + "\n    loss.backward()\n") == expected


def test_a_penalty_under_no_grad_does_not_train():
    assert codes(
        TORCH.replace("for xb, yb in loader:", "with torch.no_grad():\n  for xb, yb in loader:").replace("\n    ", "\n      ")
        + "      loss = loss + probs.abs().sum()\n"
    ) == []


def test_l1_on_hidden_activations_is_fine():
    assert codes(
        """import torch
from torch import nn
import torch.nn.functional as F

hidden, out = nn.Linear(20, 64), nn.Linear(64, 5)
h = torch.relu(hidden(x))
loss = F.cross_entropy(out(h), y) + 1e-4 * h.abs().sum()
"""
    ) == []


# --- the fix ------------------------------------------------------------------------------

SEED = KERAS + """
x = layers.Input(shape=(64,))
out = layers.Dense(200, activation="softmax", activity_regularizer=regularizers.l1(1e-5))(x)
"""


def test_the_fix_removes_a_plain_l1_regularizer_safely():
    (finding,) = check_text(SEED, "m.py").findings
    assert finding.fix == {
        "description": "remove activity_regularizer=regularizers.l1(1e-5): a constant penalty changes no gradient",
        "safe": True,
    }
    result = check_text(SEED, "m.py", fix="safe")
    assert result.text == SEED.replace(", activity_regularizer=regularizers.l1(1e-5)", "")
    assert result.findings == []


@pytest.mark.parametrize(
    "before, after",
    [
        ('layers.Dense(200, activity_regularizer="l1", activation="softmax", name="p")',
         'layers.Dense(200, activation="softmax", name="p")'),
        ('layers.Dense(\n    200,\n    activation="softmax",\n    activity_regularizer=regularizers.L1(1e-5),\n)',
         'layers.Dense(\n    200,\n    activation="softmax",\n)'),
        ("layers.Softmax(activity_regularizer='l1')", "layers.Softmax()"),
    ],
    ids=["middle", "one-per-line", "only-argument"],
)
def test_fix_layouts(before, after):
    text = KERAS + f"m = keras.Sequential([layers.Dense(8), {before}])\n"
    result = check_text(text, "m.py", fix="safe")
    assert result.text == text.replace(before, after)
    assert result.findings == []


def test_no_fix_for_l1l2_or_a_penalty_in_a_loop():
    l1l2 = SEED.replace("regularizers.l1(1e-5)", "regularizers.L1L2(l1=1e-5, l2=1e-4)")
    (finding,) = check_text(l1l2, "m.py").findings
    assert finding.fix is None
    loop = TORCH + "    loss = loss + 1e-3 * probs.abs().sum()\n"
    (finding,) = check_text(loop, "m.py").findings
    assert finding.code == "HL009" and finding.fix is None
