"""The two target lattices, one transfer row at a time."""

import pytest

from headlint import targets
from headlint.records import Kind, Sign, TargetFact
from conftest import codes

SIGNED = TargetFact(Kind.CONTINUOUS, Sign.SIGNED)
NONNEG = TargetFact(Kind.CONTINUOUS, Sign.NONNEG)
UNKNOWN = TargetFact()


@pytest.mark.parametrize(
    "op, a, b, sign",
    [
        ("+", NONNEG, NONNEG, Sign.NONNEG),
        ("+", SIGNED, NONNEG, Sign.SIGNED),
        ("+", SIGNED, UNKNOWN, Sign.UNKNOWN),
        ("-", NONNEG, NONNEG, Sign.SIGNED),
        ("-", UNKNOWN, UNKNOWN, Sign.SIGNED),
        ("*", SIGNED, UNKNOWN, Sign.SIGNED),
        ("*", NONNEG, NONNEG, Sign.NONNEG),
        ("*", NONNEG, UNKNOWN, Sign.UNKNOWN),
        ("/", SIGNED, NONNEG, Sign.SIGNED),
    ],
)
def test_arithmetic_signs(op, a, b, sign):
    assert targets.binary(op, a, b).sign is sign


def test_join_keeps_only_what_both_branches_agree_on():
    assert targets.join(SIGNED, NONNEG).sign is Sign.UNKNOWN
    assert targets.join(SIGNED, SIGNED) == SIGNED


def test_even_powers_and_abs_are_non_negative():
    assert targets.power(SIGNED, 2).sign is Sign.NONNEG
    assert targets.power(SIGNED, 3).sign is Sign.UNKNOWN
    assert targets.transfer("nonneg", SIGNED).sign is Sign.NONNEG


def test_clamping_at_zero_makes_non_negative():
    assert targets.transfer("clip", SIGNED, (0,)).sign is Sign.NONNEG
    assert targets.transfer("clip", SIGNED, (-1,)).sign is Sign.UNKNOWN


def test_integer_casts_are_labels():
    assert targets.transfer("astype", NONNEG, ("int64",)).kind is Kind.LABEL
    assert targets.transfer("astype", NONNEG, ("float32",)).kind is Kind.CONTINUOUS


def test_literal_lists():
    assert targets.of_literals([0, 1, 1, 0]) == TargetFact(Kind.LABEL, Sign.NONNEG, "literal 0/1 values")
    assert targets.of_literals([3, 5, 8]).kind is Kind.UNKNOWN  # counts, not classes
    assert targets.of_literals([1]).kind is Kind.UNKNOWN
    assert targets.of_literals([0.5, -1.5]).sign is Sign.SIGNED


RELU_REGRESSION = """
import numpy as np
import torch
from torch import nn
{data}
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1), nn.ReLU())
loss_fn = nn.MSELoss()
loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(y))
"""


@pytest.mark.parametrize(
    "data, expected",
    [
        ("y = torch.randn(100, 1)", ["HL003"]),
        ("y = np.random.normal(0, 1, size=(100, 1))", ["HL003"]),
        ("rng = np.random.default_rng(0)\ny = rng.standard_normal((100, 1))", ["HL003"]),
        ("from sklearn.preprocessing import StandardScaler\ny = StandardScaler().fit_transform(raw)", ["HL003"]),
        ("y = (raw - raw.mean()) / raw.std()", ["HL003"]),
        ("prices = load()\ny = prices[1:] - prices[:-1]", ["HL003"]),
        ("y = -2.0 * torch.rand(100, 1)", ["HL003"]),
        ("y = np.random.uniform(-1, 1, (100, 1))", ["HL003"]),
        ("y = torch.rand(100, 1)", []),
        ("y = np.random.uniform(0, 5, (100, 1))", []),
        ("y = torch.randn(100, 1).abs()", []),
        ("y = np.exp(np.random.randn(100, 1))", []),
        ("y = torch.randn(100, 1).clamp(min=0)", []),
        ("y = torch.randn(100, 1) ** 2", []),
        ("y = (raw - raw.min()) / (raw.max() - raw.min())", []),
        ("from sklearn.preprocessing import MinMaxScaler\ny = MinMaxScaler().fit_transform(raw)", []),
        ("y = np.loadtxt('targets.csv')", []),
        ("y = load_targets()", []),
    ],
)
def test_sign_analysis_decides_relu_regressions(data, expected):
    assert codes(RELU_REGRESSION.format(data=data)) == expected


def test_a_logarithm_alone_does_not_decide_the_sign():
    assert codes(RELU_REGRESSION.format(data="y = np.log(prices)")) == []
    assert codes(RELU_REGRESSION.format(data="y = np.diff(np.log(prices))")) == ["HL003"]


def test_an_integer_cast_of_loaded_data_is_a_label():
    assert codes(
        """
        import numpy as np
        import torch
        from torch import nn
        y = np.load("labels.npy").astype("int32")
        model = nn.Sequential(nn.Linear(4, 1), nn.Sigmoid())
        loss = nn.MSELoss()(model(x), torch.as_tensor(y))
        """
    ) == ["HL002"]


# --- torchvision: images as the transforms leave them, labels as class indices ---------

AUTOENCODER = """
import torch
from torch import nn
from torchvision import datasets, transforms
from torchvision.transforms import v2

transform = TRANSFORM
loader = torch.utils.data.DataLoader(datasets.MNIST("data", train=True, download=True, transform=transform), batch_size=64)
model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
criterion = nn.MSELoss()
for img, _ in loader:
    loss = criterion(model(img), img)
"""


@pytest.mark.parametrize(
    "transform, expected",
    [
        # [0, 1] shifted by a mean of 0.5: [-1, 1], half of it out of a sigmoid's reach
        ("transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])", ["HL011"]),
        ("transforms.Compose([transforms.Resize(28), transforms.ToTensor(), transforms.Normalize(mean=[0.1307], std=[0.3081])])", ["HL011"]),
        ("v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean=[0.5], std=[0.5])])", ["HL011"]),
        ("transforms.ToTensor()", []),  # [0, 1]: a sigmoid reaches it
        ("transforms.Compose([transforms.ToTensor(), transforms.RandomHorizontalFlip()])", []),
        ("transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.0,), (1.0,))])", []),
        # a function of the user's after it, or a mean that is not a literal: nothing known
        ("transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,)), transforms.Lambda(lambda t: (t + 1) / 2)])", []),
        ("transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])", []),
        ("None", []),  # PIL images: the loop could not even run
    ],
    ids=["normalize-half", "normalize-mnist-stats", "v2", "to-tensor", "flip", "zero-mean", "lambda-after", "names", "none"],
)
def test_torchvision_transforms_decide_the_sign_of_the_images(transform, expected):
    assert codes(AUTOENCODER.replace("TRANSFORM", transform)) == expected


def test_torchvision_dataset_labels_are_class_indices():
    # the labels of a torchvision classification dataset are class indices: a sigmoid output
    # scored by squared error on them is a classifier (HL002); a target_transform hides them
    text = """
import torch
from torch import nn
from torchvision import datasets, transforms

data = datasets.CIFAR10("data", True, transforms.ToTensor()TARGET)
loader = torch.utils.data.DataLoader(data, batch_size=64, shuffle=True)
model = nn.Sequential(nn.Flatten(), nn.Linear(3072, 1), nn.Sigmoid())
criterion = nn.MSELoss()
for images, labels in loader:
    loss = criterion(model(images).squeeze(1), labels.float())
"""
    assert codes(text.replace("TARGET", "")) == ["HL002"]
    assert codes(text.replace("TARGET", ", target_transform=lambda c: c / 9")) == []
