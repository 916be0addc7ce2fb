"""Facts about targets: the kind lattice (label / continuous) and the sign lattice.

HL002 needs to know whether targets are class labels; HL003 whether they can be
negative. No single line says so: the interpreter follows the target expression
back through assignments and combines facts with the transfer rules below. A rule
fires only on a definite fact; ``unknown`` stays silent.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .records import Kind, Sign, TargetFact, UNKNOWN_FACT

LABEL_NONNEG = TargetFact(Kind.LABEL, Sign.NONNEG)


def fact(kind: str, sign: str, because: str = "", node=None) -> TargetFact:
    """Build a fact from the vocabulary's strings ("label", "signed", ...)."""
    kinds = {"label": Kind.LABEL, "continuous": Kind.CONTINUOUS}
    signs = {"signed": Sign.SIGNED, "nonneg": Sign.NONNEG}
    return TargetFact(kinds.get(kind, Kind.UNKNOWN), signs.get(sign, Sign.UNKNOWN), because, node)


def of_held(held, because: str, node=None) -> TargetFact:
    """What a bundled dataset's column holds, as the vocabulary writes it (LOADED_DATASETS,
    TOY_DATASETS, TABLE_DATASETS): a number of classes (class indices of that many), or a
    sign ("nonneg", "signed") of continuous values."""
    if isinstance(held, int) and not isinstance(held, bool):
        return replace(fact("label", "nonneg", because, node), classes=held)
    return fact("continuous", held, because, node)


def of_number(value) -> TargetFact:
    """A literal number: its sign; a bool is a label, an int says nothing about kind
    (it may be a count), a float is continuous."""
    if isinstance(value, bool):
        return LABEL_NONNEG
    if isinstance(value, int):
        return TargetFact(Kind.UNKNOWN, Sign.NONNEG if value >= 0 else Sign.SIGNED)
    if isinstance(value, float):
        return TargetFact(Kind.CONTINUOUS, Sign.NONNEG if value >= 0 else Sign.SIGNED)
    return UNKNOWN_FACT


def of_literals(values: list, node=None) -> TargetFact:
    """Facts of literal numbers (``[0, 1, 1, 0]``, ``[[0.5], [-1.2]]`` flattened):
    binary labels when they are exactly 0 and 1, written as integers or as floats
    (``np.array([[0.], [1.], [1.], [0.]])``, the XOR targets)."""
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return UNKNOWN_FACT
    sign = Sign.SIGNED if any(v < 0 for v in values) else Sign.NONNEG
    if set(values) == {0, 1} and len(values) >= 2:
        return TargetFact(Kind.LABEL, sign, "literal 0/1 values", node)
    if any(isinstance(v, float) and not isinstance(v, bool) for v in values):
        return TargetFact(Kind.CONTINUOUS, sign, "literal values")
    return TargetFact(Kind.UNKNOWN, sign, "literal values")


def of_range(kind: str, low, high, because: str, node=None) -> TargetFact:
    """``uniform(low, high)``, ``randint(low, high)``, ``linspace(a, b)``: the lower
    bound decides the sign when it is a literal; a single argument is the high end."""
    if low is None and high is not None:
        low = 0
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        return fact(kind, "nonneg" if low >= 0 else "signed", because, node)
    return fact(kind, "unknown", because, node)


def with_sign(f: TargetFact, sign: Sign, because: str = "", node=None) -> TargetFact:
    return TargetFact(f.kind, sign, because or f.because, node if node is not None else f.node, by_column=f.by_column)


def with_kind(f: TargetFact, kind: Kind) -> TargetFact:
    return TargetFact(kind, f.sign, f.because, f.node, by_column=f.by_column)


def join(a: TargetFact, b: TargetFact) -> TargetFact:
    """Two possible values for one name (branches): keep only what both agree on."""
    if a == b:
        return a
    kind = a.kind if a.kind == b.kind else Kind.UNKNOWN
    sign = a.sign if a.sign == b.sign else Sign.UNKNOWN
    onehot = a.onehot if a.onehot == b.onehot else 0
    classes = a.classes if a.classes == b.classes else 0
    return TargetFact(kind, sign, a.because if a.because == b.because else "", onehot=onehot,
                      by_column=a.by_column or b.by_column, classes=classes)


def of_columns(columns: list, rest: Optional[TargetFact]) -> TargetFact:
    """A table's fact from its columns' ((name, fact) pairs, None for a name not known)
    and the fact of every other column (None: there are none): negative when one column can be, non-negative
    when all are, and ``by_column`` when the columns differ, so that one of them picked
    by position (``values[:, -1]``) is not taken for the whole."""
    if not columns:
        return rest or UNKNOWN_FACT
    facts = [f for _, f in columns] + ([rest] if rest is not None else [])
    kind = facts[0].kind if all(f.kind is facts[0].kind for f in facts) else Kind.UNKNOWN
    signed = next(((name, f) for name, f in columns if f.sign is Sign.SIGNED), None)
    if signed is not None:
        name, f = signed
        where = f", in column {name!r}" if isinstance(name, str) else ""
        sign, because, node = Sign.SIGNED, f"{f.because}{where}" if f.because else "", f.node
    elif all(f.sign is Sign.NONNEG for f in facts):
        sign, because, node = Sign.NONNEG, "", None
    else:
        sign, because, node = Sign.UNKNOWN, "", None
    alike = all(f.kind is facts[0].kind and f.sign is facts[0].sign for f in facts)
    return TargetFact(kind, sign, because, node, by_column=not alike)


def _arith_kind(a: TargetFact, b: TargetFact) -> Kind:
    if Kind.CONTINUOUS in (a.kind, b.kind):
        return Kind.CONTINUOUS
    return Kind.UNKNOWN


def binary(op: str, a: TargetFact, b: TargetFact, node=None) -> TargetFact:
    """Transfer of an arithmetic operator. ``op`` is one of + - * / // % ** @."""
    kind = _arith_kind(a, b)
    if op == "-":
        # a difference can be negative whatever its operands are (the interpreter
        # handles the exceptions it can see: ``y - y.min()``, ``1 - p``)
        origin = a if a.sign is Sign.SIGNED and a.because else None
        return TargetFact(
            Kind.CONTINUOUS if kind is Kind.CONTINUOUS else Kind.UNKNOWN,
            Sign.SIGNED,
            origin.because if origin else "a difference",
            origin.node if origin else node,
        )
    if op == "%":
        return TargetFact(kind, b.sign)
    if a.sign is Sign.NONNEG and b.sign is Sign.NONNEG:
        return TargetFact(kind, Sign.NONNEG, a.because or b.because)
    signed = a if a.sign is Sign.SIGNED else b
    if op in ("*", "/", "//", "@") and signed.sign is Sign.SIGNED:
        # a value that can be negative, scaled by anything, can still be negative
        return TargetFact(kind, Sign.SIGNED, signed.because, signed.node, by_column=signed.by_column)
    if op == "+" and Sign.UNKNOWN not in (a.sign, b.sign):
        return TargetFact(kind, Sign.SIGNED, signed.because, signed.node, by_column=signed.by_column)
    if op in ("+", "*", "/", "//", "@"):
        return TargetFact(kind, Sign.UNKNOWN)
    if op == "**":
        return TargetFact(kind, Sign.UNKNOWN)
    return UNKNOWN_FACT


def power(a: TargetFact, exponent) -> TargetFact:
    if isinstance(exponent, int) and not isinstance(exponent, bool) and exponent % 2 == 0:
        return TargetFact(a.kind, Sign.NONNEG, "an even power")
    if isinstance(exponent, (int, float)) and a.sign is Sign.NONNEG:
        return a
    return TargetFact(a.kind, Sign.UNKNOWN)


def negate(a: TargetFact, node=None) -> TargetFact:
    if a.sign is Sign.UNKNOWN and a.kind is Kind.UNKNOWN:
        return a
    return TargetFact(a.kind, Sign.SIGNED, "a negation", node)


def comparison(node=None) -> TargetFact:
    return TargetFact(Kind.LABEL, Sign.NONNEG, "a comparison", node)


def transfer(rule: str, a: TargetFact, args: tuple = (), because: str = "", node=None) -> TargetFact:
    """Apply a named rule from the vocabulary (ELEMENTWISE / TENSOR_METHODS)."""
    if rule == "keep":
        return a
    if rule == "label":
        return TargetFact(Kind.LABEL, a.sign, because or "an integer cast", node, by_column=a.by_column)
    if rule == "cast":  # an integer cast: a label, and one-hot rows stay one-hot
        return TargetFact(Kind.LABEL, a.sign, because or "an integer cast", node, a.onehot, a.by_column, a.classes)
    if rule == "nonneg":
        kind = a.kind if a.kind is not Kind.LABEL else Kind.UNKNOWN
        return TargetFact(kind, Sign.NONNEG, because, node)
    if rule == "signed":
        kind = Kind.CONTINUOUS if a.kind is not Kind.UNKNOWN else Kind.UNKNOWN
        return TargetFact(kind, Sign.SIGNED, because, node)
    if rule in ("clip", "clip_min"):
        low = args[0] if args else None
        if isinstance(low, (int, float)) and not isinstance(low, bool) and low >= 0:
            return TargetFact(a.kind, Sign.NONNEG, because, node)
        return a if rule == "clip" and low is None and args else TargetFact(a.kind, Sign.UNKNOWN)
    if rule == "unknown_sign":
        return TargetFact(a.kind, Sign.UNKNOWN)
    if rule == "minimum":
        return TargetFact(a.kind, a.sign, "a minimum", node, by_column=a.by_column)
    if rule == "nonneg_stat":
        return TargetFact(Kind.CONTINUOUS, Sign.NONNEG, because, node)
    if rule == "astype":
        dtype = args[0] if args else None
        if isinstance(dtype, str) and ("int" in dtype or "bool" in dtype or "long" in dtype):
            return transfer("cast", a, because="an integer cast", node=node)
        return a
    return UNKNOWN_FACT


def describe(f: TargetFact) -> Optional[str]:
    return f.because or None
