"""A fix for a finding that one file's loss makes in another file: offered and
applied when the file it edits is among the checked ones (given, or staged), never
in a file nobody named."""

import pytest

from cli_helpers import headlint, run_cli

MODEL = """\
import torch.nn as nn

model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 5), nn.Softmax(dim=1))
"""
FIXED = MODEL.replace(", nn.Softmax(dim=1))", ")")
TRAIN = """\
import torch.nn as nn

from model import model

criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
    loss.backward()
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "model.py").write_text(MODEL)
    (tmp_path / "train.py").write_text(TRAIN)
    return tmp_path


def test_fix_edits_the_head_file_when_only_it_is_checked(project):
    run = headlint("check", "--no-cache", "--fix", "--unsafe-fixes", "model.py", cwd=project)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Fixed 1 finding (HL001: 1)." in run.stdout
    assert (project / "model.py").read_text() == FIXED
    assert (project / "train.py").read_text() == TRAIN
    assert headlint("check", "--no-cache", ".", cwd=project).returncode == 0


def test_diff_of_the_whole_project_shows_the_head_file(project):
    run = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", ".", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("--- model.py\n+++ model.py\n")
    assert "-model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 5), nn.Softmax(dim=1))" in run.stdout
    assert (project / "model.py").read_text() == MODEL  # --diff writes nothing


def test_the_text_output_offers_it(project):
    run = run_cli("check", "--no-cache", "model.py", cwd=project)
    assert "HL001 [*unsafe]" in run.stdout
    assert "fix (unsafe): remove nn.Softmax(dim=1) from the nn.Sequential" in run.stdout


def test_no_fix_in_a_file_that_is_not_checked(project):
    run = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "train.py", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "model.py:3:71: HL001 softmax output" in run.stdout  # reported, without [*unsafe]
    assert (project / "model.py").read_text() == MODEL


def test_no_fix_when_another_file_uses_the_model_by_position(project):
    (project / "train.py").write_text(TRAIN + "features = model[:-1]\n")
    run = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", ".", cwd=project)
    assert run.stdout == "", run.stdout  # no diff: the finding stays, unfixed
    assert run.returncode == 1 and "HL001" in run.stderr


def test_no_fix_when_the_head_file_itself_uses_the_model_by_position(project):
    # train.py's analysis proposes the fix; the use that forbids it is in model.py
    (project / "model.py").write_text(MODEL + "features = model[:-1]\n")
    run = run_cli("check", "--no-cache", "--diff", "--unsafe-fixes", ".", cwd=project)
    assert run.stdout == "", run.stdout  # no diff: the finding stays, unfixed
    assert run.returncode == 1 and "HL001" in run.stderr


def test_trying_a_fix_on_another_file_leaves_the_callers_overlay_as_it_was(project, monkeypatch):
    # an editor's unsaved model.py stands for the file while a quick fix is worked out
    import os

    from headlint.engine import check_source
    from headlint.project import Project
    from headlint.source import Source

    monkeypatch.chdir(project)
    buffer = MODEL + "# unsaved edit\n"
    workspace = Project()
    workspace.overlay("model.py", buffer)
    result = check_source(
        Source.of("train.py", TRAIN), None, None, "unsafe", workspace,
        frozenset({os.path.realpath("model.py")}), False,
    )
    assert [at.code for at in result.fixed] == ["HL001"]
    (changed,) = result.other_files.items()
    assert os.path.realpath(changed[0]) == os.path.realpath("model.py")
    assert changed[1] == (buffer, FIXED + "# unsaved edit\n")
    assert workspace.overlaid("model.py") == buffer
