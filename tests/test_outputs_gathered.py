"""A model's outputs gathered on the way to the loss or the accuracy: a list a
comprehension builds and ``torch.cat`` joins, the training side of ``if
net.training:`` when the evaluation side averages, and the rows of a sigmoid output
rounded one by one."""

from conftest import codes

SOFTMAX_NET = """
import torch
import torch.nn as nn

net = nn.Sequential(nn.Linear(512, 5), nn.Softmax(dim=-1))
criterion = nn.CrossEntropyLoss()
"""


def test_outputs_listed_by_a_comprehension_then_concatenated_reach_the_loss():
    loop = """
for inputs, targets in loader:
    outputs = torch.cat([net(clip) for clip in inputs], dim=0)
    criterion(outputs, targets).backward()
"""
    assert codes(SOFTMAX_NET + loop) == ["HL001"]
    assert codes(SOFTMAX_NET.replace(", nn.Softmax(dim=-1)", "") + loop) == []


def test_the_training_side_of_a_training_test_flows_on_to_the_loss_after_it():
    # in evaluation the outputs are averaged over time steps (the mean leaves their
    # layout unknown); the one loss after the if trains on the training side's outputs
    loop = """
for inputs, targets in loader:
    if net.training:
        outputs = torch.cat([net(clip) for clip in inputs], dim=0)
    else:
        outputs = torch.mean(net(inputs[0]), dim=0, keepdim=True)
    criterion(outputs, targets).backward()
"""
    assert codes(SOFTMAX_NET + loop) == ["HL001"]


def test_a_sigmoid_output_rounded_row_by_row_is_used_as_classes():
    source = """
import torch
import torch.nn as nn

net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1), nn.Sigmoid())
criterion = nn.MSELoss()
for x, y in loader:
    predictions = net(x)
    criterion(predictions, y).backward()
    correct = 0
    for i, p in enumerate(predictions):
        if torch.round(p) == y[i]:
            correct += 1
"""
    assert codes(source) == ["HL002"]
    assert codes(source.replace("torch.round(p) == y[i]", "abs(p - y[i]) < 0.1")) == []
