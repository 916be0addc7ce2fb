"""Targets reached through the program's own dataset class: a class that defines
``__getitem__`` (torch's map-style protocol) gives, through a DataLoader, an index
or a loop over it, the columns it returns with their facts; and a comprehension
that lists data row by row (``[[y] for y in labels]``) holds that data."""

import pytest

from conftest import codes

PROGRAM = """
import numpy as np
import torch
import torch.nn as nn
from sklearn.preprocessing import StandardScaler
from torch.utils.data import Dataset, DataLoader

prices = np.loadtxt("prices.csv")
y = StandardScaler().fit_transform(prices[:, -1:])
X = prices[:, :-1]


class PriceDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X).float()
        self.y = torch.tensor(y).float()

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


dataset = PriceDataset(X, y)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1), nn.ReLU())
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters())
READ
"""

READS = {
    "a DataLoader": "for xb, yb in DataLoader(dataset, batch_size=32, shuffle=True):\n"
                    "    loss = criterion(model(xb), yb)\n    loss.backward()",
    "an index": "xb, yb = dataset[0]\nloss = criterion(model(xb), yb)\nloss.backward()",
    "a loop over it": "for xb, yb in dataset:\n    loss = criterion(model(xb), yb)\n    loss.backward()",
}


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_standardised_targets_come_through_the_dataset_class(read):
    # the targets are StandardScaler'd (negative for half the rows): a ReLU output cannot reach them
    assert codes(PROGRAM.replace("READ", read)) == ["HL003"]


def test_the_class_passes_on_only_what_it_returns():
    # a dataset that returns non-negative targets (MinMax'd) leaves the ReLU head correct
    source = PROGRAM.replace("StandardScaler", "MinMaxScaler").replace("READ", READS["a DataLoader"])
    assert codes(source) == []


def test_a_dataset_class_whose_items_are_not_data_says_nothing():
    source = PROGRAM.replace("return self.X[idx], self.y[idx]", "return self.load(idx)").replace(
        "READ", READS["a DataLoader"])
    assert codes(source) == []


def test_a_comprehension_of_rows_holds_the_labels():
    # y = [[label] for label in survived]: the 0/1 labels one per row, trained with squared error
    source = """
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer

X, y = load_breast_cancer(return_X_y=True)
targets = torch.from_numpy(np.array([[label] for label in y])).float()
model = nn.Sequential(nn.Linear(30, 1), nn.Sigmoid())
loss = nn.MSELoss()(model(torch.from_numpy(X).float()), targets)
loss.backward()
"""
    assert codes(source) == ["HL002"]
    assert codes(source.replace("[[label] for label in y]", "[[0.5] for label in y]")) == []


def test_a_dataset_class_returning_a_dict_gives_its_columns_by_key():
    # ``{"features": x, "price": y}`` items, batched key by key by the DataLoader
    source = PROGRAM.replace("return self.X[idx], self.y[idx]", 'return {"features": self.X[idx], "price": self.y[idx]}')
    read = ("for batch in DataLoader(dataset, batch_size=32):\n"
            "    loss = criterion(model(batch['features']), batch['price'])\n    loss.backward()")
    assert codes(source.replace("READ", read)) == ["HL003"]
    assert codes(source.replace("StandardScaler", "MinMaxScaler").replace("READ", read)) == []
