"""A small abstract interpreter over libcst syntax: Python semantics without running.

It walks a module's statements in order, binding names to abstract values
(values.py): imports bind qualified names, assignments bind what the right-hand
side evaluates to, calls of the file's own functions and classes are followed
into their bodies (context-sensitively, depth-bounded), and calls of framework
objects are handed to the framework adapters (frameworks/). Along the way it
records *events* (events.py) — a loss computed on a prediction, a Keras
``compile``/``fit`` — which link.py turns into heads.

Nothing here imports or executes the checked code: it only reads the syntax tree.
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from typing import Optional

import libcst as cst

from . import branches, frameworks, layer_loops, literals, provenance, targets, training_paths
from .events import CallSite, Ctx, Events
from .names import CONVENTIONAL, canonical
from .scopes import SYS_PATH_ADDITIONS, ModuleScope, Scope, dotted_name, names_bound
from .values import (
    UNKNOWN,
    ActObj,
    BoundMethod,
    ClassV,
    Const,
    Dataset,
    DictV,
    Function,
    Instance,
    LayerObj,
    Lazy,
    LossObj,
    Many,
    ModelV,
    ModuleV,
    Partial,
    Qual,
    Seq,
    Tensor,
    Value,
    join,
)
from . import vocabulary as V
from .vocabulary.installed import LIBRARIES

MAX_DEPTH = 12  # nested calls followed
# Nested calls followed inside another module of the project: enough for a model
# class whose __init__ calls a helper that builds the head, not for the deep
# internals of a framework-like base class (transformers' PreTrainedModel).
MAX_IMPORTED_DEPTH = 8
# Statements run inside functions of other modules, per checked file: enough for
# ``fit() -> run_epoch() -> step() -> model(x)`` several modules deep, not for the
# internals of a framework-sized base class (transformers' PreTrainedModel).
MAX_IMPORTED_STEPS = 4000
MAX_CALLS = 3000  # function evaluations per file, a guard against blow-up


def _known(qual: str) -> bool:
    return frameworks.knows(qual)


# --- the interpreter ------------------------------------------------------------


# Names whose value at run time is False: what they guard is for type checkers
_RUNTIME_FALSE = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})


def _data_fact(value: Value) -> Optional[targets.TargetFact]:
    """What a comprehension's element holds as data: a tensor's known fact, or that
    of the tensors a row lists (``[y]``, ``[x, y]`` joined); None when not data."""
    if isinstance(value, Tensor):
        known = value.fact.kind is not targets.Kind.UNKNOWN or value.fact.sign is not targets.Sign.UNKNOWN
        return value.fact if known else None
    if isinstance(value, Seq) and value.items and all(isinstance(item, Tensor) for item in value.items):
        facts = [_data_fact(item) for item in value.items]
        if any(fact is None for fact in facts):
            return None
        return functools.reduce(targets.join, facts)
    return None


class Interpreter:
    """``project`` and ``path``: where the module lives, so that imports of the
    project's own modules are followed (project.py); without them, such imports
    are unknown."""

    def __init__(self, module: cst.Module, project=None, path: str = ""):
        self.module = module
        self.project = project
        self.path = path
        self.events = Events()
        # names a loop over a list of layers binds to each layer in turn (``for layer in
        # self.layers``): a call through one names no particular layer
        self.unrolled: set = set()
        self.globals = Scope()
        self.functions: list = []  # every Function defined, for the standalone pass
        self._memo: dict = {}
        self._evaluated: set = set()
        self._active: set = set()
        self._depth = 0
        self._imported_depth = 0  # of those, in functions of other modules
        self._imported_steps = 0  # statements run in functions of other modules
        self._calls = 0
        self._expansions = 0  # statements run again to evaluate calls over alternatives
        self._steps = 0  # statements run
        self._canonical_instances: dict = {}
        self._built: list = []  # instances built in sight with a model or loss given (run_built_methods)
        self._ran_on: set = set()  # (method node, id(self)) evaluated
        self._snippet = False  # does the top level read a name the file never binds (shared_name)
        self._bound: Optional[set] = None  # every name the file binds, once needed
        self._shared: dict = {}  # name -> what shared_name found for it

    # entry point
    def run(self) -> Events:
        if self.project is not None and self.project.current is not None:
            # an import of this very file (a cycle) sees its top level
            self.project.current.scopes.setdefault(os.path.realpath(self.path), self.globals)
        self.exec_block(self.module.body, self.globals, Ctx())
        self.run_built_methods()
        # Functions never called from the module's own code (a Lightning
        # training_step, a train() called from elsewhere) are evaluated on their own.
        index = 0
        while index < len(self.functions):
            fn = self.functions[index]
            index += 1
            if fn.node not in self._evaluated:
                self.call_standalone(fn)
        return self.events

    # ---- imports ----------------------------------------------------------------

    def _own(self, module: str, level: int) -> bool:
        """Could ``module`` be one of the project's files (not a library)?"""
        if self.project is None:
            return False
        return level > 0 or (module.split(".")[0] not in LIBRARIES and not _known(canonical(module)))

    def imported_name(self, module: str, level: int, name: str) -> Value:
        """``from <module> import <name>``: a library object, or a lazily resolved
        value of the project's own module."""
        library = UNKNOWN if level else Qual(canonical(f"{module}.{name}"))
        if not level and library.name in _RUNTIME_FALSE:
            return Const(False)  # ``if TYPE_CHECKING:`` imports for type checkers only: never run
        if not self._own(module, level) or (not level and _known(library.name)):
            return library
        return Lazy(lambda: self.import_from(module, level, name, library))

    def import_from(self, module: str, level: int, name: str, fallback: Value = UNKNOWN) -> Value:
        project = self.project
        base = project.resolve(self.path, module, level)
        found = None
        if base is not None and os.path.realpath(base) == os.path.realpath(self.path):
            # ``from pkg import nn`` (or ``from . import nn``) in pkg/__init__.py itself: the
            # package has no attribute ``nn`` yet, so Python loads the submodule pkg.nn
            submodule = f"{module}.{name}" if module else name
            if project.resolve(self.path, submodule, level) is not None:
                return self.project_module(submodule, level) or UNKNOWN
        if base is not None:
            found = self.module_scope(base)
            if found is not None and found.defines(name):
                return found.lookup(name)
            if found is not None and not base.endswith("__init__.py"):
                return found.lookup(name) or UNKNOWN  # star imports of that module
        submodule = project.resolve(self.path, f"{module}.{name}" if module else name, level)
        if submodule is not None:
            return self.project_module(f"{module}.{name}" if module else name, level) or UNKNOWN
        if base is not None and found is not None and self._star_may_define(base, found, name):
            return found.lookup(name) or UNKNOWN  # a package's ``from .train import *``
        return fallback if base is None else UNKNOWN

    def _star_may_define(self, package: str, found: Scope, name: str) -> bool:
        """Could one of the modules ``package`` (an ``__init__.py``) star-imports define
        ``name``? Only those whose text holds the word are parsed to find out."""
        for star in found.stars:
            if isinstance(star, ModuleV):
                path = self.project.resolve(package, star.module, star.level)
                if path is not None and self.project.mentions(path, name):
                    return True
        return False

    def project_module(self, module: str, level: int) -> Optional[ModuleV]:
        if not self._own(module, level):
            return None
        if self.project.resolve(self.path, module, level) is None and not self.project.namespace(self.path, module, level):
            return None
        return ModuleV(module, level, lambda name: self.import_from(module, level, name))

    def imported_module(self, dotted: str, library: str) -> Value:
        """``import models`` / ``import pkg.models as m``."""
        if not self._own(dotted, 0):
            return Qual(library)
        return Lazy(lambda: self.project_module(dotted, 0) or Qual(library))

    def module_scope(self, path: str) -> Optional[Scope]:
        """The top-level scope of one of the project's modules, run once per checked
        file (project.py says why), lazily (ModuleScope); None for a module that
        cannot be parsed."""
        check = self.project.current
        if check is None:
            return None
        key = os.path.realpath(path)
        if key in check.scopes:
            return check.scopes[key]
        loaded = self.project.load(path)
        if loaded is None:
            return None
        sub = Interpreter(loaded.module, self.project, path)
        sub.globals = check.scopes[key] = ModuleScope(sub, loaded.module.body)
        return sub.globals

    # ---- statements ----------------------------------------------------------

    def exec_block(self, body, scope: Scope, ctx: Ctx) -> list:
        """Execute statements; return the list of (value, inference) returned."""
        returns: list = []
        ctx = ctx.copy()
        self._steps += len(body)
        for stmt in body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Return):
                        value = self.eval(small.value, scope, ctx) if small.value else Const(None)
                        returns.append((value, ctx.inference, ctx.guard))
                    else:
                        self.exec_small(small, scope, ctx)
                continue
            if isinstance(stmt, cst.If):
                returns.extend(self.exec_if(stmt, scope, ctx))
                if training_paths.training_guard_returns(stmt):
                    # ``if self.training: return logits`` — what follows is inference
                    ctx.inference = True
                continue
            returns.extend(self.exec_compound(stmt, scope, ctx))
        return returns

    def exec_small(self, small, scope: Scope, ctx: Ctx) -> None:
        if isinstance(small, cst.Assign):
            value = self.eval(small.value, scope, ctx)
            for target in small.targets:
                self.bind(target.target, value, scope, ctx)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, scope, ctx), scope, ctx)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, scope, ctx)
            value = self.eval(small.value, scope, ctx)
            op = _BINOPS.get(type(small.operator).__name__.replace("Assign", ""))
            self.bind(small.target, self.arith(op, current, value, small), scope, ctx)
        elif isinstance(small, cst.Expr):
            if not isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):  # docstrings do nothing
                self.eval(small.value, scope, ctx)
        elif isinstance(small, cst.Import):
            for alias in small.names:
                dotted = dotted_name(alias.name)
                if alias.asname is not None:
                    scope.vars[alias.asname.name.value] = self.imported_module(dotted, canonical(dotted))
                else:
                    top = dotted.split(".")[0]
                    scope.vars[top] = self.imported_module(top, top)
        elif isinstance(small, cst.ImportFrom):
            level = len(small.relative)
            module = dotted_name(small.module) if small.module else ""
            if isinstance(small.names, cst.ImportStar):
                own = self.project_module(module, level)
                scope.stars.append(own if own is not None else "." * level + module)
                return
            for alias in small.names:
                name = dotted_name(alias.name)
                bound = alias.asname.name.value if alias.asname else name
                scope.vars[bound] = self.imported_name(module, level, name)
        elif isinstance(small, (cst.Global, cst.Nonlocal)):
            pass

    def exec_if(self, stmt: cst.If, scope: Scope, ctx: Ctx) -> list:
        test = self.eval(stmt.test, scope, ctx)
        mode = training_paths.training_test(stmt.test)  # True: branch trains; False: inference
        if literals.literal(test) and mode is None and not _switch(stmt.test, scope):
            # literals decide the test (``if n_classes > 1:`` with ``n_classes = 1``): the
            # other branch never runs, so it neither trains nor joins
            if test.value:
                return self.exec_block(stmt.body.body, scope, ctx)
            if isinstance(stmt.orelse, cst.If):
                return self.exec_if(stmt.orelse, scope, ctx)
            return self.exec_block(stmt.orelse.body.body, scope, ctx) if stmt.orelse is not None else []
        yes, no = branches.guards(stmt.test)
        if ctx.guard and not branches.compatible(ctx.guard, yes):
            # the branch choices that led here decide the test (``self.method == "binary"``
            # inside the evaluation for ``self.method == "multiclass"``): only the else runs
            if isinstance(stmt.orelse, cst.If):
                return self.exec_if(stmt.orelse, scope, ctx)
            return self.exec_block(stmt.orelse.body.body, scope, ctx) if stmt.orelse is not None else []
        if ctx.guard and not branches.compatible(ctx.guard, no):
            return self.exec_block(stmt.body.body, scope, ctx)
        body_ctx = ctx.copy(ctx.inference or mode is False, ctx.guard | yes if ctx.guard else yes)
        else_ctx = ctx.copy(ctx.inference or mode is True, ctx.guard | no if ctx.guard else no)
        before = dict(scope.vars)
        returns = self.exec_block(stmt.body.body, scope, body_ctx)
        after_body = dict(scope.vars)
        scope.vars.clear()
        scope.vars.update(before)
        if stmt.orelse is not None:
            if isinstance(stmt.orelse, cst.If):
                returns += self.exec_if(stmt.orelse, scope, else_ctx)
            else:
                returns += self.exec_block(stmt.orelse.body.body, scope, else_ctx)
        after_else = scope.vars
        body_returns = training_paths.always_returns(stmt.body.body)
        merged = {}
        for name in set(after_body) | set(after_else):
            a, b = after_body.get(name), after_else.get(name)
            if body_returns and b is not None:
                merged[name] = b  # the body left the function; only else flows on
            elif a is None or b is None or a is b:
                merged[name] = a if b is None else b
            elif mode is not None:
                merged[name] = _trained_side(a if mode else b, join(a, b))
            elif self.spent():
                merged[name] = join(a, b)
            else:
                merged[name] = branches.branch(a, b, stmt.test)
        scope.vars.clear()
        scope.vars.update(merged)
        return returns

    def exec_compound(self, stmt, scope: Scope, ctx: Ctx) -> list:
        returns: list = []
        if isinstance(stmt, cst.FunctionDef):
            fn = Function(stmt, scope, stmt.name.value)
            scope.vars[stmt.name.value] = fn
            self.functions.append(fn)
        elif isinstance(stmt, cst.ClassDef):
            scope.vars[stmt.name.value] = self.define_class(stmt, scope, ctx)
        elif isinstance(stmt, (cst.For,)):
            iterable = self.dataset_rows(self.eval(stmt.iter, scope, ctx), ctx)
            if layer_loops.unrolled(iterable):
                # ``for layer in self.layers: x = layer(x)``: the body once for the layers
                # before the last (joined, as any loop), then once for the last one, so the
                # output is what the last layer makes of the others' (two passes, not one
                # per layer: deep stacks stay cheap)
                self.bind(stmt.target, self.element_of(Seq(iterable.items[:-1])), scope, ctx)
                returns += self.exec_block(stmt.body.body, scope, ctx)
                names = layer_loops.target_names(stmt.target) - self.unrolled
                self.unrolled |= names
                try:
                    self.bind(stmt.target, iterable.items[-1], scope, ctx)
                    returns += self.exec_block(stmt.body.body, scope, ctx)
                finally:
                    self.unrolled -= names
            else:
                self.bind(stmt.target, self.element_of(iterable), scope, ctx)
                returns += self.exec_block(stmt.body.body, scope, ctx)
            if stmt.orelse is not None:
                returns += self.exec_block(stmt.orelse.body.body, scope, ctx)
        elif isinstance(stmt, cst.While):
            self.eval(stmt.test, scope, ctx)
            returns += self.exec_block(stmt.body.body, scope, ctx)
        elif isinstance(stmt, cst.With):
            inner = ctx.copy()
            for item in stmt.items:
                value = self.eval(item.item, scope, ctx)
                if training_paths.is_no_grad(item.item, value, scope):
                    inner.inference = True
                if item.asname is not None:
                    self.bind(item.asname.name, UNKNOWN, scope, ctx)
            returns += self.exec_block(stmt.body.body, scope, inner)
        elif isinstance(stmt, cst.Try):
            returns += self.exec_block(stmt.body.body, scope, ctx)
            for handler in stmt.handlers:
                returns += self.exec_block(handler.body.body, scope, ctx)
            if stmt.orelse is not None:
                returns += self.exec_block(stmt.orelse.body.body, scope, ctx)
            if stmt.finalbody is not None:
                returns += self.exec_block(stmt.finalbody.body.body, scope, ctx)
        return returns

    def define_class(self, node: cst.ClassDef, scope: Scope, ctx: Ctx) -> ClassV:
        bases = [self.eval(arg.value, scope, ctx) for arg in node.bases if arg.keyword is None]
        cls = ClassV(node, scope, node.name.value, bases)
        for base in bases:
            framework = frameworks.module_base(base.name) if isinstance(base, Qual) else None
            if framework is not None:
                cls.framework = framework
            elif isinstance(base, Qual) and base.name in V.SEQUENTIALS:
                cls.framework = V.SEQUENTIALS[base.name]  # ``class Head(nn.Sequential)``
            elif isinstance(base, Qual) and frameworks.object_base(base.name) is not None:
                cls.framework = frameworks.object_base(base.name)  # ``class MaskedConv2d(nn.Conv2d)``
                cls.object_base = base.name
            elif isinstance(base, ClassV) and base.framework is not None:
                cls.framework = base.framework
                cls.object_base = cls.object_base or base.object_base
        body_scope = Scope(scope)
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                fn = Function(stmt, scope, stmt.name.value, owner=cls)
                cls.attrs[stmt.name.value] = fn
                self.functions.append(fn)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    imported = _unresolved_import(small, scope)
                    if imported is not None:
                        # ``config_class = BertConfig``: kept unresolved until used, so a
                        # class attribute nobody reads never loads the module it names
                        body_scope.vars[small.targets[0].target.value] = imported
                    elif isinstance(small, (cst.Assign, cst.AnnAssign)):
                        self.exec_small(small, body_scope, ctx)
        cls.attrs.update({k: v for k, v in body_scope.vars.items() if k not in cls.attrs})
        return cls

    def bind(self, target, value: Value, scope: Scope, ctx: Ctx) -> None:
        if isinstance(target, cst.Name):
            scope.vars[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [el.value for el in target.elements]
            items = self.unpack(value, len(elements))
            for element, item in zip(elements, items):
                if isinstance(element, cst.StarredElement):
                    self.bind(element.value, UNKNOWN, scope, ctx)
                else:
                    frameworks.data.taken(item)  # ``_, preds = torch.max(out, 1)``
                    self.bind(element, item, scope, ctx)
        elif isinstance(target, cst.Attribute):
            owner = self.eval(target.value, scope, ctx)
            if isinstance(owner, Instance):
                owner.attrs[target.attr.value] = value
            elif isinstance(owner, ModelV) and owner.library is not None:  # ``model.fc = nn.Linear(512, 2)``
                frameworks.libraries.head_replaced(owner, target.attr.value, value, None, self)
            elif isinstance(owner, ModelV):  # ``net = nn.Sequential(); net.features = ...``
                frameworks.attribute_set(owner, target.attr.value, branches.collapse(value))
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute):
            owner = self.eval(target.value.value, scope, ctx)
            if isinstance(owner, ModelV) and owner.library is not None:  # ``model.classifier[6] = ...``
                index = self.single_index(target, scope, ctx)
                frameworks.libraries.head_replaced(owner, target.value.attr.value, value,
                                                   UNKNOWN if index is None else index, self)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, UNKNOWN, scope, ctx)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            base = scope.lookup(target.value.value)
            if isinstance(base, Tensor) and base.filled is not None:
                scope.vars[target.value.value] = frameworks.data.written(base, value)  # ``target[:half] = 1``
            elif isinstance(base, Tensor) and base.frame is not None:  # ``df["Amount"] = scaled``
                index = self.single_index(target, scope, ctx)
                scope.vars[target.value.value] = frameworks.frames.assigned(base, index, value)

    def unpack(self, value: Value, count: int) -> list:
        if isinstance(value, branches.Alt):
            # ``model, loss = (A(), L1) if c else (B(), L2)``: each name keeps the guards
            per_option = [(guard, self.unpack(option, count)) for guard, option in value.options]
            return [branches.alternatives((guard, items[i]) for guard, items in per_option) for i in range(count)]
        if isinstance(value, Seq) and len(value.items) == count:
            return list(value.items)
        if isinstance(value, Tensor) and value.model is None:
            return [Tensor(fact=value.fact) for _ in range(count)]
        return [UNKNOWN] * count

    def dataset_rows(self, value: Value, ctx: Ctx) -> Value:
        """An instance of a dataset class of the checked code (one that defines
        ``__getitem__``) as the rows it gives; any other value as it is."""
        if isinstance(value, Instance):
            return frameworks.data.rows(value, self, ctx) or value
        return value

    def element_of(self, iterable: Value) -> Value:
        if isinstance(iterable, branches.Alt):
            return branches.alternatives((guard, self.element_of(option)) for guard, option in iterable.options)
        if isinstance(iterable, Dataset):
            if len(iterable.columns) == 1:
                return iterable.columns[0]
            return Seq(list(iterable.columns))
        if isinstance(iterable, Tensor):
            return _row_of(iterable)
        if isinstance(iterable, Many):
            return iterable.element
        if isinstance(iterable, Seq) and iterable.items:
            first = iterable.items[0]
            for item in iterable.items[1:]:
                first = join(first, item)
            return first
        return UNKNOWN

    # ---- expressions -------------------------------------------------------------

    def eval(self, node, scope: Scope, ctx: Ctx) -> Value:
        kind = type(node)
        method = _EVALUATORS.get(kind)
        if method is None:
            method = _EVALUATORS[kind] = getattr(Interpreter, "eval_" + kind.__name__, _eval_unknown)
        return method(self, node, scope, ctx)

    def eval_Name(self, node: cst.Name, scope, ctx) -> Value:
        found = scope.lookup(node.value)
        if found is not None:
            return found
        if node.value in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[node.value], node)
        if node.value in _BUILTINS:
            return Qual("builtins." + node.value)
        if node.value in CONVENTIONAL:  # ``nn.Linear`` in a file that never binds ``nn`` (names.py)
            return Qual(CONVENTIONAL[node.value])
        return self.shared_name(node.value, scope)

    def shared_name(self, name: str, scope) -> Value:
        """A name this file reads at its top level but binds nowhere, nor star-imports:
        the file is one of snippets run in one namespace (a book's numbered parts, a
        notebook cut into files: ``part_1_model.py`` builds ``model`` and
        ``criterion``, ``part_3_train.py`` trains with them). The name is the nearest
        earlier sibling's binding, else the nearest later one's."""
        if self.project is None or self.project.current is None or name.startswith("__") or self.globals.stars:
            return UNKNOWN
        if scope is self.globals:
            self._snippet = self._snippet or self.path.endswith(".py")
        if not self._snippet:
            return UNKNOWN
        if name not in self._shared:
            self._shared[name] = UNKNOWN  # while it is looked for: a cycle of snippets finds nothing
            self._shared[name] = self._sibling_binding(name)
        return self._shared[name]

    def _sibling_binding(self, name: str) -> Value:
        files = self.project.beside(self.path)
        here = os.path.realpath(self.path)
        at = next((i for i, path in enumerate(files) if os.path.realpath(path) == here), None)
        if at is None:
            return UNKNOWN
        holders = [path for path in [*reversed(files[:at]), *files[at + 1:]] if self.project.mentions(path, name)]
        if not holders:
            return UNKNOWN
        if self._bound is None:
            self._bound = names_bound(self.module)
        if name in self._bound:
            return UNKNOWN  # bound where the run has not reached (a later statement, a function's global)
        for path in holders:
            found = self.module_scope(path)
            if found is not None and found.defines(name):
                return found.lookup(name) or UNKNOWN
        return UNKNOWN

    # int() and float() read Python's numeric literals (libcst's evaluated_value
    # runs ast.literal_eval, a parse per number)
    def eval_Integer(self, node, scope, ctx) -> Value:
        try:
            return Const(int(node.value, 0), node)
        except ValueError:
            return Const(node.evaluated_value, node)

    def eval_Float(self, node, scope, ctx) -> Value:
        try:
            return Const(float(node.value), node)
        except ValueError:
            return Const(node.evaluated_value, node)

    def eval_SimpleString(self, node, scope, ctx) -> Value:
        body = node.value[len(node.prefix) + len(node.quote) : -len(node.quote)]
        if node.prefix.lower() in ("", "r") and "\\" not in body:
            return Const(body, node)  # no escapes: the text is the value (libcst would run ast.literal_eval)
        try:
            return Const(node.evaluated_value, node)
        except Exception:  # noqa: BLE001 - odd escapes: the string is just unknown
            return UNKNOWN

    def eval_ConcatenatedString(self, node, scope, ctx) -> Value:
        value = node.evaluated_value
        return Const(value, node) if isinstance(value, str) else UNKNOWN

    def eval_Attribute(self, node: cst.Attribute, scope, ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        found = self.get_attr(base, node.attr.value)
        if isinstance(found, Qual) and isinstance(base, Qual):
            found.node = node  # a fresh Qual: remember where it was spelled
        return found

    def get_attr(self, base: Value, name: str) -> Value:
        if isinstance(base, branches.Alt):
            return branches.alternatives((guard, self.get_attr(option, name)) for guard, option in base.options)
        if isinstance(base, ModuleV):
            return base.attr(name)
        if isinstance(base, Qual):
            return Qual(canonical(f"{base.name}.{name}"))
        if isinstance(base, Instance):
            if name in base.attrs:
                return base.attrs[name]
            found = base.cls.lookup(name)
            if isinstance(found, Lazy):
                found = found.get()
            if isinstance(found, Function):
                return BoundMethod(base, found)
            if found is not None:
                return found
            return UNKNOWN
        if isinstance(base, ClassV):
            found = base.lookup(name)
            return found.get() if isinstance(found, Lazy) else found if found is not None else UNKNOWN
        if isinstance(base, DictV) and name in base.items:
            return base.items[name]  # a Hugging Face ModelOutput: ``outputs.logits``
        if isinstance(base, Tensor) and name in ("data", "values"):
            return base
        if isinstance(base, Tensor) and name in ("loc", "iloc"):
            # a pandas indexer: rows like the table; a column it picks is read by position
            return base.derived(frame=None) if base.frame is not None else base
        if isinstance(base, Tensor) and name in ("T", "mT"):
            # a transpose: the units are no longer the last axis, and the axes swap
            swapped = base.reshaped()
            return swapped.derived(rank=None) if swapped.rank is not None else swapped
        return UNKNOWN

    def single_index(self, node: cst.Subscript, scope, ctx) -> Optional[Value]:
        """The value of ``x[i]``'s one index; None for a slice or several indices."""
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return self.eval(node.slice[0].slice.value, scope, ctx)
        return None

    def eval_Subscript(self, node: cst.Subscript, scope, ctx) -> Value:
        base = self.eval(node.value, scope, ctx)
        if isinstance(base, Instance):
            rows = self.dataset_rows(base, ctx)  # ``train_dataset[0]``: one example
            if isinstance(rows, Dataset):
                return self.element_of(rows)
        picked = _same  # what a pick along a later axis leaves of the facts
        index = self.single_index(node, scope, ctx)
        if index is None and isinstance(base, Seq) and len(node.slice) == 1:
            bounds = [None if bound is None else self.eval(bound, scope, ctx)
                      for bound in (node.slice[0].slice.lower, node.slice[0].slice.upper, node.slice[0].slice.step)]
            part = _literal_slice(bounds, base.items)
            if part is not None:
                return Seq(part, node)  # ``layers[:-1]``: a literal slice of a list
        elif index is None:
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self.eval(element.slice.value, scope, ctx)
            axis = _class_column(node.slice)
            if axis is not None:
                frameworks.data.read_by_index(base, axis, node, f"...[{_shown_index(node.slice)}]")
            if _picks_columns(node.slice):
                picked = frameworks.frames.by_position
        if isinstance(base, DictV) and index is not None and not isinstance(branches.collapse(index), Const) and base.items:
            return branches.keyed(node.slice[0].slice.value, base.items)  # a registry looked up by a setting
        if isinstance(base, branches.Alt):
            return branches.alternatives((guard, picked(self.subscript(option, index))) for guard, option in base.options)
        result = picked(self.subscript(base, index))
        if index is None and isinstance(base, Tensor) and base.model is None and base.rank is not None and isinstance(result, Tensor):
            rank = _sliced_rank(node.slice, base.rank)  # ``X[:, :-1]`` of data: the axes its index keeps
            return result.derived(rank=rank) if rank is not None else result
        return result

    def subscript(self, base: Value, index: Optional[Value]) -> Value:
        index = branches.collapse(index) if index is not None else None
        if isinstance(base, Tensor) and base.frame is not None and index is not None:
            picked = frameworks.frames.select(base, index)
            if picked is not None:
                return picked  # ``df["price"]``
        if isinstance(base, Seq) and isinstance(index, Const) and isinstance(index.value, int):
            try:
                item = base.items[index.value]
            except IndexError:
                return UNKNOWN
            frameworks.data.taken(item)  # ``torch.max(out, 1)[1]``
            return item
        if isinstance(base, DictV) and isinstance(index, Const):
            return base.items.get(index.value, UNKNOWN)
        if isinstance(base, Tensor):
            if isinstance(index, Const) and type(index.value) is int and base.rank is not None and base.rank >= 2:
                # ``model.predict(x)[0]``: one example; its last axis still holds the units
                return base.derived(rank=base.rank - 1)
            if _one_integer(index) and base.model is None and base.rank is not None and base.rank >= 1:
                # ``self.X[idx]`` in a dataset's ``__getitem__``: one row of the data
                return base.derived(rank=base.rank - 1)
            # indexing keeps the activation and the facts, not the rank nor the unit count
            reshaped = base.reshaped()
            return reshaped.derived(rank=None) if reshaped.rank is not None else reshaped
        return UNKNOWN

    def eval_Tuple(self, node, scope, ctx) -> Value:
        return self._sequence(node, scope, ctx)

    def eval_List(self, node, scope, ctx) -> Value:
        return self._sequence(node, scope, ctx)

    def _sequence(self, node, scope, ctx) -> Value:
        items = []
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                self.eval(element.value, scope, ctx)
                return Seq([UNKNOWN], node)
            items.append(self.eval(element.value, scope, ctx))
        return Seq(items, node, literals.literal_fact(items, node))

    def eval_Dict(self, node: cst.Dict, scope, ctx) -> Value:
        items = {}
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = self.eval(element.key, scope, ctx)
                value = self.eval(element.value, scope, ctx)
                if isinstance(key, Const):
                    items[key.value] = value
        return DictV(items)

    def eval_Lambda(self, node: cst.Lambda, scope, ctx) -> Value:
        return Function(node, scope, "<lambda>")

    def eval_IfExp(self, node: cst.IfExp, scope, ctx) -> Value:
        test = self.eval(node.test, scope, ctx)
        mode = training_paths.training_test(node.test)
        if literals.literal(test) and mode is None:
            return self.eval(node.body if test.value else node.orelse, scope, ctx)
        body = self.eval(node.body, scope, ctx)
        orelse = self.eval(node.orelse, scope, ctx)
        if mode is True:
            return body
        if mode is False:
            return orelse
        if self.spent():
            return join(body, orelse)
        return branches.branch(body, orelse, node.test)

    def eval_UnaryOperation(self, node: cst.UnaryOperation, scope, ctx) -> Value:
        operand = self.eval(node.expression, scope, ctx)
        if isinstance(node.operator, cst.Not) and literals.literal(operand):
            return Const(not operand.value, node, default=operand.default)
        if isinstance(node.operator, cst.Minus):
            if isinstance(operand, Const) and isinstance(operand.value, (int, float)):
                return Const(-operand.value, node, default=operand.default)
            if isinstance(operand, Tensor):
                return Tensor(fact=targets.negate(operand.fact, node))
        return UNKNOWN

    def eval_BinaryOperation(self, node: cst.BinaryOperation, scope, ctx) -> Value:
        left = self.eval(node.left, scope, ctx)
        right = self.eval(node.right, scope, ctx)
        return self.arith(_BINOPS.get(type(node.operator).__name__), left, right, node)

    def spent(self) -> bool:
        """The file's budget for alternatives is used up: branches join as before."""
        return self._expansions >= branches.MAX_EXPANSIONS

    def arith(self, op: Optional[str], left: Value, right: Value, node) -> Value:
        if op is None:
            return UNKNOWN
        if isinstance(left, branches.Alt) or isinstance(right, branches.Alt):
            combos = None if self.spent() else branches.combinations([left, right])
            if combos is None:
                return self.arith(op, branches.collapse(left), branches.collapse(right), node)
            return branches.alternatives((guard, self.arith(op, a, b, node)) for guard, (a, b) in combos)
        if op == "+" and isinstance(left, Seq) and isinstance(right, Seq):
            # ``layers += [nn.Linear(a, b), nn.ReLU()]``: one list, in order
            return Seq(left.items + right.items, node, literals.literal_fact(left.items + right.items, node))
        handled = frameworks.arith(op, left, right, node, self)
        if handled is not None:
            return handled
        if op in ("+", "-") and _epsilon(right) and isinstance(left, Tensor) and left.act is not None \
                and left.act.kind in ("softmax", "sigmoid"):
            return left  # ``probs + 1e-8`` before a log: still the probabilities
        if op in ("+", "-") and isinstance(left, Tensor) and left.raw and (right is UNKNOWN or (isinstance(right, Tensor) and right.act is None)
                                                       or (isinstance(right, Const) and isinstance(right.value, (int, float)))):
            # ``d_real - torch.mean(d_fake)`` (a relativistic GAN), ``logits - logits.max()``: still raw scores
            return left
        if isinstance(left, Const) and isinstance(right, Const):
            try:
                if op in ("+", "-", "*", "//") and all(
                    isinstance(v.value, (int, float)) and not isinstance(v.value, bool)
                    for v in (left, right)
                ):
                    return Const(_ARITH[op](left.value, right.value), node, default=left.default or right.default)
            except Exception:  # noqa: BLE001 - e.g. a division by zero: just unknown
                return UNKNOWN
            return UNKNOWN
        if not isinstance(left, (Tensor, Seq, Const)) and not isinstance(right, (Tensor, Seq, Const)):
            if op == "-" and left is UNKNOWN and right is UNKNOWN:
                # ``prices[1:] - prices[:-1]`` of loaded data: a difference can be negative
                return Tensor(fact=targets.binary(op, left.fact, right.fact, node))
            return UNKNOWN
        if op == "**":
            exponent = right.value if isinstance(right, Const) else None
            return Tensor(fact=targets.power(left.fact, exponent))
        if op == "-":
            if isinstance(right, Const) and right.value == 0:
                return Tensor(fact=left.fact)
            if isinstance(left, Const) or _is_min_of(right):
                # ``1 - p`` or ``y - y.min()``: the sign is not decided by the difference
                sign = targets.Sign.NONNEG if _is_min_of(right) else targets.Sign.UNKNOWN
                return Tensor(fact=targets.with_sign(right.fact if isinstance(left, Const) else left.fact, sign))
        if op == "*" and isinstance(left, Tensor) and isinstance(right, Const):
            product = frameworks.data.scaled(left, right.value, node)  # ``np.ones(n) * REAL_LABEL``
            if product is not None:
                return product
        if op in ("/", "*") and isinstance(right, Const) and isinstance(right.value, float):
            result = targets.binary(op, left.fact, right.fact, node)
            if result.kind is targets.Kind.UNKNOWN and op == "/":
                result = targets.with_kind(result, targets.Kind.CONTINUOUS)
            return Tensor(fact=result)
        return Tensor(fact=targets.binary(op, left.fact, right.fact, node))

    def eval_Comparison(self, node: cst.Comparison, scope, ctx) -> Value:
        left = self.eval(node.left, scope, ctx)
        operands = [left] + [self.eval(c.comparator, scope, ctx) for c in node.comparisons]
        decided = literals.compare_literals(operands, node.comparisons)
        if decided is not None:
            return Const(decided, node)  # ``n_classes > 1`` with ``n_classes = 1``
        if any(isinstance(value, branches.Alt) for value in operands):
            operands = [option for value in operands for _, option in branches.options(value)]
        if any(isinstance(v, Tensor) for v in operands):
            return frameworks.thresholded(operands, node, self.events)  # ``model(x) > 0.5``: class scores
        return UNKNOWN

    def eval_BooleanOperation(self, node, scope, ctx) -> Value:
        left = self.eval(node.left, scope, ctx)
        right = self.eval(node.right, scope, ctx)
        if literals.literal(left) and literals.literal(right):
            if isinstance(node.operator, cst.And):
                return left if not left.value else right
            return left if left.value else right
        return UNKNOWN

    def eval_Await(self, node, scope, ctx) -> Value:
        return self.eval(node.expression, scope, ctx)

    def eval_ListComp(self, node, scope, ctx) -> Value:
        """``[step(b) for b in loader]``, ``sum(loss(b) for b in loader)``: the element
        is evaluated once, for what it does (a loss computed in it trains). The
        collection is an array of what the element holds when that is data of a known
        fact (``[[y] for y in labels]``: the labels, one per row); otherwise unknown."""
        inner = Scope(scope)
        comp = node.for_in
        while comp is not None:
            self.bind(comp.target, self.element_of(self.dataset_rows(self.eval(comp.iter, inner, ctx), ctx)), inner, ctx)
            for condition in comp.ifs:
                self.eval(condition.test, inner, ctx)
            comp = comp.inner_for_in
        elements = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
        value = UNKNOWN
        for element in elements:
            if isinstance(element, cst.Call) and isinstance(self.eval(element.func, inner, ctx), ClassV):
                continue  # ``[Block(cfg) for _ in range(n)]``: building modules trains nothing
            value = self.eval(element, inner, ctx)
        if isinstance(node, cst.DictComp):
            return UNKNOWN
        if isinstance(value, Tensor) and value.model is not None and not isinstance(node, cst.GeneratorExp):
            return Many(value)  # ``[net(x) for x in inputs]``, then concatenated: the model's outputs
        held = _data_fact(value)
        return Tensor(fact=held) if held is not None else UNKNOWN

    eval_GeneratorExp = eval_SetComp = eval_DictComp = eval_ListComp

    def eval_Call(self, node: cst.Call, scope: Scope, ctx: Ctx) -> Value:
        args, kwargs, arg_nodes, kwarg_nodes = [], {}, [], {}
        alternatives = False
        for arg in node.args:
            value = self.eval(arg.value, scope, ctx)
            alternatives = alternatives or isinstance(value, branches.Alt)
            if arg.star == "*":
                # *layers: its items when known; otherwise one unknown stands in,
                # so nothing after it is mistaken for the last item
                value = branches.collapse(value)
                items = value.items if isinstance(value, Seq) else [UNKNOWN]
                args.extend(items)
                arg_nodes.extend([arg] * len(items))
                continue
            if arg.star == "**":
                value = branches.collapse(value)
                if isinstance(value, DictV):
                    kwargs.update({k: v for k, v in value.items.items() if isinstance(k, str)})
                continue
            if arg.keyword is not None:
                kwargs[arg.keyword.value] = value
                kwarg_nodes[arg.keyword.value] = arg
            else:
                args.append(value)
                arg_nodes.append(arg)
        func = node.func
        if isinstance(func, cst.Attribute) and _is_super(func.value):
            site = CallSite(node, args, kwargs, arg_nodes, kwarg_nodes, ctx, self)
            return self.call_super(func.attr.value, site)
        attribute = isinstance(func, cst.Attribute)
        head = self.eval(func.value if attribute else func, scope, ctx)
        if not (alternatives or isinstance(head, branches.Alt)):
            return self._call(node, head, args, kwargs, arg_nodes, kwarg_nodes, ctx)
        names = list(kwargs)
        values = [head, *args, *(kwargs[name] for name in names)]
        # alternatives: the call once per consistent combination (branches.py), while
        # the file's budget lasts (framework-sized code branches everywhere)
        combos = None if self.spent() else branches.combinations(values, ctx.guard)
        if combos is None:
            values = [branches.collapse(v) for v in values]
            combos = [(ctx.guard, values)]
        results = []
        before = self._steps
        for guard, chosen in combos:
            chosen_kwargs = dict(zip(names, chosen[1 + len(args):]))
            result = self._call(node, chosen[0], chosen[1:1 + len(args)], chosen_kwargs, arg_nodes, kwarg_nodes,
                                ctx.copy(guard=guard))
            results.append((guard - ctx.guard, result))
        if len(combos) > 1:
            self._expansions += len(combos) + (self._steps - before) * (len(combos) - 1) // len(combos)
        return branches.alternatives(results)

    def _call(self, node: cst.Call, head: Value, args: list, kwargs: dict, arg_nodes, kwarg_nodes, ctx: Ctx) -> Value:
        """A call whose callee (or, for ``a.f(...)``, receiver ``a``) is ``head``."""
        site = CallSite(node, args, kwargs, arg_nodes, kwarg_nodes, ctx, self)
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = head
            if isinstance(receiver, Instance) and receiver.model is not None and func.attr.value in ("forward", "call"):
                return frameworks.call_model(receiver.model, site)
            if not isinstance(receiver, (Qual, Instance, ClassV, ModuleV)):
                return self.call_method(receiver, func.attr.value, site)
            callee = self.get_attr(receiver, func.attr.value)
            if isinstance(receiver, Instance) and isinstance(callee, type(UNKNOWN)):
                return self.call_method(receiver, func.attr.value, site)
            if isinstance(callee, branches.Alt) and self._expansions >= branches.MAX_EXPANSIONS:
                callee = branches.collapse(callee)
            if isinstance(callee, branches.Alt):  # ``self.criterion`` bound in branches
                self._expansions += len(callee.options)
                before = self._steps
                results = []
                for guard, option in callee.options:
                    if branches.compatible(guard, ctx.guard):
                        option_site = replace(site, ctx=ctx.copy(guard=ctx.guard | guard))
                        results.append((guard, self.call_value(option, option_site)))
                self._expansions += (self._steps - before) // 2
                return branches.alternatives(results)
        else:
            callee = head
        return self.call_value(callee, site)

    # ---- calls -------------------------------------------------------------------

    def call_value(self, callee: Value, site: CallSite) -> Value:
        if isinstance(callee, Qual) and callee.name in SYS_PATH_ADDITIONS:
            entry = site.args[-1] if site.args else None
            if self.project is not None and isinstance(entry, Const) and isinstance(entry.value, str):
                self.project.add_search_path(self.path, entry.value)
            return UNKNOWN
        if isinstance(callee, Qual) and callee.name == "builtins.getattr" and len(site.args) >= 2:
            name = site.args[1]
            if isinstance(name, Const) and isinstance(name.value, str):
                # ``getattr(nn, "CrossEntropyLoss")``, ``getattr(models, args.arch)`` with the call in sight
                owner = site.args[0]
                found = self.get_attr(owner, name.value)
                if found is UNKNOWN and len(site.args) > 2 and isinstance(owner, (Instance, ClassV)):
                    return site.args[2]  # a class of the checked code that lacks it: the default
                return found
            return UNKNOWN
        if isinstance(callee, Qual):
            if callee.node is not None and callee.node is not site.node.func:
                site.spelled = callee.node  # ``self.activation(x)`` applies the tf.nn.softmax given elsewhere
            return frameworks.call_qualified(callee.name, site)
        if isinstance(callee, Function):
            return self.call_function(callee, site.args, site.kwargs, site.ctx, site.node)
        if isinstance(callee, BoundMethod):
            return self.call_function(callee.function, [callee.instance] + site.args, site.kwargs, site.ctx, site.node)
        if isinstance(callee, ClassV):
            instance = self.instantiate(callee, site.args, site.kwargs, site.ctx, node=site.node)
            if instance.object is not None and instance.model is None:
                # a subclass of nn.Conv2d that keeps its forward is that layer
                return instance.object
            return instance
        if isinstance(callee, Instance):
            if callee.model is not None:
                return frameworks.call_model(callee.model, site)
            method = loss_method(callee.cls)
            if isinstance(method, Function):
                return self.call_function(method, [callee] + site.args, site.kwargs, site.ctx, site.node)
            return UNKNOWN
        if isinstance(callee, Partial):
            merged = replace(site, args=callee.args + site.args, kwargs={**callee.kwargs, **site.kwargs})
            return self.call_value(callee.func, merged)
        return frameworks.call_object(callee, site)

    def call_super(self, name: str, site: CallSite) -> Value:
        """``super().__init__(...)``: run the base class's method on the same ``self``."""
        owner, instance = site.ctx.owner, site.ctx.self_value
        if owner is None or instance is None:
            return UNKNOWN
        for base in owner.bases:
            if isinstance(base, ClassV):
                method = base.lookup(name)
                if isinstance(method, Function):
                    return self.call_function(method, [instance] + site.args, site.kwargs, site.ctx)
            elif isinstance(base, Qual) and base.name == owner.object_base and isinstance(instance, Instance):
                if name == "__init__":
                    instance.object = self.framework_object(instance, base.name, site)
                    return Const(None)
                if name == frameworks.forward_name(owner.framework) and instance.object is not None:
                    return frameworks.call_object(instance.object, site)  # ``super().forward(x)``
                return UNKNOWN
            elif isinstance(base, Qual) and base.name in V.SEQUENTIALS and name == "__init__":
                # ``super().__init__(*layers)`` of an nn.Sequential / keras.Sequential subclass:
                # the instance is that stack
                if isinstance(instance, Instance) and instance.model is not None:
                    stack = frameworks.call_qualified(base.name, site)
                    if isinstance(stack, ModelV):
                        instance.model.items = stack.items
                        instance.model._output = None
                        self.events.models.remove(stack)
                return Const(None)
        return UNKNOWN

    def framework_object(self, instance: Instance, qual: str, site: CallSite) -> Value:
        """The framework object a subclass instance is built as: ``qual`` called with what
        its ``super().__init__`` passes, placed where the program constructs the instance
        and named after the subclass (``MaskedConv2d(1, 1)``)."""
        if instance.built is not None:
            site = replace(site, node=instance.built[0])
        made = frameworks.call_qualified(qual, site)
        name = instance.cls.name
        if isinstance(made, LayerObj):
            _, paren, args = made.layer.name.partition("(")
            made.layer = replace(made.layer, name=f"{name}{paren}{args}")
        elif isinstance(made, LossObj):
            made.loss = replace(made.loss, name=f"{name}, a subclass of {made.loss.name}")
        elif isinstance(made, ActObj):
            made.display = f"{name}, a subclass of {made.display}"
        return made

    def call_method(self, receiver: Value, name: str, site: CallSite) -> Value:
        if isinstance(receiver, Instance):
            if receiver.model is not None:
                handled = frameworks.model_method(receiver.model, name, site)
                if handled is receiver.model:  # model.to(device) is the same object
                    return receiver
                if handled is not None:
                    return handled
            return UNKNOWN
        return frameworks.call_method(receiver, name, site)

    def call_function(self, fn: Function, args: list, kwargs: dict, ctx: Ctx, site=None, unseen: bool = False) -> Value:
        """``site``: the call's node. Calls are memoised per call site: two calls of
        ``make_trunk()`` must not return the same (mutable) model, or a layer added
        to one would appear in the other. ``unseen``: no call of ``fn`` is in sight
        (bind_params says what that changes)."""
        key = (fn.node, id(site), tuple(id(a) for a in args), tuple(sorted((k, id(v)) for k, v in kwargs.items())), ctx.inference,
               unseen, ctx.guard)
        if key in self._memo:
            return self._memo[key][0]
        imported = _root(fn.scope) is not self.globals
        if fn.node in self._active or self._depth >= MAX_DEPTH or self._calls >= MAX_CALLS:
            return UNKNOWN
        if imported and (self._imported_depth >= MAX_IMPORTED_DEPTH or self._imported_steps >= MAX_IMPORTED_STEPS):
            return UNKNOWN
        self._calls += 1
        self._evaluated.add(fn.node)
        self._active.add(fn.node)
        self._depth += 1
        self._imported_depth += imported
        outermost_import = imported and self._imported_depth == 1
        steps_before = self._steps
        losses_before = len(self.events.losses)
        self_value = args[0] if fn.owner is not None and args else None
        if self_value is not None:
            self._ran_on.add((fn.node, id(self_value)))
        try:
            scope = Scope(fn.scope)
            self.bind_params(fn, args, kwargs, scope, ctx, unseen)
            inference = ctx.inference or fn.name in V.INFERENCE_METHODS or self._no_grad_decorated(fn)
            # the caller's branch choices hold in the callee: ``if self.method == "binary"`` there
            # agrees with the same test in the caller (branches.py compares tests by their text)
            body_ctx = Ctx(inference=inference, owner=fn.owner, self_value=self_value, guard=ctx.guard)
            if isinstance(fn.node, cst.Lambda):
                result = self.eval(fn.node.body, scope, body_ctx)
            else:
                result = _join_returns(self.exec_block(_body(fn.node), scope, body_ctx), self.spent())
            provenance.note_call(self.events.losses[losses_before:], fn, args, kwargs, site, self_value)
        finally:
            self._depth -= 1
            self._imported_depth -= imported
            if outermost_import:
                self._imported_steps += self._steps - steps_before
            self._active.discard(fn.node)
        result = frameworks.written_softmax.applied_at(result, args, site)
        # the arguments are kept with the result: the key holds their ids, and an id
        # is unique only while its object lives
        self._memo[key] = (result, args, kwargs)
        return result

    def _no_grad_decorated(self, fn: Function) -> bool:
        """``@torch.no_grad()`` on a function: its body evaluates, it does not train."""
        for decorator in getattr(fn.node, "decorators", ()):
            expr = decorator.decorator
            if training_paths.is_no_grad(expr, self.eval(expr.func if isinstance(expr, cst.Call) else expr, fn.scope, Ctx()), fn.scope):
                return True
        return False

    def bind_params(self, fn: Function, args: list, kwargs: dict, scope: Scope, ctx: Ctx, unseen: bool = False) -> None:
        """A parameter the call leaves out takes its default. Where a caller is in
        sight, that is the value it runs with (``build(arch)`` without ``use_softmax``
        builds the model without its softmax); for a function evaluated with no call
        in sight (a ``forward(x, target=None)`` its callers give a target) the default
        decides no branch (_literal)."""
        params = fn.node.params
        default = literals.as_default if unseen else (lambda value: value)
        positional = list(params.posonly_params) + list(params.params)
        for index, param in enumerate(positional):
            name = param.name.value
            if index < len(args):
                value = args[index]
            elif name in kwargs:
                value = kwargs[name]
            elif param.default is not None:
                value = default(self.eval(param.default, fn.scope, ctx))
            else:
                value = UNKNOWN
            scope.vars[name] = value
        for param in params.kwonly_params:
            name = param.name.value
            if name in kwargs:
                scope.vars[name] = kwargs[name]
            elif param.default is not None:
                scope.vars[name] = default(self.eval(param.default, fn.scope, ctx))
            else:
                scope.vars[name] = UNKNOWN
        star, star_kwarg = params.star_arg, params.star_kwarg
        if isinstance(star, cst.Param):
            # ``def __init__(self, *args, **kwargs): super().__init__(*args, **kwargs)``: what a
            # caller in sight gave is passed on; with no caller in sight it is unknown
            rest = args[len(positional):]
            scope.vars[star.name.value] = UNKNOWN if unseen else Seq(list(rest))
        if isinstance(star_kwarg, cst.Param):
            named = {param.name.value for param in [*positional, *params.kwonly_params]}
            rest = {key: value for key, value in kwargs.items() if key not in named}
            scope.vars[star_kwarg.name.value] = UNKNOWN if unseen else DictV(rest)

    def call_standalone(self, fn: Function) -> None:
        """Evaluate a function nobody called: ``self`` is an instance of its class,
        and a parameter named like a module-level model or loss (``def train(model,
        criterion)`` beside ``model = Net()``) stands for it; the rest are unknown."""
        args: list = []
        if fn.owner is not None and not _is_static(fn.node):
            args = [self.canonical_instance(fn.owner)]
        kwargs = {}
        if isinstance(fn.node, cst.FunctionDef):
            for param in list(fn.node.params.params)[len(args):]:
                found = self.globals.vars.get(param.name.value)
                annotated = self._annotated_model(param.annotation)
                if annotated is not None:
                    kwargs[param.name.value] = annotated
                elif param.default is None and _model_or_loss(found):
                    kwargs[param.name.value] = found
        self.call_function(fn, args, kwargs, Ctx(), unseen=True)

    def _annotated_model(self, annotation) -> Optional[Value]:
        """``model: CNN`` / ``model: "CNN"`` naming a module class of this module: an
        instance of it stands for the parameter of a function nobody called. A name
        imported from elsewhere is not resolved for it (``config: BertConfig`` would load
        a module per annotation)."""
        if annotation is None:
            return None
        expr = annotation.annotation
        if isinstance(expr, cst.SimpleString) and expr.evaluated_value.isidentifier():
            name = expr.evaluated_value
        elif isinstance(expr, cst.Name):
            name = expr.value
        else:
            return None
        cls = self.globals.vars.get(name)
        if isinstance(cls, ClassV) and cls.framework is not None:
            return self.canonical_instance(cls)
        return None

    def run_built_methods(self) -> None:
        """Evaluate each method nobody called on the objects built in sight with a
        model or a loss (``Trainer(model, loss_fn)`` whose ``fit`` a notebook calls
        in a cell left out, or in another script): on that object, with what its
        constructor stored, rather than on a canonical one whose attributes are
        unknown. Its other parameters are unknown, as in call_standalone."""
        index = 0
        while index < len(self._built):
            instance = self._built[index]
            index += 1
            for fn in _methods(instance.cls):
                if fn.name not in ("__init__", "build") and (fn.node, id(instance)) not in self._ran_on:
                    self.call_function(fn, [instance], {}, Ctx(), unseen=True)

    def canonical_instance(self, cls: ClassV) -> Instance:
        if cls.node not in self._canonical_instances:
            self._canonical_instances[cls.node] = self.instantiate(cls, [], {}, Ctx(), unseen=True)
        return self._canonical_instances[cls.node]

    def instantiate(self, cls: ClassV, args: list, kwargs: dict, ctx: Ctx, unseen: bool = False, node=None) -> Instance:
        """``node``: the constructor call in sight, if any."""
        instance = Instance(cls)
        if node is not None and not unseen:
            instance.built = (node, [*args, *kwargs.values()])
            if any(provenance.stores_choice(value) for value in instance.built[1]):
                self._built.append(instance)
        # A subclass of a framework layer or loss is a module of its own only where it
        # overrides what calling it runs; otherwise it is the object it builds
        if cls.framework is not None and (
            cls.object_base is None or isinstance(cls.lookup(frameworks.forward_name(cls.framework)), Function)
        ):
            instance.model = frameworks.module_model(instance, self)
        init = cls.lookup("__init__")
        if isinstance(init, Function):
            self.call_function(init, [instance] + args, kwargs, ctx, unseen=unseen)
        elif cls.object_base is not None and not unseen:
            # ``class MyLinear(nn.Linear): pass``: the constructor's arguments are the layer's
            site = CallSite(node, args, kwargs, [], {}, ctx, self)
            instance.object = self.framework_object(instance, cls.object_base, site)
        build = cls.lookup("build")  # Keras layers are often created in build()
        if cls.framework is not None and isinstance(build, Function):
            self.call_function(build, [instance, UNKNOWN], {}, ctx)
        return instance


# --- helpers ----------------------------------------------------------------------

_EVALUATORS: dict = {}  # syntax node type -> Interpreter.eval_<type>, found once


def _eval_unknown(interp, node, scope, ctx) -> Value:
    return UNKNOWN


_BUILTINS = frozenset({"enumerate", "zip", "iter", "next", "list", "tuple", "abs", "round", "float", "int", "sorted", "reversed",
                       "getattr"})
_BINOPS = {
    "Add": "+", "Subtract": "-", "Multiply": "*", "Divide": "/", "FloorDivide": "//",
    "Modulo": "%", "Power": "**", "MatrixMultiply": "@",
}
_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "//": lambda a, b: a // b}


def loss_method(cls: ClassV):
    """What calling an instance runs: its ``__call__``, or the ``call`` of a Keras
    ``Loss`` subclass (whose inherited ``__call__`` calls it)."""
    method = cls.lookup("__call__")
    if method is None and _derives(cls, V.LOSS_BASES):
        method = cls.lookup("call")
    return method


def _derives(cls: ClassV, names: frozenset) -> bool:
    for base in cls.bases:
        if isinstance(base, Qual) and base.name in names:
            return True
        if isinstance(base, ClassV) and _derives(base, names):
            return True
    return False


def _unresolved_import(small, scope: Scope) -> Optional[Lazy]:
    """``name = Imported`` (one plain name bound to a not yet resolved import)."""
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name)):
        return None
    if not isinstance(small.value, cst.Name):
        return None
    while scope is not None:
        if small.value.value in scope.vars:
            found = scope.vars[small.value.value]
            return found if isinstance(found, Lazy) else None
        scope = scope.parent
    return None


def _class_column(elements) -> Optional[int]:
    """The axis ``x[:, 1]`` / ``x[:, :, 2]`` / ``x[..., 0]`` takes one column of: full
    slices, then one integer literal, and nothing after it; None for any other index."""
    *before, last = elements
    if not (isinstance(last.slice, cst.Index) and isinstance(last.slice.value, cst.Integer)):
        return None
    if len(before) == 1 and isinstance(before[0].slice, cst.Index) and isinstance(before[0].slice.value, cst.Ellipsis):
        return -1
    full = all(_full_slice(e) for e in before)
    return len(before) if before and full else None


def _sliced_rank(elements, rank: int) -> Optional[int]:
    """The rank after an index written with slices, integer literals and ``None``
    (``X[:, :-1]`` keeps both axes, ``X[:, 0]`` keeps one, ``y[:, None]`` adds one);
    None for any other index (a mask, a variable, ``...``)."""
    taken = kept = 0
    for element in elements:
        part = element.slice
        if isinstance(part, cst.Slice):
            taken, kept = taken + 1, kept + 1
        elif isinstance(part.value, cst.Integer) or (
                isinstance(part.value, cst.UnaryOperation) and isinstance(part.value.expression, cst.Integer)):
            taken += 1
        elif isinstance(part.value, cst.Name) and part.value.value == "None":
            kept += 1
        else:
            return None
    return rank - taken + kept if taken <= rank else None


def _literal_slice(bounds: list, items: list) -> Optional[list]:
    """``items[a:b:c]`` when each bound is an integer literal or absent, else None."""
    if not all(bound is None or (isinstance(bound, Const) and type(bound.value) is int) for bound in bounds):
        return None
    start, stop, step = (None if bound is None else bound.value for bound in bounds)
    return None if step == 0 else items[start:stop:step]


def _switch(node, scope) -> bool:
    """``if USE_PRETRAINED_MODEL:`` with ``USE_PRETRAINED_MODEL = True`` written above: a
    switch the user flips (a notebook's settings cell), so both of its branches are code
    that runs, under the switch's guard; ``if False:``, ``TYPE_CHECKING``, a comparison
    of literals (``n_classes > 1``) and the like still decide."""
    while isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        node = node.expression
    if not isinstance(node, cst.Name) or node.value in ("True", "False", "None"):
        return False
    owner = scope
    while owner is not None and node.value not in owner.vars:
        owner = owner.parent
    if owner is None or owner.parent is not None:
        return False  # a parameter (``with_w=False``, decided by the call in sight) or a local
    value = owner.vars[node.value]
    return (isinstance(value, Const) and isinstance(value.value, bool)
            and isinstance(value.node, cst.Name) and value.node.value in ("True", "False"))  # written in the code


def _same(value: Value) -> Value:
    return value


def _picks_columns(elements) -> bool:
    """``x[:, -1]``, ``x[:, :3]``, ``x[rows, 0]``: an index that selects along a later
    axis, not rows only (``x[:100, :]``)."""
    return len(elements) >= 2 and not all(_full_slice(e) for e in elements[1:])


def _full_slice(element) -> bool:
    """``:`` alone: every index of its axis."""
    part = element.slice
    return isinstance(part, cst.Slice) and part.lower is None and part.upper is None and part.step is None


def _shown_index(elements) -> str:
    return ", ".join(":" if isinstance(e.slice, cst.Slice) else ("..." if isinstance(e.slice.value, cst.Ellipsis) else
                     getattr(e.slice.value, "value", "?")) for e in elements)


def _root(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def _body(node: cst.FunctionDef):
    body = node.body
    if isinstance(body, cst.IndentedBlock):
        return body.body
    return [body]  # a one-line ``def f(): return x``


def _methods(cls: ClassV) -> list:
    """The methods of ``cls`` and of its bases in the checked code, nearest first,
    one per name, static ones left out."""
    found: dict = {}
    pending = [cls]
    while pending:
        current = pending.pop(0)
        for name, value in current.attrs.items():
            if isinstance(value, Function) and value.owner is current and not _is_static(value.node):
                found.setdefault(name, value)
        pending.extend(base for base in current.bases if isinstance(base, ClassV))
    return list(found.values())


def _model_or_loss(value) -> bool:
    return isinstance(value, (ModelV, LossObj)) or (isinstance(value, Instance) and value.model is not None)


def _is_super(node) -> bool:
    return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "super"


def _is_static(node) -> bool:
    if not isinstance(node, cst.FunctionDef):
        return True
    for decorator in node.decorators:
        if isinstance(decorator.decorator, cst.Name) and decorator.decorator.value == "staticmethod":
            return True
    return False


def _join_returns(returns: list, joined: bool = False) -> Value:
    """What a function returns: the values its returns on the training path can
    give, each under the branch choices that reach it (``joined``: one value)."""
    training = [(guard, value) for value, inference, guard in returns if not inference]
    chosen = training or [(guard, value) for value, _, guard in returns]
    if not chosen:
        return UNKNOWN
    if len(chosen) == 1:
        return chosen[0][1]
    if joined:
        result = chosen[0][1]
        for _, value in chosen[1:]:
            result = join(result, value)
        return branches.collapse(result)
    return branches.alternatives(chosen)


# Squashing activations applied to each unit on its own: a row of such an output is
# one too, and rounding it reads it as class scores.
_ELEMENTWISE_OUTPUTS = frozenset({"sigmoid", "tanh"})


def _trained_side(trained: Value, joined: Value) -> Value:
    """A name set on both sides of ``if self.training:``: what flows on to the code
    after it is the training side's model output (``outputs = [net(x) for x in inputs]``
    in training, a mean over time steps in evaluation, then one loss for both), which a
    join would lose; anything else is joined, as the other side does not train."""
    if isinstance(trained, Tensor) and trained.model is not None and not (
            isinstance(joined, Tensor) and joined.model is trained.model):
        return trained
    return joined


def _one_integer(index) -> bool:
    """An index that picks one position along the first axis: an int, or a 0-d tensor."""
    if isinstance(index, Const):
        return type(index.value) is int
    return isinstance(index, Tensor) and index.rank == 0


def _row_of(tensor: Tensor) -> Tensor:
    """One element of ``for row in probs``: a softmax over a later axis than the
    first is still a softmax over the same axis of each row (``dim=-1`` stays -1,
    ``dim=2`` becomes 1). A (batch, units) output with no activation or an elementwise
    one gives rows of its units, as ``out[0]`` does (``[np.argmax(p) for p in preds]``
    reads each row's units); anything else keeps only the facts."""
    act = tensor.act
    if act is None or act.kind not in ("softmax", "log_softmax"):
        units_last = tensor.layer is None or tensor.layer.kind in ("dense", "linear")
        if tensor.rank is not None and tensor.rank >= 2 and units_last:
            return tensor.derived(rank=tensor.rank - 1)
        if tensor.model is not None and act is not None and act.kind in _ELEMENTWISE_OUTPUTS:
            # ``for p in preds: torch.round(p)``: each row is still the model's sigmoid
            # output, its layout not known (as ``preds[i]`` gives it)
            reshaped = tensor.reshaped()
            return reshaped.derived(rank=None) if reshaped.rank is not None else reshaped
        return Tensor(fact=tensor.fact)
    if not isinstance(act.axis, int) or act.axis == 0:
        return Tensor(fact=tensor.fact)
    rank = tensor.rank - 1 if tensor.rank is not None else None
    if act.axis < 0:
        axis = act.axis
    elif tensor.rank is not None:
        axis = act.axis - 1
    else:
        return Tensor(fact=tensor.fact)
    last = act.axis == -1 or (tensor.rank is not None and act.axis == tensor.rank - 1)
    row_act = replace(act, axis=axis, rank=act.rank - 1 if act.rank is not None else None)
    return tensor.derived(act=row_act, rank=rank, layer=tensor.layer if last else None)


def _epsilon(value: Value) -> bool:
    return isinstance(value, Const) and isinstance(value.value, float) and 0 < value.value <= 1e-3


def _is_min_of(value: Value) -> bool:
    return isinstance(value, Tensor) and value.fact.because == "a minimum"


