"""The rule reference pages (``rules/<CODE>.md``), shipped inside the package as
``headlint.rule_pages`` and printed by ``headlint explain``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Optional

# An editable install or a source checkout has no headlint.rule_pages package: the
# pages are then read where they live, in rules/ beside the package.
_SOURCE_TREE = Path(__file__).resolve().parent.parent / "rules"


def page(code: str) -> Optional[str]:
    name = f"{code.upper()}.md"
    try:
        return resources.files("headlint.rule_pages").joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError):
        pass
    try:
        return (_SOURCE_TREE / name).read_text(encoding="utf-8")
    except OSError:
        return None
