"""``headlint check --confirm`` from the installed command: evidence attached,
frameworks imported only when needed, the user's code never run."""

import json
import sys

import pytest

from cli_helpers import frameworks_imported, headlint

pytestmark = pytest.mark.slow  # each imports torch or TensorFlow in processes of its own

TORCH_BUG = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(64, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
KERAS_BUGS = """import numpy as np
from tensorflow import keras

one_unit = keras.Sequential([keras.layers.Dense(1, activation="softmax")])
one_unit.compile(loss="binary_crossentropy", optimizer="adam")

double = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
double.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
"""
# Its top level would leave a file behind if anything ever ran it.
TRAP = """import pathlib
import torch
from torch import nn

pathlib.Path("ran-user-code").write_text("headlint executed the checked file")
model = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))
"""


def evidence_of(result):
    return {f["code"]: f["evidence"] for f in json.loads(result.stdout)["findings"]}


def test_torch_findings_are_confirmed_with_numbers(tmp_path):
    (tmp_path / "train.py").write_text(TORCH_BUG)
    text = headlint("check", "--confirm", "--device", "cpu", "train.py", cwd=tmp_path)
    assert text.returncode == 1
    assert "= confirmed (torch 2.13.0, cpu): loss cannot go below" in text.stdout
    result = headlint("check", "--confirm", "--output-format", "json", "train.py", cwd=tmp_path)
    evidence = evidence_of(result)["HL001"]
    assert evidence["status"] == "confirmed"
    assert evidence["framework"] == "torch" and evidence["device"] == "cpu"
    measured = evidence["measurements"]
    assert measured["loss_floor_with_softmax"] > 1.0 > 0.1 > measured["loss_floor_without_softmax"]


def test_keras_evidence_names_the_backend_and_a_neutralised_case_is_refuted(tmp_path):
    (tmp_path / "model.py").write_text(KERAS_BUGS)
    result = headlint("check", "--confirm", "--output-format", "json", "model.py", cwd=tmp_path, env={"KERAS_BACKEND": "tensorflow"})
    evidence = evidence_of(result)
    assert evidence["HL004"]["status"] == "confirmed" and evidence["HL004"]["backend"] == "tensorflow"
    # Keras' TensorFlow backend recovers the logits behind a Keras softmax itself
    assert evidence["HL001"]["status"] == "refuted"
    assert result.returncode == 1  # HL004 still fails the run


def test_a_run_whose_only_findings_are_refuted_passes(tmp_path):
    (tmp_path / "model.py").write_text(KERAS_BUGS.replace("one_unit.compile", "# one_unit.compile").replace("Dense(1, activation=\"softmax\")", "Dense(1, activation=\"sigmoid\")"))
    result = headlint("check", "--confirm", "--output-format", "concise", "model.py", cwd=tmp_path, env={"KERAS_BACKEND": "tensorflow"})
    finding, summary = result.stdout.splitlines()
    assert finding.startswith("model.py:7:") and " [refuted (keras " in finding  # on the finding's own line
    assert "in 1 of 1 file; 1 refuted." in summary
    assert result.returncode == 0


def test_a_missing_framework_is_said_on_the_finding(tmp_path):
    shim = tmp_path / "shim" / "torch"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named torch (simulated)')\n")
    (tmp_path / "train.py").write_text(TORCH_BUG)
    result = headlint("check", "--confirm", "train.py", cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "shim")})
    assert result.returncode == 1
    assert "= not confirmed: torch is not installed" in result.stdout


@pytest.mark.skipif("torch" in sys.modules and sys.modules["torch"].cuda.is_available(), reason="a GPU is present")
def test_cuda_without_a_gpu_is_not_confirmed_and_not_a_crash(tmp_path):
    (tmp_path / "train.py").write_text(TORCH_BUG)
    result = headlint("check", "--confirm", "--device", "cuda", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "not confirmed: CUDA was requested but torch sees no GPU" in result.stdout


def test_confirm_never_runs_the_checked_code(tmp_path):
    (tmp_path / "trap.py").write_text(TRAP)
    result = headlint("check", "--confirm", "trap.py", cwd=tmp_path)
    assert result.returncode == 1 and "HL004" in result.stdout
    assert not (tmp_path / "ran-user-code").exists()


def test_a_run_without_findings_imports_no_framework(tmp_path):
    (tmp_path / "clean.py").write_text(TORCH_BUG.replace(", nn.Softmax(dim=1)", ""))
    assert frameworks_imported("check", "--confirm", tmp_path) == (0, [])


def test_only_the_framework_of_the_findings_is_imported(tmp_path):
    (tmp_path / "train.py").write_text(TORCH_BUG)
    assert frameworks_imported("check", "--confirm", "-q", tmp_path) == (1, ["torch"])


def test_new_rules_are_confirmed_from_the_command(tmp_path):
    (tmp_path / "train.py").write_text(
        """import torch
from torch import nn

double = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())
raw = nn.Sequential(nn.Linear(16, 1))
one = nn.Sequential(nn.Linear(16, 1))
loss = nn.BCEWithLogitsLoss()(double(x), y) + nn.BCELoss()(raw(x), y) + nn.CrossEntropyLoss()(one(x), c)
"""
    )
    result = headlint("check", "--confirm", "--device", "cpu", "--output-format", "json", "train.py", cwd=tmp_path)
    assert result.returncode == 1
    evidence = evidence_of(result)
    assert sorted(evidence) == ["HL005", "HL007", "HL010"]
    assert all(e["status"] == "confirmed" for e in evidence.values()), evidence
    assert evidence["HL007"]["measurements"]["raises"] == 1.0


def test_keras_backends_give_one_verdict_per_backend(tmp_path):
    (tmp_path / "model.py").write_text(KERAS_BUGS)
    args = ("check", "--confirm", "--device", "cpu", "--keras-backends", "tensorflow,torch")
    result = headlint(*args, "--output-format", "json", "model.py", cwd=tmp_path, env={"KERAS_BACKEND": "tensorflow"})
    assert result.returncode == 1, result.stderr
    evidence = evidence_of(result)
    verdicts = {code: {b["backend"]: b["status"] for b in e["backends"]} for code, e in evidence.items()}
    # TensorFlow's fit() undoes Keras' softmax before a from_logits=True loss; torch does not
    assert verdicts == {
        "HL001": {"tensorflow": "refuted", "torch": "confirmed"},
        "HL004": {"tensorflow": "confirmed", "torch": "confirmed"},
    }
    # harmful on one backend: the finding is confirmed, and the top level is that backend's
    assert (evidence["HL001"]["status"], evidence["HL001"]["backend"]) == ("confirmed", "torch")
    text = headlint(*args, "model.py", cwd=tmp_path).stdout
    assert "= refuted (keras " in text and " on tensorflow, cpu): " in text
    assert text.count(" on torch, cpu): ") == 2


def test_keras_backends_from_the_configuration(tmp_path):
    (tmp_path / "model.py").write_text(KERAS_BUGS)
    (tmp_path / "pyproject.toml").write_text('[tool.headlint]\nconfirm = true\nkeras-backends = ["torch"]\n')
    result = headlint("check", "--device", "cpu", "--output-format", "json", "model.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    for evidence in evidence_of(result).values():
        assert [b["backend"] for b in evidence["backends"]] == ["torch"]
        assert evidence["status"] == "confirmed"


@pytest.mark.parametrize("value,message", [
    ('"tensorflow,foo"', "unknown keras backend 'foo'"),
    ('["all", "torch"]', "'all' stands alone"),
    ("3", "'keras-backends' must be"),
])
def test_bad_keras_backends_are_named(tmp_path, value, message):
    (tmp_path / "model.py").write_text(KERAS_BUGS)
    (tmp_path / "pyproject.toml").write_text(f"[tool.headlint]\nkeras-backends = {value}\n")
    result = headlint("check", "model.py", cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    flag = headlint("check", "--keras-backends", "theano", "model.py", cwd=tmp_path / "..")
    assert flag.returncode == 2 and "unknown keras backend 'theano'" in flag.stderr


def test_all_means_every_installed_backend():
    from importlib.util import find_spec

    from headlint.confirm import backends

    assert backends.parse("all") == ("all",) and backends.parse(" Torch , jax") == ("torch", "jax")
    expected = tuple(b for b in ("tensorflow", "torch", "jax") if find_spec(b)) if find_spec("keras") else ()
    assert backends.resolve(("all",)) == expected
