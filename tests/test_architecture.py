"""Imports flow one way: the import-linter contracts in pyproject.toml hold (every
module in its layer, importing only the layers below it; rules never import each
other, the probes no interpreter, nothing below the server pygls)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    command = [str(lint)] if lint.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _pyproject() -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_rule_file_is_in_the_independence_contract():
    """A new rule file must be listed too, or it could import another rule's helpers."""
    contract = next(c for c in _pyproject()["tool"]["importlinter"]["contracts"] if c["type"] == "independence")
    rule_files = {f"headlint.rules.{path.stem}" for path in (ROOT / "headlint" / "rules").glob("hl[0-9]*.py")}
    assert rule_files and rule_files <= set(contract["modules"]), sorted(rule_files - set(contract["modules"]))


def test_every_subpackage_ships_in_the_wheel():
    """pyproject.toml lists the packages by hand: a new folder of modules must be in
    that list, or the installed command cannot import it (the editable install used
    while developing would not notice)."""
    root = ROOT
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(root).parts)
        for init in (root / "headlint").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found <= listed, f"not in pyproject.toml's packages: {sorted(found - listed)}"
