"""HL011 range-mismatch: the rule on records (three cases and their look-alikes), the
one-hot target facts it needs, and what it reports in code."""

import pytest

from conftest import codes
from headlint.engine import check_text
from headlint.records import Activation, Framework, Head, Kind, Layer, Loss, Sign, TargetFact
from headlint.rules import RULES

T, K = Framework.TORCH, Framework.KERAS
BCE_T = Loss("bce", T, None, "probabilities", None, "nn.BCELoss")
BCE_LOGITS_T = Loss("bce_with_logits", T, "sigmoid", "logits", None, "nn.BCEWithLogitsLoss")
BCE_K = Loss("binary_crossentropy", K, None, "probabilities", False, "'binary_crossentropy'")
BCE_K_LOGITS = Loss("binary_crossentropy", K, "sigmoid", "logits", True, "BinaryCrossentropy(from_logits=True)")
BCE_K_UNKNOWN = Loss("binary_crossentropy", K, None, "unknown", None, "BinaryCrossentropy(from_logits=flag)")
CCE = Loss("categorical_crossentropy", K, None, "probabilities", False, "'categorical_crossentropy'")
SCCE = Loss("sparse_categorical_crossentropy", K, None, "probabilities", False, "'sparse_categorical_crossentropy'")
MSE = Loss("mse", K, None, "values", None, "'mse'")
ONEHOT = TargetFact(Kind.LABEL, Sign.NONNEG, "to_categorical()", onehot=10)
ONEHOT_UNKNOWN_CLASSES = TargetFact(Kind.LABEL, Sign.NONNEG, "to_categorical()", onehot=-1)
LABELS = TargetFact(Kind.LABEL, Sign.NONNEG, "a comparison")


def fired(act, loss, units=10, targets=TargetFact(), framework=K):
    h = Head(framework, "M", Layer("dense", units), Activation(act, -1), loss, targets=targets)
    return [f.code for f in RULES["HL011"].check(h)]


def test_tanh_into_bce_on_probabilities():
    assert fired("tanh", BCE_T, 1, framework=T) == ["HL011"]
    assert fired("tanh", BCE_K, 1) == ["HL011"]
    assert fired("tanh", BCE_T, None, framework=T) == ["HL011"]  # any unit count
    assert fired("tanh", BCE_LOGITS_T, 1, framework=T) == []  # a logits loss
    assert fired("tanh", BCE_K_LOGITS, 1) == []
    assert fired("tanh", BCE_K_UNKNOWN, 1) == []  # from_logits not a literal
    assert fired("tanh", MSE, 1) == []  # signed regression
    assert fired("sigmoid", BCE_K, 1) == []


def test_softmax_with_binary_crossentropy_over_three_classes_or_more():
    assert fired("softmax", BCE_K, 10, ONEHOT) == ["HL011"]
    assert fired("softmax", BCE_K, None, ONEHOT) == ["HL011"]  # the class count from the targets
    assert fired("softmax", BCE_K, 10) == ["HL011"]  # multi-label targets: a softmax cannot say yes twice
    assert fired("softmax", BCE_K, 10, LABELS) == ["HL011"]
    assert fired("softmax", BCE_T, 10, ONEHOT, framework=T) == ["HL011"]  # SGD: a fraction of CE's gradient
    assert fired("softmax", BCE_T, 10, framework=T) == ["HL011"]
    assert fired("softmax", BCE_K, None, ONEHOT_UNKNOWN_CLASSES) == []  # may be 2
    assert fired("softmax", BCE_K, None) == []
    assert fired("softmax", BCE_K, 2, ONEHOT) == []  # exactly categorical crossentropy
    assert fired("softmax", BCE_K, 1, ONEHOT) == []  # HL004's
    assert fired("softmax", CCE, 10, ONEHOT) == []


def test_softmax_into_a_loss_that_applies_sigmoid_whatever_the_unit_count():
    # each probability becomes a sigmoid in [0.5, 0.73]: broken over two units as over ten
    for units in (10, 3, 2, None):
        assert fired("softmax", BCE_K_LOGITS, units, ONEHOT) == ["HL011"]
        assert fired("softmax", BCE_LOGITS_T, units, framework=T) == ["HL011"]
    assert fired("softmax", BCE_K_LOGITS, 1) == []  # HL004's
    assert fired("softmax", BCE_K_UNKNOWN, 10) == []  # from_logits not a literal
    h = Head(K, "M", Layer("dense", 10), Activation("softmax", -1), BCE_K_LOGITS, targets=ONEHOT)
    (finding,) = RULES["HL011"].check(h)
    assert "cannot go below 0.66" in finding.message  # (log(1 + 1/e) + 9 log 2) / 10
    assert "categorical_crossentropy" in finding.message


def softmax_head(axis, rank=None, framework=T, layer="linear", spelling="torch.nn.functional.softmax"):
    act = Activation("softmax", axis, axis is not None, "softmax", spelling=spelling, rank=rank)
    return Head(framework, "M", Layer(layer, 10), act, BCE_T if framework is T else BCE_K)


def test_softmax_with_binary_crossentropy_only_over_the_units_axis():
    over = lambda *a, **k: [f.code for f in RULES["HL011"].check(softmax_head(*a, **k))]
    assert over(1) == over(-1) == over(1, 2) == over(-1, 3) == ["HL011"]
    assert over(1, 4, layer="conv") == ["HL011"]  # a convolution's channels
    assert over(None, 2) == ["HL011"]  # torch's implicit dim is 1 for 2-D input
    assert over(0, 2) == over(1, 3) == over(-1, 4, layer="conv") == []  # another axis: HL008's
    assert over(None, 3) == over(None) == []  # implicit dim 0, or a rank not known
    keras = dict(framework=K, layer="dense", spelling="keras.activations.softmax")
    assert over(None, **keras) == over(-1, 3, **keras) == ["HL011"]
    assert over(1, 3, **keras) == []


def test_sigmoid_with_categorical_crossentropy_over_several_units():
    assert fired("sigmoid", CCE, 5) == ["HL011"]
    assert fired("sigmoid", SCCE, 5) == ["HL011"]
    assert fired("sigmoid", CCE, None, ONEHOT_UNKNOWN_CLASSES) == ["HL011"]
    assert fired("sigmoid", CCE, None) == ["HL011"]  # a count not known: if it is 1, HL010's mistake
    assert fired("sigmoid", CCE, 1) == []  # one unit: another mistake
    # on logits (from_logits=True) the crossentropy softmaxes the sigmoids: still HL011, the
    # shape of test_sigmoid_outputs_into_a_keras_or_tensorflow_crossentropy_on_logits
    assert fired("sigmoid", Loss("categorical_crossentropy", K, "softmax", "logits", True, "CCE"), 5) == ["HL011"]
    assert fired("sigmoid", BCE_K, 5, ONEHOT) == []  # multi-label pair


def test_each_message_names_the_fix():
    cases = [
        (("tanh", BCE_T, 1, TargetFact(), T), "sigmoid"),
        (("softmax", BCE_K, 10, ONEHOT, K), "categorical_crossentropy"),
        (("sigmoid", CCE, 5, TargetFact(), K), "activation='softmax'"),
    ]
    for (act, loss, units, targets, framework), fix in cases:
        h = Head(framework, "M", Layer("dense", units), Activation(act, -1), loss, targets=targets)
        (finding,) = RULES["HL011"].check(h)
        assert fix in finding.message and "{loss_at}" in finding.message


KERAS = "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"


@pytest.mark.parametrize(
    "targets, onehot",
    [
        ("keras.utils.to_categorical(labels, 10)", True),
        ("keras.utils.to_categorical(labels)", True),  # the 10 units say how many classes
        ("keras.utils.to_categorical(labels, 10).astype('float32')", True),
        ("keras.utils.to_categorical(labels, 10).astype('int32')", True),  # a cast keeps it one-hot
        ("keras.utils.to_categorical(labels, 10).argmax(axis=1)", False),  # class indices again
        ("np.load('targets.npy')", False),
        ("(scores > 0.5).astype('float32')", False),  # multi-label 0/1 rows: a softmax cannot fit them either
    ],
)
def test_one_hot_target_facts_choose_the_fix(targets, onehot):
    (finding,) = check_text(
        KERAS + f"""
y = {targets}
model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""", "m.py").findings
    assert finding.code == "HL011"
    assert ("on one-hot targets" in finding.message) is onehot
    assert "categorical_crossentropy" in finding.message
    assert ("activation='sigmoid'" in finding.message) is not onehot  # several labels per example


def test_torch_one_hot_facts_follow_float_and_train_test_split():
    text = """import torch
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from tensorflow import keras

y = F.one_hot(torch.tensor(labels), num_classes=4).float().numpy()
x_tr, x_te, y_tr, y_te = train_test_split(x, y)
model = keras.Sequential([keras.layers.Dense(4, activation="softmax")])
model.compile(loss="binary_crossentropy")
model.fit(x_tr, y_tr)
"""
    assert codes(text) == ["HL011"]


def test_torch_tanh_into_bce_in_a_module_and_the_rescaled_look_alike():
    base = """import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        return {out}

net = Net()
loss = nn.BCELoss()(net(x), y)
"""
    assert codes(base.format(out="torch.tanh(self.fc(x))")) == ["HL011"]
    assert codes(base.format(out="(torch.tanh(self.fc(x)) + 1) / 2")) == []
    assert codes(base.format(out="torch.sigmoid(self.fc(x))")) == []


def test_no_fix_is_offered():
    text = KERAS + """
model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(1, activation="tanh")])
model.compile(optimizer="adam", loss="binary_crossentropy")
"""
    (finding,) = check_text(text, "m.py").findings
    assert finding.code == "HL011" and finding.fix is None


def test_the_unit_count_survives_an_activation_that_keeps_the_width():
    """A softmax over ``F.relu(self.fc(x))`` has fc's units; over a GLU, half of them
    (an activation of unknown width loses the count)."""
    base = """import torch
import torch.nn.functional as F
from torch import nn

class Net(nn.Module):
    def __init__(self, classes=8):
        super().__init__()
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        return F.softmax({inner}, dim=1)

net = Net()
loss = nn.BCELoss()(net(x), y)
"""
    assert codes(base.format(inner="F.relu(self.fc(x))")) == ["HL011"]
    assert codes(base.format(inner="torch.tanh(self.fc(x))")) == ["HL011"]
    assert codes(base.format(inner="F.glu(self.fc(x))")) == []


CE_T = Loss("cross_entropy", T, "softmax", "logits", None, "nn.CrossEntropyLoss")


def test_sigmoid_outputs_into_torch_cross_entropy():
    assert fired("sigmoid", CE_T, 80, framework=T) == ["HL011"]
    assert fired("sigmoid", CE_T, None, framework=T) == ["HL011"]  # one unit or several: wrong either way
    assert fired("sigmoid", CE_T, 1, framework=T) == []  # HL010's
    assert fired("softmax", CE_T, 80, framework=T) == []  # HL001's
    assert fired("identity", CE_T, 80, framework=T) == []
    h = Head(T, "M", Layer("linear", 10), Activation("sigmoid"), CE_T)
    (finding,) = RULES["HL011"].check(h)
    assert "below 0.23" in finding.message and "cannot go below 1.46" in finding.message  # e/(e+9), log(1+9/e)


def test_sigmoid_outputs_into_a_keras_or_tensorflow_crossentropy_on_logits():
    # Keras' crossentropies with from_logits=True softmax their input, as PyTorch's does
    scce_logits = Loss("sparse_categorical_crossentropy", K, "softmax", "logits", True,
                       "SparseCategoricalCrossentropy(from_logits=True)")
    assert fired("sigmoid", scce_logits, 23) == ["HL011"]
    assert fired("sigmoid", scce_logits, 1) == []  # HL010's
    assert fired("sigmoid", BCE_K_LOGITS, 23) == []  # HL005's: the loss applies sigmoid
    source = """
import tensorflow as tf
inputs = tf.keras.Input(shape=(41,))
hidden = tf.keras.layers.Dense(256)(inputs)
pred = tf.keras.layers.Dense(23, activation="sigmoid")(hidden)
model = tf.keras.Model(inputs, pred)
model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
model.fit(x, y)
"""
    (finding,) = check_text(source, "kdd.py").findings
    assert finding.code == "HL011" and "only warns" in finding.message  # TensorFlow's fit() looks behind it
    tf1 = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [None, 784])
y_ = tf.placeholder(tf.float32, [None, 10])
y = tf.nn.sigmoid(tf.matmul(x, tf.Variable(tf.zeros([784, 10]))))
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
"""
    assert codes(tf1) == ["HL011"]


def test_yolo_class_scores_through_a_sigmoid_into_cross_entropy():
    assert codes("""import torch
from torch import nn

class YOLOLayer(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.ce_loss = nn.CrossEntropyLoss()

    def forward(self, prediction, targets):
        pred_cls = torch.sigmoid(prediction[..., 5:])
        return self.ce_loss(pred_cls, targets.argmax(1))

layer = YOLOLayer(80)
layer(p, t).backward()
""") == ["HL011"]


def test_a_sigmoid_offered_as_a_parameter_default_before_a_scaled_cross_entropy_is_the_callers_choice():
    """sentence-transformers' ranking loss: ``activation_fn=nn.Sigmoid()`` then ``logits *
    self.scale`` into the cross-entropy, a temperature-scaled sigmoid. With no caller in
    sight the default is a choice, not the code's; the same sigmoid built in is judged."""
    loss = """import torch
from torch import nn

class RankingLoss(nn.Module):
    def __init__(self, model, scale: float = 10.0, activation_fn=ACT):
        super().__init__()
        self.model, self.scale, self.activation_fn = model, scale, activation_fn
        self.cross_entropy_loss = nn.CrossEntropyLoss()

    def calculate_loss(self, logits, batch_size):
        if self.activation_fn:
            logits = self.activation_fn(logits)
        if self.scale:
            logits = logits * self.scale
        return self.cross_entropy_loss(logits, torch.zeros(batch_size, dtype=torch.long))
"""
    assert codes(loss.replace("ACT", "nn.Sigmoid()")) == []
    built_in = loss.replace("ACT", "None").replace("if self.activation_fn:\n            logits = self.activation_fn(logits)", "logits = torch.sigmoid(logits)")
    assert codes(built_in.replace("        if self.scale:\n            logits = logits * self.scale\n", "")) == ["HL011"]


# --- a sigmoid regressed onto targets that can be negative --------------------------------

SIGNED = TargetFact(Kind.CONTINUOUS, Sign.SIGNED, "np.normal")
MSE_T = Loss("mse", T, None, "values", None, "nn.MSELoss")


def test_a_sigmoid_regressed_onto_signed_targets():
    assert fired("sigmoid", MSE, units=1, targets=SIGNED) == ["HL011"]
    assert fired("sigmoid", MSE_T, units=1, targets=SIGNED, framework=T) == ["HL011"]
    # targets in [0, 1] or of unknown sign are within reach; labels are HL002's
    assert fired("sigmoid", MSE, units=1, targets=TargetFact(Kind.CONTINUOUS, Sign.NONNEG, "MinMaxScaler")) == []
    assert fired("sigmoid", MSE, units=1) == []
    assert fired("sigmoid", MSE, units=1, targets=LABELS) == []
    # a linear output reaches any target; tanh reaches negative ones
    assert fired("identity", MSE, units=1, targets=SIGNED) == []
    assert fired("tanh", MSE, units=1, targets=SIGNED) == []


def test_a_sigmoid_regression_in_code_names_where_the_targets_come_from():
    text = """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense

model = Sequential()
model.add(Dense(64, activation="relu", input_dim=3))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="rmsprop", loss="mse")
x = np.random.normal(0.0, 1.0, (10000, 3))
y = 0.2 * x[:, 0] + 0.3 * x[:, 1] + 0.25
for step in range(100):
    model.train_on_batch(x, y)
"""
    (finding,) = check_text(text, "regression.py").findings
    assert finding.code == "HL011" and finding.span.line == 8
    assert "(they come from np.normal)" in finding.message and "line 13" in finding.message
    scaled = text.replace("y = 0.2 * x[:, 0] + 0.3 * x[:, 1] + 0.25", "y = np.random.rand(10000)")
    assert codes(scaled) == []


def test_ten_crop_averaged_sigmoids_are_still_sigmoids():
    # CheXNet's ten-crop testing: the mean over the crops keeps each label's (0, 1) score
    code = """
import torch
import torchvision
from torch import nn

class DenseNet121(nn.Module):
    def __init__(self, out_size):
        super().__init__()
        self.densenet121 = torchvision.models.densenet121(pretrained=True)
        self.densenet121.classifier = nn.Sequential(nn.Linear(1024, out_size), nn.Sigmoid())
    def forward(self, x):
        return self.densenet121(x)

net = DenseNet121(14)
criterion = torch.nn.CrossEntropyLoss()
for images, labels in loader:
    batch_size, n_crops, c, h, w = images.size()
    outputs = net(images.view(-1, c, h, w))
    loss = criterion(outputs.view(batch_size, n_crops, -1).mean(1), labels)
    loss.backward()
"""
    assert codes(code) == ["HL011"]
    assert codes(code.replace(".mean(1)", ".mean(2)")) == []  # over the labels: no longer their scores
    assert codes(code.replace(", nn.Sigmoid())", ")")) == []
