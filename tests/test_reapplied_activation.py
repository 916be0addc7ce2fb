"""The model's own activation applied a second time to its output: a Dice loss that
starts with ``torch.sigmoid(inputs)`` given a UNet that ends in a sigmoid (HL005), a
label-smoothing loss taking ``pred.log_softmax(-1)`` of a softmax output (HL001),
``tf.sigmoid(y_pred)`` in a Keras loss function. Judged as a loss that applies the
activation itself, named by the user's loss it runs in."""

from conftest import codes
from headlint.engine import check_text

TORCH = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

UNET = """
class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 1, 1)
    def forward(self, x):
        return torch.sigmoid(self.conv(x))
"""

DICE = """
class DiceLoss(nn.Module):
    def forward(self, inputs, targets, smooth=1):
        inputs = torch.sigmoid(inputs)
        inputs = inputs.view(-1)
        targets = targets.view(-1)
        intersection = (inputs * targets).sum()
        return 1 - (2. * intersection + smooth) / (inputs.sum() + targets.sum() + smooth)
"""

TRAIN = """
model, criterion = UNet(), DiceLoss()
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
"""


def test_a_dice_loss_that_applies_sigmoid_to_a_sigmoid_output():
    result = check_text(TORCH + UNET + DICE + TRAIN, "train.py")
    (finding,) = result.findings
    assert finding.code == "HL005" and finding.span.line == 10  # the model's sigmoid
    assert "DiceLoss" in finding.message and "torch.sigmoid" in finding.message and "again" in finding.message
    assert [(label, span.line) for label, span in finding.related] == [
        ("sigmoid applied again here", 14), ("loss wrapper called here", 22)]
    # the UNet returning logits is the right pair for this loss
    assert codes(TORCH + UNET.replace("torch.sigmoid(self.conv(x))", "self.conv(x)") + DICE + TRAIN) == []
    # a loss that takes probabilities as they are
    assert codes(TORCH + UNET + DICE.replace("        inputs = torch.sigmoid(inputs)\n", "") + TRAIN) == []


def test_a_label_smoothing_loss_that_takes_log_softmax_of_a_softmax_output():
    net = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 10)
    def forward(self, x):
        return F.softmax(self.fc(x), dim=1)
"""
    smoothing = """
class LabelSmoothingLoss(nn.Module):
    def forward(self, pred, target):
        pred = pred.log_softmax(dim=-1)
        true_dist = torch.full_like(pred, 0.01).scatter_(1, target.unsqueeze(1), 0.91)
        return torch.mean(torch.sum(-true_dist * pred, dim=-1))
"""
    train = "model, criterion = Net(), LabelSmoothingLoss()\nfor x, y in loader:\n    criterion(model(x), y).backward()\n"
    assert codes(TORCH + net + smoothing + train) == ["HL001"]
    assert codes(TORCH + net.replace("F.softmax(self.fc(x), dim=1)", "self.fc(x)") + smoothing + train) == []
    # the log of a log_softmax output is not a second softmax
    assert codes(TORCH + net.replace("F.softmax", "F.log_softmax") + smoothing.replace("pred.log_softmax(dim=-1)", "pred")
                 + train) == []


def test_a_second_sigmoid_where_predictions_are_made():
    code = TORCH + UNET + "model = UNet()\nmask = torch.sigmoid(model(x)) > 0.5\n"
    result = check_text(code, "predict.py")
    assert [f.code for f in result.findings] == ["HL005"]
    assert "calls every example positive" in result.findings[0].message
    # a second softmax to make predictions only flattens them: the argmax stays
    soft = TORCH + "model = nn.Sequential(nn.Linear(8, 10), nn.Softmax(dim=1))\npred = F.softmax(model(x), dim=1).argmax(1)\n"
    assert codes(soft) == []
    # softmax of a log_softmax output is the probabilities: right
    logsoft = soft.replace("nn.Softmax(dim=1)", "nn.LogSoftmax(dim=1)")
    assert codes(logsoft) == []


def test_a_keras_loss_function_applying_sigmoid_to_y_pred():
    code = """
import tensorflow as tf
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])

def dice_loss(y_true, y_pred, smooth=1.0):
    y_pred = tf.sigmoid(y_pred)
    inter = tf.reduce_sum(y_true * y_pred)
    return 1 - (2 * inter + smooth) / (tf.reduce_sum(y_true) + tf.reduce_sum(y_pred) + smooth)

model.compile(optimizer="adam", loss=dice_loss)
model.fit(x_train, y_train, epochs=3)
"""
    assert codes(code) == ["HL005"]
    assert codes(code.replace('activation="sigmoid"', "activation=None")) == []
