"""Branches keep their alternatives: a mistake one reachable combination contains is
reported, and combinations that no run can make are never formed."""

import libcst as cst

from conftest import codes, lint
from headlint import branches

TORCH = (
    "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
    "class Soft(nn.Module):\n"
    "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 4)\n"
    "    def forward(self, x):\n        return F.softmax(self.fc(x), dim=1)\n"
    "class Raw(nn.Module):\n"
    "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 4)\n"
    "    def forward(self, x):\n        return self.fc(x)\n"
)


def atoms(source: str):
    return branches.atoms(cst.parse_expression(source))


def guard(source: str, truth: bool = True) -> frozenset:
    return frozenset({branches.condition(cst.parse_expression(source), truth)})


def test_conditions_are_compared_by_their_text_and_literals_exclude_each_other():
    yes, no = atoms("args.big")
    assert atoms("not args.big") == (no, yes)
    assert not branches.compatible(guard("args.big"), guard("args.big", False))
    assert branches.compatible(guard("args.big"), guard("args.big"))  # two ifs on one flag agree
    assert not branches.compatible(guard("args.big"), guard("not args.big"))
    assert not branches.compatible(guard('task == "cls"'), guard('task == "reg"'))
    assert branches.compatible(guard('task == "cls"', False), guard('task == "reg"'))
    assert not branches.compatible(guard('task != "cls"'), guard('task == "cls"'))
    assert branches.compatible(guard("a"), guard("b", False))


def test_a_string_literal_is_one_whichever_quotes_spell_it():
    assert branches.compatible(guard("task == 'cls'"), guard('task == "cls"'))
    assert not branches.compatible(guard("task == 'cls'"), guard('task == "reg"'))


def test_a_registry_looked_up_by_a_setting_holds_each_of_its_values():
    lookup = "NETS = {'soft': Soft, 'raw': Raw}\nnet = NETS[args.arch]()\n"
    assert codes(TORCH + lookup + "loss = nn.CrossEntropyLoss()(net(x), y)\n") == ["HL001"]
    assert codes(TORCH + lookup.replace("Soft}", "Raw}").replace("'soft': Soft", "'soft': Raw")
                 + "loss = nn.CrossEntropyLoss()(net(x), y)\n") == []
    # the same setting picks the loss: each model meets the loss its key goes with
    paired = lookup + (
        "LOSSES = {'soft': nn.NLLLoss, 'raw': nn.CrossEntropyLoss}\n"
        "out = net(x)\nif args.arch == \"soft\":\n    out = torch.log(out)\n"
        "loss = LOSSES[args.arch]()(out, y)\n"
    )
    assert codes(TORCH + paired) == []
    assert codes(TORCH + paired.replace("'soft': nn.NLLLoss", "'soft': nn.CrossEntropyLoss")
                 .replace('if args.arch == \"soft\"', "if False")) == ["HL001"]


def test_a_registry_of_many_models_holds_each_of_them():
    # model zoos list five to eight architectures: the wrong one is found among them
    models = "".join(f"class Raw{i}(Raw):\n    pass\n" for i in range(6))
    entries = ", ".join(f"'raw{i}': Raw{i}" for i in range(6))
    lookup = models + f"NETS = {{{entries}, 'soft': Soft}}\nnet = NETS[args.arch]()\n"
    assert codes(TORCH + lookup + "loss = nn.CrossEntropyLoss()(net(x), y)\n") == ["HL001"]
    assert codes(TORCH + lookup.replace("'soft': Soft", "'soft': Raw") + "loss = nn.CrossEntropyLoss()(net(x), y)\n") == []


def test_an_if_expression_model_is_judged_in_each_arm():
    assert codes(TORCH + "net = Soft() if flag else Raw()\nloss = nn.CrossEntropyLoss()(net(x), y)\n") == ["HL001"]
    assert codes(TORCH + "net = Raw() if flag else Raw()\nloss = nn.CrossEntropyLoss()(net(x), y)\n") == []


def test_one_condition_choosing_model_and_loss_is_not_mixed():
    body = (
        "if mode == 'p':\n    model, crit = Soft(), nn.NLLLoss()\n"
        "else:\n    model, crit = Raw(), nn.CrossEntropyLoss()\n"
        "out = model(x)\n"
        "if mode == 'p':\n    out = torch.log(out)\n"
        "loss = crit(out, y)\n"
    )
    assert codes(TORCH + body) == []
    crossed = body.replace("nn.NLLLoss()", "nn.CrossEntropyLoss()").replace("if mode == 'p':\n    out", "if False:\n    out")
    assert codes(TORCH + crossed) == ["HL001"]


def test_a_branch_replacing_the_model_keeps_the_other():
    body = "model = Soft()\nif resume:\n    model = torch.load(path)\nloss = nn.CrossEntropyLoss()(model(x), y)\n"
    assert codes(TORCH + body) == ["HL001"]


def test_a_none_alternative_keeps_what_is_known_of_the_targets():
    body = (
        "model = nn.Sequential(nn.Linear(8, 1), nn.ReLU())\n"
        "y = torch.randn(100, 1) if train else None\n"
        "loss = nn.MSELoss()(model(x), y)\n"
    )
    assert codes(TORCH + body) == ["HL003"]


def test_literals_chosen_by_a_condition_are_not_judged_apart():
    body = "model = nn.Sequential(nn.Linear(8, 4), nn.Softmax(0 if x.dim() == 1 else 1))\n"
    assert codes(TORCH + body) == []


def test_too_many_alternatives_fall_back_to_one_joined_value():
    values = [branches.Alt(tuple((guard(f"c{i}"), object()) for i in range(3)))] * 3
    assert branches.combinations(values) is None


DECODER = """
import torch.nn as nn
import torch.nn.functional as F


class Decoder(nn.Module):
    def __init__(self, classes=150, use_softmax=False):
        super().__init__()
        self.use_softmax = use_softmax
        self.conv = nn.Conv2d(64, classes, 1)

    def forward(self, x):
        x = self.conv(x)
        if self.use_softmax:  # inference
            return F.softmax(x, dim=1)
        return F.log_softmax(x, dim=1)


def build_decoder(arch, classes=150, use_softmax=False):
    return Decoder(classes=classes, use_softmax=use_softmax)


crit = nn.NLLLoss()
decoder = build_decoder(cfg.arch{extra})
for x, y in loader:
    crit(decoder(x), y).backward()
"""


def test_a_default_the_call_in_sight_leaves_is_the_value_it_runs_with():
    # build_decoder(cfg.arch) leaves use_softmax at False: the softmax branch never trains
    assert codes(DECODER.format(extra="")) == []
    assert codes(DECODER.format(extra=", use_softmax=True")) == ["HL006"]


def test_a_default_with_no_call_in_sight_decides_no_branch():
    # forward(x, target=None) evaluated on its own: its callers may pass a target
    assert codes(
        """
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
    def forward(self, x, target=None):
        out = F.softmax(self.fc(x), dim=1)
        if target is not None:
            return F.cross_entropy(out, target)
        return out
"""
    ) == ["HL001"]


METHOD_SWITCH = """
import torch
import torch.nn.functional as F
from torch import nn

class WideDeep(nn.Module):
    def __init__(self, method):
        super().__init__()
        self.method = method
        self.fc = nn.Linear(10, 3)

    def forward(self, x):
        return self.fc(x)

    def _activation_fn(self, inp):
        if self.method == "binary":
            return torch.sigmoid(inp)
        else:
            return inp

    def _loss_fn(self, y_pred, y_true):
        if self.method == "binary":
            return F.binary_cross_entropy(y_pred, y_true)
        if self.method == "multiclass":
            return F.cross_entropy(y_pred, y_true)

    def training_step(self, X, y):
        y_pred = self._activation_fn(self.forward(X))
        self._loss_fn(y_pred, y).backward()

WideDeep(args.method).training_step(X, y)
"""


def test_branch_choices_hold_in_the_functions_called_under_them():
    """The sigmoid chosen for "binary" never meets the cross-entropy chosen for
    "multiclass", nor the raw scores the BCE: each method's pair is right."""
    assert lint(METHOD_SWITCH) == []
    wrong = METHOD_SWITCH.replace('if self.method == "multiclass":', 'if self.method != "regression":')
    assert lint(wrong) == [("HL011", 17)]  # "binary" reaches the cross-entropy too


def test_what_type_checking_guards_never_runs():
    text = """
from typing import TYPE_CHECKING
import torch
from torch import nn

if TYPE_CHECKING:
    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))
else:
    model = nn.Sequential(nn.Linear(4, 3)OTHER)

loss = nn.CrossEntropyLoss()(model(x), y)
"""
    assert lint(text.replace("OTHER", "")) == []
    assert lint(text.replace("OTHER", ", nn.Softmax(dim=1)")) == [("HL001", 9)]


def test_a_switch_set_in_the_code_leaves_both_of_its_branches_to_run():
    """``USE_PRETRAINED = True`` in a notebook's settings cell is flipped by the user: the
    training in its else branch is code that runs, and is judged."""
    body = (
        "USE_PRETRAINED = {flag}\nnet = Soft()\n"
        "if {test}:\n    net.load_state_dict(torch.load(path))\n"
        "else:\n    loss = nn.CrossEntropyLoss()(net(x), y)\n"
    )
    assert codes(TORCH + body.format(flag="True", test="USE_PRETRAINED")) == ["HL001"]
    assert codes(TORCH + body.format(flag="False", test="not USE_PRETRAINED")) == ["HL001"]
    # ``if False:`` is code switched off in the file itself, and a comparison is decided
    assert codes(TORCH + body.format(flag="True", test="False")) == ["HL001"]
    assert codes(TORCH + body.format(flag="True", test="True")) == []
    assert codes(TORCH + "n_classes = 1\nnet = Soft()\nif n_classes > 1:\n    loss = nn.CrossEntropyLoss()(net(x), y)\n") == []
    # a parameter's default is the call in sight's choice, not a switch
    chooser = "def build(softmax=False):\n    if softmax:\n        return Soft()\n    return Raw()\n"
    assert codes(TORCH + chooser + "loss = nn.CrossEntropyLoss()(build()(x), y)\n") == []
    assert codes(TORCH + chooser + "loss = nn.CrossEntropyLoss()(build(softmax=True)(x), y)\n") == ["HL001"]
