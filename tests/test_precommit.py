"""headlint as a pre-commit hook, with the real pre-commit: a commit of a buggy model
is blocked, a clean one goes through."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import BUGGY, CLEAN

ROOT = Path(__file__).resolve().parent.parent
_BESIDE = Path(sys.executable).with_name("pre-commit")  # the test environment's own
PRE_COMMIT = str(_BESIDE) if _BESIDE.exists() else shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(PRE_COMMIT is None or shutil.which("git") is None, reason="needs pre-commit and git")


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, pre_commit_home):
    git("init", "-q", cwd=tmp_path)
    git("config", "user.email", "dev@example.com", cwd=tmp_path)
    git("config", "user.name", "Dev", cwd=tmp_path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)}
    return tmp_path, env


def test_try_repo_fails_on_a_buggy_model_and_passes_on_a_clean_one(repo):
    path, env = repo
    (path / "buggy.py").write_text(BUGGY)
    (path / "clean.py").write_text(CLEAN)
    git("add", ".", cwd=path)
    run = lambda name: subprocess.run(  # noqa: E731
        [PRE_COMMIT, "try-repo", str(ROOT), "headlint", "--files", name],
        cwd=path, env=env, capture_output=True, text=True, timeout=600,
    )
    buggy = run("buggy.py")
    assert buggy.returncode == 1, buggy.stdout + buggy.stderr
    assert "buggy.py:4:42: HL001" in buggy.stdout
    clean = run("clean.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr


def install_hook(path, env):
    """The hook of this checkout's HEAD, installed in the repository at ``path``."""
    head = git("rev-parse", "HEAD", cwd=ROOT).stdout.strip()
    if git("status", "--porcelain", "--", ".pre-commit-hooks.yaml", "pyproject.toml", "headlint", "rules", cwd=ROOT).stdout.strip():
        pytest.skip("the checkout has uncommitted changes to the package; try-repo covers them")
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head}\n  hooks:\n  - id: headlint\n"
    )
    assert subprocess.run([PRE_COMMIT, "install"], cwd=path, env=env, capture_output=True).returncode == 0


def test_the_installed_hook_blocks_the_commit(repo):
    path, env = repo
    install_hook(path, env)
    (path / "model.py").write_text(BUGGY)
    git("add", ".", cwd=path)
    blocked = subprocess.run(["git", "commit", "-m", "add model"], cwd=path, env=env, capture_output=True, text=True, timeout=600)
    assert blocked.returncode != 0
    assert "model.py:4:42: HL001" in blocked.stdout + blocked.stderr
    (path / "model.py").write_text(CLEAN)
    git("add", ".", cwd=path)
    passed = subprocess.run(["git", "commit", "-m", "add model"], cwd=path, env=env, capture_output=True, text=True, timeout=600)
    assert passed.returncode == 0, passed.stdout + passed.stderr


MODEL = """\
import torch.nn as nn


def build():
    return nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
"""
TRAIN = """\
import torch.nn as nn

from model import build

model = build()
criterion = nn.CrossEntropyLoss()
for x, y in loader:
    criterion(model(x), y).backward()
"""


def try_repo(path, env, *files):
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(ROOT), "headlint", "--files", *files],
        cwd=path, env=env, capture_output=True, text=True, timeout=600,
    )


def test_a_commit_of_the_head_file_alone_is_judged_with_the_loss_that_trains_it(repo):
    # The commonest edit of a model is its head: pre-commit names model.py only,
    # and train.py (committed earlier, unchanged) holds the loss.
    path, env = repo
    (path / "model.py").write_text(MODEL)
    (path / "train.py").write_text(TRAIN)
    git("add", ".", cwd=path)
    run = try_repo(path, env, "model.py")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "model.py:5:44: HL001" in run.stdout
    assert "(train.py, line 8)" in run.stdout


def test_many_staged_files_get_one_run_and_one_summary(repo):
    path, env = repo
    names = [f"clean_{i:02}.py" for i in range(40)]
    for name in names:
        (path / name).write_text(CLEAN)
    (path / "buggy.py").write_text(BUGGY)
    git("add", ".", cwd=path)
    run = try_repo(path, env, *names, "buggy.py")
    assert run.returncode == 1, run.stdout + run.stderr
    summaries = [line for line in run.stdout.splitlines() if line.startswith(("Found ", "No findings"))]
    assert len(summaries) == 1 and summaries[0].startswith("Found 1 finding (HL001: 1) in 1 of 41 files.")


def test_the_installed_hook_refuses_a_commit_that_stages_only_the_head(repo):
    path, env = repo
    (path / "model.py").write_text(MODEL.replace("nn.Softmax(dim=1)", "nn.Identity()"))
    (path / "train.py").write_text(TRAIN)
    git("add", ".", cwd=path)
    assert git("commit", "-q", "-m", "a model and its training", cwd=path).returncode == 0
    install_hook(path, env)
    (path / "model.py").write_text(MODEL)  # the head gains a softmax; train.py is untouched
    git("add", "model.py", cwd=path)
    blocked = subprocess.run(["git", "commit", "-m", "softmax head"], cwd=path, env=env, capture_output=True, text=True, timeout=600)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "model.py:5:44: HL001" in blocked.stdout + blocked.stderr
