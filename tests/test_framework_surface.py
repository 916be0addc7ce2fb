"""Every public spelling of a framework function or class that a vocabulary row names
resolves to that row. tests/data/framework_surface.txt lists the spellings, read
from the frameworks themselves by scripts/framework_surface.py (the installed
torch, Keras 3 and TensorFlow by identity; Keras 2.3.1 and 2.15.0, tf_keras and
TensorFlow 1.15 from their wheels' source)."""

from __future__ import annotations

import collections
import dataclasses
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from headlint import vocabulary as V
from headlint.names import canonical

ROOT = Path(__file__).resolve().parent.parent
LISTING = ROOT / "tests" / "data" / "framework_surface.txt"

# Spellings that deliberately resolve to another row than the object's own, and why.
DELIBERATE = {
    # TF 1's tf.losses.X and TF 2's (Keras') of the same name take (labels, predictions)
    # in the same order: names.canonical reads ``tf.losses.mean_squared_error`` as
    # Keras' and keeps only TF 1's own names apart (vocabulary/tensorflow.py).
    "tensorflow.losses.mean_squared_error": "keras.losses.mean_squared_error",
    "tensorflow.losses.huber_loss": "keras.losses.huber_loss",
}


def _listing() -> dict:
    """alias -> the rows whose object it is."""
    rows = collections.defaultdict(set)
    for line in LISTING.read_text().splitlines():
        if line and not line.startswith("#"):
            row, alias, _sources = line.split(" ")
            rows[alias].add(row)
    return rows


def _tables() -> dict:
    return {name: table for name, table in vars(V).items() if name.isupper() and isinstance(table, (dict, set, frozenset))}


def _meaning(name: str) -> frozenset:
    """What the vocabulary says of a name: its tables and rows, without the
    display spelling (``tf.math.sigmoid`` and ``tf.sigmoid`` are one function
    to headlint though TensorFlow made two objects)."""
    out = set()
    for table_name, table in _tables().items():
        if name in table:
            row = table[name] if isinstance(table, dict) else True
            if dataclasses.is_dataclass(row) and hasattr(row, "display"):
                row = dataclasses.replace(row, display="")
            out.add((table_name, repr(row)))
    return frozenset(out)


def test_the_listing_covers_the_three_frameworks_and_the_old_versions():
    header = [line for line in LISTING.read_text().splitlines() if line.startswith("# source ")]
    sources = {line.split()[2].split("-")[0] for line in header}
    assert {"torch", "keras", "tensorflow", "tf_keras"} <= sources
    assert any(line.startswith("# source keras-2.") for line in header)
    assert any(line.startswith("# source tensorflow-1.") for line in header)


def test_every_listed_row_is_still_a_row():
    """A row removed from the vocabulary leaves the listing stale: rerun the script."""
    known = set().union(*(set(t) for t in _tables().values()))
    listed = set().union(*_listing().values())
    assert listed <= known, f"rerun scripts/framework_surface.py: {sorted(listed - known)[:10]}"


def test_every_public_alias_resolves_to_its_row():
    missing = []
    for alias, rows in sorted(_listing().items()):
        name = canonical(alias)
        if name in rows or DELIBERATE.get(alias) == name:
            continue
        if _meaning(name) and any(_meaning(name) == _meaning(row) for row in rows):
            continue
        missing.append(f"{alias} -> {name}, not {' / '.join(sorted(rows))}")
    assert not missing, f"{len(missing)} spellings miss their row:\n" + "\n".join(missing[:40])


def test_old_keras_and_tensorflow_spellings_are_listed():
    """The spellings issue #21 met in real code, found by the script."""
    rows = _listing()
    assert "keras.utils.to_categorical" in rows["keras.utils.np_utils.to_categorical"]
    assert "keras.layers.Dense" in rows["keras.layers.core.Dense"]
    assert "keras.layers.LeakyReLU" in rows["keras.layers.advanced_activations.LeakyReLU"]
    assert "keras.layers.Dense" in rows["tensorflow.python.keras.layers.Dense"]
    assert "keras.layers.Dense" in rows["tensorflow.compat.v1.keras.layers.Dense"]
    assert "torch.nn.CrossEntropyLoss" in rows["torch.nn.modules.loss.CrossEntropyLoss"]


@pytest.mark.skipif(
    not any(importlib.util.find_spec(name) for name in ("torch", "keras", "tensorflow")),
    reason="no framework installed to compare the listing with",
)
def test_the_listing_is_up_to_date_with_the_installed_frameworks():
    """A framework upgrade that adds or moves a spelling fails here until
    scripts/framework_surface.py is rerun (and the tables cover what it lists)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "framework_surface.py"), "--check"],
        capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
