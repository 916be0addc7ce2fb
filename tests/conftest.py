import textwrap

import pytest

from headlint.engine import check_text


def lint(code: str):
    """(code, line) of every finding in a snippet, in source order."""
    result = check_text(textwrap.dedent(code), "snippet.py")
    assert result.error is None, result.error
    return [(f.code, f.span.line) for f in result.findings]


def codes(code: str):
    return [c for c, _ in lint(code)]


@pytest.fixture
def run_lint():
    return lint


def pytest_collection_modifyitems(items):
    """The tests marked slow start first: over pytest-xdist's workers, a long one
    picked up last would leave the other workers idle while it runs (with
    --dist loadfile, pyproject.toml, a file goes out where its first test is)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
