"""The rank of the data a model is called on: a draw's shape (``torch.randn(n, 10)``),
a nested literal list converted to an array, a table's ``.values`` and a scaler's
output (2-D), a slice, a dataset's rows (one axis fewer) and a loader's batches (one
axis more). A stack of layers keeps the rank it is given, so the output's axes are
known: an argmax over a one-unit output's last axis is HL012, a softmax over dim 0 of
a (batch, classes) output is HL008."""

import pytest

from conftest import codes

HEAD = """
import numpy as np
import pandas as pd
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, Dataset, TensorDataset

model = nn.Sequential(nn.Linear(2, 8), nn.Sigmoid(), nn.Linear(8, 1), nn.Sigmoid())
"""

# each gives X, the inputs, as a (samples, 2) array
INPUTS = {
    "a torch draw": "X = torch.randn(n, 2)",
    "a torch draw given one shape": "X = torch.rand((n, 2))",
    "a numpy draw with a size": "X = torch.from_numpy(np.random.normal(0, 1, size=(n, 2))).float()",
    "a literal list": "X = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])",
    "a torch.Tensor of a literal list": "X = torch.Tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])",
    "a table's values, split and scaled": (
        "df = pd.read_csv('xor.csv')\n"
        "X_train, X_test = train_test_split(df.drop(columns=['label']).values)\n"
        "X = torch.tensor(StandardScaler().fit_transform(X_train), dtype=torch.float32)"
    ),
    "a slice of an array": "X = torch.from_numpy(np.zeros((n, 3))[:, :2]).float()",
}


@pytest.mark.parametrize("inputs", INPUTS.values(), ids=INPUTS.keys())
def test_an_argmax_over_the_one_unit_of_a_batch_is_found(inputs):
    assert codes(HEAD + inputs + "\npredicted = model(X).argmax(1)\n") == ["HL012"]


@pytest.mark.parametrize("inputs", INPUTS.values(), ids=INPUTS.keys())
def test_a_threshold_on_the_one_unit_is_quiet(inputs):
    assert codes(HEAD + inputs + "\npredicted = model(X) > 0.5\n") == []


LOOPS = {
    "a TensorDataset through a DataLoader": (
        "loader = DataLoader(TensorDataset(X, y), batch_size=2)\nfor xb, yb in loader:\n    BODY"
    ),
    "the program's dataset class through a DataLoader": (
        "class XorData(Dataset):\n"
        "    def __init__(self, X, y):\n        self.X, self.y = X, y\n"
        "    def __len__(self):\n        return len(self.X)\n"
        "    def __getitem__(self, idx):\n        return self.X[idx], self.y[idx]\n"
        "for xb, yb in DataLoader(XorData(X, y), batch_size=2, shuffle=True):\n    BODY"
    ),
}
DATA = "X = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])\ny = torch.tensor([0, 1, 1, 0])\n"


@pytest.mark.parametrize("loop", LOOPS.values(), ids=LOOPS.keys())
def test_a_loaders_batches_have_the_batch_axis(loop):
    body = "correct = (model(xb).argmax(1) == yb).sum()"
    assert codes(HEAD + DATA + loop.replace("BODY", body) + "\n") == ["HL012"]


def test_a_datasets_rows_have_one_axis_fewer():
    # iterating the dataset itself gives one (2,) example at a time: dim 0 holds the unit
    loop = "for x, t in TensorDataset(X, y):\n    print(model(x).argmax(0), model(x).argmax(-1))\n"
    assert codes(HEAD + DATA + loop) == ["HL012", "HL012"]


def test_unbatched_loaders_and_own_collate_functions_leave_the_rank_unknown():
    # batch_size=None yields the rows one by one; a collate_fn of the program's own may stack them any way
    for options in ("batch_size=None", "batch_size=2, collate_fn=stack"):
        loop = f"for xb, yb in DataLoader(TensorDataset(X, y), {options}):\n    print(model(xb).argmax(1))\n"
        assert codes(HEAD + DATA + loop) == [], options


def test_a_softmax_over_the_batch_of_a_known_batch_is_found():
    source = HEAD.replace("nn.Linear(8, 1), nn.Sigmoid()", "nn.Linear(8, 3)") + DATA + (
        "probabilities = F.softmax(model(X), dim=0)\n"
    )
    assert codes(source) == ["HL008"]
    assert codes(source.replace("dim=0", "dim=1")) == []


@pytest.mark.parametrize("index, expected", [("[:, :2]", 2), ("[:, 0]", 1), ("[:, None, :]", 3), ("[mask]", None)])
def test_an_index_keeps_the_axes_its_slices_keep(index, expected):
    # a (n, 1) output read with argmax(1) is HL012 only when the input keeps two axes
    source = HEAD + f"X = np.zeros((n, 3)){index}\nprint(model(torch.from_numpy(X)).argmax(1))\n"
    assert codes(source) == (["HL012"] if expected == 2 else [])
