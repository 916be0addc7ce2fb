"""Branches: the values a name can hold after an ``if``, each with the condition
under which it holds.

Joining the two sides of ``net = A() if big else B()`` into one "unknown" value
loses both models, so a mistake in either goes unreported. Instead the name holds
both alternatives (``Alt``), each under a *guard*: the branch choices that lead to
it. A call on alternatives is evaluated once per combination (interpreter.py), and
only combinations whose guards agree are formed, so correlated branches do not
invent pairs that no run can make::

    if task == "cls":
        model, loss = Softmaxed(), nn.NLLLoss()
    else:
        model, loss = Raw(), nn.CrossEntropyLoss()

gives ``model`` = {Softmaxed if task == "cls", Raw if task != "cls"} and ``loss``
likewise; Softmaxed never meets CrossEntropyLoss. Conditions are compared by their
source text, so two ``if`` statements testing ``args.sigmoid`` agree with each
other; ``x == "a"`` and ``x == "b"`` exclude each other.

A guard is a frozenset of conditions ``(test node, True/False)``; only
when two guards are compared is each condition read as an atom ``(subject, op,
value)``: op ``is`` with value True/False for a condition taken as a whole, ``==``
/ ``!=`` for the comparison of a subject with a literal. (Reading a test's source
text costs; most branches never meet an alternative.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from .records import Kind, Sign
from . import vocabulary as V
from .values import (
    UNKNOWN, ActObj, ClassV, Const, Instance, LayerObj, Lazy, LossObj, ModelV, ModuleV, Qual, Seq, Tensor, Value, join,
)

MAX_OPTIONS = 8  # alternatives kept for one value; more are joined as before
MAX_COMBINATIONS = 8  # evaluations of one call over alternatives
# The cost of evaluating calls once more for alternatives, in one checked file: one
# per combination plus the statements run again for it. Past it, alternatives are
# joined as without branches. A script trains a few heads; framework-sized modules
# (timm, transformers) would otherwise multiply their cost.
MAX_EXPANSIONS = 1500

_CODE = cst.Module([])
# id(test node) -> (node, atom when true, atom when false). Bounded: holding a node
# holds its whole syntax tree, and one process checks many files.
_ATOMS: dict = {}
_CACHE_SIZE = 2048


@dataclass(eq=False)
class Alt(Value):
    """A value that differs between branches: ((guard, value), ...)."""

    options: tuple


def _text(node) -> str:
    """A test's subject as source text: names and dotted names directly (most tests),
    anything else through libcst's code generation, which costs."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        owner = _text(node.value)
        return f"{owner}.{node.attr.value}"
    return _CODE.code_for_node(node)


def _literal(node):
    if isinstance(node, cst.SimpleString):
        return repr(node.evaluated_value)  # 'a' and "a" are one literal
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.value  # the token as written
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return node.value
    return _NOT_LITERAL


_NOT_LITERAL = object()


def atoms(test) -> tuple:
    """(atom when ``test`` is true, atom when it is false)."""
    cached = _ATOMS.get(id(test))
    if cached is not None and cached[0] is test:
        return cached[1], cached[2]
    negated = False
    node = test
    while isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        node, negated = node.expression, not negated
    result = None
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        comparison = node.comparisons[0]
        op = comparison.operator
        literal = _literal(comparison.comparator)
        if literal is not _NOT_LITERAL and isinstance(op, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            subject = _text(node.left)
            equal = isinstance(op, (cst.Equal, cst.Is))
            yes, no = (subject, "==", literal), (subject, "!=", literal)
            result = (yes, no) if equal else (no, yes)
    if result is None:
        subject = _text(node)
        result = ((subject, "is", True), (subject, "is", False))
    if negated:
        result = (result[1], result[0])
    if len(_ATOMS) >= _CACHE_SIZE:
        _ATOMS.clear()
    _ATOMS[id(test)] = (test, result[0], result[1])
    return result


def condition(test, truth: bool) -> tuple:
    """The guard element for ``test`` being ``truth``: cheap to make (syntax nodes
    hash and compare by identity)."""
    return (test, truth)


def guards(test) -> tuple:
    """The one-condition guards of an ``if test:`` body and of its else."""
    return frozenset(((test, True),)), frozenset(((test, False),))


def _atom(element: tuple) -> tuple:
    test, truth = element
    yes, no = atoms(test)
    return yes if truth else no


def _agree(x: tuple, y: tuple) -> bool:
    if x == y:
        return True
    if x[0] is y[0]:
        return False  # the same test, taken both ways
    a, b = _atom(x), _atom(y)
    if a[0] != b[0]:
        return True
    (_, op_a, value_a), (_, op_b, value_b) = a, b
    if op_a == "is" or op_b == "is":
        return op_a != op_b or value_a == value_b
    if op_a == "==" and op_b == "==":
        return value_a == value_b
    if op_a == "!=" and op_b == "!=":
        return True
    return value_a != value_b  # one == and one !=


def compatible(a: frozenset, b: frozenset) -> bool:
    return all(_agree(x, y) for x in a for y in b)


def options(value: Value) -> tuple:
    """The (guard, value) pairs of a value: one unguarded pair for a plain value."""
    if isinstance(value, Alt):
        return value.options
    return ((frozenset(), value),)


def _same(a: Value, b: Value) -> bool:
    if a is b:
        return True
    return isinstance(a, Const) and isinstance(b, Const) and type(a.value) is type(b.value) and a.value == b.value


def _telling(value: Value, depth: int = 0) -> bool:
    """Does the value say something about a head: a model, a loss, a layer, an
    output, targets with a known fact (or a tuple holding one)?"""
    if isinstance(value, Tensor):
        # targets: a label, or values that can be negative (a zeros() buffer's
        # non-negative sign alone tells nothing)
        fact = value.fact
        return (value.act is not None or value.layer is not None or value.model is not None
                or fact.kind is not Kind.UNKNOWN or fact.sign is Sign.SIGNED)
    if isinstance(value, (ModelV, LossObj, LayerObj, ActObj, ModuleV)):
        return True  # a module of the project's own: ``import models.dcgan_64 as models``
    if isinstance(value, Instance):
        return value.model is not None
    if isinstance(value, ClassV):
        return value.framework is not None  # a model or loss class of the project's own
    if isinstance(value, Qual):
        # a framework's loss, layer or activation class or function, not yet called (a registry's value)
        return (value.name in V.LOSS_CLASSES or value.name in V.LOSS_FUNCTIONS or value.name in V.LAYERS
                or value.name in V.ACTIVATION_MODULES or value.name in V.ACTIVATION_FUNCTIONS)
    if isinstance(value, Seq) and depth < 2:
        return any(_telling(item, depth + 1) for item in value.items)
    return False


def alternatives(pairs) -> Value:
    """A value from (guard, value) pairs: nested alternatives are flattened under
    both guards, pairs whose guards contradict are dropped, the same value under
    two guards holds under what they share. Past MAX_OPTIONS the values are
    joined, as without branches."""
    flat: list = []
    for guard, value in pairs:
        for inner_guard, inner in options(value):
            if compatible(guard, inner_guard):
                flat.append((guard | inner_guard, inner))
    merged: list = []
    for guard, value in flat:
        for index, (other_guard, other) in enumerate(merged):
            if _same(other, value):
                merged[index] = (other_guard & guard, other)
                break
        else:
            merged.append((guard, value))
    if not merged:
        return UNKNOWN
    # An unknown alternative can neither give a finding nor rule one out: the
    # known ones are what a run may reach (``model = Net(); if resume: model = load()``).
    known = [pair for pair in merged if pair[1] is not UNKNOWN]
    if known and len(known) < len(merged) and any(_telling(value) for _, value in known):
        merged = known
    if len(merged) == 1:
        return merged[0][1]
    if len(merged) > MAX_OPTIONS or not any(_telling(value) for _, value in merged):
        # Only what a head is made of is worth the cost of alternatives; literals
        # chosen by a condition (``dim = 0 if x.dim() == 1 else 1``) are usually
        # right for the case the condition picks, so they are not judged apart.
        result = merged[0][1]
        for _, value in merged[1:]:
            result = join(result, value)
        return result
    return Alt(tuple(merged))


def keyed(subject, items: dict) -> Value:
    """``table[key]`` with a key not known (``{"disc": Disc, "gen": Gen}[args.decoder]``):
    each value, under the condition ``key == its literal``, so that an ``if`` on the
    same key elsewhere agrees with the choice."""
    pairs = []
    for key, value in items.items():
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            return UNKNOWN
        literal = cst.SimpleString(repr(key)) if isinstance(key, str) else cst.Integer(str(key))
        test = cst.Comparison(subject, [cst.ComparisonTarget(cst.Equal(), literal)])
        pairs.append((frozenset((condition(test, True),)), value))
    return alternatives(pairs)


def branch(then_value: Optional[Value], else_value: Optional[Value], test) -> Value:
    """The value of a name after ``if test:`` bound it to ``then_value`` in the body
    and to ``else_value`` otherwise."""
    then_value, else_value = _resolved(then_value), _resolved(else_value)
    if not (isinstance(then_value, Alt) or isinstance(else_value, Alt) or _telling(then_value) or _telling(else_value)):
        return join(then_value, else_value)  # the common case, kept cheap
    yes, no = guards(test)
    return alternatives(((yes, then_value), (no, else_value)))


def _resolved(value: Optional[Value]) -> Optional[Value]:
    """An import bound in a branch (``import models.dcgan_64 as models``), resolved:
    which module each side imports is what tells them apart."""
    return value.get() if isinstance(value, Lazy) else value


def combinations(values: list, guard: frozenset = frozenset()) -> Optional[list]:
    """Every consistent choice of one option per value, with its guard, under the
    guard of the code being run; None when there are too many."""
    combos = [(guard, [])]
    for value in values:
        grown = []
        for combo_guard, chosen in combos:
            for option_guard, option in options(value):
                if compatible(combo_guard, option_guard):
                    grown.append((combo_guard | option_guard, chosen + [option]))
        combos = grown
        if len(combos) > MAX_COMBINATIONS:
            return None
    return combos


def collapse(value: Value) -> Value:
    """One value standing for all the alternatives (the old join)."""
    if not isinstance(value, Alt):
        return value
    result = value.options[0][1]
    for _, other in value.options[1:]:
        result = join(result, other)
    return result
