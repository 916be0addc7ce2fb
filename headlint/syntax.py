"""Whether a text is Python that headlint can parse, asked of CPython's parser
before libcst sees it: its messages are the ones users know, and libcst's native
parser can overflow the C stack on input nested deeper than CPython accepts. A file
that is Python 2 is read as the Python 3 it means (python2.py).

The checked file (engine.py) and the project's modules it imports (project.py) are
read alike through here.
"""

from __future__ import annotations

from typing import Optional

from .records import FileError
from .source import Source
from .textlines import split_lines


def readable_text(text: str, source: Optional[Source] = None) -> tuple:
    """(the text to parse, None) or (text, the syntax error to report: a FileError). A file that
    fails only on Python 2 statements (``print x``, ``except E, e:``) is read as the
    Python 3 it means (python2.py)."""
    problem = python_syntax_error(text, source)
    if problem is None:
        return text, None
    from . import python2  # only for a file that is not Python 3

    if python2.looks_like_python2(text):
        rewritten = python2.modernised(text)
        if rewritten is not None and python_syntax_error(rewritten) is None:
            return rewritten, None
    return text, problem


def python_syntax_error(text: str, source: Optional[Source] = None) -> Optional[FileError]:
    """Why CPython cannot parse ``text`` (``source``'s, or a text of its own), at
    the line and column it names."""
    import ast
    import warnings

    source = source or Source.of("<string>", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences are not ours to report
            tree = ast.parse(text)
    except SyntaxError as error:
        reason = f"syntax error at {source.position(error.lineno, error.offset)}: {error.msg}"
        return source.parse_error(reason, error.lineno, error.offset)
    except (RecursionError, MemoryError):
        return source.parse_error("nested too deeply for Python to parse")
    except ValueError as error:
        return source.parse_error(f"cannot parse: {error}")
    depth, line = _libcst_depth(tree, text)
    if depth > MAX_LIBCST_DEPTH:
        reason = f"nested too deeply to parse at {source.position(line)} (an and/or chain or dotted name {depth} levels deep)"
        return source.parse_error(reason)
    return None


# A file that does not parse is still checked in the statements that do (as ruff's
# error-resilient parser does): the line CPython names is blanked, as many times as
# it takes up to this many lines; a broken block header would blank its whole body,
# and such a file is left as its error.
MAX_BLANKED_LINES = 20


def without_broken_lines(text: str) -> Optional[str]:
    """``text`` with the lines CPython cannot parse blanked (each keeps its place, so
    every other line keeps its number), or None when that takes more than
    MAX_BLANKED_LINES lines or the error names no line."""
    import ast
    import warnings

    lines = text.split("\n")
    for _ in range(MAX_BLANKED_LINES):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse("\n".join(lines))
            return "\n".join(lines)
        except SyntaxError as error:
            line = error.lineno
            if line is None or not 0 < line <= len(lines) or not lines[line - 1].strip():
                return None
            lines[line - 1] = ""
        except (RecursionError, MemoryError, ValueError):
            return None
    return None


# libcst nests what CPython keeps flat (``a and b and c``, the parts of ``import
# a.b.c``), and its native parser overflows the C stack (a segfault, not an
# exception) around 7,000 levels; CPython itself refuses ~3,000 levels of anything
# else. Deeper input is refused before libcst sees it.
MAX_LIBCST_DEPTH = 3000


# libcst nests at most a level or so per character of source (``---x``,
# ``f()()()``); a subtree whose lines hold few enough characters to stay below the
# limit, counted this many levels per character, is not walked. Typical files are
# then checked statement by statement, not node by node.
_LEVELS_PER_CHAR = 4


def _libcst_depth(tree, text: str = "") -> tuple:
    """The deepest nesting libcst would build for ``tree`` (an ast of ``text``), and
    its line. Exact where it exceeds MAX_LIBCST_DEPTH; below it, subtrees that
    cannot reach the limit are skipped and the figure may be lower."""
    import ast
    from itertools import accumulate

    ends = [0, *accumulate(len(line) for line in split_lines(text, keepends=True))] if text else []

    def bounded(node, depth: int) -> bool:
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if first is None or last is None or last >= len(ends):
            return False
        return depth + _LEVELS_PER_CHAR * (ends[last] - ends[first - 1]) < MAX_LIBCST_DEPTH

    deepest, deepest_line, stack = 0, 1, [(tree, 0, 1)]
    while stack:
        node, depth, line = stack.pop()
        if bounded(node, depth):
            continue
        line = getattr(node, "lineno", line)
        depth += 1
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            depth += (node.module or "").count(".")
        if depth > deepest:
            deepest, deepest_line = depth, line
        stack.extend((child, depth, line) for child in ast.iter_child_nodes(node))
    return deepest, deepest_line
