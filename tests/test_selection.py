"""Rule selection resolved as ruff resolves it: layers (configuration, then command
line), the more specific selector wins, ignore wins a tie, select replaces."""

import pytest

from headlint.selection import Layer, UnknownCode, expand, resolve, split

KNOWN = [f"HL{n:03d}" for n in range(1, 13)]
EVERY = frozenset(KNOWN)


def rules(*layers):
    return sorted(resolve(layers, KNOWN))


@pytest.mark.parametrize("layers, expected", [
    # nothing selected: every rule (headlint's default)
    ((), KNOWN),
    ((Layer(),), KNOWN),
    # within one layer the more specific selector wins, whichever list it is in
    ((Layer(select=("HL00",), ignore=("HL004",)),), [c for c in KNOWN[:9] if c != "HL004"]),
    ((Layer(select=("HL004",), ignore=("HL00",)),), ["HL004"]),
    ((Layer(select=("ALL",), ignore=("HL001",)),), KNOWN[1:]),
    ((Layer(select=("HL001",), ignore=("ALL",)),), ["HL001"]),
    ((Layer(select=("HL01",), ignore=("HL",)),), ["HL010", "HL011", "HL012"]),
    # the same specificity: ignore wins
    ((Layer(select=("HL001",), ignore=("HL001",)),), []),
    ((Layer(select=("HL",), extend_select=("HL001",), ignore=("HL001",)),), KNOWN[1:]),
    # the command line's select replaces the configuration's choice, ignores included
    ((Layer(ignore=("HL001",)), Layer(select=("HL001",))), ["HL001"]),
    ((Layer(select=("HL002",), extend_select=("HL003",)), Layer(select=("HL001",))), ["HL001"]),
    # a layer without select adds and removes on top of the ones before it
    ((Layer(ignore=("HL001",)), Layer(ignore=("HL004",))), [c for c in KNOWN if c not in ("HL001", "HL004")]),
    ((Layer(ignore=("HL001",)), Layer(extend_select=("HL001",))), KNOWN),
    ((Layer(select=("HL002",)), Layer(extend_select=("HL003",))), ["HL002", "HL003"]),
    ((Layer(select=("HL00",)), Layer(ignore=("HL0",))), []),
    # a later layer's broad ignore beats an earlier specific select (layers do not compare specificity)
    ((Layer(select=("HL001",)), Layer(ignore=("ALL",))), []),
    # select = [] with ignores: the ignores carry over to the next layer that selects
    ((Layer(select=(), ignore=("HL001",)), Layer(select=("HL00",))), KNOWN[1:9]),
    ((Layer(select=()),), []),
])
def test_the_precedence_table(layers, expected):
    assert rules(*layers) == expected


@pytest.mark.parametrize("selector, expected", [
    ("ALL", EVERY),
    ("HL", EVERY),
    ("HL0", EVERY),
    ("HL00", frozenset(KNOWN[:9])),
    ("HL01", frozenset({"HL010", "HL011", "HL012"})),
    ("HL004", frozenset({"HL004"})),
])
def test_selectors_name_codes_prefixes_the_linter_or_all(selector, expected):
    assert expand(selector, KNOWN) == expected


@pytest.mark.parametrize("selector, suggestion", [
    ("HL0001", "did you mean HL001?"),
    ("HL013", "did you mean HL01"),  # HL010..HL012 are nearest
    ("H", "see 'headlint rules'"),  # not even the linter's letters
    ("XX123", "see 'headlint rules'"),
])
def test_an_unknown_selector_suggests_the_nearest_code(selector, suggestion):
    with pytest.raises(UnknownCode, match=f"unknown rule code {selector} .*{suggestion}"):
        expand(selector, KNOWN)


def test_codes_are_comma_separated_repeated_and_any_case():
    assert split(["HL001, hl002", "HL00,", " all "]) == ("HL001", "HL002", "HL00", "ALL")
