"""HL008 softmax-over-wrong-axis: the rule on records, the ranks the interpreter
knows, what it reports in PyTorch and Keras code, and its fixes."""

import pytest

from conftest import codes, lint
from headlint.engine import check_text
from headlint.records import Activation, Framework, Head, Layer, Loss
from headlint.rules import RULES

T, K = Framework.TORCH, Framework.KERAS
CCE = Loss("categorical_crossentropy", K, None, "probabilities", False, "'categorical_crossentropy'")


def head(axis, given, rank, spelling="torch.nn.functional.softmax", loss=None, units=10, kind="softmax"):
    framework = T if spelling.startswith(("torch", "Tensor")) else K
    act = Activation(kind, axis, given, "softmax", rank=rank, spelling=spelling)
    return Head(framework, "Net", Layer("linear", units, "nn.Linear(64, 10)"), act, loss)


def fired(h):
    return [f.code for f in RULES["HL008"].check(h)]


# --- the rule on records ----------------------------------------------------------------


def test_torch_implicit_dim_is_reported_only_where_torch_picks_the_batch():
    assert fired(head(None, False, 3)) == ["HL008"]  # torch picks dim=0: the batch
    # deprecated, and torch warns, but the axis it picks is the right one: the classes of
    # (batch, classes), the channels of (batch, channels, h, w), a vector's only axis
    assert fired(head(None, False, 2)) == []
    assert fired(head(None, False, 4)) == []
    assert fired(head(None, False, 1)) == []
    assert fired(head(None, False, None)) == []


def test_the_implicit_dim_message_says_which_axis_torch_picks():
    (three,) = RULES["HL008"].check(head(None, False, 3))
    assert "picks dim=0" in three.message and "across the batch" in three.message


def test_implicit_dim_only_for_the_spellings_that_allow_it():
    # torch.softmax(x) and x.softmax() without dim are TypeErrors, not implicit dims
    assert fired(head(None, False, 3, spelling="torch.softmax")) == []
    assert fired(head(None, False, 3, spelling="Tensor.softmax")) == []
    assert fired(head(None, False, 3, spelling="torch.nn.LogSoftmax", kind="log_softmax")) == ["HL008"]


def test_torch_batch_axis_only_on_a_two_d_output():
    assert fired(head(0, True, 2)) == ["HL008"]
    assert fired(head(-2, True, 2)) == ["HL008"]
    assert fired(head(1, True, 2)) == [] and fired(head(-1, True, 2)) == []
    assert fired(head(0, True, 3)) == []  # (time, batch, classes) layouts exist
    assert fired(head(1, True, 3)) == []  # attention over time
    assert fired(head(0, True, None)) == []
    assert fired(head(None, True, 2)) == []  # a dim that is not a literal


def test_a_one_unit_implicit_softmax_is_left_to_hl004():
    h = head(None, False, 2, units=1)
    assert fired(h) == [] and [f.code for f in RULES["HL004"].check(h)] == ["HL004"]
    h = head(1, True, 2, units=1)
    assert fired(h) == [] and [f.code for f in RULES["HL004"].check(h)] == ["HL004"]


def test_a_dim_that_is_not_a_literal_is_not_judged():
    assert codes(TORCH + "model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(0 if flag else 1))\n") == []


def test_keras_batch_axis_and_the_loss_axis():
    assert fired(head(0, True, 2, "keras.layers.Softmax")) == ["HL008"]
    assert fired(head(1, True, 3, "keras.layers.Softmax", CCE)) == ["HL008"]
    assert fired(head(1, True, 3, "keras.layers.Softmax")) == []  # no loss: over time may be meant
    assert fired(head(2, True, 3, "keras.layers.Softmax", CCE)) == []
    assert fired(head(None, False, 3, "keras.layers.Softmax", CCE)) == []  # the default, -1
    assert fired(head(1, True, 2, "tensorflow.nn.softmax", CCE)) == []  # 1 is -1 in 2-D
    assert fired(head(1, True, None, "keras.layers.Softmax", CCE)) == []  # the rank decides
    with_axis = Loss("categorical_crossentropy", K, None, "probabilities", False, "CCE", (("axis", 1),))
    assert fired(head(1, True, 3, "keras.layers.Softmax", with_axis)) == []
    logits = Loss("categorical_crossentropy", K, "softmax", "logits", True, "CCE(from_logits=True)")
    assert fired(head(1, True, 3, "keras.layers.Softmax", logits)) == []  # HL001's


# --- ranks in code ------------------------------------------------------------------------

TORCH = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=0))", ["HL008"]),
        ("model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Dropout(0.1), nn.Softmax(dim=0))", ["HL008"]),
        ("model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax())", []),
        ("model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=1))", []),
        ("model = nn.Sequential(nn.Flatten(1, 2), nn.Linear(784, 10), nn.Softmax(dim=0))", []),
        ("model = nn.Sequential(nn.Linear(784, 10), nn.Softmax(dim=0))", []),
        ("model = nn.Sequential(nn.Linear(784, 10), nn.Softmax())", []),
    ],
    ids=["flatten-dim0", "flatten-dropout-dim0", "flatten-implicit", "flatten-dim1", "flatten-start-dim", "no-rank-dim0", "no-rank-implicit"],
)
def test_torch_sequential_ranks(body, expected):
    assert codes(TORCH + body + "\n") == expected


@pytest.mark.parametrize(
    "reshape, expected",
    [
        ("x.view(x.size(0), -1)", ["HL008"]),
        ("x.reshape(-1, 784)", ["HL008"]),
        ("x.view((x.shape[0], 784))", ["HL008"]),
        ("x.flatten(1)", ["HL008"]),
        ("torch.flatten(x, 1)", ["HL008"]),
        ("x.view(x.size(0), 28, 28)", []),  # 3-D: (time, batch, classes) layouts exist
        ("x.view(*shape)", []),
        ("x.flatten(start_dim=1)", []),
        ("x", []),
        ("x.view(x.size(0), -1).T", []),  # transposed: the batch is not axis 0 any more
        ("x.view(x.size(0), -1)[:, :784]", ["HL008"]),  # slices keep both axes
        ("x.view(x.size(0), -1)[:, 0]", []),  # an integer takes one: 1-D
        ("F.dropout(x.view(x.size(0), -1), training=self.training)", ["HL008"]),  # dropout keeps the rank
        ("torch.dropout(x.flatten(1), 0.5, True)", ["HL008"]),
        ("F.dropout(x)", []),
    ],
)
def test_torch_forward_ranks(reshape, expected):
    assert codes(
        TORCH + f"""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        h = {reshape}
        return F.softmax(self.fc(h), dim=0)
"""
    ) == expected


def test_a_reshape_after_layers_headlint_does_not_know():
    # nn.MaxPool2d is not in the vocabulary: x is unknown, but view(-1, n) makes it 2-D,
    # so dim=0 is the batch
    text = TORCH + """
class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.MaxPool2d(2, 2)
        self.conv = nn.Conv2d(3, 16, 5)
        self.fc = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        x = x.{reshape}
        return F.softmax(self.fc(x), dim=0)
"""
    assert codes(text.format(reshape="view(-1, 16 * 5 * 5)")) == ["HL008"]
    assert codes(text.format(reshape="flatten(1)")) == ["HL008"]
    assert codes(text.format(reshape="view(torch.float32)")) == []  # one argument: maybe a dtype view


KERAS = "import numpy as np\nimport tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"


@pytest.mark.parametrize(
    "first, last, expected",
    [
        ("keras.Input(shape=(20, 16))", "layers.Softmax(axis=1)", ["HL008"]),
        ("keras.Input(shape=(20, 16))", "layers.Softmax(axis=-1)", []),
        ("keras.Input(shape=(20, 16))", "layers.Softmax(axis=2)", []),
        ("keras.Input(shape=(16,))", "layers.Softmax(axis=1)", []),
        ("keras.Input(shape=(16,))", "layers.Softmax(axis=0)", ["HL008"]),
        ("keras.Input(batch_shape=(None, 20, 16))", "layers.Softmax(axis=1)", ["HL008"]),
        ("layers.InputLayer(input_shape=(20, 16))", "layers.Softmax(axis=1)", ["HL008"]),
        ("layers.Dense(8, input_shape=(20, 16))", "layers.Softmax(axis=1)", ["HL008"]),
        ("layers.Dense(8, input_dim=16)", "layers.Softmax(axis=1)", []),
        ("layers.Dense(8)", "layers.Softmax(axis=1)", []),  # the rank is unknown
        ("layers.Dense(8)", "layers.Softmax(axis=0)", ["HL008"]),  # a Keras layer's axis 0 is the batch
    ],
)
def test_keras_sequential_ranks(first, last, expected):
    assert codes(
        KERAS + f"""
model = keras.Sequential([{first}, layers.Dense(5), {last}])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    ) == expected


@pytest.mark.parametrize(
    "middle, expected",
    [
        ("layers.LSTM(16, return_sequences=True)", ["HL008"]),
        ("layers.Bidirectional(layers.GRU(16, return_sequences=True))", ["HL008"]),
        ("layers.SimpleRNN(16, return_sequences=False)", []),  # (batch, units): axis 1 is the last
        ("layers.LSTM(16)", []),
        ("layers.LSTM(16, return_sequences=flag)", []),  # not a literal: the rank is unknown
        ("layers.GlobalAveragePooling1D()", []),
        ("layers.GlobalMaxPooling1D(keepdims=True)", []),
    ],
)
def test_keras_recurrent_and_pooling_ranks(middle, expected):
    assert codes(
        KERAS + f"""
model = keras.Sequential([layers.Embedding(1000, 32), {middle}, layers.Dense(5), layers.Softmax(axis=1)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
"""
    ) == expected


def test_keras_convolutions_are_batched_and_segmentation_softmax_is_fine():
    assert codes(
        KERAS + """
model = keras.Sequential([layers.Conv2D(16, 3, activation="relu"), layers.Conv2D(4, 1), layers.Softmax(axis=1)])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    ) == ["HL008"]
    assert codes(
        KERAS + """
model = keras.Sequential([layers.Conv2D(16, 3, activation="relu"), layers.Conv2D(4, 1, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    ) == []


TORCH_SEGMENTATION = """
import torch.nn as nn
import torch.nn.functional as F

class Seg(nn.Module):
    def __init__(self, n_classes=21):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU())
        self.final = nn.{conv}(64, n_classes, 1)

    def forward(self, x):
        return {softmax}

model = Seg()
criterion = nn.{loss}()
for img, mask in loader:
    loss = criterion(model(img), mask)
"""


@pytest.mark.parametrize(
    "conv, softmax, loss, expected",
    [
        # torch puts a convolution's channels on dim 1: over the last axis is over the width
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)), dim=-1)", "NLLLoss", ["HL008"]),
        ("Conv2d", "F.log_softmax(F.relu(self.final(self.enc(x))), dim=3)", "NLLLoss", ["HL008"]),
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)), dim=-2)", "NLLLoss", ["HL008"]),
        ("Conv1d", "torch.log_softmax(self.final(self.enc(x)), -1)", "NLLLoss", ["HL008"]),
        ("Conv2d", "F.softmax(self.final(self.enc(x)), dim=-1)", "CrossEntropyLoss", ["HL001", "HL008"]),
        # the channels' own axis, counted either way (dim=1 is a spatial axis of an unbatched
        # (channels, h, w) map, but batched maps are the rule)
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)), dim=1)", "NLLLoss", []),
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)), dim=-3)", "NLLLoss", []),
        # reshaped first: which axis holds what is for the code that reshaped it to say
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)).permute(0, 2, 3, 1), dim=-1)", "NLLLoss", []),
        ("Conv2d", "F.log_softmax(self.final(self.enc(x)).flatten(2), dim=-1)", "NLLLoss", []),
        # a spatial softmax into a loss that does not read classes (keypoint heatmaps)
        ("Conv2d", "F.softmax(self.final(self.enc(x)), dim=-1)", "MSELoss", []),
        ("Linear", "F.log_softmax(self.final(self.enc(x)), dim=-1)", "NLLLoss", []),
    ],
)
def test_torch_convolution_channels_are_on_dim_1(conv, softmax, loss, expected):
    assert sorted(codes(TORCH_SEGMENTATION.format(conv=conv, softmax=softmax, loss=loss))) == expected


def test_the_convolution_axis_message_and_fix():
    result = check_text(TORCH_SEGMENTATION.format(conv="Conv2d", softmax="F.log_softmax(self.final(self.enc(x)), dim=-1)",
                                                  loss="NLLLoss"), "seg.py")
    (finding,) = result.findings
    assert "spatial axis of the output of nn.Conv2d(64, 21)" in finding.message
    assert finding.fix["description"] == "use dim=1 instead of dim=-1 (the output changes)"
    assert "use dim=1 (dim=-3 also serves an unbatched input)" in finding.message


def test_functional_keras_and_a_softmax_in_a_custom_loop():
    assert lint(
        KERAS + """
inputs = keras.Input(shape=(12,))
logits = layers.Dense(4)(layers.Dense(32, activation="relu")(inputs))
model = keras.Model(inputs, logits)
with tf.GradientTape() as tape:
    probs = tf.nn.softmax(model(x), axis=0)
    loss = keras.losses.categorical_crossentropy(y, probs)
"""
    ) == [("HL008", 10)]


def test_attention_over_time_inside_a_model_is_not_an_output():
    assert codes(
        KERAS + """
inputs = keras.Input(shape=(20, 16))
weights = layers.Softmax(axis=1)(layers.Dense(1)(inputs))
pooled = layers.Dot(axes=1)([weights, inputs])
outputs = layers.Dense(3, activation="softmax")(layers.Flatten()(pooled))
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    ) == []


# --- fixes ------------------------------------------------------------------------------------


def fixed(text, mode):
    result = check_text(text, "m.py", fix=mode)
    assert result.error is None
    return result


def test_dim_0_becomes_dim_1_only_as_an_unsafe_fix():
    text = TORCH + "model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=0))\n"
    assert not fixed(text, "safe").changed
    (finding,) = check_text(text, "m.py").findings
    assert finding.fix == {"description": "use dim=1 instead of dim=0 (the output changes)", "safe": False}
    assert fixed(text, "unsafe").text == text.replace("dim=0", "dim=1")


def test_keras_axis_becomes_the_loss_axis_unsafely():
    text = KERAS + """
model = keras.Sequential([keras.Input(shape=(20, 16)), layers.Dense(5), layers.Softmax(axis=1)])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""
    assert fixed(text, "unsafe").text == text.replace("Softmax(axis=1)", "Softmax(axis=-1)")


@pytest.mark.parametrize(
    "text",
    [
        # the softmax module lives in an attribute: the call is self.act(...)
        TORCH + """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)
        self.act = nn.Softmax(dim=0)

    def forward(self, x):
        return self.act(self.fc(x.view(x.size(0), -1)))
""",
        # 3-D: which axis is meant (classes, time, a time-first batch) needs a person
        TORCH + """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(28, 10)

    def forward(self, x):
        return F.softmax(self.fc(x.view(x.size(0), 28, 28)))
""",
    ],
    ids=["attribute", "rank-3"],
)
def test_no_fix_where_the_syntax_is_not_plain(text):
    findings = [f for f in check_text(text, "m.py").findings if f.code == "HL008"]
    assert findings, "the case must be a finding"
    assert all(f.fix is None for f in findings)


@pytest.mark.parametrize(
    "block, softmax, said",
    [
        # a block ending in nn.Linear returns the rank it is given: 2-D, so dim=0 is the batch
        ("return self.fc(x)", "dim=0", "(batch, classes) output"),
        ("return torch.relu(self.fc(x))", "dim=0", "(batch, classes) output"),
        # 3-D out of the block: the implicit dim torch picks is the batch axis
        ("return self.fc(x).view(-1, 2, 5)", "", "torch picks dim=0"),
    ],
)
def test_a_custom_block_returns_the_rank_it_is_given(block, softmax, said):
    # each finding needs the rank: the block's output is followed, not guessed
    code = TORCH + f"""
class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)

    def forward(self, x):
        {block}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = Block(784, 10)

    def forward(self, x):
        return F.softmax(self.head(x.view(x.size(0), -1)){", " + softmax if softmax else ""})
"""
    [finding] = check_text(code, "snippet.py").findings
    assert finding.code == "HL008" and said in finding.message


def test_a_custom_block_given_a_tensor_of_unknown_rank_says_nothing():
    assert codes(
        TORCH + """
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return self.fc(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = Block()

    def forward(self, x):
        return F.softmax(self.head(x), dim=0)
"""
    ) == []


def test_a_layer_stack_keeps_the_rank_it_is_given():
    # x.view(n, -1) is 2-D; two nn.Sequential stacks of linear layers keep it 2-D, so the
    # final stack's Softmax(dim=0) normalises over the batch
    source = """
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.classifier = nn.Sequential(nn.Linear(512, 64), nn.ReLU(True))
                self.final = nn.Sequential(nn.Linear(64, 10), nn.Softmax(dim=DIM))

            def forward(self, x):
                x = x.view(x.size(0), -1)
                return self.final(self.classifier(x))

        model = Net()
        """
    assert lint(source.replace("DIM", "0")) == [("HL008", 8)]
    assert lint(source.replace("DIM", "1")) == []


@pytest.mark.parametrize(
    "pool, expected",
    [
        ("x.mean([2, 3])", ["HL008"]),  # global average pooling of (N, C, H, W): (N, C)
        ("x.mean(dim=(2, 3))", ["HL008"]),
        ("x.sum((2, 3))", ["HL008"]),
        ("x.std(dim=[2, 3])", ["HL008"]),
        ("x.mean([2, 3], keepdim=True)", []),  # still 4-D
        ("x.mean(2)", []),  # (N, C, W) or, unbatched, (C, W): not known
        ("x.mean([-2, -1])", []),  # from the end: batched or not, not known
        ("x.mean(dims)", []),
    ],
)
def test_a_reduction_over_literal_axes_sets_the_rank(pool, expected):
    assert codes(
        TORCH + f"""
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = {pool}
        return F.softmax(self.fc(x), dim=0)
"""
    ) == expected


def test_a_softmax_made_outside_the_model_over_the_batch_of_a_known_rank():
    # d2l's dog-breed submission: probabilities written out, not read as classes
    backbone = TORCH + "import torchvision\nnet = nn.Sequential()\nnet.features = torchvision.models.resnet34(pretrained=True)\n"
    head = "net.output_new = nn.Sequential(nn.Linear(1000, 256), nn.ReLU(), nn.Linear(256, 120))\n"
    predict = "for data, label in test_iter:\n    output = F.softmax(net(data), dim={})\n    preds.extend(output.numpy())\n"
    assert codes(backbone + head + predict.format(0)) == ["HL008"]  # (batch, 1000) -> (batch, 120)
    assert codes(backbone + head + predict.format(1)) == []
    # a rank not known (a policy acting on one state, or on a batch): not judged
    policy = TORCH + "policy = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))\n"
    assert codes(policy + "probs = F.softmax(policy(state), dim=0)\naction = torch.multinomial(probs, 1)\n") == []
