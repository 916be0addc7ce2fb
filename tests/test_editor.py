"""editor.py: open documents and the project around them -> diagnostics, as plain
data (no client, no pygls: tests/test_server.py drives the protocol)."""

import os

import pytest

from headlint.editor import ERROR, WARNING, Workspace, noqa_edit

MODEL = "import torch\nfrom torch import nn\n\nnet = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))\n"
TRAIN = (
    "import torch\nfrom torch import nn\n\nfrom model import net\n\n"
    "criterion = nn.CrossEntropyLoss()\nloss = criterion(net(torch.randn(8, 4)), torch.randint(0, 3, (8,)))\n"
)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN)
    return tmp_path


def found(workspace, path) -> list:
    return [(d.code, d.place.line, d.place.col) for d in workspace.published(str(path))]


def test_a_document_is_checked_with_its_importers_from_disk(project):
    workspace = Workspace()
    workspace.open(str(project / "model.py"), MODEL)
    checked = workspace.diagnose(str(project / "model.py"))
    [diagnostic] = checked.diagnostics[os.path.realpath(project / "model.py")]
    assert (diagnostic.code, diagnostic.severity, diagnostic.place.line, diagnostic.place.col) == ("HL001", WARNING, 3, 37)
    assert diagnostic.fix is not None and not diagnostic.fix["safe"]
    assert os.path.realpath(project / "train.py") in checked.reads


def test_an_importers_finding_is_published_for_the_file_it_lies_in_once(project):
    workspace = Workspace()
    for name in ("train.py", "model.py"):
        workspace.open(str(project / name), (project / name).read_text())
        workspace.diagnose(str(project / name))
    assert found(workspace, project / "model.py") == [("HL001", 3, 37)]  # both checks find it: once
    assert found(workspace, project / "train.py") == []
    assert workspace.dependents(str(project / "train.py")) == [os.path.realpath(project / "model.py")]


def test_an_excluded_modules_findings_are_not_published(project):
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool.headlint]\nexclude = ['model.py']\n")
    workspace = Workspace()
    workspace.open(str(project / "train.py"), TRAIN)
    checked = workspace.diagnose(str(project / "train.py"))
    assert not any(checked.diagnostics.values())


def test_an_unsaved_buffer_stands_for_its_file_in_the_other_analyses(project):
    workspace = Workspace()
    workspace.open(str(project / "train.py"), TRAIN.replace("nn.CrossEntropyLoss()", "nn.MSELoss()"))
    workspace.open(str(project / "model.py"), MODEL)
    workspace.diagnose(str(project / "model.py"))
    assert found(workspace, project / "model.py") == []


def test_the_fix_of_one_finding_and_noqa(project):
    workspace = Workspace()
    path = str(project / "model.py")
    workspace.open(path, MODEL)
    workspace.diagnose(path)
    [diagnostic] = workspace.published(path)
    # found through train.py's analysis, fixed in model.py
    [(before, after)] = workspace.fixed(path, diagnostic).values()
    assert before == MODEL and after == MODEL.replace(", nn.Softmax(dim=1)", "")
    assert noqa_edit("x = f()", "HL001") == "x = f()  # noqa: HL001"
    assert noqa_edit("x = f()  # noqa: HL004", "HL001") == "x = f()  # noqa: HL004, HL001"
    assert noqa_edit("x = f()  # noqa", "HL001") is None


def test_a_syntax_error_is_placed_and_a_bad_configuration_is_said(project):
    workspace = Workspace()
    path = str(project / "broken.py")
    workspace.open(path, "import torch\nx = (\n")
    [diagnostic] = workspace.diagnose(path).diagnostics[os.path.realpath(path)]
    assert diagnostic.severity == ERROR and diagnostic.code is None and diagnostic.place.line == 1
    (project / "pyproject.toml").write_text("[tool.headlint]\nselct = []\n")
    [diagnostic] = workspace.diagnose(path).diagnostics[os.path.realpath(path)]
    assert diagnostic.severity == ERROR and "unknown key 'selct'" in diagnostic.message
