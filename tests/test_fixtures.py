"""The functional test: every fixture through the installed command, compared exactly.

Each fixture marks the lines that must be reported with a trailing
``# expect: HL001`` (several codes separated by commas); every other line must
stay quiet. A missing or an extra finding fails. In a notebook (``*.ipynb``) the
marks are in the code cells, and a finding is compared on its cell (its position
among all the notebook's cells, from 1) and its line in that cell.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from cli_helpers import headlint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted([*(ROOT / "fixtures").rglob("*.py"), *(ROOT / "fixtures").rglob("*.ipynb")])
EXPECT = re.compile(r"#\s*expect:\s*(HL\d{3}(?:\s*,\s*HL\d{3})*)")


def lines(path: Path):
    """(cell, line number, line) of every line of code: cell None in a Python file."""
    if path.suffix != ".ipynb":
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            yield None, number, line
        return
    for cell_number, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for number, line in enumerate(source.split("\n"), start=1):
                yield cell_number, number, line


def expected(path: Path) -> set:
    found = set()
    for cell, number, line in lines(path):
        match = EXPECT.search(line)
        if match:
            found |= {(cell, number, code.strip()) for code in match.group(1).split(",")}
    return found


@pytest.fixture(scope="module")
def reported():
    result = headlint("check", "--output-format", "json", "fixtures", cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    by_file = defaultdict(set)
    for finding in document["findings"]:
        by_file[(ROOT / finding["path"]).resolve()].add((finding["cell"], finding["line"], finding["code"]))
    return by_file


def test_there_are_enough_fixtures_and_enough_clean_ones():
    assert len(FIXTURES) >= 40
    for framework in ("torch", "keras"):  # a buggy notebook and a clean one of each
        notebooks = [p for p in FIXTURES if p.suffix == ".ipynb" and p.parent.name == framework]
        assert any(expected(p) for p in notebooks) and not all(expected(p) for p in notebooks)
    clean = [path for path in FIXTURES if not expected(path)]
    assert len(clean) >= 0.4 * len(FIXTURES)
    for framework in ("torch", "keras"):
        assert len([p for p in FIXTURES if p.parent.name == framework]) >= 15


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures")) for p in FIXTURES])
def test_fixture_gives_exactly_its_annotated_findings(path, reported):
    assert reported.get(path.resolve(), set()) == expected(path)
