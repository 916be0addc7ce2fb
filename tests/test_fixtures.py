"""The functional test: every fixture through the installed command, compared exactly.

Each fixture marks the lines that must be reported with a trailing
``# expect: HL001`` (several codes separated by commas); every other line must
stay quiet. A missing or an extra finding fails.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from cli_helpers import headlint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").rglob("*.py"))
EXPECT = re.compile(r"#\s*expect:\s*(HL\d{3}(?:\s*,\s*HL\d{3})*)")


def expected(path: Path) -> set:
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            found |= {(number, code.strip()) for code in match.group(1).split(",")}
    return found


@pytest.fixture(scope="module")
def reported():
    result = headlint("check", "--output-format", "json", "fixtures", cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    by_file = defaultdict(set)
    for finding in document["findings"]:
        by_file[(ROOT / finding["path"]).resolve()].add((finding["line"], finding["code"]))
    return by_file


def test_there_are_enough_fixtures_and_enough_clean_ones():
    assert len(FIXTURES) >= 40
    clean = [path for path in FIXTURES if not expected(path)]
    assert len(clean) >= 0.4 * len(FIXTURES)
    for framework in ("torch", "keras"):
        assert len([p for p in FIXTURES if p.parent.name == framework]) >= 15


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures")) for p in FIXTURES])
def test_fixture_gives_exactly_its_annotated_findings(path, reported):
    assert reported.get(path.resolve(), set()) == expected(path)
