"""Which code trains: the syntax that marks the inference path (``torch.no_grad()``,
``not self.training``, a ``training`` flag, an early ``if self.training: return``), read
from the source so that the interpreter can mark what runs under it (events.Ctx)."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from . import vocabulary as V
from .names import canonical
from .scopes import Scope
from .values import Qual, Value


def training_test(test) -> Optional[bool]:
    """True when ``test`` is true exactly on the training path (``self.training``,
    ``training``), False when exactly on the inference path (``not self.training``)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = training_test(test.expression)
        return None if inner is None else not inner
    if isinstance(test, cst.Name) and test.value == "training":
        return True
    if isinstance(test, cst.Attribute) and test.attr.value == "training":
        return True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        left = training_test(test.left)
        comparator = test.comparisons[0].comparator
        op = test.comparisons[0].operator
        if left is not None and isinstance(comparator, cst.Name) and comparator.value in ("True", "False"):
            positive = isinstance(op, (cst.Equal, cst.Is))
            negative = isinstance(op, (cst.NotEqual, cst.IsNot))
            if positive or negative:
                truth = (comparator.value == "True") == positive
                return left if truth else not left
    return None


def always_returns(body) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        return any(isinstance(s, (cst.Return, cst.Raise)) for s in last.body)
    return False


def training_guard_returns(stmt: cst.If) -> bool:
    return training_test(stmt.test) is True and always_returns(stmt.body.body) and stmt.orelse is None


def is_no_grad(expr, value: Value, scope: Scope) -> bool:
    target = expr.func if isinstance(expr, cst.Call) else expr
    if isinstance(value, Qual) and value.name in V.NO_GRAD:
        return True
    if isinstance(target, (cst.Name, cst.Attribute)):
        resolved = _resolve(target, scope)
        if resolved in V.NO_GRAD:
            if resolved == "torch.set_grad_enabled" and isinstance(expr, cst.Call):
                arg = expr.args[0].value if expr.args else None
                return isinstance(arg, cst.Name) and arg.value == "False"
            return True
    return False


def _resolve(node, scope: Scope) -> Optional[str]:
    if isinstance(node, cst.Name):
        found = scope.lookup(node.value)
        return found.name if isinstance(found, Qual) else None
    if isinstance(node, cst.Attribute):
        base = _resolve(node.value, scope)
        return canonical(f"{base}.{node.attr.value}") if base else None
    return None
