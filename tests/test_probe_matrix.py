"""The probe matrix: every rule x framework x Keras backend, under varied numerics.

For each, a head with the mistake must be confirmed and its corrected twin refuted
(tests/probe_matrix.py holds the heads). Each run confirms all of its framework's
cases once, and every case is its own test. torch runs in the test's process (the
numerics set and put back around it); Keras in one process per run: it picks its
backend once per process, and TensorFlow reads TF_ENABLE_ONEDNN_OPTS once. The
numerics vary between runs (oneDNN kernels on and off, float64, another seed) and
the verdicts must not change with them."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import probe_matrix
from headlint.confirm import keras_probes, torch_probes

pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # Keras in processes of its own, probes training models
HERE = Path(__file__).resolve().parent
OTHER = {"HEADLINT_MATRIX_SEED": "1", "HEADLINT_MATRIX_FLOAT64": "1"}  # another seed, float64

RUNS = {
    "torch": ("torch", {}),
    "torch-float64-seed1": ("torch", OTHER),
    "keras-tensorflow-onednn": ("keras", {"KERAS_BACKEND": "tensorflow", "TF_ENABLE_ONEDNN_OPTS": "1"}),
    "keras-tensorflow-no-onednn-float64-seed1": ("keras", {"KERAS_BACKEND": "tensorflow", "TF_ENABLE_ONEDNN_OPTS": "0", **OTHER}),
    "keras-torch": ("keras", {"KERAS_BACKEND": "torch"}),
    "keras-jax": ("keras", {"KERAS_BACKEND": "jax"}),
}
CASES = {"torch": list(probe_matrix.torch_cases()), "keras": list(probe_matrix.keras_cases("tensorflow"))}


def needs(run):
    framework, env = RUNS[run]
    wanted = ["torch"] if framework == "torch" else ["keras", env["KERAS_BACKEND"]]
    return [name for name in wanted if importlib.util.find_spec(name) is None]


def computed(run):
    """The run's matrix, {case: [mistake's status, twin's status, summaries]}."""
    missing = needs(run)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install {' '.join(missing)})")
    framework, extra = RUNS[run]
    if framework == "torch":
        with probe_matrix.numerics("torch", extra.get("HEADLINT_MATRIX_SEED"), extra.get("HEADLINT_MATRIX_FLOAT64") == "1"):
            return probe_matrix.matrix("torch")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}
    out = subprocess.run(
        [sys.executable, str(HERE / "probe_matrix.py"), framework], capture_output=True, text=True, env=env, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (line,) = [line for line in out.stdout.splitlines() if line.startswith("@matrix ")]
    return json.loads(line[len("@matrix "):])


@pytest.fixture(scope="session")
def matrices():
    """Each run computed once, by the first of its tests (pytest-xdist runs this
    file on one worker: pyproject.toml, --dist loadfile)."""
    done = {}

    def of(run):
        if run not in done:
            try:
                done[run] = ("ok", computed(run))
            except BaseException as failure:  # noqa: BLE001 - every test of the run reports it
                done[run] = ("failed", failure)
        state, value = done[run]
        if state == "failed":
            raise value
        return value

    return of


@pytest.mark.parametrize("run", list(RUNS))
def test_every_rule_with_a_probe_is_in_the_matrix(run, matrices):
    probes = torch_probes.PROBES if RUNS[run][0] == "torch" else keras_probes.PROBES
    assert {case.split()[0] for case in matrices(run)} == set(probes)


@pytest.mark.parametrize("run,case", [(run, case) for run in RUNS for case in CASES[RUNS[run][0]]])
def test_a_mistake_is_confirmed_and_its_corrected_twin_refuted(run, case, matrices):
    bad, good, bad_summary, good_summary = matrices(run)[case]
    assert (bad, good) == ("confirmed", "refuted"), json.dumps({"mistake": (bad, bad_summary), "twin": (good, good_summary)}, indent=1)
