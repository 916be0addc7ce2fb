"""Python 2 statements in otherwise ordinary model code.

Much TensorFlow 1 and Keras 1 code was written for Python 2: a ``print x``
statement or an ``except E, e:`` clause makes the whole file unparseable for
Python 3, and every model in it unseen. When a file fails to parse for one of
those reasons, ``modernised`` rewrites just those statements (``print(x)``,
``except E as e:``) on the lines they are on, so line numbers stay the same and
only the columns of the rewritten lines shift. The engine then analyses the
rewritten text, offers no fixes for it (a fix would write the rewrite back), and
reports a file it still cannot parse with the original error.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Optional

_EXCEPT = re.compile(r"^(\s*except\s+)([^,:#]+?)\s*,\s*([A-Za-z_]\w*)\s*:", re.MULTILINE)
# A print statement: ``print x``, ``print "..." % y``, ``print >>f, x`` (not ``print(``,
# ``print =``, ``print.``). Python 3.9's parser only says "invalid syntax" for it.
_PRINT = re.compile(r"^[ \t]*(?:[^#\n]*:[ \t]*)?print[ \t]*(?:[^\s(=.,)\]}:;]|>>)", re.MULTILINE)


def looks_like_python2(text: str) -> bool:
    """Does a text that does not parse have a Python 2 print statement or an
    ``except E, e:`` clause?"""
    return _PRINT.search(text) is not None or _EXCEPT.search(text) is not None


def modernised(text: str) -> Optional[str]:
    """The text with its ``print`` statements and ``except E, e:`` clauses written
    for Python 3; None when it cannot be tokenized."""
    text = _EXCEPT.sub(r"\1\2 as \3:", text)
    lines = io.StringIO(text).readlines()  # rows as the tokenizer below counts them: at LF only
    edits: list = []  # (row, column, text to insert) or (row, col, end_row, end_col) spans to blank
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    start_of_statement = True
    depth = 0
    for index, token in enumerate(tokens):
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.COMMENT):
            start_of_statement = start_of_statement or token.type != tokenize.COMMENT
            if token.type == tokenize.NEWLINE:
                start_of_statement = True
            continue
        if token.type == tokenize.OP and (token.string == ";" or (token.string == ":" and depth == 0)):
            start_of_statement = True  # ``x = 1; print x``, ``for i in r: print i``
            continue
        if start_of_statement and token.type == tokenize.NAME and token.string == "print":
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and not (following.type == tokenize.OP and following.string in ("(", "=", ".")):
                end = _statement_end(tokens, index + 1)
                if end is not None:
                    if following.type == tokenize.OP and following.string == ">>":
                        edits.append(("blank", token.start, end))  # print >>f, x: nothing to model
                    else:
                        edits.append(("call", token.end, end))
        start_of_statement = False
    for kind, (row, col), (end_row, end_col) in sorted(edits, key=lambda e: e[1], reverse=True):
        if kind == "call":
            lines[end_row - 1] = lines[end_row - 1][:end_col] + ")" + lines[end_row - 1][end_col:]
            lines[row - 1] = lines[row - 1][:col] + "(" + lines[row - 1][col:].lstrip(" ")
        else:
            if row != end_row:
                return None
            lines[row - 1] = lines[row - 1][:col] + "pass" + lines[row - 1][end_col:]
    return "".join(lines)


def _statement_end(tokens: list, index: int):
    """Where the statement starting before ``tokens[index]`` ends: before its
    comment, ``;`` or newline."""
    depth = 0
    last = None
    for token in tokens[index:]:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        if depth == 0 and (token.type in (tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER)
                           or (token.type == tokenize.OP and token.string == ";")):
            return last.end if last is not None else None
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            last = token
    return None
