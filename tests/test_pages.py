"""Every rule has its reference page, and the page's examples lint as it says."""

import re
import textwrap
from pathlib import Path

import pytest

from headlint.engine import check_text
from headlint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    "What it does", "Why is this bad?", "Example", "Use instead", "When it is not reported",
    "Known limits", "How headlint confirms it", "Fix",
]


def section(page: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", page, re.S | re.M)
    assert match, f"missing section '## {title}'"
    return match.group(1)


def python_blocks(text: str) -> list:
    return [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", text, re.S)]


def findings(code_block: str) -> list:
    result = check_text(code_block, "example.py")
    assert result.error is None, result.error
    return [f.code for f in result.findings]


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_page_with_all_sections(code):
    page = (ROOT / "rules" / f"{code}.md").read_text()
    assert page.startswith(f"# {code} {RULES[code].name}\n")
    for title in SECTIONS:
        assert section(page, title).strip()


@pytest.mark.parametrize("code", sorted(RULES))
def test_the_pages_examples_lint_as_the_page_says(code):
    page = (ROOT / "rules" / f"{code}.md").read_text()
    examples = python_blocks(section(page, "Example"))
    fixed = python_blocks(section(page, "Use instead"))
    assert examples and fixed
    for block in examples:
        assert set(findings(block)) == {code}, block
    for block in fixed:
        assert findings(block) == [], block
