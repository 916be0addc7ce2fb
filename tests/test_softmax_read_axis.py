"""HL008 where a softmax of a model's prediction is read as classes on another axis:
accuracy code (``torch.max(F.softmax(out, dim=0), dim=1)``), a policy network ending
in ``nn.Softmax(dim=0)`` gathered with ``dim=1``, pseudo-labels taken with
``torch.max(p, 1)``; and the look-alikes that stay silent."""

import textwrap

import pytest

from conftest import codes, lint
from headlint.engine import check_text
from headlint.records import Activation, ClassRead, Framework, Head, Layer
from headlint.rules import RULES

TORCH = "import numpy as np\nimport torch\nfrom torch import nn\nimport torch.nn.functional as F\n"


# --- the rule on records ----------------------------------------------------------------


def _head(axis, read_axis, rank=None, read_rank=None, moved=False, same=True, given=True):
    act = Activation("softmax", axis, given, f"F.softmax(dim={axis})", node=object(),
                     spelling="torch.nn.functional.softmax", rank=rank, moved=moved)
    read_act = act if same else Activation("softmax", axis, given, act.name, node=object(), spelling=act.spelling)
    read = ClassRead("argmax", read_axis, read_rank, None, read_act, f".argmax(dim={read_axis})")
    return Head(Framework.TORCH, "Net", Layer("linear", 10, "nn.Linear(64, 10)"), act, class_reads=(read,))


def fired(h):
    return [f.code for f in RULES["HL008"].check(h)]


@pytest.mark.parametrize(
    "axis, read_axis, rank, expected",
    [
        (0, 1, None, ["HL008"]),  # over the batch, classes read on dim 1
        (0, 2, None, ["HL008"]),  # (batch, time, classes) read on the classes
        (0, 2, 3, ["HL008"]),
        (0, -1, 3, ["HL008"]),  # the rank places -1 after 0
        (-3, 2, 3, ["HL008"]),  # and -3 at 0
        (0, 0, None, []),  # the same axis
        (1, 1, None, []),
        (0, -1, None, []),  # -1 is 0 for a vector: not comparable without the rank
        (-2, -1, None, []),  # -2 is the first axis only in 2-D
        (-1, 1, None, []),  # -1 is 1 only in 2-D
        (-1, 1, 3, []),  # classes last, read over time: a max over time
        (1, 2, 3, []),  # channels first, read over a spatial axis: pooling
        (1, 0, None, []),  # topk(k, dim=0) of class probabilities ranks examples
        (None, 1, None, []),  # a dim that is not a literal
    ],
)
def test_axes_are_compared_only_where_it_is_sound(axis, read_axis, rank, expected):
    assert fired(_head(axis, read_axis, read_rank=rank)) == expected


def test_a_read_of_another_activation_or_after_a_reshape_is_not_judged():
    assert fired(_head(0, 1, same=False)) == []
    assert fired(_head(0, 1, moved=True)) == []
    assert fired(_head(None, 1, given=False)) == []  # an implicit dim with an unknown rank


# --- accuracy code ------------------------------------------------------------------------

MODEL = TORCH + """
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 10))
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
model.eval()
with torch.no_grad():
    for x, y in test_loader:
        out = model(x)
        {line}
"""


@pytest.mark.parametrize(
    "line",
    [
        "_, pred = torch.max(F.softmax(out, dim=0), dim=1)",
        "pred = torch.max(F.softmax(out, dim=0), 1)[1]",
        "pred = torch.softmax(out.squeeze(), dim=0).argmax(dim=1)",
        "top = F.softmax(out, 0).topk(3, dim=1)",
        "top = torch.topk(F.softmax(out, dim=0), 3, 1)",
        "pred = torch.argmax(F.log_softmax(out, dim=0), dim=1)",
        "pred = F.softmax(out, dim=0).max(1)[1]",
        "ranked = torch.sort(out.softmax(dim=0), dim=1, descending=True)",
        "ranked = out.softmax(0).argsort(dim=1)",
        "p = F.softmax(out, dim=0).gather(1, y.view(-1, 1))",
        "pred = torch.exp(F.log_softmax(out, dim=0)).argmax(dim=1)",
    ],
)
def test_accuracy_code_that_reads_classes_on_another_axis(line):
    assert codes(MODEL.format(line=line)) == ["HL008"]


@pytest.mark.parametrize(
    "line",
    [
        "_, pred = torch.max(F.softmax(out, dim=1), dim=1)",
        "pred = F.softmax(out, dim=-1).argmax(dim=-1)",
        "pred = F.softmax(out, dim=-1).argmax(dim=1)",  # -1 is 1 when the output is 2-D; the rank is not known
        "pred = F.softmax(out, dim=0).argmax(dim=-1)",  # and 0 is -1 for one unbatched example
        "pred = F.softmax(out, dim=0).argmax(dim=0)",
        "pred = F.softmax(out, dim=0).argmax()",
        "confident = F.softmax(out, dim=1).topk(5, dim=0)",  # the most confident examples of each class
        "pred = F.softmax(out, dim=0).transpose(0, 1).argmax(dim=1)",
        "pred = F.softmax(out, dim=0)[:, :5].argmax(dim=1)",
        "pred = F.softmax(out, dim=0).view(-1, 10).argmax(dim=1)",
        "pred = F.softmax(out, dim=0)",  # never read as classes
    ],
)
def test_look_alikes_that_read_the_softmax_axis_or_moved_it(line):
    assert codes(MODEL.format(line=line)) == []


def test_per_example_softmaxes_stacked_then_read_on_dim_1_are_fine():
    # a softmax over dim 0 of each squeezed (10,) output is over its classes; the stack
    # puts the examples first, so argmax(dim=1) reads those classes
    assert codes(TORCH + """
model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 10))
probs = []
with torch.inference_mode():
    for sample in samples:
        logit = model(torch.unsqueeze(sample, dim=0))
        probs.append(torch.softmax(logit.squeeze(), dim=0))
classes = torch.stack(probs).argmax(dim=1)
""") == []


def test_attention_weights_and_softmaxes_of_no_prediction_stay_silent():
    assert codes(TORCH + """
class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.score = nn.Linear(64, 1)

    def forward(self, h):
        w = torch.softmax(self.score(h), dim=0)
        top = w.argmax(dim=1)
        return (w * h).sum(0)

scores = queries @ keys.T
weights = torch.softmax(scores, dim=0)
best = weights.argmax(dim=1)
""") == []


def test_the_finding_names_the_read_and_offers_the_unsafe_fix():
    result = check_text(MODEL.format(line="_, pred = torch.max(F.softmax(out, dim=0), dim=1)"), "snippet.py")
    (finding,) = result.findings
    assert finding.span.line == 15
    assert "F.softmax(dim=0) normalises over dim 0, but torch.max(..., dim=1) (line 15) reads the classes on dim 1" in finding.message
    assert [(label, span.line, span.col) for label, span in finding.related] == [("classes read here", 15, 19)]
    assert finding.fix == {"description": "use dim=1 instead of dim=0 (the output changes)", "safe": False}


# --- where the model is a parameter -----------------------------------------------------

EVALUATE = TORCH + """
def evaluate(net, loader):
    net.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            out = net(x)
            _, pred = torch.max(F.softmax(out, dim=0), dim=1)
            correct += (pred == y).sum().item()
    return correct
"""


def test_a_function_given_the_model_at_its_call_site():
    model = "model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\n"
    assert lint(EVALUATE + model + "evaluate(model, test_loader)\n") == [("HL008", 12)]


def test_a_function_never_called_whose_parameter_is_named_like_the_model():
    # call_standalone binds a parameter to the module-level model of the same name
    text = EVALUATE.replace("net", "model") + "model = nn.Sequential(nn.Linear(784, 10))\n"
    assert lint(text) == [("HL008", 12)]


def test_a_function_never_called_with_an_unknown_model_stays_silent():
    assert codes(EVALUATE) == []


# --- a policy network ---------------------------------------------------------------------

POLICY = TORCH + """
policy = nn.Sequential(nn.Linear(4, 150), nn.LeakyReLU(), nn.Linear(150, 2), nn.Softmax(dim=0))
optimizer = torch.optim.Adam(policy.parameters(), lr=0.009)
for episode in range(500):
    state = env.reset()
    probs = policy(torch.from_numpy(state).float())
    action = np.random.choice(np.array([0, 1]), p=probs.data.numpy())
{batch}
"""
BATCH = """    pred_batch = policy(torch.Tensor(states))
    prob_batch = pred_batch.gather(dim=1, index=torch.Tensor(actions).long().view(-1, 1)).squeeze()
    loss = -torch.sum(returns * torch.log(prob_batch))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()"""


def test_a_policy_for_one_state_also_gathered_on_a_batch():
    assert lint(POLICY.format(batch=BATCH)) == [("HL008", 6)]  # the nn.Softmax(dim=0) item


def test_a_policy_called_on_single_states_only_is_fine():
    assert codes(POLICY.format(batch="    pass")) == []
    assert codes(POLICY.replace("nn.Softmax(dim=0)", "nn.Softmax(dim=-1)").format(batch=BATCH)) == []


# --- a softmax module held in an attribute ------------------------------------------------

PSEUDO = TORCH + """
class Net(nn.Module):
    def __init__(self, n_class):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU())
        self.fc = nn.Sequential(nn.Linear(256, n_class))
        self.softmax = nn.Softmax(dim=0)

    def forward(self, x):
        h = self.features(x)
        score = self.fc(h.view(h.size(0), -1))
        return score, self.softmax(score)

    def pseudo_labels(self, probs):
        return torch.max(probs, 1)[1]

model = Net(10)
criterion = nn.CrossEntropyLoss()
for x, y, xt in loader:
    score, _ = model(x)
    _, target_probs = model(xt)
    loss = criterion(score, y) + criterion(model(xt)[0], model.pseudo_labels(target_probs))
"""


def test_a_softmax_module_is_reported_where_its_axis_is_written():
    result = check_text(textwrap.dedent(PSEUDO), "snippet.py")
    (finding,) = result.findings
    assert finding.code == "HL008" and finding.span.line == 11  # self.softmax = nn.Softmax(dim=0)
    labels = [label for label, _ in finding.related]
    assert labels == ["activation applied here", "classes read here"]
    assert [span.line for _, span in finding.related] == [16, 19]
    assert finding.fix is None  # a module held in an attribute is left to a person


# --- TensorFlow and numpy -------------------------------------------------------------------


def test_tensorflow_and_numpy_axis_arguments():
    text = """
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y)
logits = model(x_test)
{line}
"""
    assert codes(text.format(line="pred = tf.argmax(tf.nn.softmax(logits, axis=0), axis=1)")) == ["HL008"]
    assert codes(text.format(line="pred = tf.argmax(tf.nn.softmax(logits, axis=-1), axis=1)")) == []
    assert codes(text.format(line="pred = tf.argmax(tf.nn.softmax(logits), axis=1)")) == []


def test_a_column_taken_by_index_reads_the_classes_on_that_axis():
    source = """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        model = nn.Sequential(nn.Linear(200, 2))
        criterion = nn.CrossEntropyLoss()
        for x, y in loader:
            criterion(model(x), y).backward()

        with torch.no_grad():
            scores = F.softmax(model(x_test), DIM)
            positive = scores[INDEX]
        """
    assert lint(source.replace("DIM", "0").replace("INDEX", ":, 1")) == [("HL008", 12)]
    assert lint(source.replace("DIM", "1").replace("INDEX", ":, 1")) == []
    assert lint(source.replace("DIM", "0").replace("INDEX", "0")) == []  # one example's row: no class axis read
    assert lint(source.replace("DIM", "0").replace("INDEX", "..., 1")) == []  # the last axis, rank unknown


def test_detach_and_numpy_keep_a_prediction_what_it_is():
    # accuracy code moves the probabilities off the graph and into numpy before reading them
    assert lint(
        """
        import numpy as np
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        model = nn.Sequential(nn.Linear(200, 2))
        criterion = nn.CrossEntropyLoss()
        for x, y in loader:
            criterion(model(x), y).backward()

        scores = F.softmax(model(x_test), 0).cpu().detach().numpy()
        recall = np.mean(scores[:, 1] > 0.5)
        """
    ) == [("HL008", 12)]


ONE_ROW = """
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([layers.Embedding(5000, 40), layers.LSTM(100), layers.Dense(UNITS, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(X_train, y_train, epochs=10)
sentiment = model.predict(text, batch_size=1)[0]
if np.argmax(sentiment) == 0:
    print("negative")
"""


def test_argmax_without_an_axis_over_one_example_of_a_one_unit_output():
    """``model.predict(x)[0]`` is one example's row, whose only axis holds the units:
    an argmax with no axis over one unit is always 0 (HL012); over several, a class."""
    assert lint(ONE_ROW.replace("UNITS", "1")) == [("HL012", 10)]
    assert lint(ONE_ROW.replace("UNITS", "3").replace("sigmoid", "softmax").replace("binary_crossentropy", "categorical_crossentropy")) == []



@pytest.mark.parametrize("read", [
    "labels = [np.argmax(row) for row in model.predict(text)]",
    "for row in model.predict(text):\n    print(np.argmax(row))",
])
def test_argmax_without_an_axis_over_each_row_of_a_one_unit_output(read):
    """Each row of a (batch, units) prediction, taken by a loop or a comprehension, is one
    example's units, as ``[0]`` is."""
    source = ONE_ROW.replace("sentiment = model.predict(text, batch_size=1)[0]\nif np.argmax(sentiment) == 0:\n    print(\"negative\")\n", read + "\n")
    assert [code for code, _ in lint(source.replace("UNITS", "1"))] == ["HL012"]
    assert lint(source.replace("UNITS", "3").replace("sigmoid", "softmax").replace("binary_crossentropy", "categorical_crossentropy")) == []

MAX_ONE_UNIT = """
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 4)
        self.output = nn.Linear(4, 1)

    def forward(self, x):
        return torch.sigmoid(self.output(torch.sigmoid(self.hidden(x))))

model = Net()
criterion = nn.BCELoss()
for x, y in loader:
    criterion(model(x), y).backward()
with torch.no_grad():
    output = model(x_test.view(-1, 784))
    READ
"""


@pytest.mark.parametrize("read, expected", [
    ("_, preds = torch.max(output, 1)", [("HL012", 20)]),
    ("preds = torch.max(output, dim=1)[1]", [("HL012", 20)]),
    ("preds = output.max(1)[1]", [("HL012", 20)]),
    ("best = output.max(1)[0]", []),  # the values: the one score itself
    ("preds = (output > 0.5).long()", []),
])
def test_the_indices_of_torch_max_over_one_unit_are_an_argmax(read, expected):
    assert lint(MAX_ONE_UNIT.replace("READ", read)) == expected


SAVED = """
import torch
import torch.nn.functional as F

net = torch.nn.Sequential(torch.nn.Linear(2, 10), torch.nn.ReLU(), torch.nn.Linear(10, 2))
loss_func = torch.nn.CrossEntropyLoss()
for t in range(100):
    loss = loss_func(net(x), y)
    loss.backward()
SAVE

def restore():
    restored = torch.load("net.pkl")
    prediction = torch.max(F.softmax(restored(x), dim=0), 1)[1]
"""


def test_a_model_saved_whole_and_loaded_back_by_its_path_is_the_same_model():
    """A save/restore demo: what ``torch.load`` gives back is the model ``torch.save``
    wrote at that literal path, so its predictions are read as that model's."""
    assert lint(SAVED.replace("SAVE", 'torch.save(net, "net.pkl")')) == [("HL008", 14)]
    assert lint(SAVED.replace("SAVE", 'torch.save(net.state_dict(), "net.pkl")')) == []  # weights only
    assert lint(SAVED.replace("SAVE", 'torch.save(net, "other.pkl")')) == []


SEGMENTATION = """
import torch
from torch import nn

class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Conv2d(3, 16, 3, padding=1)
        self.head = nn.Sequential(nn.Conv2d(16, CHANNELS, 1), nn.Sigmoid())

    def forward(self, x):
        return self.head(self.body(x))

def to_mask(scores, size):
    upsampled = nn.functional.interpolate(scores, size=size, mode="bilinear", align_corners=False)
    return READ

net = UNet()
criterion = nn.BCELoss()
for images, masks in loader:
    criterion(net(images), masks).backward()
mask = to_mask(net(test_images), test_images.shape[-2:])
"""


@pytest.mark.parametrize("channels, read, expected", [
    (1, "upsampled.argmax(dim=1)", [("HL012", 16)]),  # the channel axis of one channel: all 0
    (1, "upsampled > 0.5", []),
    (1, "upsampled.argmax(dim=2)", []),  # another axis (a row of pixels), not the units
    (2, "upsampled.argmax(dim=1)", []),  # two channels: argmax is right
])
def test_argmax_over_the_one_channel_of_a_segmentation_head(channels, read, expected):
    # a torch convolution's units are its channels, axis 1 of a batch, whatever its rank
    assert lint(SEGMENTATION.replace("CHANNELS", str(channels)).replace("READ", read)) == expected
