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
