"""Reading a file: bytes to text (PEP 263 aware), the cheap pre-filter, and ``# noqa``."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional, Union

from .records import FileError

MAX_BYTES = 5_000_000  # a generated 5 MB file is not model code a person wrote

# Files importing none of these frameworks are never parsed.
_FRAMEWORK_IMPORT = re.compile(
    rb"^[ \t]*(?:from|import)[ \t]+(?:torch|tensorflow|keras|tf_keras|pytorch_lightning|lightning)\b",
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

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def suppressed(self, code: str, line: int) -> bool:
        return self.suppressed_in_file(code) or self._suppressed_on_line(code, line)

    def suppressed_in_file(self, code: str) -> bool:
        for match in _FILE_NOQA.finditer(self.text):
            codes = match.group("codes")
            if codes is None or code.upper() in {c.upper() for c in re.split(r"[,\s]+", codes) if c}:
                return True
        return False

    def _suppressed_on_line(self, code: str, line: int) -> bool:
        match = _NOQA.search(self.line(line))
        if match is None:
            return False
        codes = match.group("codes")
        if codes is None:
            return True
        return code.upper() in {c.upper() for c in re.split(r"[,\s]+", codes) if c}


def mentions_framework(data: bytes) -> bool:
    return _FRAMEWORK_IMPORT.search(data) is not None


def read(path: str, data: Optional[bytes] = None) -> Union[Source, FileError, None]:
    """The file's text, a FileError saying why it cannot be read, or None when the
    pre-filter shows it is not model code."""
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except IsADirectoryError:
            return FileError(path, "is a directory")
        except OSError as error:
            return FileError(path, error.strerror or str(error))
    if not mentions_framework(data):
        return None
    if len(data) > MAX_BYTES:
        return FileError(path, f"larger than {MAX_BYTES // 1_000_000} MB; skipped")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
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
    return Source(path, text, text.splitlines())
