"""Qualified names resolve through imports and aliases to one vocabulary."""

import pytest

from headlint.names import canonical
from conftest import codes, lint

TORCH_MODEL = """
{imports}
model = {seq}(
    {linear}(64, 10),
    {softmax}(dim=1),
)
criterion = {ce}()
for x, y in loader:
    loss = criterion(model(x), y)
"""


@pytest.mark.parametrize(
    "qualname, expected",
    [
        ("tensorflow.keras.layers.Dense", "keras.layers.Dense"),
        ("tf_keras.layers.Dense", "keras.layers.Dense"),
        ("keras.src.layers.core.dense.Dense", "keras.layers.Dense"),
        ("keras.models.Sequential", "keras.Sequential"),
        ("tensorflow.keras.models.Model", "keras.Model"),
        ("torch.nn.modules.loss.CrossEntropyLoss", "torch.nn.CrossEntropyLoss"),
        ("torch.nn.modules.activation.Softmax", "torch.nn.Softmax"),
        ("tensorflow.losses.MeanSquaredError", "keras.losses.MeanSquaredError"),
        ("np.random.randn", "numpy.random.randn"),
        # Keras 2 module paths, Keras 3's implementation tree, tf_keras's, TF 1's
        ("keras.utils.np_utils.to_categorical", "keras.utils.to_categorical"),
        ("keras.layers.advanced_activations.LeakyReLU", "keras.layers.LeakyReLU"),
        ("keras.src.layers.convolutional.conv2d.Conv2D", "keras.layers.Conv2D"),
        ("keras.objectives.categorical_crossentropy", "keras.losses.categorical_crossentropy"),
        ("keras.engine.Model", "keras.Model"),
        ("keras.ops.nn.softmax", "keras.ops.softmax"),
        ("tf_keras.src.losses.mse", "keras.losses.mse"),
        ("tensorflow.compat.v2.keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.contrib.keras.api.keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.contrib.layers.python.layers.layers.fully_connected", "tensorflow.contrib.layers.fully_connected"),
        ("torch.nn.modules.Softmax", "torch.nn.Softmax"),
        ("torch.autograd.grad_mode.no_grad", "torch.no_grad"),
        ("torch.nn.Linear", "torch.nn.Linear"),
    ],
)
def test_canonical_spelling(qualname, expected):
    assert canonical(qualname) == expected


@pytest.mark.parametrize(
    "imports, seq, linear, softmax, ce",
    [
        ("import torch.nn as nn", "nn.Sequential", "nn.Linear", "nn.Softmax", "nn.CrossEntropyLoss"),
        ("from torch import nn", "nn.Sequential", "nn.Linear", "nn.Softmax", "nn.CrossEntropyLoss"),
        ("import torch", "torch.nn.Sequential", "torch.nn.Linear", "torch.nn.Softmax", "torch.nn.CrossEntropyLoss"),
        (
            "from torch.nn import Sequential as S, Linear as L, Softmax as Sm, CrossEntropyLoss as CE",
            "S", "L", "Sm", "CE",
        ),
        ("from torch.nn import *", "Sequential", "Linear", "Softmax", "CrossEntropyLoss"),
        (
            "from torch.nn.modules.loss import CrossEntropyLoss\nfrom torch.nn import Sequential, Linear, Softmax",
            "Sequential", "Linear", "Softmax", "CrossEntropyLoss",
        ),
    ],
)
def test_every_torch_spelling_is_understood(imports, seq, linear, softmax, ce):
    source = TORCH_MODEL.format(imports=imports, seq=seq, linear=linear, softmax=softmax, ce=ce)
    assert codes(source) == ["HL001"]


def test_bare_names_without_an_import_never_match():
    source = TORCH_MODEL.format(
        imports="import torch\nfrom mylib import Sequential, Linear, Softmax, CrossEntropyLoss",
        seq="Sequential", linear="Linear", softmax="Softmax", ce="CrossEntropyLoss",
    )
    assert codes(source) == []


def test_a_local_class_shadowing_a_framework_name_is_not_the_framework():
    assert codes(
        """
        import torch
        from torch import nn

        class CrossEntropyLoss:
            def __call__(self, p, y):
                return ((p - y) ** 2).mean()

        model = nn.Sequential(nn.Linear(8, 3), nn.Softmax(dim=1))
        criterion = CrossEntropyLoss()
        loss = criterion(model(x), y)
        """
    ) == []


@pytest.mark.parametrize(
    "imports, dense, seq",
    [
        ("from tensorflow import keras", "keras.layers.Dense", "keras.Sequential"),
        ("import tensorflow as tf", "tf.keras.layers.Dense", "tf.keras.Sequential"),
        ("import keras", "keras.layers.Dense", "keras.Sequential"),
        ("from tensorflow.keras import layers, models", "layers.Dense", "models.Sequential"),
        ("from keras.layers import Dense as D\nfrom keras.models import Sequential as S", "D", "S"),
        ("import tf_keras as keras", "keras.layers.Dense", "keras.Sequential"),
    ],
)
def test_every_keras_spelling_is_understood(imports, dense, seq):
    source = f"""
{imports}
import tensorflow
model = {seq}([{dense}(32, activation="relu"), {dense}(1, activation="softmax")])
"""
    assert codes(source) == ["HL004"]


FRAGMENT = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return F.softmax(self.fc(x), dim=1)

model = Net()
criterion = nn.NLLLoss()
for x, y in loader:
    criterion(model(x), y).backward()
"""


@pytest.mark.parametrize("preamble", ["", "from fastai.vision.all import *\n"])
def test_conventional_aliases_that_nothing_binds_are_the_modules_they_name(preamble):
    """A fragment without its imports, or a star import of a module not read, still
    means torch.nn by ``nn`` and torch.nn.functional by ``F``."""
    assert lint(preamble + FRAGMENT) == [("HL006", 8 + preamble.count("\n"))]


def test_a_conventional_alias_bound_to_something_else_is_that():
    assert lint("import flax.linen as nn\nimport jax.nn as F\n" + FRAGMENT) == []
