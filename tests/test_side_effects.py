"""headlint has no side effects on what it checks: it writes nothing in the checked
tree, opens no network connection and executes none of the checked code (module
top levels, ``__init__.py``, ``conftest.py``, ``setup.py``, files named like the
frameworks it imports, a notebook's cells, shell escapes and %%bash cells), with
``--confirm`` (which imports torch and TensorFlow) too."""

import hashlib
import json
import os
import re
import stat
import textwrap

import pytest

from cli_helpers import headlint

# Each file, if it were ever executed or imported, leaves a marker in MARKERS (outside
# the tree) and one in the current directory (the tree: caught by the listing).
TRAP = """
import pathlib as _pathlib
_pathlib.Path({markers!r}, {name!r}.replace("/", "_")).write_text("executed")
_pathlib.Path("ran-" + {name!r}.replace("/", "_")).write_text("executed")
"""
TORCH_BUG = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(64, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
KERAS_BUG = """from tensorflow import keras

one_unit = keras.Sequential([keras.layers.Dense(1, activation="softmax")])
one_unit.compile(loss="binary_crossentropy", optimizer="adam")
"""
TREE = {
    "train.py": TORCH_BUG,
    "keras_model.py": KERAS_BUG,
    "pkg/__init__.py": "import torch\n",
    "pkg/net.py": "from . import layers\n" + TORCH_BUG.replace("(64, 10)", "(64, 1)"),
    "conftest.py": "import torch\nimport pytest\n",
    "setup.py": "from setuptools import setup\nimport torch\n",
    "sitecustomize.py": "import torch\n",
    "usercustomize.py": "import torch\n",
    # named like what --confirm imports: shadowing them would run them
    "torch.py": "import torch\n",
    "tensorflow.py": "import tensorflow\n",
    "keras.py": "import keras\n",
    "numpy.py": "import torch\n",
}
EXPECTED = {("train.py", "HL001"), ("keras_model.py", "HL004"), ("pkg/net.py", "HL004"), ("analysis.ipynb", "HL001")}


def notebook(markers):
    """A notebook whose cells would leave markers if run: Python, a shell escape and
    a %%bash cell."""
    def cell(source):
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": source.splitlines(keepends=True)}
    trap = TRAP.format(markers=markers, name="analysis.ipynb")
    cells = [cell(f"!touch {markers}/shell-escape\n" + TORCH_BUG + trap), cell(f"%%bash\ntouch {markers}/bash-cell\n")]
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    return json.dumps({"cells": cells, "metadata": kernel, "nbformat": 4, "nbformat_minor": 5}, indent=1)

# Loaded by every Python process that headlint starts (PYTHONPATH): records each
# attempt to reach the network, and refuses it.
NO_NETWORK = '''
import os
import socket

_LOG = os.environ["HEADLINT_TEST_NETWORK_LOG"]


def _record(line):
    with open(_LOG, "a") as log:
        log.write(line + "\\n")


def _refused(*args, **kwargs):
    _record("network: " + repr(args[1:] or kwargs)[:200])
    raise OSError("no network in this test")


def _refused_lookup(*args, **kwargs):
    _record("lookup: " + repr(args)[:200])
    raise socket.gaierror(socket.EAI_NONAME, "no network in this test")


socket.socket.connect = _refused
socket.socket.connect_ex = _refused
socket.socket.sendto = _refused
socket.getaddrinfo = _refused_lookup
socket.gethostbyname = _refused_lookup
_record("loaded")
'''


def listing(root):
    """Every entry under root (root included, nothing excluded): its type, size,
    mtime and, for files, a hash of the content."""
    seen = {}
    for directory, dirs, files in os.walk(root):
        for name in [".", *dirs, *files]:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            digest = None
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            seen[os.path.relpath(path, root)] = (stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns, digest)
    return seen


@pytest.fixture
def trapped(tmp_path):
    tree, markers, site = tmp_path / "tree", tmp_path / "markers", tmp_path / "site"
    for folder in (tree, markers, site):
        folder.mkdir()
    for name, code in TREE.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(code + TRAP.format(markers=str(markers), name=name))
    (tree / "analysis.ipynb").write_text(notebook(str(markers)))
    (tree / "pyproject.toml").write_text('[tool.headlint]\nextend-exclude = ["build/"]\n')
    (site / "sitecustomize.py").write_text(textwrap.dedent(NO_NETWORK))
    return tree, markers, site, tmp_path / "network.log"


@pytest.mark.parametrize("args", [
    [],
    ["-j", "2", "--no-cache"],
    pytest.param(["--confirm", "--device", "cpu"], marks=pytest.mark.slow),  # imports torch
    ["--output-format", "sarif", "--statistics", "-j", "2"],
    ["--diff", "--unsafe-fixes"],  # says what --fix would change, writes nothing
], ids=["check", "jobs-no-cache", "confirm", "sarif-jobs", "diff"])
def test_no_writes_no_network_no_execution(trapped, args):
    tree, markers, site, network_log = trapped
    before = listing(tree)
    env = {
        "PYTHONPATH": str(site),
        "HEADLINT_TEST_NETWORK_LOG": str(network_log),
        "HOME": str(tree.parent / "home"),  # Keras keeps its keras.json there: not in the tree
        "KERAS_BACKEND": "tensorflow",
    }
    result = headlint("check", *args, ".", cwd=tree, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    if "--diff" in args:
        assert "+++ train.py" in result.stdout and "analysis.ipynb" in result.stdout
    elif "sarif" in args:
        found = {
            (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
            for r in json.loads(result.stdout)["runs"][0]["results"]
        }
        assert found == EXPECTED
    else:
        reported = {(line.split(":")[0], re.search(r": (HL\d+) ", line).group(1))
                    for line in result.stdout.splitlines() if re.search(r": HL\d+ ", line) and not line.startswith(" ")}
        assert reported == EXPECTED
        if "--confirm" in args:
            assert result.stdout.count("= confirmed (") == 4, result.stdout
    after = listing(tree)
    if "--no-cache" in args:
        assert after == before
    else:  # the cache, and nothing else: the tree's own entries are untouched
        cache = {name for name in after if name.startswith(".headlint_cache")}
        assert ".headlint_cache/cache.db" in cache
        assert {k: v for k, v in after.items() if k not in cache and k != "."} == {
            k: v for k, v in before.items() if k != "."
        }
    assert sorted(os.listdir(markers)) == []
    logged = network_log.read_text().splitlines()
    assert logged and set(logged) == {"loaded"}, logged  # the guard was in place, and never called
