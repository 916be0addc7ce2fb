"""What the source spells out, decided without running anything: literal values
(a number, a string, a bool, None), comparisons between them (``if n_classes > 1:``
after ``n_classes = 1``), the fact a literal list of numbers gives as targets, and a
parameter's default bound because no argument was seen (which decides no branch)."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from . import targets
from .values import ActObj, Const, Seq, Value


def literal_fact(items: list, node=None):
    numbers: list = []

    def collect(values) -> bool:
        for item in values:
            if isinstance(item, Const) and isinstance(item.value, (int, float)):
                numbers.append(item.value)
            elif isinstance(item, Seq):
                if not collect(item.items):
                    return False
            else:
                return False
        return True

    return targets.of_literals(numbers, node) if collect(items) else targets.UNKNOWN_FACT


_LITERAL_TYPES = (bool, int, float, str, type(None))


def literal(value: Value) -> bool:
    """A value the source spells out (a number, string, bool or None), so a test on
    it is decided without running anything. Not a parameter's default: the model's
    ``forward(x, target=None)`` is evaluated with its defaults when no call is seen,
    and its callers pass the target."""
    return isinstance(value, Const) and isinstance(value.value, _LITERAL_TYPES) and not value.default


def as_default(value: Value) -> Value:
    if isinstance(value, ActObj):
        return replace(value, default=True)
    return Const(value.value, value.node, default=True) if isinstance(value, Const) else value


_COMPARE = {
    "Equal": lambda a, b: a == b, "NotEqual": lambda a, b: a != b,
    "LessThan": lambda a, b: a < b, "LessThanEqual": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b, "GreaterThanEqual": lambda a, b: a >= b,
    "Is": lambda a, b: a is b if a is None or b is None else a == b,
    "IsNot": lambda a, b: a is not b if a is None or b is None else a != b,
}


def compare_literals(operands: list, comparisons) -> Optional[bool]:
    """The truth of ``a < b == c`` when every operand is a literal, else None."""
    if not all(literal(value) for value in operands):
        return None
    for (a, b), comparison in zip(zip(operands, operands[1:]), comparisons):
        compare = _COMPARE.get(type(comparison.operator).__name__)
        if compare is None:
            return None
        try:
            if not compare(a.value, b.value):
                return False
        except TypeError:  # ``1 < "a"``: Python would raise; decide nothing
            return None
    return True
