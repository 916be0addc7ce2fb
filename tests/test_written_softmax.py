"""A softmax written out by hand (exp divided by its sum along an axis) is a softmax
to the rules: in a helper function, in a module of the user's own, inline; the
numerically stable form too. A finding on a helper's softmax points at the call
that applies it to the head."""

import pytest

from conftest import codes, lint
from headlint.engine import check_text

TORCH = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\n"

TRAIN = """
model = Net()
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
"""


def net(forward: str, before: str = "") -> str:
    return TORCH + before + f"""
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        {forward}
""" + TRAIN


HELPER = """
def softmax(z):
    e = torch.exp(z)
    return e / e.sum(dim=1, keepdim=True)
"""


def test_a_softmax_helper_is_reported_where_the_head_applies_it():
    result = check_text(net("return softmax(self.fc(x.view(-1, 784)))", HELPER), "m.py")
    (finding,) = result.findings
    assert finding.code == "HL001" and finding.span.line == 15  # the call in forward
    related = {label: span.line for label, span in finding.related}
    assert related["activation created here"] == 7  # the division in the helper


def test_a_softmax_module_of_the_users_own():
    module = """
class SoftMax(nn.Module):
    def forward(self, x):
        exp_x = torch.exp(x)
        exp_sum = exp_x.sum(dim=-1, keepdim=True)
        return exp_x / exp_sum
"""
    source = net("return self.softmax(self.fc(x.view(-1, 784)))", module).replace(
        "self.fc = nn.Linear(784, 10)", "self.fc = nn.Linear(784, 10)\n        self.softmax = SoftMax()")
    assert lint(source) == [("HL001", 18)]  # self.softmax(...) in forward


@pytest.mark.parametrize(
    "forward",
    [
        "z = self.fc(x.view(-1, 784))\n        return torch.exp(z) / torch.sum(torch.exp(z), dim=1, keepdim=True)",
        "z = self.fc(x.view(-1, 784))\n        e = torch.exp(z - z.max(dim=1, keepdim=True)[0])\n        return e / e.sum(1, keepdim=True)",
        "z = self.fc(x.view(-1, 784))\n        return z.exp() / z.exp().sum(-1, keepdim=True)",
    ],
    ids=["two-exps", "stable", "methods"],
)
def test_inline_forms_in_forward(forward):
    assert codes(net(forward)) == ["HL001"]


def test_a_sum_over_the_batch_axis_is_a_softmax_over_it():
    # (N, 10) / (10,) broadcasts: every class is divided by its sum over the batch
    forward = "z = self.fc(x.view(x.size(0), -1))\n        return torch.exp(z) / torch.exp(z).sum(0)"
    assert "HL008" in codes(net(forward))


@pytest.mark.parametrize(
    "forward",
    [
        "z = self.fc(x.view(-1, 784))\n        return torch.exp(z) / torch.exp(z).sum()",  # over everything
        "z = self.fc(x.view(-1, 784))\n        return torch.exp(z) / torch.exp(z).sum(dim=1)",  # does not broadcast
        "z = self.fc(x.view(-1, 784))\n        return torch.exp(z) / torch.exp(x).sum(dim=1, keepdim=True)",  # another exp
        "z = self.fc(x.view(-1, 784))\n        return torch.exp(z) / 2.0",
        "z = self.fc(x.view(-1, 784))\n        return z / z.sum(dim=1, keepdim=True)",  # no exp: not a softmax
    ],
    ids=["total", "no-keepdim", "other-exp", "constant", "no-exp"],
)
def test_look_alikes_are_not_a_softmax(forward):
    assert "HL001" not in codes(net(forward))


def test_a_logits_model_with_its_softmax_only_in_prediction_is_clean():
    source = net("return self.fc(x.view(-1, 784))", HELPER) + "\nprobs = softmax(model(x_test))\n"
    assert codes(source) == []


def test_tensorflow_spelling_in_a_custom_loop():
    source = """
import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Dense(10)])
optimizer = tf.keras.optimizers.Adam()
for x, y in dataset:
    with tf.GradientTape() as tape:
        logits = model(x)
        probs = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=-1, keepdims=True)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(y, probs, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
"""
    assert codes(source) == ["HL001"]
