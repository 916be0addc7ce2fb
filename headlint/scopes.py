"""Where the interpreter (interpreter.py) keeps names: a ``Scope`` per function
or class body, chained to the enclosing ones, and a ``ModuleScope`` for the top
level of another module of the project, run statement by statement when a name it
binds is looked up.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from . import frameworks
from .events import Ctx
from .names import canonical
from .values import UNKNOWN, Lazy, ModuleV, Qual, Value


class Scope:
    __slots__ = ("vars", "parent", "stars")

    def __init__(self, parent: Optional["Scope"] = None):
        self.vars: dict = {}
        self.parent = parent
        self.stars: list = []  # modules star-imported here

    def defines(self, name: str) -> bool:
        return name in self.vars

    def lookup(self, name: str) -> Optional[Value]:
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.vars:
                found = scope.vars[name]
                if isinstance(found, Lazy):
                    found = scope.vars[name] = found.get()
                return found
            for module in scope.stars:
                if isinstance(module, ModuleV):  # ``from .layers import *``
                    found = module.attr(name)
                    if found is not UNKNOWN:
                        return found
                    continue
                qual = canonical(f"{module}.{name}")
                if frameworks.knows(qual):
                    return Qual(qual)
            scope = scope.parent
            if isinstance(scope, ModuleScope):
                return scope.lookup(name)  # it runs what binds the name first
        return None


class ModuleScope(Scope):
    """The top level of an imported module, run statement by statement on demand:
    looking a name up runs the statements that bind it (and the calls made on it
    at the top level, ``model.add(...)``), so importing one class from a module
    never runs the rest of it, nor loads what the rest imports."""

    __slots__ = ("_interp", "_pending", "_done")

    def __init__(self, interp, body):  # interp: the interpreter.Interpreter that runs it
        super().__init__()
        self._interp = interp
        self._pending: dict = {}  # name -> statements binding or extending it, in order
        self._done: set = set()
        for stmt in body:
            for name in _bound_names(stmt):
                self._pending.setdefault(name, []).append(stmt)
            receiver = _called_on(stmt)
            if receiver is not None and receiver in self._pending:
                self._pending[receiver].append(stmt)
            if _star_import(stmt) or _extends_sys_path(stmt):
                self._run(stmt)  # in order: a ``sys.path.append`` decides where later imports are found

    def defines(self, name: str) -> bool:
        return name in self.vars or name in self._pending

    def lookup(self, name: str) -> Optional[Value]:
        for stmt in self._pending.pop(name, ()):
            self._run(stmt)
        return super().lookup(name)

    @property
    def interpreter(self):
        """The interpreter running this module (its events: the models built there)."""
        return self._interp

    def _run(self, stmt) -> None:
        if id(stmt) not in self._done:
            self._done.add(id(stmt))
            self._interp.exec_block([stmt], self, Ctx())


def _bound_names(stmt) -> set:
    """The names a top-level statement binds (inside an if / try / with / for too)."""
    names: set = set()
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        names.add(stmt.name.value)
    elif isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    names |= _target_names(target.target)
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                names |= _target_names(small.target)
            elif isinstance(small, cst.Import):
                names |= {a.asname.name.value if a.asname else dotted_name(a.name).split(".")[0] for a in small.names}
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                names |= {a.asname.name.value if a.asname else dotted_name(a.name) for a in small.names}
    elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
        if isinstance(stmt, cst.For):
            names |= _target_names(stmt.target)
        for child in _blocks(stmt):
            for inner in child:
                names |= _bound_names(inner)
    return names


def names_bound(module: cst.Module) -> set:
    """The names a module binds at its top level (as ``_bound_names`` reads them), those
    a ``with ... as`` or ``except ... as`` binds, and those a function declares
    ``global``. Statements only, never their expressions: it runs on large files."""
    names: set = set()
    for stmt in module.body:
        names |= _bound_names(stmt)
    stack = list(module.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, cst.SimpleStatementLine):
            stack.extend(stmt.body)
        elif isinstance(stmt, cst.Global):
            names |= {item.name.value for item in stmt.names}
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            stack.extend(stmt.body.body)
        elif isinstance(stmt, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            if isinstance(stmt, cst.With):
                names |= {n for item in stmt.items if item.asname is not None for n in _target_names(item.asname.name)}
            if isinstance(stmt, cst.Try):
                names |= {h.name.name.value for h in stmt.handlers if h.name is not None and isinstance(h.name.name, cst.Name)}
            for block in _blocks(stmt):
                stack.extend(block)
    return names


def _blocks(stmt) -> list:
    blocks = [stmt.body.body]
    orelse = getattr(stmt, "orelse", None)
    while orelse is not None:
        blocks.append(orelse.body.body)
        orelse = getattr(orelse, "orelse", None) if isinstance(orelse, cst.If) else None
    blocks += [handler.body.body for handler in getattr(stmt, "handlers", ())]
    final = getattr(stmt, "finalbody", None)
    if final is not None:
        blocks.append(final.body.body)
    return blocks


def _target_names(target) -> set:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {n for el in target.elements for n in _target_names(el.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


def _called_on(stmt) -> Optional[str]:
    """``model.add(...)`` at the top level: the name it is called on."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)):
        return None
    call = stmt.body[0].value
    node = call.func if isinstance(call, cst.Call) else None
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _star_import(stmt) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar) for small in stmt.body
    )


# ``sys.path.append("../modules")`` / ``sys.path.insert(0, "..")``: the project's later
# imports are also looked for there (interpreter.py, project.Project.add_search_path)
SYS_PATH_ADDITIONS = frozenset({"sys.path.append", "sys.path.insert"})
# as written, ``sys`` maybe bound otherwise (``from sys import path``)
_SYS_PATH_CALLS = tuple(name[len("sys."):] for name in SYS_PATH_ADDITIONS)


def _extends_sys_path(stmt) -> bool:
    """A top-level call of one of SYS_PATH_ADDITIONS, by its spelling."""
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)
        and dotted_name(small.value.func).endswith(_SYS_PATH_CALLS)
        for small in stmt.body
    )


def dotted_name(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""
