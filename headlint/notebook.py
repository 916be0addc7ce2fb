"""Jupyter notebooks: the code cells as one program, and back.

A notebook is read with the standard library's ``json`` (nbformat 4, and the
``worksheets`` of nbformat 3). Its code cells are joined, in order, into one
program, so that a model defined in one cell and trained in another are linked;
markdown and raw cells are left out. IPython syntax never reaches the parser: at
the start of a statement, line magics (``%time``), shell escapes (``!pip``),
help (``?obj``, ``obj??``), the autocall escapes (``/``, ``,``, ``;``),
``x = !ls`` / ``x = %time f()`` and automagic lines that Python cannot parse
(``pip install keras``, ``cd data``) become ``pass`` (indented as they were, so a
block keeps its body and line numbers keep mapping). A cell starting with a cell
magic (``%%bash``) is left out whole, except the magics whose body is Python
(``%%time``, ``%%timeit``, ``%%capture``, ...): only their first line is.

Every line of the program knows its cell and its line in that cell, and where
that line is written in the file's own text, so findings are reported as
``nb.ipynb:48:9: HL001 cell 3, line 2, col 5: ...`` (report.py). Cells are numbered by their
position among all the notebook's cells, from 1, as Jupyter and VS Code show them.

Fixes are libcst edits of the program; ``with_program`` maps the fixed program
back onto the cells and rewrites only the ``source`` of the cells that changed in
the file's own text, so outputs, metadata, key order and indentation stay exactly
as they were.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from dataclasses import dataclass
from typing import Optional, Union

from .records import FileError, Span
from .textlines import NEWLINE, split_lines

from .discover import NOTEBOOK_MAX_BYTES, is_notebook  # noqa: F401 - is_notebook: part of this module's API

# Cell magics whose body is Python that IPython runs (as ruff also treats them).
PYTHON_CELL_MAGICS = frozenset({"capture", "debug", "prun", "pypy", "python", "python3", "time", "timeit"})
# IPython's escapes at the start of a statement: magics, shell, help, autocall.
_ESCAPES = ("%", "!", "?", "/", ",", ";")
# ``files = !ls``, ``t = %timeit -o f()``, ``a, b = !cmd``
_ASSIGNED_MAGIC = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]")
# IPython's automagic: with it on (the default), a line magic or a shell alias runs
# without its ``%`` (``pip install keras``, ``cd data``, ``matplotlib inline``). These
# are IPython's own line magics and default aliases that such lines are written with.
AUTOMAGICS = frozenset({
    "alias", "autoawait", "autocall", "automagic", "autoreload", "bookmark", "cat", "cd", "clear", "colors", "conda",
    "config", "cp", "dhist", "dirs", "doctest_mode", "ed", "edit", "env", "gui", "hist", "history", "killbgscripts",
    "ldir", "less", "lf", "lk", "ll", "load", "load_ext", "loadpy", "logoff", "logon", "logstart", "logstate",
    "logstop", "ls", "lsmagic", "lx", "macro", "magic", "mamba", "man", "matplotlib", "micromamba", "mkdir", "more",
    "mv", "notebook", "page", "pastebin", "pdb", "pdef", "pdoc", "pfile", "pinfo", "pinfo2", "pip", "popd", "pprint",
    "precision", "prun", "psearch", "psource", "pushd", "pwd", "pycat", "pylab", "quickref", "recall", "rehashx",
    "reload_ext", "rep", "rerun", "reset", "reset_selective", "rm", "rmdir", "run", "save", "sc", "set_env", "store",
    "sx", "system", "tb", "tensorflow_version", "time", "timeit", "unalias", "unload_ext", "who", "who_ls", "whos",
    "xdel", "xmode",
})
# ``pip install x``: a magic's name at the start of the line, then a space or the end
_AUTOMAGIC = re.compile(r"([A-Za-z_]\w*)(?:[ \t]|$)")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# \\uXXXX escapes of non-ASCII characters: the file was written with ensure_ascii
_NON_ASCII_ESCAPE = re.compile(r"\\u(?:00[89a-fA-F][0-9a-fA-F]|0[1-9a-fA-F][0-9a-fA-F]{2}|[1-9a-fA-F][0-9a-fA-F]{3})")
_DECODER = json.JSONDecoder()


def _parse_problem(cell: "Cell") -> Optional[BaseException]:
    """What CPython raises parsing the cell on its own (IPython syntax masked), or None."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse("\n".join(cell.shown) + "\n")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as error:
        return error
    return None


def _cell_lines(text: str) -> list:
    """A cell's lines as Python counts them (textlines.py); "a\\n" is two lines."""
    return NEWLINE.split(text)


@dataclass
class Cell:
    number: int  # 1-based position among all the notebook's cells
    source: str  # the cell's text, as the file holds it
    lines: list  # _cell_lines(source)
    shown: list  # the lines as the program has them (IPython syntax masked)


@dataclass
class Notebook:
    path: str
    raw: str  # the file's text (JSON)
    document: dict
    version: int  # nbformat: 3 or 4
    cells: list  # of Cell: the code cells, in order
    lines: list  # the program: every code cell's lines, in order
    where: list  # per program line: (cell number, line in the cell)
    masked: frozenset  # program line indices (0-based) that hold masked IPython syntax
    _spans: Optional[dict] = None  # cell number -> where its source lies in ``raw``
    _newlines: Optional[list] = None

    # --- the program ------------------------------------------------------------

    @property
    def program(self) -> str:
        return "\n".join(self.lines) + "\n" if self.lines else ""

    def place(self, span: Span) -> Span:
        """A span of the program as the notebook shows it: its cell, the line in the
        cell, and where it lies in the file's own text (``in_file``)."""
        if not 0 < span.line <= len(self.where):  # pragma: no cover - past the last cell
            return span
        cell, line = self.where[span.line - 1]
        end_cell, end_line = self.where[span.end_line - 1] if span.end_line <= len(self.where) else (cell, line)
        if end_cell != cell:  # never: a node lies within one statement of one cell
            end_line, end_col = line, len(self.lines[span.line - 1]) + 1
        else:
            end_col = span.end_col
        try:
            start = self._in_file(cell, line, span.col, False)
            end = self._in_file(cell, end_line, end_col, True)
            in_file = (*start, *end)
        except (KeyError, IndexError, ValueError, StopIteration):  # pragma: no cover - a layout we did not foresee
            in_file = None
        return Span(span.path, line, span.col, end_line, end_col, cell=cell, in_file=in_file)

    def position(self, line: int, column: Optional[int] = None) -> str:
        """A program line (and column) as ``cell 3, line 2, column 7``."""
        if 0 < line <= len(self.where):
            cell, in_cell = self.where[line - 1]
        elif self.where:
            cell, in_cell = self.where[-1][0], self.where[-1][1] + 1
        else:
            return f"line {line}" + (f", column {column}" if column is not None else "")
        return f"cell {cell}, line {in_cell}" + (f", column {column}" if column is not None else "")

    def parse_error(self, reason: str, line: Optional[int] = None, column: Optional[int] = None) -> FileError:
        """The notebook could not be parsed: ``reason``, at a program ``line`` and
        ``column`` when both are known, placed in its cell (and in the file's text)."""
        at = None
        if line and column and 0 < line <= len(self.where):
            at = self.place(Span(self.path, line, column, line, column + 1))
        return FileError(self.path, reason, "parse", at=at)

    def syntax_error(self) -> Optional[FileError]:
        """The first cell that is not Python on its own (after IPython syntax is
        masked), as ``syntax error at cell 3, line 2, column 7: ...``."""
        for cell in self.cells:
            error = _parse_problem(cell)
            if isinstance(error, SyntaxError):
                column = f", column {error.offset}" if error.offset else ""
                reason = f"syntax error at cell {cell.number}, line {error.lineno}{column}: {error.msg}"
                line = self.where.index((cell.number, error.lineno)) + 1 if (cell.number, error.lineno) in self.where else None
                return self.parse_error(reason, line, error.offset)
            if isinstance(error, (RecursionError, MemoryError)):
                return self.parse_error(f"cell {cell.number} is nested too deeply for Python to parse")
            if isinstance(error, ValueError):
                return self.parse_error(f"cannot parse cell {cell.number}: {error}")
        return None

    def broken_cells(self) -> list:
        """The cells that are not Python on their own (after IPython syntax is masked)."""
        return [cell for cell in self.cells if _parse_problem(cell) is not None]

    def program_with(self, shown: dict) -> str:
        """The program with the lines of some cells replaced, line for line: cell
        number -> its new lines (as many as ``cell.shown``), so every line keeps its place."""
        lines = [shown[cell][line - 1] if cell in shown else text for text, (cell, line) in zip(self.lines, self.where)]
        return "\n".join(lines) + "\n" if lines else ""

    # --- fixes: the program back into the cells -------------------------------------

    def with_program(self, text: str) -> Optional["Notebook"]:
        """This notebook with the code cells rewritten so that their program is
        ``text`` (a fixed version of ``self.program``); None when the change cannot
        be put back into cells (it would cross a cell or touch IPython syntax)."""
        new_lines = _cell_lines(text)
        if new_lines and new_lines[-1] == "":
            new_lines.pop()
        originals = [line for cell in self.cells for line in cell.lines]
        rebuilt: dict = {cell.number: [] for cell in self.cells}
        import difflib  # only when a fix rewrites a notebook

        matcher = difflib.SequenceMatcher(None, self.lines, new_lines, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i1, i2):
                    rebuilt[self.where[k][0]].append(originals[k])
                continue
            if i1 < i2:
                owners = {self.where[k][0] for k in range(i1, i2)}
            else:  # inserted lines: they belong to the cell around them
                before = self.where[i1 - 1][0] if i1 > 0 else None
                after = self.where[i1][0] if i1 < len(self.where) else None
                owners = {before if before is not None else after} if before == after or None in (before, after) else set()
            if len(owners) != 1 or any(k in self.masked for k in range(i1, i2)):
                return None
            rebuilt[owners.pop()].extend(new_lines[j1:j2])
        sources = {}
        for cell in self.cells:
            newline = NEWLINE.search(cell.source)
            source = (newline.group() if newline else "\n").join(rebuilt[cell.number])
            if source != cell.source:
                sources[cell.number] = source
        if not sources:
            return self if text == self.program else None
        changed = _read(self.path, self._with_sources(sources))
        if not isinstance(changed, Notebook) or changed.program != text:
            return None
        return changed

    def changes(self, before: "Notebook") -> list:
        """(cell number, source before, source now) of the code cells that differ."""
        old = {cell.number: cell.source for cell in before.cells}
        return [(cell.number, old.get(cell.number, ""), cell.source) for cell in self.cells if old.get(cell.number) != cell.source]

    def _with_sources(self, sources: dict) -> str:
        """The file's text with these cells' sources replaced, everything else kept
        byte for byte; a full re-serialisation in the file's style if that fails."""
        document = copy.deepcopy(self.document)
        for number, source in sources.items():
            cell, key = _cell_object(document, self.version, number)
            cell[key] = _keepends(source) if isinstance(cell[key], list) else source
        ensure_ascii = bool(_NON_ASCII_ESCAPE.search(self.raw)) and self.raw.isascii()
        raw = self.raw
        try:
            spans = self._source_spans()
            for number in sorted(sources, key=lambda n: spans[n][0], reverse=True):
                start, end, elements = spans[number]
                cell, key = _cell_object(document, self.version, number)
                raw = raw[:start] + _dump_like(self.raw, start, end, elements, cell[key], ensure_ascii) + raw[end:]
            if json.loads(raw) == document:
                return raw
        except (KeyError, IndexError, ValueError):  # pragma: no cover - a layout not foreseen
            pass
        # pragma: no cover - never seen: the whole document, indented as the file is
        indent = re.search(r"\n([ \t]+)\S", self.raw)
        text = json.dumps(document, indent=indent.group(1) if indent else None, ensure_ascii=ensure_ascii)
        return text + ("\n" if self.raw.endswith("\n") else "")

    # --- where the cells lie in the file's text ------------------------------------

    def _source_spans(self) -> dict:
        """cell number -> (start, end, elements) of its source value in ``raw``;
        ``elements``: the (start, end) of each string of a list-valued source, or
        None for a source held as one string."""
        if self._spans is None:
            self._spans = _source_spans(self.raw, self.version)
        return self._spans

    def _in_file(self, cell: int, line: int, col: int, end: bool) -> tuple:
        """(line, column) in the file's text of a position in a cell, both 1-based;
        columns count code points, as the file's text is JSON decoded from UTF-8."""
        source = next(c for c in self.cells if c.number == cell)
        offset = sum(len(text) + len(sep) for text, sep in _line_parts(source.source)[: line - 1]) + col - 1
        start, stop, elements = self._source_spans()[cell]
        if elements is None:
            raw_offset = _raw_offset(self.raw, start, offset)
        else:
            raw_offset = None
            for element_start, element_end in elements:
                length = len(json.loads(self.raw[element_start:element_end]))
                if offset < length or (end and offset == length):
                    raw_offset = _raw_offset(self.raw, element_start, offset)
                    break
                offset -= length
            if raw_offset is None:  # the very end of the source
                raw_offset = elements[-1][1] - 1 if elements else start + 1
        if self._newlines is None:
            self._newlines = [m.end() for m in NEWLINE.finditer(self.raw)]
        number = bisect.bisect_right(self._newlines, raw_offset)
        line_start = self._newlines[number - 1] if number else 0
        return number + 1, raw_offset - line_start + 1


# --- reading ------------------------------------------------------------------------------


def read(path: str, data: bytes) -> Union[Notebook, FileError]:
    """The notebook in ``data``, or a FileError saying why it is not one."""
    if len(data) > NOTEBOOK_MAX_BYTES:
        return FileError(path, f"larger than {NOTEBOOK_MAX_BYTES // 1_000_000} MB; skipped")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return FileError(path, "not a notebook: binary data (NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return FileError(
            path,
            f"not a notebook: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "notebooks are JSON in UTF-8",
        )
    return _read(path, raw)


def _read(path: str, raw: str) -> Union[Notebook, FileError]:
    def bad(reason: str) -> FileError:
        return FileError(path, f"not a notebook: {reason}")

    if "\x00" in raw:
        return bad("binary data (NUL bytes)")
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as error:
        return bad(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}")
    except RecursionError:
        return bad("JSON nested too deeply")
    if not isinstance(document, dict):
        return bad("the JSON is not an object with 'cells'")
    version = document.get("nbformat")
    if version is None and isinstance(document.get("cells"), list):
        version = 4
    if version == 3 or (version is None and "worksheets" in document):
        version, key = 3, "input"
        worksheets = document.get("worksheets")
        if not isinstance(worksheets, list) or not all(isinstance(w, dict) for w in worksheets):
            return bad("nbformat 3 without a list of 'worksheets'")
        cells = [cell for sheet in worksheets for cell in (sheet.get("cells") or [])]
    elif version == 4:
        key = "source"
        cells = document.get("cells")
        if not isinstance(cells, list):
            return bad("no 'cells' list")
    elif isinstance(version, int):
        return FileError(path, f"unsupported notebook format {version}: headlint reads nbformat 3 and 4")
    else:
        return bad("no 'nbformat' and no 'cells'")
    code = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            return bad(f"cell {number} is not an object")
        if cell.get("cell_type") != "code":
            continue
        source = cell.get(key, "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        elif source is None:
            source = ""
        elif not isinstance(source, str):
            return bad(f"the source of cell {number} is not text")
        lines = _cell_lines(source)
        code.append(Cell(number, source, lines, mask(lines)))
    program, where, masked = [], [], set()
    for cell in code:
        for k, (line, shown) in enumerate(zip(cell.lines, cell.shown), 1):
            if shown != line:
                masked.add(len(program))
            program.append(shown)
            where.append((cell.number, k))
    return Notebook(path, raw, document, version, code, program, where, frozenset(masked))


def language(document: dict) -> Optional[str]:
    """The notebook's language as its metadata says (kernel or language_info)."""
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return None
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return value[field]
    return None


# --- IPython syntax -----------------------------------------------------------------------


def mask(lines: list) -> list:
    """The cell's lines with IPython syntax replaced: ``pass`` (indented as the line
    was) for a magic, shell or help line at the start of a statement, blank lines
    for a cell magic whose body is not Python, and for the lines a magic or shell
    line continues onto with a backslash. Lines inside brackets, strings and
    backslash continuations of Python are never touched: ``% b`` there is Python's modulo."""
    shown = list(lines)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return shown
    head = lines[first].lstrip()
    if head.startswith("%%"):
        words = head[2:].split(maxsplit=1)
        if not words or words[0] not in PYTHON_CELL_MAGICS:
            return ["" for _ in lines]
        shown[first] = ""
        start = first + 1
    else:
        start = 0
    depth, quote, continued, escaped = 0, None, False, False
    for i in range(start, len(lines)):
        line = lines[i]
        if escaped:  # ``!wget URL \`` goes on here: IPython joins the lines, so they are masked too
            shown[i] = ""
            escaped = line.rstrip().endswith("\\")
            continue
        at_start = depth == 0 and quote is None and not continued
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if at_start and (line.lstrip(" \t").startswith(_ESCAPES) or _ASSIGNED_MAGIC.match(line) or _automagic(line)):
            shown[i] = indent + "pass"
            escaped = line.rstrip().endswith("\\")
            continue
        depth, quote, code_end = _scan(line, depth, quote)
        code = line[:code_end].rstrip()
        continued = quote is None and code.endswith("\\")
        if at_start and depth == 0 and quote is None and code.endswith("?"):
            shown[i] = indent + "pass"  # ``obj?`` / ``obj??``
    return shown


def _automagic(line: str) -> bool:
    """``pip install keras==2.12`` at the start of a statement: a line magic written
    without its ``%``. Only where Python cannot read the line: it opens no bracket or
    string, so it is a whole statement (or one a backslash continues), and it does not parse
    (``ls -la``, ``pwd`` and ``time.sleep(1)`` are Python, and stay). Indented lines
    are Python: IPython runs automagic at the top level of a cell."""
    import ast

    match = _AUTOMAGIC.match(line)
    if match is None or match.group(1) not in AUTOMAGICS:
        return False
    depth, quote, code_end = _scan(line, 0, None)
    if depth or quote is not None:
        return False
    code = line[:code_end].rstrip()
    try:
        ast.parse(code[:-1] if code.endswith("\\") else code)  # ``pip install a \``: IPython joins the next line
    except SyntaxError:
        return True
    return False


def _scan(line: str, depth: int, quote: Optional[str]) -> tuple:
    """Brackets and strings through one line: (depth, open quote, where a comment starts)."""
    i, n = 0, len(line)
    while i < n:
        if quote is not None:
            if line[i] == "\\":
                i += 2
            elif line.startswith(quote, i):
                i += len(quote)
                quote = None
            else:
                i += 1
            continue
        c = line[i]
        if c == "#":
            return depth, None, i
        if c in "\"'":
            quote = c * 3 if line.startswith(c * 3, i) else c
            i += len(quote)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        i += 1
    if quote is not None and len(quote) == 1 and not line.endswith("\\"):
        quote = None  # an unterminated string: a syntax error the parser reports
    return depth, quote, n


# --- the JSON text ----------------------------------------------------------------------------


def _line_parts(text: str) -> list:
    """(line, its line break) pairs, the last with an empty break."""
    parts, last = [], 0
    for match in NEWLINE.finditer(text):
        parts.append((text[last : match.start()], match.group()))
        last = match.end()
    parts.append((text[last:], ""))
    return parts


def _keepends(source: str) -> list:
    """A source as nbformat stores it: one string per line, each with its line break."""
    return split_lines(source, keepends=True)


def _cell_object(document: dict, version: int, number: int) -> tuple:
    """(the cell's dict, the key of its source) for a cell number."""
    if version == 3:
        cells = [cell for sheet in document["worksheets"] for cell in (sheet.get("cells") or [])]
        return cells[number - 1], "input"
    return document["cells"][number - 1], "source"


def _skip(raw: str, i: int) -> int:
    return _WHITESPACE.match(raw, i).end()


def _members(raw: str, i: int) -> dict:
    """The members of the JSON object at ``raw[i]``: key -> (start, end) of the value
    (the last one of a repeated key, as json.loads keeps it)."""
    members = {}
    i = _skip(raw, i + 1)
    if raw[i] == "}":
        return members
    while True:
        key, i = json.decoder.scanstring(raw, i + 1)
        i = _skip(raw, _skip(raw, i) + 1)  # past the colon
        _, end = _DECODER.raw_decode(raw, i)
        members[key] = (i, end)
        i = _skip(raw, end)
        if raw[i] == "}":
            return members
        i = _skip(raw, i + 1)


def _elements(raw: str, i: int) -> list:
    """(start, end) of each element of the JSON array at ``raw[i]``."""
    elements = []
    i = _skip(raw, i + 1)
    if raw[i] == "]":
        return elements
    while True:
        _, end = _DECODER.raw_decode(raw, i)
        elements.append((i, end))
        i = _skip(raw, end)
        if raw[i] == "]":
            return elements
        i = _skip(raw, i + 1)


def _source_spans(raw: str, version: int) -> dict:
    top = _members(raw, _skip(raw, 0))
    if version == 3:
        cells = []
        for sheet_start, _ in _elements(raw, top["worksheets"][0]):
            sheet = _members(raw, sheet_start)
            if "cells" in sheet and raw[sheet["cells"][0]] == "[":
                cells.extend(_elements(raw, sheet["cells"][0]))
        key = "input"
    else:
        cells, key = _elements(raw, top["cells"][0]), "source"
    spans = {}
    for number, (cell_start, _) in enumerate(cells, 1):
        members = _members(raw, cell_start)
        if key not in members:
            continue
        start, end = members[key]
        spans[number] = (start, end, _elements(raw, start) if raw[start] == "[" else None)
    return spans


def _raw_offset(raw: str, literal: int, offset: int) -> int:
    """Where in ``raw`` the character ``offset`` of the JSON string starting at
    ``raw[literal]`` (its opening quote) is written."""
    i = literal + 1
    for _ in range(offset):
        if raw[i] == "\\":
            if raw[i + 1] == "u":
                code = int(raw[i + 2 : i + 6], 16)
                low = raw[i + 8 : i + 12] if raw.startswith("\\u", i + 6) else ""
                if 0xD800 <= code < 0xDC00 and low and 0xDC00 <= int(low, 16) < 0xE000:
                    i += 12  # a surrogate pair: one character
                else:
                    i += 6
            else:
                i += 2
        elif raw[i] == '"':
            raise ValueError("past the end of the string")
        else:
            i += 1
    return i


def _dump_like(raw: str, start: int, end: int, elements: Optional[list], value, ensure_ascii: bool) -> str:
    """``value`` (a source: a string or a list of strings) as JSON, laid out as the
    value it replaces at ``raw[start:end]``."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ensure_ascii)
    items = [json.dumps(item, ensure_ascii=ensure_ascii) for item in value]
    if not items:
        return "[]"
    if not elements:
        return "[" + ", ".join(items) + "]"
    opening = raw[start + 1 : elements[0][0]]
    closing = raw[elements[-1][1] : end - 1]
    separator = raw[elements[0][1] : elements[1][0]] if len(elements) > 1 else "," + (opening or " ")
    return "[" + opening + separator.join(items) + closing + "]"
