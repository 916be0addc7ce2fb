"""Snippets that share one namespace: a book's numbered parts or a notebook cut into
files, where ``part_3_train.py`` trains the ``model`` and ``criterion`` that
``part_1_model.py`` built, without importing anything. A name a file reads at its
top level but binds nowhere is the nearest earlier sibling's, else a later one's."""

import json
import textwrap

from cli_helpers import run_cli, write_tree

IMPORTS = """\
import torch
from torch import nn, optim
"""
MODEL = """\
class IrisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 16)
        self.fc2 = nn.Linear(16, 3)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = torch.relu(self.fc1(x))
        return self.softmax(self.fc2(x))

model = IrisNet()
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
"""
TRAIN = """\
for epoch in range(100):
    optimizer.zero_grad()
    outputs = model(X_train)
    loss = criterion(outputs, y_train)
    loss.backward()
    optimizer.step()
"""


def check(root, *paths, cache=False):
    args = ["check", "--output-format", "json", *([] if cache else ["--no-cache"]), *(paths or ["."])]
    result = run_cli(*args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return [(f["code"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]


def write(root, files):
    write_tree(root, {name: textwrap.dedent(text) for name, text in files.items()})


def test_numbered_parts_are_one_program(tmp_path):
    write(tmp_path, {"lesson/part_0_imports.py": IMPORTS, "lesson/part_1_model.py": MODEL,
                     "lesson/part_3_train.py": TRAIN})
    assert check(tmp_path) == [("HL001", "lesson/part_1_model.py", 10)]
    # the trainer alone, as a hook hands it over, still reaches the model
    assert check(tmp_path, "lesson/part_3_train.py") == [("HL001", "lesson/part_1_model.py", 10)]


def test_the_nearest_earlier_part_in_reading_order_binds_the_name(tmp_path):
    # part_10 runs after part_2 and part_3 (not before them, as a plain sort puts it):
    # the criterion it trains with is part_3's cross-entropy, not part_2's squared error
    write(tmp_path, {"ch/part_1_model.py": IMPORTS + MODEL.replace("criterion = nn.CrossEntropyLoss()\n", ""),
                     "ch/part_2_loss.py": "criterion = nn.MSELoss()\n",
                     "ch/part_3_loss.py": "criterion = nn.CrossEntropyLoss()\n",
                     "ch/part_10_train.py": TRAIN})
    assert check(tmp_path) == [("HL001", "ch/part_1_model.py", 12)]
    write(tmp_path, {"ch/part_3_loss.py": "criterion = nn.NLLLoss()\n"})
    assert [code for code, _, _ in check(tmp_path)] == ["HL006"]


def test_a_module_that_binds_what_its_top_level_reads_shares_nothing(tmp_path):
    # ``metrics.py`` reads ``model`` and ``criterion`` only inside a function (globals
    # a caller may set): its top level binds all it reads, so it is no snippet, and the
    # softmax model built beside it is not taken to be the one it scores
    write(tmp_path, {"pkg/experiment.py": IMPORTS + MODEL,
                     "pkg/metrics.py": "def score(x, y):\n    return criterion(model(x), y)\n"})
    assert check(tmp_path) == []
    write(tmp_path, {"pkg/metrics.py": "import torch\n\nprint(score(model, x))\n" + TRAIN})
    assert check(tmp_path) == [("HL001", "pkg/experiment.py", 12)]


def test_a_star_import_may_bind_the_names_so_no_sibling_is_read(tmp_path):
    write(tmp_path, {"lesson/part_1_model.py": IMPORTS + MODEL,
                     "lesson/part_3_train.py": "from helpers import *\n" + TRAIN})
    assert check(tmp_path, "lesson/part_3_train.py") == []


def test_a_folder_of_many_modules_is_a_package_not_snippets(tmp_path):
    files = {f"pkg/module_{i}.py": "VALUE = 1\n" for i in range(40)}
    write(tmp_path, {**files, "pkg/part_1_model.py": IMPORTS + MODEL, "pkg/part_3_train.py": TRAIN})
    assert check(tmp_path, "pkg/part_3_train.py") == []


def test_a_part_added_later_is_seen_through_the_cache(tmp_path):
    write(tmp_path, {"lesson/part_0_imports.py": IMPORTS, "lesson/part_3_train.py": TRAIN})
    assert check(tmp_path, "lesson/part_3_train.py", cache=True) == []
    write(tmp_path, {"lesson/part_1_model.py": MODEL})
    assert check(tmp_path, "lesson/part_3_train.py", cache=True) == [("HL001", "lesson/part_1_model.py", 10)]


def test_a_hook_handed_the_model_part_alone_sees_the_parts_that_train_it(tmp_path):
    # pre-commit passes only the staged file: the parts that read its names are context
    write(tmp_path, {".git/HEAD": "", "lesson/part_0_imports.py": IMPORTS, "lesson/part_1_model.py": MODEL,
                     "lesson/part_3_train.py": TRAIN, "lesson/part_4_plot.py": "model = None\nprint(model)\n"})
    assert check(tmp_path, "lesson/part_1_model.py") == [("HL001", "lesson/part_1_model.py", 10)]
    assert check(tmp_path, "--no-importers", "lesson/part_1_model.py") == []
    from headlint.importers import importers_of

    # part_4 binds the name it reads, part_0 reads none of part_1's: neither is context
    assert importers_of([str(tmp_path / "lesson/part_1_model.py")]) == [str(tmp_path / "lesson/part_3_train.py")]
