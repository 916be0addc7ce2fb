"""A file named on the command line is checked as part of its program: the
project's files that import it (as a pre-commit hook never names them) are read as
context, and what they report about the named file counts."""

import json
import os

import pytest

from cli_helpers import headlint, run_cli, write_tree as write
from headlint import importers
from headlint.importers import importers_of

MODEL = """\
import torch.nn as nn


def build(n_in=20, n_classes=5):
    return nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, n_classes), nn.Softmax(dim=1))
"""
TRAIN = """\
import torch
import torch.nn as nn

from {module} import build

model = build()
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
"""




@pytest.fixture
def project(tmp_path):
    """model.py holds the head, train.py (which imports it) the loss."""
    write(tmp_path, {"pyproject.toml": "", "model.py": MODEL, "train.py": TRAIN.format(module="model")})
    return tmp_path


def test_checking_only_the_head_file_finds_the_loss_that_trains_it(project):
    run = headlint("check", "--no-cache", "--output-format", "concise", "model.py", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("model.py:5:84: HL001 softmax output is fed to nn.CrossEntropyLoss (train.py, line 9)")
    assert "in 1 of 1 file." in run.stdout  # the summary counts the files asked for


def test_no_importers_checks_the_file_alone(project):
    run = run_cli("check", "--no-cache", "--no-importers", "model.py", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings in 1 file." in run.stdout


def test_the_cache_serves_the_same_answer(project):
    first = run_cli("check", "--output-format", "json", "model.py", cwd=project)
    second = run_cli("check", "--output-format", "json", "model.py", cwd=project)
    assert first.returncode == second.returncode == 1
    assert json.loads(first.stdout)["findings"] == json.loads(second.stdout)["findings"]
    # and a change to the importer is seen: train.py now applies softmax's twin loss
    (project / "train.py").write_text(TRAIN.format(module="model").replace("nn.CrossEntropyLoss()", "nn.NLLLoss()"))
    third = run_cli("check", "--output-format", "json", "model.py", cwd=project)
    assert [f["code"] for f in json.loads(third.stdout)["findings"]] == ["HL006"]


def test_what_an_importer_reports_about_itself_is_not_reported(project):
    # train.py has a mistake of its own (a second head), in no file asked for
    (project / "train.py").write_text(
        TRAIN.format(module="model")
        + "other = nn.Sequential(nn.Linear(3, 4), nn.Softmax(dim=1))\nnn.CrossEntropyLoss()(other(x), y).backward()\n"
    )
    run = run_cli("check", "--no-cache", "--output-format", "json", "model.py", cwd=project)
    assert [(f["path"], f["line"]) for f in json.loads(run.stdout)["findings"]] == [("model.py", 5)]


def test_an_importer_that_does_not_parse_is_not_an_error_of_the_run(project):
    write(project, {"broken.py": "import torch\nfrom model import build\ndef (:\n"})
    run = run_cli("check", "--no-cache", "model.py", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "broken.py" not in run.stdout + run.stderr


def test_noqa_and_per_file_ignores_of_the_head_file_apply(project):
    (project / "model.py").write_text(MODEL.replace("nn.Softmax(dim=1))", "nn.Softmax(dim=1))  # noqa: HL001"))
    assert run_cli("check", "--no-cache", "model.py", cwd=project).returncode == 0
    (project / "model.py").write_text(MODEL)
    (project / "pyproject.toml").write_text('[tool.headlint]\nper-file-ignores = { "model.py" = ["HL001"] }\n')
    assert run_cli("check", "--no-cache", "model.py", cwd=project).returncode == 0


def test_an_excluded_importer_is_not_context(project):
    (project / "pyproject.toml").write_text('[tool.headlint]\nexclude = ["train.py"]\n')
    run = run_cli("check", "--no-cache", "model.py", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr


def test_through_a_package_and_a_factory_module(tmp_path):
    # train.py -> models/__init__.py -> models/factory.py -> models/net.py: three imports away
    write(
        tmp_path,
        {
            ".git/HEAD": "",
            "models/net.py": MODEL,
            "models/factory.py": "from .net import build as make\n\n\ndef build():\n    return make()\n",
            "models/__init__.py": "from .factory import (\n    build,\n)\n",
            "train.py": TRAIN.format(module="models"),
        },
    )
    run = run_cli("check", "--no-cache", "--output-format", "concise", os.path.join("models", "net.py"), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith(os.path.join("models", "net.py") + ":5:84: HL001")


def test_a_notebook_is_an_importer_too(project):
    os.remove(project / "train.py")
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": TRAIN.format(module="model").splitlines(keepends=True)}
    document = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "train.ipynb").write_text(json.dumps(document, indent=1))
    run = run_cli("check", "--no-cache", "--output-format", "concise", "model.py", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "train.ipynb, cell 1, line 9" in run.stdout


# --- which files are importers -------------------------------------------------


def test_importers_direct_and_transitive_within_three_imports(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "head.py": "x = 1\n",
            "a.py": "from head import x\n",  # 1
            "b.py": "import a\n",  # 2
            "c.py": "from b import *\n",  # 3
            "d.py": "import c\n",  # 4: too far
            "mentions.py": '"""head is described here; import head in prose is not an import"""\nimport os\n',
            "other.py": "import os\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert importers_of(["head.py"]) == ["a.py", "b.py", "c.py"]


def test_import_spellings(tmp_path, monkeypatch):
    write(
        tmp_path,
        {
            "setup.py": "",
            "pkg/__init__.py": "",
            "pkg/head.py": "x = 1\n",
            "pkg/relative.py": "from .head import x\n",
            "pkg/dots.py": "from . import head\n",
            "dotted.py": "import pkg.head as h\n",
            "parenthesised.py": "from pkg import (\n    other,  # a comment\n    head,\n)\n",
            "continued.py": "from pkg import other, \\\n    head\n",
            "indented.py": "def f():\n    try:\n        from pkg.head import x\n    except ImportError:\n        pass\n",
            "alias_only.py": "import pkg.headless\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert importers_of([os.path.join("pkg", "head.py")]) == sorted(
        ["continued.py", "dotted.py", "indented.py", "parenthesised.py", os.path.join("pkg", "dots.py"),
         os.path.join("pkg", "relative.py")]
    )


def test_excluded_and_already_checked_files_are_left_out(tmp_path, monkeypatch):
    write(tmp_path, {"pyproject.toml": "", "head.py": "", "a.py": "import head\n", "b.py": "import head\n"})
    monkeypatch.chdir(tmp_path)
    assert importers_of(["head.py", "a.py"], excluded=lambda path: path.endswith("b.py")) == []


def test_no_project_root_no_context(tmp_path, monkeypatch):
    write(tmp_path, {"head.py": "", "a.py": "import head\n"})
    monkeypatch.chdir(tmp_path)
    # tmp_path has no root marker; its ancestors may (a checkout): judge only below it
    root = importers.project_root("head.py")
    assert root is None or not root.startswith(str(tmp_path))


def test_a_directory_that_holds_the_project_is_not_walked_again(project, monkeypatch):
    monkeypatch.chdir(project)
    assert importers_of(["model.py"], walked=["."]) == []
    assert importers_of(["model.py"]) == ["train.py"]


def test_the_nearest_importers_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "MAX_CONTEXT", 2)
    write(
        tmp_path,
        {
            "pyproject.toml": "",
            "pkg/__init__.py": "",
            "pkg/head.py": "",
            "pkg/near.py": "from .head import x\n",
            "far_a.py": "import pkg.head\n",
            "far_b.py": "import pkg.head\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    assert importers_of([os.path.join("pkg", "head.py")]) == ["far_a.py", os.path.join("pkg", "near.py")]


def test_imports_are_remembered_by_content(tmp_path, monkeypatch):
    class Memo(dict):
        def get_value(self, key):
            return self.get(key)

        def put_value(self, key, value):
            self[key] = value

    write(tmp_path, {"pyproject.toml": "", "head.py": "", "a.py": "import head\n"})
    monkeypatch.chdir(tmp_path)
    memo = Memo()
    assert importers_of(["head.py"], memo=memo) == ["a.py"]
    assert list(memo.values()) == [[("head", 0, None)]]
    # a remembered answer is used as it is (keyed by the bytes' digest)
    key = next(iter(memo))
    memo[key] = [("elsewhere", 0, None)]
    assert importers_of(["head.py"], memo=memo) == []
