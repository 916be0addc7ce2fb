"""Syntax helpers that rules' fix functions share (fixes.py, which attaches the
fixes, uses them too): walking libcst trees, edits that keep formatting and
comments, reading a call's arguments, and the one edit two rules make, Keras'
``from_logits=True`` set to False. Rules import these from here, never from
fixes.py, so that imports flow one way (fixes -> rules)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Optional

import libcst as cst

from ..records import Fix

_FIELDS: dict = {}
_IS_NODE: dict = {}


def _is_node(kind: type) -> bool:
    # By the MRO, not isinstance: CSTNode is an ABC, and the first isinstance check
    # of each new type (str, MaybeSentinel, ...) walks its hundreds of subclasses,
    # which cost more than the rest of a fix.
    answer = _IS_NODE.get(kind)
    if answer is None:
        answer = _IS_NODE[kind] = cst.CSTNode in kind.__mro__
    return answer


def children(node):
    """The nodes directly inside ``node`` (in no particular order)."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        if isinstance(value, (list, tuple)):
            for item in value:
                if _is_node(type(item)):
                    yield item
        elif _is_node(type(value)):
            yield value


def walk(node, stop: tuple = ()):
    """``node`` and every node inside it, not looking inside nodes of the types
    ``stop`` (other than ``node`` itself)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if current is node or not isinstance(current, stop):
            stack.extend(children(current))


# --- edit helpers -------------------------------------------------------------------


def comments(node) -> Counter:
    return Counter(n.value for n in walk(node) if isinstance(n, cst.Comment))


def keeps_comments(old, new, dropped=()) -> bool:
    """Every comment of ``old`` is in ``new``, except those in ``dropped``."""
    lost = comments(old) - comments(new)
    return not (lost - Counter(dropped))


def without_last_arg(call: cst.Call) -> Optional[cst.Call]:
    """``call`` without its last argument, keeping the layout of what is left:
    ``f(a, b)`` -> ``f(a)``; in a call written one argument per line the closing
    parenthesis, the trailing comma and every own-line comment stay where they
    were. The comment on the removed argument's own line goes with it; any other
    comment that could not be kept (inside the removed argument, or where ")" would
    have to follow it) makes it None, as does a layout it does not know."""
    args = list(call.args)
    if len(args) < 2:
        return None
    prev, last = args[-2], args[-1]
    if not isinstance(prev.comma, cst.Comma):
        return None
    between = prev.comma.whitespace_after  # from prev's comma to the last argument
    last_comma = isinstance(last.comma, cst.Comma)
    trailing = last.comma.whitespace_after if last_comma else last.whitespace_after_arg  # to ")"
    dropped: tuple = ()
    simple, multi = cst.SimpleWhitespace, cst.ParenthesizedWhitespace
    if isinstance(trailing, multi) and trailing.first_line.comment is not None:
        dropped = (trailing.first_line.comment.value,)
    if isinstance(between, simple) and isinstance(trailing, simple):
        tail = trailing
    elif isinstance(between, multi) and isinstance(trailing, multi):
        tail = trailing.with_changes(first_line=between.first_line, empty_lines=[*between.empty_lines, *trailing.empty_lines])
    elif isinstance(between, simple) and isinstance(trailing, multi):
        tail = trailing.with_changes(first_line=cst.TrailingWhitespace())
    elif isinstance(between, multi) and isinstance(trailing, simple):
        tail = trailing  # only right when ``between`` has no comment: checked below
    else:
        return None
    if last_comma:
        new_prev = prev.with_changes(comma=prev.comma.with_changes(whitespace_after=tail))
    else:
        new_prev = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=tail)
    new_call = call.with_changes(args=[*args[:-2], new_prev])
    return new_call if keeps_comments(call, new_call, dropped) else None


def only_args(call: cst.Call, names: tuple, required: tuple = ()) -> Optional[dict]:
    """The arguments of ``call`` by parameter name when they are exactly some of
    ``names`` (positional in that order, or by keyword) with ``required`` among them;
    None for anything else (``*args``, ``**kwargs``, other keywords, repeats)."""
    found: dict = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        if arg.keyword is None:
            if index >= len(names):
                return None
            name = names[index]
        else:
            name = arg.keyword.value
            if name not in names:
                return None
        if name in found:
            return None
        found[name] = arg
    if any(name not in found for name in required):
        return None
    return found


def is_true(node) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def plain_use(call, syntax) -> bool:
    """The loss object or value is used where it is written: an argument (of
    compile, or of the function it is passed to), an item of a list or dict of
    losses, a lambda's body, a return, or bound to a single name; not
    ``a = b = Loss(...)``, a starred item, an operand and so on. (Every use the
    analysis links is checked by fixes.attach as well.)"""
    parent = syntax.parent(call)
    if isinstance(parent, (cst.Arg, cst.Element, cst.DictElement, cst.Return)):
        return True
    if isinstance(parent, cst.Lambda):
        return parent.body is call
    if isinstance(parent, cst.Assign):
        return len(parent.targets) == 1 and isinstance(parent.targets[0].target, (cst.Name, cst.Attribute))
    if isinstance(parent, cst.AnnAssign):
        return isinstance(parent.target, (cst.Name, cst.Attribute))
    return False


def from_logits_false(act, loss, syntax, description: str) -> Optional[Fix]:
    """Keras ``from_logits=True`` -> ``False`` on a loss that meets an output already
    squashed (a softmax, a sigmoid): written as a literal keyword, on a loss used
    where it is written, and normalising over the axis the activation does."""
    if act.axis != -1 and act.axis_given:
        return None
    if any(key == "axis" for key, _ in loss.args):
        return None
    call = loss.node
    if not isinstance(call, cst.Call) or any(arg.star for arg in call.args):
        return None
    flags = [arg for arg in call.args if arg.keyword is not None and arg.keyword.value == "from_logits"]
    if len(flags) != 1 or not is_true(flags[0].value):
        return None  # given by position, through a variable, or not literally True
    if not plain_use(call, syntax):
        return None
    true = flags[0].value
    return Fix(description, True, ((true, true.with_changes(value="False")),))
