"""Where a finding points: at the code that makes the activation. A module held in an
attribute and applied once is reported where it is built (as one inside nn.Sequential
is), with the application as a related location; a module applied at several places,
at the application that is wrong."""

import textwrap

from headlint.engine import check_text

NET = """
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(x))

model, criterion = Net(), nn.CrossEntropyLoss()
for xb, yb in loader:
    criterion(model(xb), yb).backward()
"""


def findings(text):
    return check_text(textwrap.dedent(text), "m.py").findings


def test_a_module_applied_once_is_reported_where_it_is_built():
    (finding,) = findings(NET)
    assert (finding.code, finding.span.line) == ("HL001", 8)
    related = {label: place.line for label, place in finding.related}
    assert related["applied here"] == 11 and related["loss applied here"] == 15


def test_a_noqa_where_it_is_built_silences_it():
    assert findings(NET.replace("nn.Softmax(dim=1)", "nn.Softmax(dim=1)  # noqa: HL001")) == []


def test_a_module_applied_at_two_places_is_reported_at_the_wrong_one():
    text = """
    import torch.nn as nn

    model = nn.Sequential(nn.Linear(10, 1))
    criterion, sigmoid = nn.BCEWithLogitsLoss(), nn.Sigmoid()
    for xb, yb in loader:
        out = model(xb)
        loss = criterion(sigmoid(out), yb)
        predictions = sigmoid(out) > 0.5
    """
    (finding,) = findings(text)
    assert (finding.code, finding.span.line) == ("HL005", 8)
    assert "applied here" not in {label for label, _ in finding.related}
