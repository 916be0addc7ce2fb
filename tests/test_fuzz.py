"""Fuzzing the engine in-process: whatever the text, ``check_text`` returns a result.
A parse error is an answer; an error at the "analyse" stage is an internal error
(a bug), and so is an exception escaping.

Inputs: programs generated from Python's grammar and from libcst's node types
(hypothesmith), alone and after a header importing the frameworks or a fixture, and
mutations of every fixture (lines deleted, duplicated, or spliced in from another
fixture, the arguments of a call swapped, the file truncated, random bytes
inserted), checked plainly and with the unsafe fixes applied; the notebook fixtures
mutated as documents (cells deleted, duplicated, swapped, retyped, given IPython
magics or sources of the wrong type, keys removed) and as bytes, read as headlint
reads a file.

The budget is fixed and the search derandomized (the same examples on every run, no
example database), so CI is reproducible: about 40 s on a 2-core machine.
HEADLINT_FUZZ_SCALE and HEADLINT_FUZZ_RANDOM (below) search further, by hand.
"""

import ast
import copy
import functools
import json
import os
import textwrap
from pathlib import Path

import hypothesmith
import libcst as cst
import libcst.matchers as m
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headlint.engine import check_source, check_text
from headlint.source import read

# hypothesmith compiles what it generates, and the fixed text is parsed again here:
# the warnings of such code (``1()``, "\\d") are not this test's subject.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

FIXTURES = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").rglob("*.py"))
NOTEBOOKS = sorted(Path(__file__).resolve().parent.parent.joinpath("fixtures").rglob("*.ipynb"))
HEADER = "import torch\nfrom torch import nn\nimport torch.nn.functional as F\nimport tensorflow as tf\nfrom tensorflow import keras\n"


# HEADLINT_FUZZ_SCALE=20 runs twenty times as many examples (a longer search, by hand);
# HEADLINT_FUZZ_RANDOM=1 draws new ones on each run instead of the fixed sequence.
SCALE = float(os.environ.get("HEADLINT_FUZZ_SCALE", "1"))


def fuzz_settings(max_examples):
    return settings(
        max_examples=max(1, int(max_examples * SCALE)),
        deadline=None,
        derandomize=not os.environ.get("HEADLINT_FUZZ_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def assert_no_internal_error(result, text):
    __tracebackhide__ = True
    error = result.error
    assert error is None or error.stage != "analyse", f"internal error: {error.reason}\n--- input ---\n{text}"
    lines = text.splitlines()
    for finding in result.findings:
        assert 1 <= finding.span.line <= max(len(lines), 1), (finding, text)
    if result.changed:  # a fix is kept only when the file still parses
        if result.cells_changed:  # a notebook: its JSON, read again as headlint reads it
            again = read(result.path, result.text.encode("utf-8"))
            assert again is not None and check_source(again).error is None, result.text
        else:
            ast.parse(result.text)


@functools.cache
def fixture_text(path):
    return Path(path).read_text(encoding="utf-8")


@functools.cache
def fixture_calls(path):
    """The fixture's parsed module and its calls that have two arguments or more."""
    module = cst.parse_module(fixture_text(path))
    calls = [call for call in m.findall(module, m.Call()) if len(call.args) >= 2]
    return module, calls


# --- generated programs ------------------------------------------------------------

# What a generated program follows: nothing, the framework imports, or a whole fixture
# (its models and losses then meet the generated code).
PREFIXES = st.one_of(st.just(""), st.just(HEADER), st.sampled_from(FIXTURES).map(lambda p: fixture_text(p) + "\n"))


@pytest.mark.slow
@fuzz_settings(400)
@given(code=hypothesmith.from_grammar(), prefix=PREFIXES)
def test_programs_from_the_grammar(code, prefix):
    text = prefix + code
    assert_no_internal_error(check_text(text, "generated.py"), text)


@pytest.mark.slow
@fuzz_settings(100)
@given(code=hypothesmith.from_node(), prefix=PREFIXES)
def test_programs_from_libcst_nodes(code, prefix):
    text = prefix + code
    assert_no_internal_error(check_text(text, "generated.py"), text)


# --- mutated fixtures ----------------------------------------------------------------


class _SwapArguments(cst.CSTTransformer):
    def __init__(self, call, first, second):
        self.call, self.first, self.second = call, first, second

    def leave_Call(self, original_node, updated_node):
        if original_node is not self.call:
            return updated_node
        args = list(updated_node.args)
        a, b = args[self.first], args[self.second]
        args[self.first], args[self.second] = b.with_changes(comma=a.comma), a.with_changes(comma=b.comma)
        return updated_node.with_changes(args=args)


def swap_arguments(path, data):
    module, calls = fixture_calls(path)
    if not calls:
        return fixture_text(path)
    call = calls[data.draw(st.integers(0, len(calls) - 1), label="call")]
    first = data.draw(st.integers(0, len(call.args) - 1), label="first")
    second = data.draw(st.integers(0, len(call.args) - 1).filter(lambda i: i != first), label="second")
    return module.visit(_SwapArguments(call, first, second)).code


def mutate_lines(text, data, kind):
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    start = data.draw(st.integers(0, len(lines) - 1), label="line")
    count = data.draw(st.integers(1, 5), label="count")
    chunk = lines[start:start + count]
    if kind == "delete":
        del lines[start:start + count]
    elif kind == "duplicate":  # in place, or anywhere (mostly a syntax error then)
        at = data.draw(st.one_of(st.just(start + len(chunk)), st.integers(0, len(lines))), label="to")
        lines[at:at] = chunk
    elif kind == "splice":  # lines of another fixture, at this line's indentation (mostly)
        other = fixture_text(data.draw(st.sampled_from(FIXTURES), label="other")).splitlines(keepends=True)
        begin = data.draw(st.integers(0, max(len(other) - 1, 0)), label="from")
        spliced = "".join(other[begin:begin + data.draw(st.integers(1, 12), label="spliced")])
        if data.draw(st.booleans(), label="reindent"):
            indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
            spliced = textwrap.indent(textwrap.dedent(spliced), indent.strip("\r\n"))
        lines[start:start] = [spliced]
    return "".join(lines)


def truncate(text, data):
    if data.draw(st.booleans(), label="at a line"):
        lines = text.splitlines(keepends=True)
        return "".join(lines[: data.draw(st.integers(0, len(lines)), label="lines kept")])
    return text[: data.draw(st.integers(0, len(text)), label="cut")]


MUTATIONS = ["delete", "duplicate", "splice", "swap", "truncate"]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@fuzz_settings(16)
@given(data=st.data())
def test_mutated_fixtures(path, data):
    text = fixture_text(path)
    for kind in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3), label="mutations"):
        if kind == "swap":
            try:
                text = swap_arguments(path, data) if text == fixture_text(path) else text
            except Exception:  # noqa: BLE001 - libcst cannot print this swap: keep the text
                pass
        elif kind == "truncate":
            text = truncate(text, data)
        else:
            text = mutate_lines(text, data, kind)
    fix = data.draw(st.sampled_from([None, "unsafe"]), label="fix")
    assert_no_internal_error(check_text(text, path.name, fix=fix), text)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
@fuzz_settings(4)
@given(data=st.data())
def test_fixtures_with_random_bytes(path, data):
    """Bytes inserted into the file: read as headlint reads files (encoding, NUL
    bytes), and also decoded leniently to reach the parser and analysis."""
    raw = fixture_text(path).encode("utf-8")
    at = data.draw(st.integers(0, len(raw)), label="at")
    junk = data.draw(st.binary(min_size=1, max_size=8), label="bytes")
    mutated = raw[:at] + junk + raw[at:]
    source = read(str(path), mutated)
    if source is not None and not hasattr(source, "stage"):  # a Source, not a FileError
        assert_no_internal_error(check_source(source), source.text)
    text = mutated.decode("utf-8", errors="replace")
    assert_no_internal_error(check_text(text, path.name), text)


# --- mutated notebooks --------------------------------------------------------------

MAGICS = ["%matplotlib inline", "!pip install torch", "%%time", "%%bash", "x = !ls", "?nn.Softmax",
          "nn.Softmax??", "%time y = model(x)", "/print 1", "%%capture out", "  %pwd", "get_ipython()"]


def source_lines(cell):
    source = cell.get("source")
    if isinstance(source, str):
        return source.splitlines(keepends=True)
    return [line for line in source if isinstance(line, str)] if isinstance(source, list) else []


def mutate_notebook(document, data):
    cells = document.get("cells") if isinstance(document, dict) else None
    kind = data.draw(st.sampled_from(
        ["delete", "duplicate", "swap", "retype", "magic", "source-type", "lines", "drop-key", "nbformat"]
    ), label="notebook mutation")
    if kind == "drop-key":
        key = data.draw(st.sampled_from(["cells", "metadata", "nbformat", "nbformat_minor"]), label="key")
        document.pop(key, None)
        return document
    if kind == "nbformat":
        document["nbformat"] = data.draw(st.sampled_from([3, 5, 2, "4", None, 4.0]), label="nbformat")
        return document
    if not isinstance(cells, list) or not cells:
        return document
    i = data.draw(st.integers(0, len(cells) - 1), label="cell")
    cell = cells[i]
    if kind == "delete":
        del cells[i]
    elif kind == "duplicate":
        cells.insert(data.draw(st.integers(0, len(cells)), label="to"), copy.deepcopy(cell))
    elif kind == "swap":
        j = data.draw(st.integers(0, len(cells) - 1), label="other")
        cells[i], cells[j] = cells[j], cells[i]
    elif kind == "retype":
        cell["cell_type"] = data.draw(st.sampled_from(["markdown", "raw", "code", "unknown", None, 3]), label="type")
    elif kind == "magic":
        lines = source_lines(cell)
        at = data.draw(st.integers(0, len(lines)), label="at")
        lines[at:at] = [data.draw(st.sampled_from(MAGICS), label="magic") + "\n"]
        cell["source"] = lines
    elif kind == "source-type":
        source = cell.get("source")
        joined = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else "x"
        cell["source"] = data.draw(st.sampled_from([None, 3, {"a": 1}, "", [], [1, 2], joined]), label="source")
    elif kind == "lines":
        lines = source_lines(cell)
        if lines:
            start = data.draw(st.integers(0, len(lines) - 1), label="line")
            if data.draw(st.booleans(), label="delete line"):
                del lines[start]
            else:
                lines.insert(start, lines[start])
        cell["source"] = lines
    return document


def check_notebook_bytes(path, data, raw):
    source = read(str(path), raw)  # never raises: a Source, a FileError or None
    if source is not None and not hasattr(source, "stage"):
        fix = data.draw(st.sampled_from([None, "unsafe"]), label="fix")
        assert_no_internal_error(check_source(source, fix=fix), source.text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
@fuzz_settings(40)
@given(data=st.data())
def test_mutated_notebooks(path, data):
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        document = mutate_notebook(document, data)
    indent = data.draw(st.sampled_from([None, 1, 2]), label="indent")
    check_notebook_bytes(path, data, json.dumps(document, indent=indent).encode("utf-8"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
@fuzz_settings(15)
@given(data=st.data())
def test_notebooks_truncated_or_with_random_bytes(path, data):
    raw = Path(path).read_bytes()
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw)), label="cut")]
    else:
        at = data.draw(st.integers(0, len(raw)), label="at")
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=8), label="bytes") + raw[at:]
    check_notebook_bytes(path, data, raw)
