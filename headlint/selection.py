"""Which rules run, resolved as ruff resolves ``select`` / ``extend-select`` /
``ignore`` (https://docs.astral.sh/ruff/linter/#rule-selection).

The settings come in layers, the configuration first and the command line last.
Within a layer the more specific selector wins (``ALL`` < ``HL`` < ``HL0`` <
``HL00`` < ``HL001``); at the same specificity ``ignore`` beats ``select``. A
layer that has ``select`` replaces what the layers before it chose (so
``--select HL001`` runs HL001 even when the configuration ignores it); one without
it adds and removes on top of them (``--extend-select``, ``--ignore``).

    resolve([Layer(select=("HL00",), ignore=("HL004",)), Layer(extend_select=("HL010",))], RULES)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

ALL = "ALL"


class UnknownCode(ValueError):
    """A selector that names no rule; the message suggests the nearest code."""


@dataclass(frozen=True)
class Layer:
    """One source of rule selection. ``select`` None: this layer does not set it."""

    select: Optional[tuple] = None
    extend_select: tuple = ()
    ignore: tuple = ()  # ``extend-ignore`` is the same list, as in ruff


def split(values: Iterable[str]) -> tuple:
    """Codes from repeated, comma-separated values: ``("HL001, hl002", "HL00")``."""
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code.strip())


def expand(selector: str, known: Iterable[str]) -> frozenset:
    """The rules a selector names: ``ALL``, the linter (``HL``), a prefix or a code."""
    known = sorted(known)
    if selector == ALL:
        return frozenset(known)
    # a prefix covers at least the letters: "H" is not a selector, as in ruff
    matched = frozenset(code for code in known if code.startswith(selector) and len(selector) >= _letters(code))
    if not matched:
        import difflib  # only to word the error: 1.4 ms at start-up otherwise

        near = difflib.get_close_matches(selector, known, n=1)
        hint = f" (did you mean {near[0]}?)" if near else " (see 'headlint rules')"
        raise UnknownCode(f"unknown rule code {selector}{hint}")
    return matched


def check(selectors: Iterable[str], known: Iterable[str]) -> None:
    """Raise UnknownCode for the first selector that names no rule."""
    known = list(known)
    for selector in selectors:
        expand(selector, known)


def expand_all(selectors: Iterable[str], known: Iterable[str]) -> frozenset:
    known = list(known)
    return frozenset(code for selector in selectors for code in expand(selector, known))


def specificity(selector: str) -> int:
    # every code is letters then digits of one length, so a longer selector is narrower
    return 0 if selector == ALL else len(selector)


def resolve(layers: Iterable[Layer], known: Iterable[str], default: Optional[Iterable[str]] = None) -> frozenset:
    """The rules that run. Without any selection, ``default`` (rules.DEFAULT: every
    rule but the opt-in ones), or every rule known."""
    known = list(known)
    enabled = set(known if default is None else default)
    carried: tuple = ()
    for layer in layers:
        chosen = (layer.select or ()) + layer.extend_select
        ignored = layer.ignore + carried
        carried = ()
        updates: dict = {}
        for level in sorted({specificity(s) for s in chosen + ignored}):
            for selector in chosen:
                if specificity(selector) == level:
                    updates.update(dict.fromkeys(expand(selector, known), True))
            for selector in ignored:
                if specificity(selector) == level:
                    updates.update(dict.fromkeys(expand(selector, known), False))
        if layer.select is not None:
            enabled = {code for code, on in updates.items() if on}
            if not layer.select and not layer.extend_select and layer.ignore:
                # ruff: ``select = []`` with an ignore list passes the ignores on to
                # the next layer, so that a later select cannot bring them back
                carried = layer.ignore
        else:
            for code, on in updates.items():
                (enabled.add if on else enabled.discard)(code)
    return frozenset(enabled)


def _letters(code: str) -> int:
    return len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
