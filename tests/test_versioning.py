"""The versioning policy (README "Versions"): one version, headlint.__version__, is what
`headlint --version` prints, what a release tag names, and what every pinned example in
the README names, so that a release cannot leave one behind."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from packaging.version import Version  # a dependency of pytest

from cli_helpers import headlint
from headlint import __version__

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def pins(pattern):
    return re.findall(pattern, README, re.M)


def test_version_prints_the_package_version():
    result = headlint("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"headlint, version {__version__}"


def test_the_version_is_a_release_version_in_both_semver_and_pep_440():
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", __version__)
    assert str(Version(__version__)) == __version__  # already in PEP 440's normal form


def test_the_readme_pins_pre_commit_to_the_current_version():
    revs = pins(r"^\s*rev: (v\S+)$")
    assert revs
    assert set(revs) == {f"v{__version__}"}


def test_the_readme_pins_the_action_and_pip_to_the_current_version():
    action = pins(r"uses: <owner>/headlint@(\S+)")
    pip = pins(r"git\+\S*headlint@([^\s\"']+)")
    assert action and pip
    assert set(action + pip) == {f"v{__version__}"}


def test_a_release_tag_names_the_package_version():
    if shutil.which("git") is None:
        pytest.skip("needs git")
    tags = subprocess.run(
        ["git", "tag", "--points-at", "HEAD", "--list", "v*"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    if not tags:
        pytest.skip("HEAD is not a release")
    assert tags == [f"v{__version__}"]
