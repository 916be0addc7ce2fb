"""Reading a file: bytes to text (PEP 263 aware), the cheap pre-filter, and ``# noqa``.

A Jupyter notebook (``*.ipynb``) is read by notebook.py: its Source is the program
its code cells make, and knows how to map the program's lines back to cells."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Optional, Union

from .discover import NOTEBOOK_MAX_BYTES, is_notebook
from .records import FileError, Span
from .textlines import split_lines

MAX_BYTES = 5_000_000  # a generated 5 MB file is not model code a person wrote

# Files importing none of these frameworks are never parsed.
_FRAMEWORK_IMPORT = re.compile(
    rb"^[ \t]*(?:from|import)[ \t]+(?:torch|tensorflow|keras|tf_keras|pytorch_lightning|lightning|tflearn|tf_slim"
    # libraries that build heads (vocabulary/libraries/)
    rb"|torchvision|timm|transformers|segmentation_models_pytorch|skorch|ray_skorch|keras_hub)\b",
    re.MULTILINE,
)

# flake8's shape: ``# noqa`` alone, or ``# noqa: HL001,HL002``
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
# ruff's file-level shape, on a line of its own: ``# headlint: noqa`` (the whole file)
# or ``# headlint: noqa: HL001, HL004`` (those rules in the whole file)
_FILE_NOQA = re.compile(
    r"^[ \t]*#\s*headlint:\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Source:
    path: str
    text: str
    lines: list
    # A notebook's Source: ``text`` is the program of its code cells (notebook.py)
    notebook: Optional[object] = None

    @classmethod
    def of(cls, path: str, text: str) -> "Source":
        """A Python file's Source: its lines as Python counts them (textlines.py)."""
        return cls(path, text, split_lines(text))

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    @property
    def file_text(self) -> str:
        """The text of the file itself: a notebook's JSON, or ``text``."""
        return self.notebook.raw if self.notebook is not None else self.text

    def replaced(self, text: str) -> Optional["Source"]:
        """This file with its code replaced by ``text`` (a fixed version); None when a
        notebook's cells cannot take the change."""
        if self.notebook is None:
            return Source.of(self.path, text)
        changed = self.notebook.with_program(text)
        return None if changed is None else notebook_source(changed)

    def place(self, span: Span) -> Span:
        """A span of ``text`` as users see the file: in a notebook, its cell and line."""
        return span if self.notebook is None else self.notebook.place(span)

    def position(self, line: int, column: Optional[int] = None) -> str:
        """``line 2, column 7``; in a notebook ``cell 3, line 2, column 7``."""
        if self.notebook is not None:
            return self.notebook.position(line, column)
        return f"line {line}" + (f", column {column}" if column is not None else "")

    def parse_error(self, reason: str, line: Optional[int] = None, column: Optional[int] = None) -> FileError:
        """This file could not be parsed: ``reason``, at ``line`` and ``column`` of
        ``text`` when both are known (in a notebook, in its cell)."""
        if self.notebook is not None:
            return self.notebook.parse_error(reason, line, column)
        at = Span(self.path, line, column, line, column + 1) if line and column else None
        return FileError(self.path, reason, "parse", at=at)

    def suppressed(self, code: str, line: int) -> bool:
        return self.suppression(code, line) is not None

    def suppression(self, code: str, line: int) -> Optional[int]:
        """Which directive silences ``code`` on ``line``: 0 for a file-level one, the
        line for a ``# noqa`` on it, None for none (the file-level ones go first, as
        ruff's file exemptions do)."""
        if self.suppressed_in_file(code):
            return 0
        return line if self._suppressed_on_line(code, line) else None

    def suppressed_in_file(self, code: str) -> bool:
        for match in _FILE_NOQA.finditer(self.text):
            codes = match.group("codes")
            if codes is None or code.upper() in split_codes(codes):
                return True
        return False

    def _suppressed_on_line(self, code: str, line: int) -> bool:
        match = _NOQA.search(self.line(line))
        if match is None:
            return False
        codes = match.group("codes")
        if codes is None:
            return True
        return code.upper() in split_codes(codes)

    def directives(self) -> list:
        """Every ``# noqa`` and ``# headlint: noqa`` directive in a comment of the text,
        in order (a ``# noqa`` inside a string is not one)."""
        found = []
        for number, line in enumerate(self.lines, 1):
            match = _FILE_NOQA.match(line)
            if match is not None:
                end = len(line.rstrip()) + 1
            else:
                match = _NOQA.search(line)
                end = match.end() + 1 if match is not None else 0
            if match is not None:
                codes = match.group("codes")
                at = line.index("#", match.start()) + 1
                found.append(Directive(number, at, end, split_codes(codes) if codes else (), match.re is _FILE_NOQA))
        if not found:
            return found
        comments = _comment_lines(self.text)
        if comments is not None:
            found = [d for d in found if any(start <= d.col - 1 for start in comments.get(d.line, ()))]
        return found


@dataclass(frozen=True)
class Directive:
    """A ``# noqa: HL001, E501`` (``file_level``: ``# headlint: noqa: HL001``) in a
    line of a Source's text; ``codes`` upper-cased, empty for a bare one."""

    line: int
    col: int  # 1-based, where its ``#`` is
    end_col: int  # one past its end
    codes: tuple
    file_level: bool


def split_codes(codes: str) -> tuple:
    return tuple(c.upper() for c in re.split(r"[,\s]+", codes) if c)


def _comment_lines(text: str) -> Optional[dict]:
    """line -> start columns (0-based) of the comments on it; None when the text does
    not tokenize (then every match counts)."""
    import tokenize  # only for a file with a ``noqa`` in it: a check of most files never needs it

    comments: dict = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                comments.setdefault(token.start[0], []).append(token.start[1])
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    return comments


# A training script may import only the project's own model module (``from
# models import build; model = build(); model.fit(x, y)``): its training calls
# let it past the filter too.
_TRAINING_CALL = re.compile(rb"\.(?:fit|fit_generator|backward)\(|\.compile\(\s*(?:optimizer|loss)\b")


def mentions_framework(data: bytes) -> bool:
    return _FRAMEWORK_IMPORT.search(data) is not None or _TRAINING_CALL.search(data) is not None


def notebook_source(notebook) -> Source:
    return Source(notebook.path, notebook.program, list(notebook.lines), notebook)


def read_notebook(path: str, data: bytes, prefilter: bool = True) -> Union[Source, FileError, None]:
    """A notebook's Source; None when it is not Python or (with ``prefilter``) its
    code cells import no framework (the pre-filter, on the joined code). A file that
    is not a notebook is a FileError whatever it mentions: it was named, or found,
    as one."""
    from . import notebook  # json and its helpers: only for notebooks

    book = notebook.read(path, data)
    if isinstance(book, FileError):
        return book
    language = notebook.language(book.document)
    if language is not None and not language.lower().startswith("python"):
        return None
    program = book.program
    if prefilter and not mentions_framework(program.encode("utf-8", "surrogatepass")):
        return None
    if len(program.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return FileError(path, f"its code cells are larger than {MAX_BYTES // 1_000_000} MB; skipped")
    return notebook_source(book)


def read_bytes(path: str) -> Union[bytes, FileError]:
    """The file's bytes, up to one byte past the size limit (so that an oversized
    file is recognised without reading all of it)."""
    try:
        with open(path, "rb") as handle:
            return handle.read((NOTEBOOK_MAX_BYTES if is_notebook(path) else MAX_BYTES) + 1)
    except IsADirectoryError:
        return FileError(path, "is a directory")
    except OSError as error:
        return FileError(path, error.strerror or str(error))


def read(path: str, data: Optional[bytes] = None) -> Union[Source, FileError, None]:
    """The file's text, a FileError saying why it cannot be read, or None when the
    pre-filter shows it is not model code."""
    if data is None:
        data = read_bytes(path)
        if isinstance(data, FileError):
            return data
    if is_notebook(path):
        return read_notebook(path, data)
    if not mentions_framework(data):
        return None
    return decode(path, data)


def unfiltered(path: str, data: bytes) -> Union[Source, FileError, None]:
    """The file's Source whatever the pre-filter would say (None: a notebook that is
    not Python): for ``# noqa`` directives in a file that is not model code, and for
    writing directives into a file a finding was reported in."""
    return read_notebook(path, data, prefilter=False) if is_notebook(path) else decode(path, data)


# PEP 263: an encoding declaration is a comment matching this on line 1 or 2.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=]")


def _encoding(data: bytes) -> str:
    """The encoding PEP 263 gives the file: UTF-8 unless one of its first two lines
    declares another, read then by tokenize's own rules (a BOM that contradicts the
    declaration is a SyntaxError). Most files declare none, and skip importing tokenize."""
    head = data[3 if data.startswith(b"\xef\xbb\xbf") else 0:].split(b"\n", 2)[:2]
    if not any(_CODING.match(line) for line in head):
        return "utf-8"  # a BOM stays in the text and is dropped below
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def decode(path: str, data: bytes) -> Union[Source, FileError]:
    """A Python file's bytes as text (PEP 263, BOM), or why they are not."""
    if len(data) > MAX_BYTES:
        return FileError(path, f"larger than {MAX_BYTES // 1_000_000} MB; skipped")
    try:
        text = data.decode(_encoding(data))
    except (SyntaxError, LookupError) as error:
        return FileError(path, f"cannot decode: {error}")
    except UnicodeDecodeError as error:
        return FileError(
            path,
            f"cannot decode as {error.encoding}: byte 0x{data[error.start]:02x} at offset {error.start} "
            "(declare the encoding with a '# -*- coding: ... -*-' line)",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        return FileError(path, "contains NUL bytes; not a Python source file")
    return Source.of(path, text)
