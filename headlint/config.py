"""``[tool.headlint]`` in the nearest pyproject.toml, validated; the command line
overrides it.

    [tool.headlint]
    select = ["HL001", "HL002"]          # rules to run (codes or prefixes); default: all
    ignore = ["HL004"]
    extend-select = []                   # added to select
    exclude = ["legacy/", "*_pb2.py"]    # replaces the built-in skip list's additions
    extend-exclude = ["notebooks/old"]
    per-file-ignores = { "tests/*" = ["HL003"] }
    confirm = false
    device = "auto"                      # auto | cpu | cuda
    keras-backends = "all"               # or ["tensorflow", "torch"]; default: the configured one
    cache-dir = ".headlint_cache"        # relative to this file
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]


class ConfigError(Exception):
    """A configuration the user must fix; the message names the file and the key."""


_LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "extend-exclude")
_KNOWN = set(_LIST_KEYS) | {"per-file-ignores", "confirm", "device", "cache-dir", "keras-backends"}
DEVICES = ("auto", "cpu", "cuda")


@dataclass
class Config:
    path: Optional[Path] = None  # the pyproject.toml read, if any
    select: Optional[list] = None
    ignore: list = field(default_factory=list)
    extend_select: list = field(default_factory=list)
    exclude: list = field(default_factory=list)
    extend_exclude: list = field(default_factory=list)
    per_file_ignores: dict = field(default_factory=dict)
    confirm: bool = False
    device: str = "auto"
    cache_dir: Optional[str] = None
    keras_backends: Optional[tuple] = None  # None: the backend Keras is configured with

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def excluded(self, path: str) -> bool:
        return _matches(path, self.exclude + self.extend_exclude, self.root)

    def ignored_for(self, path: str) -> set:
        codes: set = set()
        for pattern, ignored in self.per_file_ignores.items():
            if _matches(path, [pattern], self.root):
                codes |= set(ignored)
        return codes


def _matches(path: str, patterns: list, root: Path) -> bool:
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = Path(path).as_posix()
    parts = relative.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(absolute.name, pattern):
            return True
        # a directory pattern excludes everything under it
        if any(fnmatch.fnmatch("/".join(parts[: i + 1]), pattern) for i in range(len(parts) - 1)):
            return True
    return False


def find_pyproject(paths) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.headlint] table, from the first
    checked path (or the current directory) upward."""
    start = Path(os.path.abspath(paths[0] if paths else "."))
    if not os.path.isdir(start):  # os.path: False, not PermissionError, in a folder we may not enter
        start = start.parent
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if os.path.isfile(candidate):
            try:
                if "headlint" in _read(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                return candidate  # let load() report what is wrong with it
    return None


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror}") from None


def load(path: Optional[Path]) -> Config:
    if path is None:
        return Config()
    table = _read(path).get("tool", {}).get("headlint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.headlint] must be a table")
    where = f"{path}: [tool.headlint]"
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KNOWN))})")
    config = Config(path=path)
    for key in _LIST_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key!r} must be a list of strings")
            setattr(config, key.replace("-", "_"), [v.upper() if key.endswith("select") or key == "ignore" else v for v in value])
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict) or not all(
            isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in value.values()
        ):
            raise ConfigError(f"{where}: 'per-file-ignores' must map file patterns to lists of codes")
        config.per_file_ignores = {pattern: [c.upper() for c in codes] for pattern, codes in value.items()}
    if "confirm" in table:
        if not isinstance(table["confirm"], bool):
            raise ConfigError(f"{where}: 'confirm' must be true or false")
        config.confirm = table["confirm"]
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str) or not table["cache-dir"]:
            raise ConfigError(f"{where}: 'cache-dir' must be a directory name")
        config.cache_dir = str(path.parent / table["cache-dir"])
    if "device" in table:
        if table["device"] not in DEVICES:
            raise ConfigError(f"{where}: 'device' must be one of {', '.join(DEVICES)}, not {table['device']!r}")
        config.device = table["device"]
    if "keras-backends" in table:
        from .confirm.backends import parse  # no framework: names only

        value = table["keras-backends"]
        if not isinstance(value, (str, list)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: 'keras-backends' must be \"all\" or a list of backend names")
        try:
            config.keras_backends = parse(value)
        except ValueError as error:
            raise ConfigError(f"{where}: 'keras-backends': {error}") from None
    return config
