"""``[tool.headlint]`` in the nearest pyproject.toml, validated; the command line
overrides it.

    [tool.headlint]
    select = ["HL001", "HL002"]          # rules to run (codes or prefixes); default: all
    ignore = ["HL004"]                   # extend-ignore: the same list, as in ruff
    extend-select = []                   # added to select
    exclude = ["legacy/", "*_pb2.py"]    # replaces the built-in skip list's additions
    extend-exclude = ["notebooks/old"]
    force-exclude = false                # exclude files named on the command line too
    per-file-ignores = { "tests/*" = ["HL003"] }
    extend-per-file-ignores = {}
    confirm = false
    device = "auto"                      # auto | cpu | cuda
    keras-backends = "all"               # or ["tensorflow", "torch"]; default: the configured one
    cache-dir = ".headlint_cache"        # relative to this file
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, Optional

from . import selection
from .rules import RULES

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]


class ConfigError(Exception):
    """A configuration the user must fix; the message names the file and the key."""


_CODE_KEYS = ("select", "ignore", "extend-select", "extend-ignore")
_LIST_KEYS = _CODE_KEYS + ("exclude", "extend-exclude")
_TABLE_KEYS = ("per-file-ignores", "extend-per-file-ignores")
_KNOWN = set(_LIST_KEYS + _TABLE_KEYS) | {"force-exclude", "confirm", "device", "cache-dir", "keras-backends"}
DEVICES = ("auto", "cpu", "cuda")


class Pattern(NamedTuple):
    """A file pattern and the directory it is relative to: the configuration's
    folder for its own patterns, the current directory for the command line's (as
    ruff resolves them)."""

    text: str
    root: Path


@dataclass
class Config:
    path: Optional[Path] = None  # the pyproject.toml read, if any
    select: Optional[list] = None
    ignore: list = field(default_factory=list)  # with extend-ignore
    extend_select: list = field(default_factory=list)
    exclude: list = field(default_factory=list)  # Pattern
    extend_exclude: list = field(default_factory=list)
    force_exclude: bool = False
    per_file_ignores: list = field(default_factory=list)  # (Pattern, codes)
    extend_per_file_ignores: list = field(default_factory=list)
    confirm: bool = False
    device: str = "auto"
    cache_dir: Optional[str] = None
    keras_backends: Optional[tuple] = None  # None: the backend Keras is configured with

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def excluded(self, path: str, named: Optional[str] = None) -> bool:
        """Whether ``path`` is left out. ``named``: the path given on the command line
        that ``path`` was found under (itself, for a file named there). As in ruff, a
        named path is checked even when a pattern matches it or a folder above it;
        only what lies below it is excluded, unless ``force-exclude``."""
        below = None if self.force_exclude or named is None else named
        return any(_matches(path, pattern.text, pattern.root, below) for pattern in self.exclude + self.extend_exclude)

    def ignored_for(self, path: str) -> frozenset:
        """The rule codes per-file-ignores turns off for ``path``."""
        selectors = [
            code
            for pattern, codes in self.per_file_ignores + self.extend_per_file_ignores
            if _matches(path, pattern.text, pattern.root)
            for code in codes
        ]
        return selection.expand_all(selectors, RULES)

    def reports_in(self, path: str, code: str, checked) -> bool:
        """Whether a finding that lies in ``path``, another file than the one whose
        analysis found it (an imported model), is reported: not where per-file-ignores
        turns ``code`` off, nor in a file the configuration excludes (a vendored model
        is not the user's to fix) unless that file is itself checked (``checked``:
        real paths)."""
        if code in self.ignored_for(path):
            return False
        return os.path.realpath(path) in checked or not self.excluded(path)

    def rules_layer(self) -> selection.Layer:
        """This configuration's rule selection, the first layer (the command line's
        comes after it)."""
        return selection.Layer(
            None if self.select is None else tuple(self.select), tuple(self.extend_select), tuple(self.ignore)
        )

    def overridden(
        self, *, exclude=None, extend_exclude=(), per_file_ignores=None, extend_per_file_ignores=(), force_exclude=None
    ) -> "Config":
        """With the command line's options: ``--exclude`` and ``--per-file-ignores``
        replace the configuration's lists, the ``--extend-`` ones add to them (their
        patterns relative to the current directory)."""
        cwd = Path.cwd()
        return replace(
            self,
            exclude=self.exclude if exclude is None else [Pattern(p, cwd) for p in exclude],
            extend_exclude=self.extend_exclude + [Pattern(p, cwd) for p in extend_exclude],
            per_file_ignores=(
                self.per_file_ignores if per_file_ignores is None else [(Pattern(p, cwd), c) for p, c in per_file_ignores]
            ),
            extend_per_file_ignores=self.extend_per_file_ignores
            + [(Pattern(p, cwd), c) for p, c in extend_per_file_ignores],
            force_exclude=self.force_exclude if force_exclude is None else force_exclude,
        )

    def describe(self, rules, cache_dir: str) -> str:
        """The resolved settings, one ``key = value`` line each (TOML's spelling), for
        --show-settings. A pattern from elsewhere than the configuration's folder
        (the command line's) says where it is relative to."""
        import json  # only for --show-settings

        def patterns(items) -> str:
            return "[" + ", ".join(json.dumps(_shown(p, self.root)) for p in items) + "]"

        def table(items) -> str:
            cells = [f"{json.dumps(_shown(p, self.root))} = {json.dumps(codes)}" for p, codes in items]
            return "{" + ", ".join(cells) + "}"

        backends = "the configured backend" if self.keras_backends is None else json.dumps(list(self.keras_backends))
        lines = [
            f"Settings path: {self.path if self.path else 'none (no [tool.headlint] found; defaults)'}",
            f"project root = {json.dumps(str(self.root))}",
            f"select = {json.dumps(sorted(rules))}  # the rules that run",
            f"exclude = {patterns(self.exclude)}",
            f"extend-exclude = {patterns(self.extend_exclude)}",
            f"force-exclude = {json.dumps(self.force_exclude)}",
            f"per-file-ignores = {table(self.per_file_ignores)}",
            f"extend-per-file-ignores = {table(self.extend_per_file_ignores)}",
            f"confirm = {json.dumps(self.confirm)}",
            f"device = {json.dumps(self.device)}",
            f"keras-backends = {backends}",
            f"cache-dir = {json.dumps(cache_dir)}",
        ]
        return "\n".join(lines)


def _shown(pattern: Pattern, root: Path) -> str:
    return pattern.text if pattern.root == root else f"{pattern.text} (from {pattern.root})"


def _parts(path: str, root: Path) -> list:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root.resolve()).as_posix().split("/")
    except ValueError:
        return Path(path).as_posix().split("/")


def _matches(path: str, pattern: str, root: Path, below: Optional[str] = None) -> bool:
    """``pattern`` matches the path relative to ``root``, its file name, or a folder
    above it (a directory pattern covers everything under it). With ``below``, only
    the part of the path under ``below`` is looked at."""
    parts = _parts(path, root)
    start = 0
    if below is not None:
        named = [] if os.path.abspath(below) == str(root.resolve()) else _parts(below, root)
        if parts[: len(named)] == named:
            start = len(named)
    pattern = pattern.rstrip("/")
    if start < len(parts) and (fnmatch.fnmatch("/".join(parts), pattern) or fnmatch.fnmatch(parts[-1], pattern)):
        return True
    return any(fnmatch.fnmatch("/".join(parts[: i + 1]), pattern) for i in range(start, len(parts) - 1))


def _codes(values: list, where: str) -> list:
    codes = [v.strip().upper() for v in values]
    try:
        selection.check(codes, RULES)
    except selection.UnknownCode as error:
        raise ConfigError(f"{where}: {error}") from None
    return codes


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
        import difflib  # only to word the error

        near = difflib.get_close_matches(unknown[0], sorted(_KNOWN), n=1)
        hint = f"did you mean {near[0]!r}?" if near else f"known: {', '.join(sorted(_KNOWN))}"
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} ({hint})")
    config = Config(path=path)
    root = path.parent
    for key in _LIST_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: {key!r} must be a list of strings")
            if key in _CODE_KEYS:
                codes = _codes(value, f"{where}: {key!r}")
                if key == "select":
                    config.select = codes
                else:  # extend-ignore is ignore's other name, as in ruff
                    attribute = "extend_select" if key == "extend-select" else "ignore"
                    setattr(config, attribute, getattr(config, attribute) + codes)
            else:
                setattr(config, key.replace("-", "_"), [Pattern(v, root) for v in value])
    for key in _TABLE_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, dict) or not all(
                isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in value.values()
            ):
                raise ConfigError(f"{where}: {key!r} must map file patterns to lists of codes")
            setattr(config, key.replace("-", "_"), [
                (Pattern(pattern, root), _codes(codes, f"{where}: {key!r}: {pattern!r}")) for pattern, codes in value.items()
            ])
    if "force-exclude" in table:
        if not isinstance(table["force-exclude"], bool):
            raise ConfigError(f"{where}: 'force-exclude' must be true or false")
        config.force_exclude = table["force-exclude"]
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
