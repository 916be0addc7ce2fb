"""Automatic fixes from the installed command: ``--diff``, ``--fix``, ``--unsafe-fixes``.

Every fix is checked the way a user meets it: the exact text written back (comments
and layout kept), that unsafe fixes wait for --unsafe-fixes, that a fixed file is
re-checked and still parses, and that files without a fix are never touched.
"""

import ast
from pathlib import Path

import pytest

from cli_helpers import headlint, run_cli
from headlint.engine import check_text

ROOT = Path(__file__).resolve().parent.parent

KERAS_FROM_LOGITS = '''\
"""Digits classifier."""
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, activation="relu"),   # hidden layer
    layers.Dense(10, activation="softmax"),
])

model.compile(
    optimizer="adam",
    # the loss for integer labels
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # keep this
    metrics=["accuracy"],
)
model.fit(x_train, y_train, epochs=3)
'''

TORCH_SEQUENTIAL = '''\
import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(784, 256),  # hidden
    nn.ReLU(),
    nn.Linear(256, 10),   # logits
    # probabilities, for the demo below
    nn.Softmax(dim=1),  # the softmax
)
criterion = nn.CrossEntropyLoss()

for xb, yb in loader:
    loss = criterion(model(xb), yb)
    loss.backward()
'''

TORCH_FORWARD = '''\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 64)
        self.fc2 = nn.Linear(64, 5)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        return F.softmax(self.fc2(x), dim=1)  # class scores


net = Net()
criterion = nn.CrossEntropyLoss()
loss = criterion(net(inputs), labels)
'''

KERAS_ONE_UNIT = '''\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation='softmax'),  # spam or not
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x, y)
'''

TORCH_ONE_UNIT = '''\
import torch
from torch import nn

model = nn.Sequential(nn.Linear(32, 1), nn.Softmax(dim=1))
criterion = nn.BCELoss()
loss = criterion(model(x), y)
'''

SIGMOID_MSE = '''\
import torch
from torch import nn

model = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())
criterion = nn.MSELoss()
y = (torch.rand(64, 1) > 0.5).float()
loss = criterion(model(torch.randn(64, 8)), y)
'''

CLEAN = '''\
import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
'''


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def one_change(text, old, new):
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --- --diff ---------------------------------------------------------------------------


def test_diff_prints_a_unified_diff_writes_nothing_and_exits_1(tmp_path):
    path = write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    result = headlint("check", "--diff", "train.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert path.read_text() == KERAS_FROM_LOGITS
    lines = result.stdout.splitlines()
    assert lines[:2] == ["--- train.py", "+++ train.py"]
    assert lines[2].startswith("@@ ")
    assert "-    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),  # keep this" in lines
    assert "+    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),  # keep this" in lines
    assert sum(1 for line in lines if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))) == 2
    assert "HL001" not in result.stdout  # the diff only, no findings
    assert "Would fix 1 finding (HL001: 1)." in result.stderr


def test_diff_of_clean_files_is_empty_and_exits_0(tmp_path):
    write(tmp_path, "clean.py", CLEAN)
    result = run_cli("check", "--diff", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "No findings would be fixed.\n"


def test_diff_reports_the_findings_it_cannot_fix_on_stderr_and_exits_1(tmp_path):
    write(tmp_path, "clean.py", CLEAN)
    write(tmp_path, "mse.py", SIGMOID_MSE)
    write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    result = run_cli("check", "--diff", ".", cwd=tmp_path)
    assert result.returncode == 1  # a finding left fails the run, as without --diff
    assert result.stdout.startswith("--- train.py\n") and "HL002" not in result.stdout  # stdout: a patch only
    left, summary = result.stderr.splitlines()
    assert left.startswith("mse.py:") and ": HL002 " in left
    assert summary == "Would fix 1 finding (HL001: 1). 1 finding would remain (HL002: 1)."
    quiet = run_cli("check", "--diff", "-q", ".", cwd=tmp_path)  # -q: the findings, no summary line
    assert (quiet.returncode, quiet.stdout, quiet.stderr.splitlines()) == (1, result.stdout, [left])


def test_diff_shows_unsafe_fixes_only_with_unsafe_fixes(tmp_path):
    path = write(tmp_path, "model.py", TORCH_SEQUENTIAL)
    safe_only = run_cli("check", "--diff", "model.py", cwd=tmp_path)
    assert safe_only.returncode == 1  # the finding is left
    assert safe_only.stdout == ""
    assert "model.py:9:5: HL001 [*unsafe] " in safe_only.stderr
    assert "1 unsafe fix available with --unsafe-fixes" in safe_only.stderr
    unsafe = run_cli("check", "--diff", "--unsafe-fixes", "model.py", cwd=tmp_path)
    assert unsafe.returncode == 1
    assert "-    nn.Softmax(dim=1),  # the softmax" in unsafe.stdout.splitlines()
    assert path.read_text() == TORCH_SEQUENTIAL


def test_diff_wins_over_fix(tmp_path):
    path = write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    result = run_cli("check", "--fix", "--diff", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("--- train.py")
    assert path.read_text() == KERAS_FROM_LOGITS


# --- --fix: the text written back -----------------------------------------------------


def test_fix_applies_a_safe_fix_keeping_comments_and_layout(tmp_path):
    path = write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    result = headlint("check", "--fix", "train.py", cwd=tmp_path)
    assert path.read_text() == one_change(KERAS_FROM_LOGITS, "from_logits=True", "from_logits=False")
    assert result.returncode == 0, result.stdout
    assert "No findings in 1 file." in result.stdout
    assert "Fixed 1 finding (HL001: 1)." in result.stdout


def test_unsafe_fix_waits_for_unsafe_fixes(tmp_path):
    path = write(tmp_path, "model.py", TORCH_SEQUENTIAL)
    result = run_cli("check", "--fix", "model.py", cwd=tmp_path)
    assert result.returncode == 1
    assert path.read_text() == TORCH_SEQUENTIAL
    assert "model.py:9:5: HL001" in result.stdout
    assert "1 unsafe fix available with --unsafe-fixes." in result.stdout


def test_unsafe_fixes_removes_the_last_softmax_of_a_sequential(tmp_path):
    path = write(tmp_path, "model.py", TORCH_SEQUENTIAL)
    result = run_cli("check", "--fix", "--unsafe-fixes", "model.py", cwd=tmp_path)
    # the item and the comment on its own line go; every other comment stays
    assert path.read_text() == one_change(TORCH_SEQUENTIAL, "    nn.Softmax(dim=1),  # the softmax\n", "")
    assert result.returncode == 0, result.stdout
    assert "Fixed 1 finding (HL001: 1)." in result.stdout


@pytest.mark.parametrize(
    "before, after",
    [
        ("model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))", "model = nn.Sequential(nn.Linear(20, 10))"),
        ("model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1),)", "model = nn.Sequential(nn.Linear(20, 10),)"),
        (
            "model = nn.Sequential(nn.Linear(20, 10),\n                      nn.Softmax(dim=1))",
            "model = nn.Sequential(nn.Linear(20, 10))",
        ),
        (
            "model = nn.Sequential(\n    nn.Linear(20, 10),  # logits\n    nn.Softmax(dim=1)\n)",
            "model = nn.Sequential(\n    nn.Linear(20, 10)  # logits\n)",
        ),
        (
            "model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=-1)).to(device)",
            "model = nn.Sequential(nn.Linear(20, 10)).to(device)",
        ),
        (
            "model = torch.nn.Sequential(torch.nn.Linear(20, 10), torch.nn.Softmax(1))",
            "model = torch.nn.Sequential(torch.nn.Linear(20, 10))",
        ),
    ],
    ids=["one-line", "trailing-comma", "hanging", "no-trailing-comma", "to-device", "qualified"],
)
def test_sequential_layouts(tmp_path, before, after):
    head = "import torch\nfrom torch import nn\n\n"
    tail = "\ncriterion = nn.CrossEntropyLoss()\nloss = criterion(model(x), y)\n"
    path = write(tmp_path, "m.py", head + before + tail)
    result = run_cli("check", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert path.read_text() == head + after + tail
    assert result.returncode == 0, result.stdout


def test_unsafe_fixes_returns_the_logits_from_forward(tmp_path):
    path = write(tmp_path, "net.py", TORCH_FORWARD)
    assert run_cli("check", "--fix", "net.py", cwd=tmp_path).returncode == 1
    assert path.read_text() == TORCH_FORWARD
    result = run_cli("check", "--fix", "--unsafe-fixes", "net.py", cwd=tmp_path)
    expected = one_change(TORCH_FORWARD, "return F.softmax(self.fc2(x), dim=1)", "return self.fc2(x)")
    assert path.read_text() == expected
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "before, after",
    [
        ("return torch.softmax(self.fc2(x), 1)", "return self.fc2(x)"),
        ("return self.fc2(x).softmax(dim=-1)", "return self.fc2(x)"),
        ("return (F.softmax(self.fc2(x), dim=1))", "return (self.fc2(x))"),
        ("return F.softmax(\n            self.fc2(x),\n            dim=1,\n        )", "return self.fc2(x)"),
    ],
    ids=["torch.softmax", "method", "parenthesised", "multi-line"],
)
def test_forward_spellings(tmp_path, before, after):
    text = one_change(TORCH_FORWARD, "return F.softmax(self.fc2(x), dim=1)", before)
    path = write(tmp_path, "net.py", text)
    result = run_cli("check", "--fix", "--unsafe-fixes", "net.py", cwd=tmp_path)
    assert path.read_text() == one_change(text, before, after)
    assert result.returncode == 0, result.stdout


def test_keras_one_unit_softmax_becomes_sigmoid_with_the_same_quotes(tmp_path):
    path = write(tmp_path, "spam.py", KERAS_ONE_UNIT)
    assert run_cli("check", "--fix", "spam.py", cwd=tmp_path).returncode == 1
    assert path.read_text() == KERAS_ONE_UNIT
    result = run_cli("check", "--fix", "--unsafe-fixes", "spam.py", cwd=tmp_path)
    assert path.read_text() == one_change(KERAS_ONE_UNIT, "activation='softmax'", "activation='sigmoid'")
    assert result.returncode == 0, result.stdout
    assert "Fixed 1 finding (HL004: 1)." in result.stdout


def test_torch_one_unit_softmax_item_becomes_sigmoid(tmp_path):
    path = write(tmp_path, "m.py", TORCH_ONE_UNIT)
    result = run_cli("check", "--fix", "--unsafe-fixes", "m.py", cwd=tmp_path)
    assert path.read_text() == one_change(TORCH_ONE_UNIT, "nn.Softmax(dim=1)", "nn.Sigmoid()")
    assert result.returncode == 0, result.stdout


def test_crlf_line_endings_are_kept(tmp_path):
    text = KERAS_FROM_LOGITS.replace("\n", "\r\n")
    path = write(tmp_path, "train.py", text)
    assert run_cli("check", "--fix", "train.py", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == one_change(text, "from_logits=True", "from_logits=False").encode()


def test_the_file_encoding_and_byte_order_mark_are_kept(tmp_path):
    latin = "# -*- coding: latin-1 -*-\n# café\n" + KERAS_FROM_LOGITS
    latin_path = tmp_path / "latin.py"
    latin_path.write_bytes(latin.encode("latin-1"))
    bom_path = tmp_path / "bom.py"
    bom_path.write_bytes(b"\xef\xbb\xbf" + KERAS_FROM_LOGITS.encode())
    assert headlint("check", "--fix", ".", cwd=tmp_path).returncode == 0
    assert latin_path.read_bytes() == one_change(latin, "from_logits=True", "from_logits=False").encode("latin-1")
    assert bom_path.read_bytes() == b"\xef\xbb\xbf" + one_change(KERAS_FROM_LOGITS, "from_logits=True", "from_logits=False").encode()


def test_a_second_fix_run_changes_nothing(tmp_path):
    path = write(tmp_path, "model.py", TORCH_SEQUENTIAL)
    run_cli("check", "--fix", "--unsafe-fixes", "model.py", cwd=tmp_path)
    fixed = path.read_bytes()
    again = run_cli("check", "--fix", "--unsafe-fixes", "model.py", cwd=tmp_path)
    assert again.returncode == 0
    assert path.read_bytes() == fixed
    assert "Fixed" not in again.stdout


# --- re-checking ----------------------------------------------------------------------


def test_findings_that_remain_are_reported_after_fixing(tmp_path):
    two_bugs = TORCH_SEQUENTIAL + "\n" + SIGMOID_MSE.split("\n", 3)[3].replace("model", "scorer").replace("criterion", "mse")
    path = write(tmp_path, "both.py", two_bugs)
    result = run_cli("check", "--fix", "--unsafe-fixes", "both.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "nn.Softmax" not in path.read_text()
    reported = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("both.py:")]
    assert reported == ["HL002"]
    line = int(result.stdout.split("both.py:")[1].split(":")[0])
    assert "nn.Sigmoid()" in path.read_text().splitlines()[line - 1]  # a position in the fixed file
    assert "Found 1 finding (HL002: 1) in 1 of 1 file." in result.stdout
    assert "Fixed 1 finding (HL001: 1)." in result.stdout


def test_fix_on_a_directory_fixes_each_file_and_leaves_the_others(tmp_path):
    fixable = write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    mse = write(tmp_path, "mse.py", SIGMOID_MSE)
    clean = write(tmp_path, "clean.py", CLEAN)
    result = run_cli("check", "--fix", ".", cwd=tmp_path)
    assert result.returncode == 1  # the HL002 has no fix
    assert "from_logits=False" in fixable.read_text()
    assert mse.read_text() == SIGMOID_MSE
    assert clean.read_text() == CLEAN
    assert "Found 1 finding (HL002: 1) in 1 of 3 files." in result.stdout


@pytest.mark.parametrize("fixture", ["sigmoid_mse_threshold_accuracy.py", "relu_output_randn_targets.py"])
def test_hl002_and_hl003_offer_no_fix(tmp_path, fixture):
    text = (ROOT / "fixtures" / "torch" / fixture).read_text()
    path = write(tmp_path, fixture, text)
    result = run_cli("check", "--fix", "--unsafe-fixes", fixture, cwd=tmp_path)
    assert result.returncode == 1
    assert path.read_text() == text
    assert all(f.fix is None for f in check_text(text, fixture).findings)


def test_noqa_finding_is_not_fixed(tmp_path):
    text = one_change(KERAS_FROM_LOGITS, 'layers.Dense(10, activation="softmax"),', 'layers.Dense(10, activation="softmax"),  # noqa: HL001')
    path = write(tmp_path, "train.py", text)
    result = run_cli("check", "--fix", "train.py", cwd=tmp_path)
    assert result.returncode == 0
    assert path.read_text() == text


def test_select_limits_the_fixes(tmp_path):
    path = write(tmp_path, "train.py", KERAS_FROM_LOGITS)
    result = run_cli("check", "--fix", "--select", "HL004", "train.py", cwd=tmp_path)
    assert result.returncode == 0
    assert path.read_text() == KERAS_FROM_LOGITS


def test_a_file_that_cannot_be_parsed_is_not_touched(tmp_path):
    text = KERAS_FROM_LOGITS + "def broken(:\n"
    path = write(tmp_path, "train.py", text)
    result = run_cli("check", "--fix", "train.py", cwd=tmp_path)
    assert result.returncode == 2
    assert path.read_text() == text


# --- no fix when anything is unusual --------------------------------------------------

TORCH_HEAD = "import torch\nfrom torch import nn\n\n"
CE_TAIL = "criterion = nn.CrossEntropyLoss()\nloss = criterion(model(x), y)\n"
KERAS_HEAD = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n\nmodel = keras.Sequential([layers.Dense(10, activation="softmax")])\n'

UNUSUAL = {
    "multi-target-sequential": TORCH_HEAD + "model = net = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))\n" + CE_TAIL,
    "sequential-indexed": TORCH_HEAD + "model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))\nlogits = model[:-1]\n" + CE_TAIL,
    "softmax-module-bound-to-a-name": TORCH_HEAD + "sm = nn.Softmax(dim=1)\nmodel = nn.Sequential(nn.Linear(20, 10), sm)\n" + CE_TAIL,
    "softmax-output-also-feeds-bce": TORCH_HEAD
    + "model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))\n"
    + CE_TAIL
    + "bce = nn.BCELoss()\nother = bce(model(x), t)\n",
    "only-item": TORCH_HEAD + "model = nn.Sequential(nn.Softmax(dim=1))\n" + CE_TAIL,
    "nested-sequential": TORCH_HEAD + "model = nn.Sequential(nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1)))\n" + CE_TAIL,
    "comment-inside-the-item": TORCH_HEAD + "model = nn.Sequential(\n    nn.Linear(20, 10),\n    nn.Softmax(  # classes\n        dim=1),\n)\n" + CE_TAIL,
    "one-unit-with-cross-entropy": TORCH_HEAD + "model = nn.Sequential(nn.Linear(20, 1), nn.Softmax(dim=1))\n" + CE_TAIL,
    "one-unit-with-bce-with-logits": TORCH_HEAD
    + "model = nn.Sequential(nn.Linear(20, 1), nn.Softmax(dim=1))\ncriterion = nn.BCEWithLogitsLoss()\nloss = criterion(model(x), y)\n",
    "forward-two-returns": one_change(
        TORCH_FORWARD,
        "        return F.softmax(self.fc2(x), dim=1)  # class scores\n",
        "        if x is None:\n            return F.softmax(self.fc1(x), dim=1)\n        return F.softmax(self.fc2(x), dim=1)\n",
    ),
    "forward-softmax-dtype": one_change(TORCH_FORWARD, "dim=1)", "dim=1, dtype=torch.float64)"),
    "keras-multi-target-loss": KERAS_HEAD
    + "a = b = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\nmodel.compile(loss=a)\nmodel.fit(x, y)\n",
    "keras-loss-shared-with-a-linear-model": KERAS_HEAD
    + "lf = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\nmodel.compile(loss=lf)\nmodel.fit(x, y)\n"
    + "logits_model = keras.Sequential([layers.Dense(10)])\nlogits_model.compile(loss=lf)\nlogits_model.fit(x, y)\n",
    "keras-from-logits-by-position": KERAS_HEAD
    + "model.compile(loss=keras.losses.SparseCategoricalCrossentropy(True))\nmodel.fit(x, y)\n",
    "keras-from-logits-in-a-variable": KERAS_HEAD
    + "FROM_LOGITS = True\nmodel.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=FROM_LOGITS))\nmodel.fit(x, y)\n",
    "keras-loss-with-kwargs": KERAS_HEAD
    + "opts = {}\nmodel.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, **opts))\nmodel.fit(x, y)\n",
    "keras-activation-layer-shared-with-a-ten-unit-model": "from tensorflow import keras\nfrom tensorflow.keras import layers\n\n"
    'sm = layers.Activation("softmax")\n'
    "scorer = keras.Sequential([layers.Dense(1), sm])\n"
    "classifier = keras.Sequential([layers.Dense(10), sm])\n",
    "keras-one-unit-categorical": one_change(KERAS_ONE_UNIT, '"binary_crossentropy"', '"categorical_crossentropy"'),
    "keras-torch-style-loss-no-from-logits": 'import tensorflow as tf\nfrom tensorflow.keras import layers\n\n'
    'model = tf.keras.Sequential([layers.Dense(10, activation="softmax")])\n'
    "with tf.GradientTape() as tape:\n"
    "    loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=model(x))\n",
}


@pytest.mark.parametrize("name", sorted(UNUSUAL))
def test_no_fix_when_the_syntax_is_unusual(tmp_path, name):
    text = UNUSUAL[name]
    findings = check_text(text, "u.py").findings
    assert findings, "the case must be a finding"
    assert all(f.fix is None for f in findings)
    path = write(tmp_path, "u.py", text)
    result = run_cli("check", "--fix", "--unsafe-fixes", "u.py", cwd=tmp_path)
    assert result.returncode == 1
    assert path.read_text() == text


# --- what the findings carry for the reporter -----------------------------------------


def test_findings_carry_their_fix_for_the_report():
    keras = check_text(KERAS_FROM_LOGITS, "k.py").findings
    assert [f.code for f in keras] == ["HL001"]
    assert keras[0].fix == {"description": "set from_logits=False (the output already is probabilities)", "safe": True}
    torch = check_text(TORCH_SEQUENTIAL, "t.py").findings
    assert torch[0].fix["safe"] is False
    assert torch[0].fix["description"].startswith("remove nn.Softmax(dim=1) from the nn.Sequential")
    assert check_text(SIGMOID_MSE, "m.py").findings[0].fix is None


def test_engine_fix_mode_reports_what_was_fixed_and_the_new_text():
    result = check_text(KERAS_FROM_LOGITS, "k.py", fix="safe")
    assert result.changed
    assert [f.code for f in result.fixed] == ["HL001"]
    assert result.findings == []
    assert result.original == KERAS_FROM_LOGITS
    assert "from_logits=False" in result.text
    untouched = check_text(TORCH_SEQUENTIAL, "t.py", fix="safe")
    assert not untouched.changed and untouched.fixed == []
    assert [f.code for f in untouched.findings] == ["HL001"]


# --- every fixture: a fixed file parses and lost what was fixed ------------------------


FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures")) for p in FIXTURES])
def test_every_fix_on_the_fixtures_parses_and_removes_its_finding(fixture):
    text = fixture.read_text()
    before = check_text(text, fixture.name)
    if before.error is not None:
        pytest.skip("not checkable")
    result = check_text(text, fixture.name, fix="unsafe")
    offered = [f for f in before.findings if f.fix is not None]
    if not result.changed:
        assert not offered, "a fix was offered but nothing was applied"
        return
    ast.parse(result.text)
    after = check_text(result.text, fixture.name)
    assert [(f.code, f.span.line) for f in after.findings] == [(f.code, f.span.line) for f in result.findings]
    for code in {f.code for f in result.fixed}:
        fixed = sum(1 for f in result.fixed if f.code == code)
        assert sum(1 for f in after.findings if f.code == code) == sum(1 for f in before.findings if f.code == code) - fixed
    assert all(f.fix is None for f in after.findings)  # everything offered was applied


# --- HL005, HL006, HL007 ----------------------------------------------------------------

TORCH_DOUBLE_SIGMOID = '''\
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
criterion = nn.BCEWithLogitsLoss(reduction="sum")  # summed over the batch
loss = criterion(model(x), y)
'''

NLL_ON_SOFTMAX_IN_THE_CALL = '''\
import torch.nn.functional as F
from torch import nn

net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 5))
loss = F.nll_loss(F.softmax(net(x), dim=1), y)
'''

NLL_ON_SCORES = '''\
import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 5))
criterion = nn.NLLLoss(torch.ones(5), ignore_index=-1)
loss = criterion(model(x), y)
'''

BCE_ON_SCORES = '''\
import torch
import torch.nn.functional as F
from torch import nn

model = nn.Sequential(nn.Linear(20, 1))
loss = F.binary_cross_entropy(model(x), y, reduction="mean")
'''

KERAS_RAW_FROM_LOGITS_FALSE = '''\
from tensorflow import keras

model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=False), optimizer="adam")
'''


@pytest.mark.parametrize(
    "text,old,new,code",
    [
        (TORCH_DOUBLE_SIGMOID, "nn.BCEWithLogitsLoss(", "nn.BCELoss(", "HL005"),
        (one_change(KERAS_FROM_LOGITS, 'Dense(10, activation="softmax")', 'Dense(1, activation="sigmoid")').replace(
            "SparseCategoricalCrossentropy", "BinaryCrossentropy"), "from_logits=True", "from_logits=False", "HL005"),
        (NLL_ON_SOFTMAX_IN_THE_CALL, "F.softmax(", "F.log_softmax(", "HL006"),
        (NLL_ON_SCORES, "nn.NLLLoss(", "nn.CrossEntropyLoss(", "HL006"),
        (BCE_ON_SCORES, "F.binary_cross_entropy(", "F.binary_cross_entropy_with_logits(", "HL007"),
        (one_change(TORCH_ONE_UNIT, ", nn.Softmax(dim=1)", ""), "nn.BCELoss(", "nn.BCEWithLogitsLoss(", "HL007"),
        (KERAS_RAW_FROM_LOGITS_FALSE, "from_logits=False", "from_logits=True", "HL007"),
    ],
)
def test_safe_loss_side_fixes(tmp_path, text, old, new, code):
    path = write(tmp_path, "train.py", text)
    result = run_cli("check", "--fix", "train.py", cwd=tmp_path)
    assert path.read_text() == one_change(text, old, new)
    assert result.returncode == 0, result.stdout
    assert f"Fixed 1 finding ({code}: 1)." in result.stdout


@pytest.mark.parametrize(
    "before,after",
    [
        ("return F.softmax(self.fc2(x), dim=1)", "return F.log_softmax(self.fc2(x), dim=1)"),
        ("return torch.softmax(self.fc2(x), 1)", "return torch.log_softmax(self.fc2(x), 1)"),
        ("return self.fc2(x).softmax(dim=1)", "return self.fc2(x).log_softmax(dim=1)"),
    ],
)
def test_nll_on_the_models_softmax_becomes_log_softmax_as_an_unsafe_fix(tmp_path, before, after):
    text = one_change(TORCH_FORWARD, "return F.softmax(self.fc2(x), dim=1)", before).replace(
        "nn.CrossEntropyLoss()", "nn.NLLLoss()"
    )
    path = write(tmp_path, "net.py", text)
    safe = run_cli("check", "--fix", "net.py", cwd=tmp_path)
    assert safe.returncode == 1 and path.read_text() == text
    assert "1 unsafe fix available with --unsafe-fixes." in safe.stdout
    result = run_cli("check", "--fix", "--unsafe-fixes", "net.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert path.read_text() == one_change(text, before, after)


def test_nll_on_a_sequential_softmax_becomes_log_softmax(tmp_path):
    text = TORCH_SEQUENTIAL.replace("nn.CrossEntropyLoss()", "nn.NLLLoss()")
    path = write(tmp_path, "model.py", text)
    result = run_cli("check", "--fix", "--unsafe-fixes", "model.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert path.read_text() == one_change(text, "nn.Softmax(dim=1),  # the softmax", "nn.LogSoftmax(dim=1),  # the softmax")


NEW_UNUSUAL = {
    "hl005-pos-weight": one_change(TORCH_DOUBLE_SIGMOID, 'reduction="sum"', "pos_weight=torch.tensor([3.0])"),
    "hl005-imported-name": one_change(
        TORCH_DOUBLE_SIGMOID, "import torch.nn as nn\n", "import torch.nn as nn\nfrom torch.nn import BCEWithLogitsLoss\n"
    ).replace("nn.BCEWithLogitsLoss(", "BCEWithLogitsLoss("),
    "hl005-tf-op": "import tensorflow as tf\nfrom tensorflow import keras\n\n"
    'model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])\n'
    "with tf.GradientTape() as tape:\n"
    "    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=model(x))\n",
    "hl006-softmax-module-in-an-attribute": one_change(
        TORCH_FORWARD, "        self.fc2 = nn.Linear(64, 5)\n", "        self.fc2 = nn.Linear(64, 5)\n        self.softmax = nn.Softmax(dim=1)\n"
    ).replace("return F.softmax(self.fc2(x), dim=1)", "return self.softmax(self.fc2(x))").replace("nn.CrossEntropyLoss()", "nn.NLLLoss()"),
    "hl006-softmax-function-in-an-attribute": one_change(
        TORCH_FORWARD, "        self.fc2 = nn.Linear(64, 5)\n", "        self.fc2 = nn.Linear(64, 5)\n        self.softmax = F.softmax\n"
    ).replace("return F.softmax(self.fc2(x), dim=1)", "return self.softmax(self.fc2(x), dim=1)").replace("nn.CrossEntropyLoss()", "nn.NLLLoss()"),
    "hl006-softmax-bound-to-a-name-in-forward": one_change(
        TORCH_FORWARD, "        return F.softmax(self.fc2(x), dim=1)  # class scores\n",
        "        probs = F.softmax(self.fc2(x), dim=1)\n        self.entropy = -(probs * probs.log()).sum()\n        return probs\n",
    ).replace("nn.CrossEntropyLoss()", "nn.NLLLoss()"),
    "hl006-one-unit-scores": one_change(NLL_ON_SCORES, "nn.Linear(20, 5)", "nn.Linear(20, 1)"),
    "hl007-loss-shared-with-a-sigmoid-model": one_change(TORCH_ONE_UNIT, ", nn.Softmax(dim=1)", "")
    + "probs = nn.Sequential(nn.Linear(32, 1), nn.Sigmoid())\nother = criterion(probs(x), y)\n",
    "hl007-keras-string-loss": "from tensorflow import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"
    'model.compile(loss="binary_crossentropy", optimizer="adam")\n',
}


@pytest.mark.parametrize("name", sorted(NEW_UNUSUAL))
def test_no_new_fix_when_the_syntax_is_unusual(tmp_path, name):
    text = NEW_UNUSUAL[name]
    findings = check_text(text, "u.py").findings
    assert findings, "the case must be a finding"
    assert all(f.fix is None for f in findings), [(f.code, f.fix) for f in findings]
    path = write(tmp_path, "u.py", text)
    run_cli("check", "--fix", "--unsafe-fixes", "u.py", cwd=tmp_path)
    assert path.read_text() == text


def test_hl010_offers_no_fix():
    text = "import torch\nfrom torch import nn\n\nmodel = nn.Sequential(nn.Linear(8, 1))\nloss = nn.CrossEntropyLoss()(model(x), y)\n"
    (finding,) = check_text(text, "t.py").findings
    assert finding.code == "HL010" and finding.fix is None
