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


def test_the_installed_hook_blocks_the_commit(repo):
    path, env = repo
    head = git("rev-parse", "HEAD", cwd=ROOT).stdout.strip()
    if git("status", "--porcelain", "--", ".pre-commit-hooks.yaml", "pyproject.toml", "headlint", "rules", cwd=ROOT).stdout.strip():
        pytest.skip("the checkout has uncommitted changes to the package; try-repo covers them")
    (path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head}\n  hooks:\n  - id: headlint\n"
    )
    assert subprocess.run([PRE_COMMIT, "install"], cwd=path, env=env, capture_output=True).returncode == 0
    (path / "model.py").write_text(BUGGY)
    git("add", ".", cwd=path)
    blocked = subprocess.run(["git", "commit", "-m", "add model"], cwd=path, env=env, capture_output=True, text=True, timeout=600)
    assert blocked.returncode != 0
    assert "model.py:4:42: HL001" in blocked.stdout + blocked.stderr
    (path / "model.py").write_text(CLEAN)
    git("add", ".", cwd=path)
    passed = subprocess.run(["git", "commit", "-m", "add model"], cwd=path, env=env, capture_output=True, text=True, timeout=600)
    assert passed.returncode == 0, passed.stdout + passed.stderr
