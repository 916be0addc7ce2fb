"""The README's two commands stay true: CI runs the very same test command."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_an_install_and_a_test_command():
    install, test = readme_commands()[:2]
    assert "headlint check fixtures/" in install
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    test = readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in ci
