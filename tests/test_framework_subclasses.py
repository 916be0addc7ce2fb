"""A program's own subclass of a framework layer, activation layer or loss class is
that object: ``class MaskedConv2d(nn.Conv2d)`` (PixelCNN's masked convolution),
``class MaskedLinear(nn.Linear)`` (MADE), ``class WeightedBCE(nn.BCEWithLogitsLoss)``.
Its ``super().__init__(*args, **kwargs)`` builds the object from what the program
passes, and ``super().forward(x)`` in an override applies it."""

from conftest import codes, lint
from headlint.engine import check_text

HEAD = "import torch\nimport torch.nn as nn\n"
BCE = "loss = nn.BCELoss()(out, torch.ones(8, 1))\n"


def test_a_layer_subclass_with_nothing_of_its_own_is_that_layer():
    code = HEAD + "class MyLinear(nn.Linear):\n    pass\n\nlayer = MyLinear(4, 1)\nout = layer(torch.randn(8, 4))\n" + BCE
    assert lint(code) == [("HL007", 6)]  # reported where the program builds it
    assert codes(code.replace("out = layer(torch.randn(8, 4))", "out = torch.sigmoid(layer(torch.randn(8, 4)))")) == []


def test_arguments_forwarded_through_star_args_reach_the_layer():
    masked = (
        "class MaskedConv2d(nn.Conv2d):\n"
        "    def __init__(self, is_causal, *args, **kwargs):\n"
        "        super().__init__(*args, **kwargs)\n"
        "        self.register_buffer('mask', torch.ones(3, 3))\n"
        "    def forward(self, x):\n"
        "        self.weight.data *= self.mask\n"
        "        return super().forward(x)\n"
        "\n"
        "class TinyCNN(nn.Module):\n"
        "    def __init__(self, out_channels=1):\n"
        "        super().__init__()\n"
        "        self.conv = MaskedConv2d(True, in_channels=1, out_channels=out_channels, kernel_size=3, padding=1)\n"
        "    def forward(self, x):\n"
        "        return self.conv(x)\n"
        "\n"
        "x = torch.rand(8, 1, 28, 28)\n"
        "loss = nn.BCELoss()(TinyCNN()(x), x)\n"
    )
    result = check_text(HEAD + masked, "pixelcnn.py")
    assert [(f.code, f.span.line) for f in result.findings] == [("HL007", 14)]
    assert "raw output of MaskedConv2d(1, 1)" in result.findings[0].message
    # the override applying an activation to what the layer gives is followed
    squashed = masked.replace("return super().forward(x)", "return torch.sigmoid(super().forward(x))")
    assert codes(HEAD + squashed) == []


def test_a_keras_layer_subclass_keeps_the_activation_it_is_given():
    code = (
        "from tensorflow import keras\n"
        "class TiedDense(keras.layers.Dense):\n"
        "    def __init__(self, units, **kwargs):\n"
        "        super().__init__(units, **kwargs)\n"
        "model = keras.Sequential([keras.layers.Dense(32, activation='relu'), TiedDense(1, activation='softmax')])\n"
        "model.compile(loss='binary_crossentropy', optimizer='adam')\n"
    )
    assert codes(code) == ["HL004"]
    assert codes(code.replace("activation='softmax'", "activation='sigmoid'")) == []


def test_a_loss_subclass_applies_what_its_base_applies():
    net = (
        "class Net(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 1)\n"
        "    def forward(self, x):\n        return torch.sigmoid(self.fc(x))\n"
    )
    weighted = (
        "class WeightedBCE(nn.BCEWithLogitsLoss):\n"
        "    def __init__(self, weight=None):\n"
        "        super().__init__(pos_weight=weight)\n"
    )
    use = "loss = WeightedBCE()(Net()(torch.randn(8, 4)), torch.ones(8, 1))\n"
    result = check_text(HEAD + weighted + net + use, "train.py")
    assert [f.code for f in result.findings] == ["HL005"]
    assert "WeightedBCE, a subclass of nn.BCEWithLogitsLoss" in result.findings[0].message
    # an override whose forward still calls the base's loss is the same loss
    override = weighted + "    def forward(self, input, target):\n        return super().forward(input, target) * 2.0\n"
    assert codes(HEAD + override + net + use) == ["HL005"]
    assert codes(HEAD + weighted.replace("nn.BCEWithLogitsLoss", "nn.BCELoss") + net + use) == []


def test_a_subclass_of_a_subclass_is_still_the_layer():
    code = (
        HEAD + "class Base(nn.Linear):\n    def __init__(self, n_in, n_out):\n        super().__init__(n_in, n_out)\n"
        "class Head(Base):\n    pass\n\nout = Head(4, 1)(torch.randn(8, 4))\n" + BCE
    )
    assert codes(code) == ["HL007"]
