"""Whole-project analysis: a model in one file meets the loss in another, through
relative, absolute and package imports, builder functions and module objects."""

import json
import textwrap
from pathlib import Path

import pytest

from cli_helpers import headlint, run_cli, write_tree

MODELS = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.fc = nn.Linear(20, classes)

    def forward(self, x):
        return nn.functional.softmax(self.fc(x), dim=1)


def build_model():
    return Net()


def get_criterion():
    return nn.CrossEntropyLoss()
"""

TRAIN = {
    "relative": "from .models import Net, get_criterion\n\nmodel = Net()\ncriterion = get_criterion()\n",
    "absolute": "from pkg.models import build_model, get_criterion\n\nmodel = build_model()\ncriterion = get_criterion()\n",
    "module": "import pkg.models as m\n\nmodel = m.Net()\ncriterion = m.get_criterion()\n",
    "from-package": "from pkg import models\n\nmodel = models.build_model()\ncriterion = models.get_criterion()\n",
    "star": "from .models import *\n\nmodel = Net()\ncriterion = get_criterion()\n",
}
LOOP = """
import torch

for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
"""


def write(root, files):
    write_tree(root, {name: textwrap.dedent(text) for name, text in files.items()})


def findings(result):
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("spelling", sorted(TRAIN))
def test_model_and_loss_in_two_files_are_linked(tmp_path, spelling):
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/models.py": MODELS,
                     "pkg/train.py": TRAIN[spelling] + LOOP})
    found = findings(headlint("check", "--output-format", "json", "--no-cache", "pkg/train.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "pkg/models.py", 10)]
    related = {(r["message"], r["path"], r["line"]) for r in found[0]["related"]}
    assert related == {("loss applied here", "pkg/train.py", 9), ("loss created here", "pkg/models.py", 18)}
    assert "(pkg/train.py, line 9)" in found[0]["message"]


def test_a_finding_reached_from_several_files_is_reported_once(tmp_path):
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/models.py": MODELS,
                     "pkg/train.py": TRAIN["relative"] + LOOP, "pkg/finetune.py": TRAIN["absolute"] + LOOP})
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path))
    assert [(f["code"], f["path"]) for f in found] == [("HL001", "pkg/models.py")]


def test_noqa_and_per_file_ignores_apply_in_the_file_of_the_finding(tmp_path):
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/train.py": TRAIN["relative"] + LOOP,
                     "pkg/models.py": MODELS.replace("dim=1)", "dim=1)  # noqa: HL001")})
    assert findings(run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path)) == []
    write(tmp_path, {"pkg/models.py": MODELS,
                     "pyproject.toml": '[tool.headlint]\nper-file-ignores = { "pkg/models.py" = ["HL001"] }\n'})
    assert findings(run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path)) == []


def test_an_excluded_module_is_read_but_its_findings_are_not_reported_nor_noqad(tmp_path):
    # a vendored model the configuration excludes: the program still sees it (the
    # loss file's other findings would need it), but it is not the user's to fix
    write(tmp_path, {"pyproject.toml": '[tool.headlint]\nexclude = ["pkg/models.py"]\n', "pkg/__init__.py": "",
                     "pkg/models.py": MODELS, "pkg/train.py": TRAIN["relative"] + LOOP})
    assert findings(run_cli("check", "--output-format", "json", "--no-cache", "pkg/train.py", cwd=tmp_path)) == []
    added = run_cli("check", "--no-cache", "--add-noqa", "pkg/train.py", cwd=tmp_path)
    assert added.returncode == 0 and (tmp_path / "pkg/models.py").read_text() == textwrap.dedent(MODELS)
    # named on the command line, an excluded file is checked (ruff's rule without --force-exclude)
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", "pkg/train.py", "pkg/models.py", cwd=tmp_path))
    assert [(f["code"], f["path"]) for f in found] == [("HL001", "pkg/models.py")]


def test_keras_model_built_in_one_file_compiled_in_another(tmp_path):
    write(tmp_path, {
        "models.py": """\
            from tensorflow import keras

            def build(classes):
                return keras.Sequential([
                    keras.layers.Dense(64, activation="relu"),
                    keras.layers.Dense(classes, activation="softmax"),
                ])

            shared = build(10)
            """,
        "train.py": """\
            from tensorflow import keras
            from models import build, shared

            model = build(10)
            model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
            shared.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True), optimizer="adam")
            """,
    })
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", "train.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "models.py", 6)]
    assert {r["line"] for r in found[0]["related"] if r["path"] == "train.py"} >= {5}


def test_targets_prepared_in_a_data_module(tmp_path):
    write(tmp_path, {
        "data.py": """\
            import numpy as np
            from sklearn.preprocessing import StandardScaler

            def load():
                X = np.random.rand(100, 8)
                y = StandardScaler().fit_transform(np.random.rand(100, 1))
                return X, y
            """,
        "train.py": """\
            import torch
            from torch import nn
            from data import load

            X, y = load()
            model = nn.Sequential(nn.Linear(8, 1), nn.ReLU())
            loss = nn.MSELoss()(model(torch.tensor(X)), torch.tensor(y))
            """,
    })
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", "train.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL003", "train.py", 6)]


def test_imports_that_lead_nowhere_stay_silent(tmp_path):
    write(tmp_path, {
        "train.py": """\
            import torch
            from missing_module import Net
            from .not_a_package import criterion
            import also.missing as m

            model = Net()
            loss = criterion(model(x), y) + m.loss(model(x), y)
            """,
        "cycle_a.py": "import torch\nfrom cycle_b import f\n\ndef g():\n    return f()\n",
        "cycle_b.py": "import torch\nfrom cycle_a import g\n\ndef f():\n    return g()\n",
        "broken.py": "def (:\n",
        "uses_broken.py": "import torch\nfrom broken import model\n\nloss = torch.nn.CrossEntropyLoss()(model(x), y)\n",
    })
    result = run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path)
    document = json.loads(result.stdout)
    assert document["findings"] == []
    assert [e["path"] for e in document["errors"]] == []  # broken.py: no framework import, not checked


PROJECTS = Path(__file__).resolve().parent.parent / "fixtures" / "projects"
TRAINING_FILES = {  # the file that applies the loss, alone on the command line (as pre-commit passes it)
    "torch_package_relative": "classifier/train.py",
    "keras_compile_elsewhere": "train.py",
    "regression_data_module": "train.py",
    "lightning_head_builder": "module.py",
    "hf_style_loss_fct": "trainer.py",
}


@pytest.mark.parametrize("project", sorted(TRAINING_FILES))
def test_checking_only_the_training_file_still_finds_the_head_in_the_model_file(project):
    root = PROJECTS / project
    marked = {(str(p.relative_to(root)), n) for p in root.rglob("*.py")
              for n, line in enumerate(p.read_text().splitlines(), 1) if "# expect:" in line}
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", TRAINING_FILES[project], cwd=root))
    assert {(f["path"], f["line"]) for f in found} == marked


SYS_PATH_SCRIPT = """\
import sys
sys.path.append("../common")
from models import *

model = build_model()
criterion = get_criterion()
for x, y in loader:
    criterion(model(x), y).backward()
"""


def test_a_folder_added_to_sys_path_is_searched_by_later_imports(tmp_path):
    """Course and student repositories share helpers by ``sys.path.append("../common")``,
    through star imports too; the folder is taken relative to the script's own."""
    write(tmp_path, {"pyproject.toml": "", "common/models.py": MODELS, "lessons/train.py": SYS_PATH_SCRIPT})
    found = findings(headlint("check", "--output-format", "json", "--no-cache", "lessons/train.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "common/models.py", 10)]
    # the same import without the line that adds the folder finds nothing to link
    (tmp_path / "lessons/train.py").write_text(SYS_PATH_SCRIPT.replace('sys.path.append("../common")\n', ""))
    assert findings(run_cli("check", "--output-format", "json", "--no-cache", "lessons/train.py", cwd=tmp_path)) == []


def test_a_name_a_package_star_imports_from_its_modules_is_found_through_the_package(tmp_path):
    """``from toolbox import *`` where toolbox/__init__.py does ``from .training import *``."""
    training = "import torch.nn as nn\n\ncriterion = nn.CrossEntropyLoss()\n\ndef train(net, loader):\n    for x, y in loader:\n        criterion(net(x), y).backward()\n"
    script = "import torch\nfrom toolbox import *\nfrom models import *\n\ntrain(build_model(), loader)\n"
    write(tmp_path, {"pyproject.toml": "", "toolbox/__init__.py": "from .training import *\n", "toolbox/training.py": training,
                     "models/__init__.py": "from .nets import *\n", "models/nets.py": MODELS, "main.py": script})
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", "main.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "models/nets.py", 10)]


@pytest.mark.parametrize("own_import", ["from pkg import models\n", "from . import models\n", "import pkg.models\n"])
def test_a_package_that_imports_its_own_submodules_still_leads_to_them(tmp_path, own_import):
    """``pkg/__init__.py`` saying ``from pkg import models`` (the package has no attribute
    ``models`` yet, so Python loads the submodule): ``from pkg import models`` elsewhere
    reaches pkg/models.py, not a cycle back into the package."""
    script = "import torch\nfrom pkg import models as m\n\nmodel = m.build_model()\ncriterion = m.get_criterion()\n" + LOOP
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": own_import, "pkg/models.py": MODELS, "train.py": script})
    found = findings(run_cli("check", "--output-format", "json", "--no-cache", "train.py", cwd=tmp_path))
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "pkg/models.py", 10)]


ENTRY_POINT = {
    "pyproject.toml": "",
    "models.py": MODELS,
    "training.py": """\
        import torch


        def fit(model, loader, epochs=10):
            criterion = torch.nn.CrossEntropyLoss()
            for _ in range(epochs):
                for x, y in loader:
                    criterion(model(x), y).backward()
        """,
    # the program's entry point imports only the project's own modules, no framework
    "main.py": """\
        from models import Net
        from training import fit
        from settings import EPOCHS

        fit(Net(), loader, EPOCHS)
        """,
    "settings.py": "EPOCHS = 5\n",
}


@pytest.mark.parametrize("given", [".", "main.py", "models.py"], ids=["the project", "the entry point", "the model file"])
def test_an_entry_point_that_imports_only_the_projects_modules_is_checked(tmp_path, given):
    # its imports reach framework code, so the pre-filter keeps it: the model it builds
    # meets the loss the trainer module applies; given the model file alone (a commit
    # staging only it), main.py is its importer, read as context
    write(tmp_path, ENTRY_POINT)
    document = json.loads(run_cli("check", "--output-format", "json", "--no-cache", given, cwd=tmp_path).stdout)
    found = document["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "models.py", 10)]
    assert ("passed to fit() here", "main.py", 5) in {(r["message"], r["path"], r["line"]) for r in found[0]["related"]}


def test_a_file_whose_imports_reach_no_framework_is_still_skipped(tmp_path):
    # a broken file is reported only when it is read as model code: its imports decide
    write(tmp_path, {**ENTRY_POINT, "report.py": "from settings import EPOCHS\nprint(EPOCHS\n",
                     "plot.py": "from models import Net\nprint(Net(\n"})
    document = json.loads(run_cli("check", "--output-format", "json", "--no-cache", ".", cwd=tmp_path).stdout)
    assert [e["path"] for e in document["errors"]] == ["plot.py"]
