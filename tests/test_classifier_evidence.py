"""Classifier evidence (a threshold at 0.5, ``round``, ``argmax``) on an output that
belongs to no model object: a TF1 graph's tensor, a plain function's. HL002 reads it
as it reads evidence on a model's output, and only for the output it was taken on."""

from conftest import codes

TF1 = """import tensorflow as tf

inputs = tf.placeholder(tf.float32, [None, 64])
labels = tf.placeholder(tf.float32, [None, 1])
predictions = tf.contrib.layers.fully_connected(inputs, 1, activation_fn=tf.sigmoid)
error = tf.losses.mean_squared_error(labels, predictions)
train_op = tf.train.AdamOptimizer(0.001).minimize(error)
{use}
"""


def test_tf1_graph_output_rounded_as_a_class_is_a_classifier():
    use = "accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.round(predictions), labels), tf.float32))"
    assert codes(TF1.format(use=use)) == ["HL002"]


def test_tf1_graph_output_without_class_use_may_be_a_regression():
    assert codes(TF1.format(use="mean = tf.reduce_mean(predictions)")) == []


TORCH = """import torch
import torch.nn.functional as F

w = torch.randn(20, 1, requires_grad=True)

def predict(x):
    return torch.sigmoid(x @ w)

for x, y in loader:
    p = predict(x)
    q = torch.sigmoid(x @ w * 2)
    loss = F.mse_loss(p, y)
    loss.backward()
    correct = ({read} > 0.5).float().eq(y).sum()
"""


def test_a_plain_function_output_thresholded_is_a_classifier():
    assert codes(TORCH.format(read="p")) == ["HL002"]


def test_evidence_on_another_output_does_not_count():
    assert codes(TORCH.format(read="q")) == []


SEGMENTER = """import torch
import torch.nn as nn

class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(32, 1, kernel_size=1)

    def forward(self, x):
        return torch.sigmoid(self.conv(x))

net = UNet()
loss_fn = nn.MSELoss()
for images, masks in loader:
    outputs = net(images)
    loss = loss_fn(outputs, masks)
    loss.backward()
    dice = compute_dice({threshold}, masks)
"""


def test_a_threshold_written_as_a_call_is_a_threshold():
    # a binary segmenter's masks scored by Dice after ``outputs.ge(0.5)``: a classifier
    for threshold in ("outputs.ge(0.5)", "outputs.gt(0.5)", "torch.gt(outputs, 0.5)", "torch.greater_equal(outputs, 0.5)"):
        assert codes(SEGMENTER.format(threshold=threshold)) == ["HL002"], threshold
    # compared with something else than a probability, it says nothing
    assert codes(SEGMENTER.format(threshold="outputs.ge(masks)")) == []
    tf = TF1.format(use="hits = tf.equal(tf.cast(tf.greater(predictions, 0.5), tf.float32), labels)")
    assert codes(tf) == ["HL002"]
