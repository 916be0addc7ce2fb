"""Automatic fixes: ``headlint check --fix``, ``--unsafe-fixes`` and ``--diff``.

A rule offers a fix for one of its findings through ``Rule.fix(finding, syntax)``,
a function in the rule's own file returning a records.Fix (a description, whether
it is safe, and libcst ``(old_node, new_node)`` edits) or None. This module holds
what those functions share and what no single rule can see:

- ``Syntax``: the module a finding came from, node parents, and the
  ``nn.Sequential`` models the interpreter built, so a rule can check that the
  syntax is exactly the shape its fix is right for;
- (the edit helpers rules share live in rules/edits.py);
- ``attach``: the checks across the whole file. Findings of one rule at one place
  (one softmax reached by several losses) must all propose the same fix, whose
  edits are then merged; and every head with a loss that touches a node a fix
  edits (a loss object shared with a model that is fine, a softmax output that
  also feeds another loss) must have proposed that same fix. Otherwise no fix is
  offered: a fix is only offered when it is right for every use the analysis sees.

The engine applies one fix at a time (``apply``), re-checks the new text, and keeps
the fix only when the file still parses and the finding is gone
(engine.check_source with ``fix=``). ``write`` and ``unified_diff`` are for the CLI.
"""

from __future__ import annotations

import io
import tokenize
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Optional

import libcst as cst

from .records import FileError, Fix, Framework
from .rules.edits import children, walk
from .textlines import split_lines

# Uses of a model that depend on its items by position or number: removing an item
# would silently change what they do (``model[:-1]`` as a logits model).
_STRUCTURAL_METHODS = frozenset(
    {"insert", "pop", "extend", "append", "add_module", "children", "named_children", "modules", "named_modules", "__getitem__", "__len__", "__iter__"}
)
_STRUCTURAL_FUNCTIONS = frozenset({"len", "list", "tuple", "iter", "reversed", "enumerate", "next"})


class Syntax:
    """What a rule's fix function may look at besides the finding's head."""

    def __init__(self, module: cst.Module, interp=None, others=()):
        """``others``: the project's modules the analysis ran, as (module, its
        interpreter or None): a finding's node may be in one of them (a model built
        in models.py, trained in train.py), and a use there counts as a use."""
        self.module = module
        self._modules = [module, *(other for other, _ in others)]
        self._parents = None
        self._structural: Optional[set] = None
        self._sequentials: dict = {}
        for run in (interp, *(run for _, run in others)):
            for model in run.events.models if run is not None else ():
                if model.framework is Framework.TORCH and model.name == "nn.Sequential" and model.items is not None:
                    self._sequentials[id(model.node)] = model

    def parent(self, node) -> Optional[cst.CSTNode]:
        if self._parents is None:
            self._parents = {
                child: parent for module in self._modules for parent in walk(module) for child in children(parent)
            }
        return self._parents.get(node)

    def contains(self, outer, inner) -> bool:
        """``inner`` is ``outer`` or lies inside it."""
        node = inner
        while node is not None:
            if node is outer:
                return True
            node = self.parent(node)
        return False

    def related(self, a, b) -> bool:
        return a is not None and b is not None and (self.contains(a, b) or self.contains(b, a))

    def code(self, node) -> str:
        return self.module.code_for_node(node)

    def shown(self, node, fallback: str = "") -> str:
        """The code of ``node`` for a message: as written when it is one short line."""
        code = self.code(node).strip()
        return code if "\n" not in code and len(code) <= 60 else (fallback or code.split("\n", 1)[0] + " ...")

    def torch_sequential(self, call):
        """The interpreter's model for an ``nn.Sequential(...)`` call, or None."""
        return self._sequentials.get(id(call))

    def enclosing_function(self, node) -> Optional[cst.FunctionDef]:
        """The function whose body ``node`` is in (not through a lambda or a class)."""
        current = self.parent(node)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            current = self.parent(current)
        return current if isinstance(current, cst.FunctionDef) else None

    def method_of_class(self, fn: cst.FunctionDef) -> bool:
        block = self.parent(fn)
        return isinstance(block, cst.IndentedBlock) and isinstance(self.parent(block), cst.ClassDef)

    def used_structurally(self, expr) -> bool:
        """Whether the expression ``expr`` spells (``model``, ``self.net``) is indexed,
        iterated, measured or has items inserted or removed anywhere in the module."""
        if self._structural is None:
            self._structural = {self.code(node).strip() for module in self._modules for node in _structural_uses(module)}
        return self.code(expr).strip() in self._structural


def _structural_uses(module):
    for node in walk(module):
        if isinstance(node, cst.Subscript):
            yield node.value
        elif isinstance(node, (cst.For, cst.CompFor)):
            yield node.iter
        elif isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Name) and node.args and func.value in _STRUCTURAL_FUNCTIONS:
                yield node.args[0].value
            if isinstance(func, cst.Attribute) and func.attr.value in _STRUCTURAL_METHODS:
                yield func.value


# --- walking the tree -------------------------------------------------------------
# libcst's visitors rebuild every node they pass; reading the fields directly is an
# order of magnitude faster, and a fix must not make checking a file slow.

# --- attaching fixes to findings ------------------------------------------------------


def attach(module: cst.Module, interp, heads: list, findings: list, others=()) -> list:
    """The findings with the fixes their rules offer, where they are right for the
    whole program the analysis saw (see the module docstring); ``others`` as for
    Syntax."""
    from .rules import RULES

    if not any(RULES[f.code].fix is not None for f in findings):
        return findings
    syntax = Syntax(module, interp, others)
    proposed: list = []
    for finding in findings:
        fixer = RULES[finding.code].fix
        fix = None
        if fixer is not None and finding.head is not None:
            try:
                fix = fixer(finding, syntax)
            except Exception:  # noqa: BLE001 - a fix that cannot be worked out is not offered
                fix = None
        proposed.append(fix)

    # one rule, one place: the same fix from every head, edits merged
    groups: dict = defaultdict(list)
    for index, finding in enumerate(findings):
        groups[(finding.code, id(finding.node))].append(index)
    for indices in groups.values():
        merged = _merge([proposed[i] for i in indices], syntax)
        for i in indices:
            proposed[i] = merged

    # every head that touches an edited node must have proposed the fix; a head
    # without a loss (the model's output on its own) may also be the same output as
    # one that proposed it (same model, layer and activation)
    offered: dict = defaultdict(set)
    outputs: dict = defaultdict(set)
    for finding, fix in zip(findings, proposed):
        if fix is not None and finding.head is not None:
            offered[id(finding.head)].add(id(fix))
            outputs[id(fix)].add(_output(finding.head))
    rejected: set = set()
    for fix in {id(f): f for f in proposed if f is not None}.values():
        for head in heads:
            if id(fix) in offered[id(head)]:
                continue
            if head.loss is None and _output(head) in outputs[id(fix)]:
                continue
            if any(_touches(head, old, syntax) for old, _ in fix.edits):
                rejected.add(id(fix))
                break
    return [
        replace(finding, fix=fix) if fix is not None and id(fix) not in rejected else finding
        for finding, fix in zip(findings, proposed)
    ]


def _output(head) -> tuple:
    """Which model output a head is, as far as its records tell."""
    return (
        head.model,
        id(getattr(head.activation, "node", None)),
        id(getattr(head.output_layer, "node", None)),
    )


def _touches(head, old, syntax: Syntax) -> bool:
    """Whether editing ``old`` changes this head's activation or its loss."""
    act = getattr(head.activation, "node", None)
    if act is not None and syntax.related(act, old):
        return True
    loss = head.loss.node if head.loss is not None else None
    if loss is None:
        return False
    if head.link is not None and head.link.kind == "compile" and loss in (head.link.node, head.link.compiled_at):
        # a loss named by a string or a function: its node is the whole compile()
        # call, which holds the other outputs' losses too
        return False
    return syntax.related(loss, old)


def _merge(fixes: list, syntax: Syntax) -> Optional[Fix]:
    if not fixes or any(f is None for f in fixes):
        return None
    first = fixes[0]
    if any((f.description, f.safe) != (first.description, first.safe) for f in fixes):
        return None
    edits: dict = {}
    for fix in fixes:
        if not fix.edits:
            return None
        for old, new in fix.edits:
            if id(old) in edits:
                if syntax.code(edits[id(old)][1]) != syntax.code(new):
                    return None
                continue
            edits[id(old)] = (old, new)
    olds = [old for old, _ in edits.values()]
    for i, a in enumerate(olds):
        for b in olds[i + 1:]:
            if syntax.related(a, b):
                return None  # nested edits: one would undo the other
    if len(edits) == len(first.edits):
        return first
    return Fix(first.description, first.safe, tuple(edits.values()))


# --- applying -------------------------------------------------------------------------


class _Replace(cst.CSTTransformer):
    """``Module.deep_replace`` for several nodes at once (deep_replace rebuilds the
    tree, so the other old nodes would not be found in its result)."""

    def __init__(self, edits: tuple):
        self.edits = {id(old): new for old, new in edits}

    def on_visit(self, node) -> bool:
        return id(node) not in self.edits

    def on_leave(self, original_node, updated_node):
        return self.edits.get(id(original_node), updated_node)


def apply(module: cst.Module, fix: Fix) -> str:
    """The module's source text with ``fix`` applied."""
    if len(fix.edits) == 1:
        old, new = fix.edits[0]
        fixed = module.deep_replace(old, new)
    else:
        fixed = module.visit(_Replace(fix.edits))
    return fixed.code


def applicable(fix: Optional[dict], unsafe: bool) -> bool:
    return fix is not None and (fix["safe"] or unsafe)


# --- files ----------------------------------------------------------------------------


def unified_diff(path: str, before: str, after: str) -> str:
    """``diff -u`` of one file, as ruff's --diff prints it."""
    import difflib  # (and heapq) only for --diff: a check with fixes to offer never prints one

    lines = difflib.unified_diff(
        split_lines(before, keepends=True), split_lines(after, keepends=True), fromfile=path, tofile=path
    )
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def notebook_diff(path: str, cells: list) -> str:
    """A fixed notebook's changes, one unified diff per code cell changed
    (``--- nb.ipynb:cell 3``), as ruff shows them: the JSON around is unchanged."""
    return "".join(unified_diff(f"{path}:cell {number}", before, after) for number, before, after in cells)


def _encoding(path: str, data: bytes) -> str:
    from .notebook import is_notebook

    return "utf-8" if is_notebook(path) else tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def encode(path: str, data: bytes, after: str) -> bytes:
    """The fixed text in the encoding (and byte-order mark) of the file whose bytes
    were ``data``; raises SyntaxError, LookupError or UnicodeError as write says."""
    encoded = after.encode(_encoding(path, data))
    if data.startswith(b"\xef\xbb\xbf") and not encoded.startswith(b"\xef\xbb\xbf"):
        encoded = b"\xef\xbb\xbf" + encoded
    return encoded


def write(path: str, before: str, after: str) -> Optional[FileError]:
    """Write the fixed text back in the file's own encoding (and byte-order mark),
    unless the file changed since it was read. A notebook's text is its JSON, in
    UTF-8 (nbformat), with only the fixed cells' sources changed (notebook.py)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        text = data.decode(_encoding(path, data))
        if text.startswith("\ufeff"):
            text = text[1:]
        if text != before:
            return FileError(path, "changed while it was being checked; not fixed", "fix")
        encoded = encode(path, data, after)
        with open(path, "wb") as handle:
            handle.write(encoded)
    except (OSError, SyntaxError, LookupError, UnicodeError) as error:
        return FileError(path, f"cannot write the fixes: {getattr(error, 'strerror', None) or error}", "fix")
    return None



def hidden(remaining: list, unsafe: bool) -> int:
    """How many of the findings left have an unsafe fix that was not applied."""
    return 0 if unsafe else sum(1 for f in remaining if f.fix is not None and not f.fix["safe"])


def summary(fixed: list, remaining: list, unsafe: bool, would: bool = False) -> str:
    """``Fixed 2 findings (HL001: 1, HL004: 1).``, ``Would fix ...`` for --diff (with
    the findings its diffs leave: --fix reports those in its own summary), and how
    many unsafe fixes --unsafe-fixes would add."""
    if fixed:
        n = len(fixed)
        line = f"{'Would fix' if would else 'Fixed'} {n} finding{'s' if n != 1 else ''} ({_per_rule(fixed)})."
    else:
        line = "No findings would be fixed." if would else "No findings were fixed."
    if would and remaining:
        n = len(remaining)
        line += f" {n} finding{'s' if n != 1 else ''} would remain ({_per_rule(remaining)})."
    more = hidden(remaining, unsafe)
    if more:
        line += f" {more} unsafe fix{'es' if more != 1 else ''} available with --unsafe-fixes."
    return line


def _per_rule(findings: list) -> str:
    """``HL001: 1, HL004: 2``"""
    counts = Counter(f.code for f in findings)
    return ", ".join(f"{code}: {n}" for code, n in sorted(counts.items()))
