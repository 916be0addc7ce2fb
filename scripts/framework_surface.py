"""List every public spelling of each framework function and class that a vocabulary
row names, from the frameworks themselves: tests/data/framework_surface.txt.

    python scripts/framework_surface.py            # rewrite the listing
    python scripts/framework_surface.py --check    # exit 1 when the installed frameworks'
                                                   # part of the listing is out of date

A row is a key of a vocabulary table that starts with ``torch.``, ``keras.`` or
``tensorflow.`` (headlint/vocabulary/, the joined tables). Its aliases are every
dotted path at which the same object is reachable:

- in the frameworks installed here (torch, Keras 3, tf.keras, TensorFlow with
  ``tf.compat.v1``), imported by this script (never by headlint): a walk over the
  public attributes of every module from ``torch``, ``keras`` and ``tensorflow``,
  by identity, plus the module where the object is defined (``obj.__module__``);
- in pinned older wheels (``pip download --no-deps``, read as source, never
  imported): the module that defines the name, and every public module that
  re-exports it by ``from x import y``, ``from x import *`` or ``import``
  (Keras 2.3.1 and 2.15.0, tf_keras 2.21.0, TensorFlow 1.15.0 with tf.contrib).

Paths through TensorFlow's implementation tree (``tensorflow.python.*``, where
functions carry internal names like ``softmax_v2``) are left out, except
``tensorflow.python.keras``: old code imports Keras from there. Paths with a
private component (``_api``, ``_tf_keras``) are left out: code writes the public
ones.

Each line: ``row alias source[,source...]``, sorted. The header says which source
was imported and which read from a wheel; ``--check`` recomputes the imported ones
(tests/test_framework_surface.py runs it).
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib
import os
import sys
import tempfile
import types
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "tests" / "data" / "framework_surface.txt"
PREFIXES = ("torch.", "keras.", "tensorflow.")
FRAMEWORKS = ("torch", "keras", "tensorflow")
MAX_DEPTH = 8

# (pip spec, the packages of the wheel to read, module-name renames)
WHEELS = (
    ("keras==2.3.1", ("keras",), ()),
    ("keras==2.15.0", ("keras",), ()),
    ("tf_keras==2.21.0", ("tf_keras",), ()),
    # TF 1.x ships its code as tensorflow_core and aliases it as tensorflow.
    ("tensorflow-cpu==1.15.0", ("tensorflow_core",), (("tensorflow_core", "tensorflow"),)),
)
WHEEL_PLATFORM = ("--python-version", "37", "--platform", "manylinux2010_x86_64")  # TF 1.15 has no wheel for newer Pythons


def rows() -> dict:
    """Every framework name a vocabulary table keys on -> the tables naming it."""
    sys.path.insert(0, str(ROOT))
    from headlint import vocabulary

    found = collections.defaultdict(set)
    for table, value in vars(vocabulary).items():
        if table.isupper() and isinstance(value, (dict, set, frozenset)):
            for key in value:
                if isinstance(key, str) and key.startswith(PREFIXES):
                    found[key].add(table)
    return dict(found)


# Paths that are reachable but that no code writes, each with its reason.
# A key ending in "." stands for every path under it.
IGNORED = {
    "torch.fft.Tensor": "torch.fft's __all__ lists the Tensor class its signatures name",
    "keras.activations.Layer": "Keras 2's activations.py imports the base class it subclasses",
    "keras.metrics.Layer": "Keras 2's metrics.py imports the base class it subclasses",
    "tensorflow.contrib.quantization.": "TF 1.x's contrib.quantization star-imports tf's math ops for its own kernels",
}


def public(path: str) -> bool:
    if path in IGNORED or any(path.startswith(key) for key in IGNORED if key.endswith(".")):
        return False
    parts = path.split(".")
    if any(part.startswith("_") for part in parts):
        return False
    if path.startswith("tensorflow.python.") and not path.startswith("tensorflow.python.keras."):
        return False
    return True


# --------------------------------------------------------------------------- imported


def _homes(row: str) -> list:
    """Where a row's object lives in the installed frameworks: Keras rows in Keras 3
    and in tf.keras; TensorFlow rows in ``tf`` or in ``tf.compat.v1``."""
    if row.startswith("keras."):
        return [row, "tensorflow." + row]
    if row.startswith("tensorflow.") and not row.startswith("tensorflow.compat."):
        return [row, "tensorflow.compat.v1." + row[len("tensorflow."):]]
    return [row]


def _attribute(path: str):
    parts = path.split(".")
    try:
        value = importlib.import_module(parts[0])
        for part in parts[1:]:
            value = getattr(value, part)
    except Exception:  # AttributeError, and the lazy loaders' ImportErrors
        return None
    return value


def _submodule(parent, value) -> bool:
    """A module the walk goes into: one of the parent's own submodules
    (``tensorflow._api.v2.nn`` as ``tf.nn``), or a lazy loader standing for another
    package (``tf.keras``); not a module an implementation file imported for its
    own use (``keras.src.applications.convnext.layers``)."""
    name, here = getattr(value, "__name__", "") or "", getattr(parent, "__name__", "") or ""
    if type(value).__name__.endswith("LazyLoader"):
        return name.split(".")[0] in FRAMEWORKS
    return name.startswith(here + ".")


def _exports(module, name: str, value) -> bool:
    """Whether ``module.<name>`` is a spelling code writes: the module the object
    is defined in or under, or a package's ``__init__`` that exports it (in its
    ``__all__`` when it has one: ``torch.fft`` imports ``Tensor`` for its own use);
    not a name an implementation module imported to use."""
    here = getattr(module, "__name__", "") or ""
    defined = getattr(value, "__module__", "") or ""
    if defined == here or defined.startswith(here + "."):
        return True
    exported = getattr(module, "__all__", None)
    return hasattr(module, "__path__") and (not isinstance(exported, (list, tuple)) or name in exported)


def imported() -> tuple:
    """(source -> version, triples (row, alias, source)) from the installed frameworks."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.simplefilter("ignore")
    versions = {}
    for name in FRAMEWORKS:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        versions[name] = module.__version__.split("+")[0]
    targets = collections.defaultdict(set)  # id(object) -> rows
    keep = {}
    for row in rows():
        if row.split(".")[0] not in versions:
            continue
        for home in _homes(row):
            value = _attribute(home)
            if callable(value) and not isinstance(value, types.ModuleType):
                targets[id(value)].add(row)
                keep[id(value)] = value
    found = set()

    def record(path: str, value) -> None:
        source = path.split(".")[0]
        for row in targets.get(id(value), ()):
            found.add((row, path, source))

    for value in keep.values():  # where each object is defined
        module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", "")
        if module and "." not in name and public(f"{module}.{name}") and _attribute(f"{module}.{name}") is value:
            record(f"{module}.{name}", value)
    queue = collections.deque((name, importlib.import_module(name)) for name in versions)
    seen = set()
    while queue:
        path, module = queue.popleft()
        if (id(module), path) in seen:
            continue
        seen.add((id(module), path))
        try:
            names = sorted(dir(module))
        except Exception:
            continue
        for name in names:
            if name.startswith("_"):
                continue
            try:
                value = getattr(module, name)
            except Exception:
                continue
            child = f"{path}.{name}"
            if not public(child):
                continue
            if isinstance(value, types.ModuleType):
                parts = child.split(".")
                if _submodule(module, value) and len(parts) < MAX_DEPTH and len(set(parts)) == len(parts):
                    queue.append((child, value))
            elif id(value) in targets and _exports(module, name, value):
                record(child, value)
    return versions, found


# --------------------------------------------------------------------------- wheels


class Modules:
    """The modules of unpacked wheels as source: what each binds, resolved to where
    it is defined, without importing anything."""

    def __init__(self):
        self.files = {}  # module name -> (is package, ast)
        self.cache = {}

    def add(self, root: Path, packages, renames) -> None:
        for package in packages:
            for file in sorted((root / package).rglob("*.py")):
                parts = list(file.relative_to(root).with_suffix("").parts)
                is_package = parts[-1] == "__init__"
                if is_package:
                    parts.pop()
                if any(p in ("tests", "test", "testing") or p.endswith("_test") for p in parts):
                    continue
                name = ".".join(parts)
                for old, new in renames:
                    if name == old or name.startswith(old + "."):
                        name = new + name[len(old):]
                try:
                    tree = ast.parse(file.read_bytes())
                except (SyntaxError, ValueError):
                    continue
                self.files[name] = (is_package, self._bindings(tree, name, is_package), _literal_all(tree))

    @staticmethod
    def _absolute(module: str, level: int, here: str, is_package: bool) -> str:
        if not level:
            return module or ""
        base = here.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def _bindings(self, tree, here: str, is_package: bool) -> list:
        """The module's top-level bindings in order: (name, ref) or ("*", module).
        A ref: ("def",) defined here; ("from", module, name); ("module", module);
        ("same", name) another name of this module."""
        out = []

        def visit(statements):
            for node in statements:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    out.append((node.name, ("def",)))
                elif isinstance(node, ast.ImportFrom):
                    source = self._absolute(node.module, node.level, here, is_package)
                    for alias in node.names:
                        if alias.name == "*":
                            out.append(("*", source))
                        else:
                            out.append((alias.asname or alias.name, ("from", source, alias.name)))
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.asname:
                            out.append((alias.asname, ("module", alias.name)))
                        else:
                            top = alias.name.split(".")[0]
                            out.append((top, ("module", top)))
                elif isinstance(node, ast.Assign):
                    value = node.value
                    if isinstance(value, ast.Name):
                        ref = ("same", value.id)
                    elif (isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", ""))
                          .endswith("LazyLoader") and len(value.args) >= 3 and isinstance(value.args[2], ast.Constant)):
                        ref = ("module", value.args[2].value)  # contrib = LazyLoader("contrib", globals(), "...")
                    else:
                        ref = ("def",)
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            out.append((target.id, ref))
                elif isinstance(node, ast.If):
                    visit(node.body)
                    visit(node.orelse)
                elif isinstance(node, ast.Try):
                    visit(node.body)
                    for handler in node.handlers:
                        visit(handler.body)
                    visit(node.orelse)
                    visit(node.finalbody)
                elif isinstance(node, ast.With):
                    visit(node.body)

        visit(tree.body)
        return out

    def lookup(self, module: str, name: str, depth: int = 0):
        """What ``module.name`` is: ("def", module, name), ("module", module) or None."""
        key = (module, name)
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = None  # a cycle resolves to nothing
        result = None
        if depth < 40 and module in self.files:
            for bound, ref in reversed(self.files[module][1]):
                if bound == "*":
                    if not name.startswith("_") and ref != module:
                        result = self.lookup(ref, name, depth + 1)
                        if result is not None:
                            break
                    continue
                if bound != name:
                    continue
                if ref[0] == "def":
                    result = ("def", module, name)
                elif ref[0] == "module":
                    result = ("module", ref[1]) if ref[1] in self.files else None
                elif ref[0] == "same":
                    result = self.lookup(module, ref[1], depth + 1) if ref[1] != name else None
                else:
                    result = self.lookup(ref[1], ref[2], depth + 1)
                    if result is None and f"{ref[1]}.{ref[2]}" in self.files:
                        result = ("module", f"{ref[1]}.{ref[2]}")
                break
        if result is None and f"{module}.{name}" in self.files:
            result = ("module", f"{module}.{name}")  # a submodule, once imported
        self.cache[key] = result
        return result

    def resolve(self, path: str):
        parts = path.split(".")
        if parts[0] not in self.files:
            return None
        current = ("module", parts[0])
        for part in parts[1:]:
            if current[0] != "module":
                return None
            current = self.lookup(current[1], part)
            if current is None:
                return None
        return current

    def paths(self, tops) -> dict:
        """Every public dotted path from the top packages and the public modules ->
        what it resolves to."""
        out = {}
        queue = collections.deque((name, name) for name in sorted(self.files) if public(name))
        seen = set()
        while queue:
            path, module = queue.popleft()
            if (path, module) in seen:
                continue
            seen.add((path, module))
            names = {bound for bound, _ in self.files[module][1] if bound != "*"}
            names |= {m[len(module) + 1:].split(".")[0] for m in self.files if m.startswith(module + ".")}
            for star in (ref for bound, ref in self.files[module][1] if bound == "*"):
                names |= self._star_names(star)
            is_package, _, exported = self.files[module]
            for name in sorted(names):
                child = f"{path}.{name}"
                if name.startswith("_") or not public(child):
                    continue
                value = self.lookup(module, name)
                if value is None:
                    continue
                if value[0] == "module":
                    parts = child.split(".")
                    if (len(parts) < MAX_DEPTH and len(set(parts)) == len(parts) and parts[0] in tops
                            and (value[1].startswith(module + ".") or _api(module))):
                        queue.append((child, value[1]))
                elif (value[1] == module or value[1].startswith(module + ".") or _api(module)
                      or (exported is not None and name in exported)
                      or ((is_package or module.count(".") == 1) and exported is None)):
                    out[child] = value  # see _exports
        return out

    def _star_names(self, module: str, depth: int = 0) -> set:
        if module not in self.files or depth > 10:
            return set()
        names = {b for b, _ in self.files[module][1] if b != "*" and not b.startswith("_")}
        if self.files[module][2] is not None:
            names = set(self.files[module][2])
        for star in (ref for b, ref in self.files[module][1] if b == "*"):
            names |= self._star_names(star, depth + 1)
        return names


def _literal_all(tree):
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets)
                and isinstance(node.value, (ast.List, ast.Tuple))):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return None


def _api(module: str) -> bool:
    """A generated API module (TF's ``_api.v1``, Keras' ``api``): every name there
    is exported on purpose, modules included."""
    return any(part in ("_api", "api", "_v1", "_v2") for part in module.split("."))


def _wheel_homes(row: str, tops) -> list:
    if row.startswith("keras."):
        return [top + row[len("keras"):] for top in tops if top in ("keras", "tf_keras")] + (
            ["tensorflow." + row] if "tensorflow" in tops else [])
    return [row] if row.split(".")[0] in tops else []


def from_wheel(spec: str, packages, renames, cache: Path) -> tuple:
    """(source, triples) from one pinned wheel read as source."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import pinned_wheels

    name, _, version = spec.partition("==")
    wheel, output = pinned_wheels.download(spec, cache)
    if wheel is None and name.startswith("tensorflow"):
        done = pinned_wheels.quiet([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                                    *WHEEL_PLATFORM, spec, "-d", str(cache)])
        wheel, output = next(iter(sorted(cache.glob(f"{name.replace('-', '_')}-{version}-*.whl"))), None), done.stderr
    if wheel is None:
        sys.exit(f"cannot download {spec}: {output.strip().splitlines()[-1:]}")
    source = f"{name.split('-')[0]}-{version}"
    modules = Modules()
    with tempfile.TemporaryDirectory() as unpacked, zipfile.ZipFile(wheel) as archive:
        wanted = tuple(p + "/" for p in packages)
        archive.extractall(unpacked, [m for m in archive.namelist() if m.startswith(wanted) and m.endswith(".py")])
        modules.add(Path(unpacked), packages, renames)
    tops = {n.split(".")[0] for n in modules.files}
    targets = collections.defaultdict(set)
    for row in rows():
        for home in _wheel_homes(row, tops):
            value = modules.resolve(home)
            if value is not None and value[0] == "def":
                targets[value].add(row)
    found = set()
    for target, names in targets.items():
        defined = f"{target[1]}.{target[2]}"
        if public(defined):
            found |= {(row, defined, source) for row in names}
    for path, value in modules.paths(tops).items():
        found |= {(row, path, source) for row in targets.get(value, ())}
    return source, found


# --------------------------------------------------------------------------- the listing


def render(sources: dict, triples: set) -> str:
    lines = [
        "# Every public spelling of the framework functions and classes that vocabulary rows name:",
        "# row alias source[,source...]. Written by scripts/framework_surface.py; do not edit.",
        "# tests/test_framework_surface.py checks that each alias resolves to its row.",
    ]
    lines += [f"# source {name} {how}" for name, how in sorted(sources.items())]
    grouped = collections.defaultdict(set)
    for row, alias, source in triples:
        grouped[(row, alias)].add(source)
    lines += [f"{row} {alias} {','.join(sorted(s))}" for (row, alias), s in sorted(grouped.items())]
    return "\n".join(lines) + "\n"


def parse(text: str) -> tuple:
    sources, triples = {}, set()
    for line in text.splitlines():
        if line.startswith("# source "):
            _, _, name, how = line.split(" ", 3)
            sources[name] = how
        elif line and not line.startswith("#"):
            row, alias, names = line.split(" ")
            triples |= {(row, alias, source) for source in names.split(",")}
    return sources, triples


def _labelled(versions: dict, found: set) -> tuple:
    sources = {f"{name}-{version}": "imported" for name, version in versions.items()}
    label = {name: f"{name}-{version}" for name, version in versions.items()}
    return sources, {(row, alias, label[source]) for row, alias, source in found}


def check() -> int:
    """0 when the imported part of the listing matches the installed frameworks."""
    sources, triples = parse(LISTING.read_text())
    versions, found = imported()
    now_sources, now = _labelled(versions, found)
    problems = []
    for name in versions:
        listed = [s for s, how in sources.items() if how == "imported" and s.split("-")[0] == name]
        if listed != [f"{name}-{versions[name]}"]:
            problems.append(f"{name} {versions[name]} is installed; the listing was made with {listed or 'none'}")
    if not problems:
        old = {t for t in triples if t[2] in now_sources}
        problems += [f"new alias: {' '.join(t)}" for t in sorted(now - old)]
        problems += [f"gone: {' '.join(t)}" for t in sorted(old - now)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{LISTING.relative_to(ROOT)} is out of date: rerun scripts/framework_surface.py")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare the imported part with the installed frameworks")
    parser.add_argument("--wheels", default=str(Path.home() / ".cache" / "headlint-wheels"), help="where to keep wheels")
    args = parser.parse_args()
    if args.check:
        return check()
    versions, found = imported()
    sources, triples = _labelled(versions, found)
    for spec, packages, renames in WHEELS:
        source, more = from_wheel(spec, packages, renames, Path(args.wheels))
        sources[source] = "wheel (read as source)"
        triples |= more
    LISTING.parent.mkdir(parents=True, exist_ok=True)
    LISTING.write_text(render(sources, triples))
    print(f"{LISTING.relative_to(ROOT)}: {len({(r, a) for r, a, _ in triples})} aliases of {len({r for r, _, _ in triples})} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
