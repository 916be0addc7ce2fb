"""The probe matrix: every rule x framework x Keras backend, under varied numerics.

For each, a head with the mistake must be confirmed and its corrected twin refuted
(tests/probe_matrix.py holds the heads). One process per run, which confirms all of
that framework's cases: Keras picks its backend once per process. The numerics vary
between runs (TensorFlow's oneDNN kernels on and off, float64, another seed) and the
verdicts must not change with them."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from headlint.confirm import keras_probes, torch_probes

pytest.importorskip("torch")
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


def needs(run):
    framework, env = RUNS[run]
    wanted = ["torch"] if framework == "torch" else ["keras", env["KERAS_BACKEND"]]
    return [name for name in wanted if importlib.util.find_spec(name) is None]


@pytest.mark.parametrize("run", list(RUNS))
def test_a_mistake_is_confirmed_and_its_corrected_twin_refuted(run):
    missing = needs(run)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install {' '.join(missing)})")
    framework, extra = RUNS[run]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}
    out = subprocess.run(
        [sys.executable, str(HERE / "probe_matrix.py"), framework], capture_output=True, text=True, env=env, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (line,) = [line for line in out.stdout.splitlines() if line.startswith("@matrix ")]
    results = json.loads(line[len("@matrix "):])
    probes = torch_probes.PROBES if framework == "torch" else keras_probes.PROBES
    assert {case.split()[0] for case in results} == set(probes)  # every rule with a probe
    wrong = {
        case: {"mistake": (bad, bad_summary), "twin": (good, good_summary)}
        for case, (bad, good, bad_summary, good_summary) in results.items()
        if (bad, good) != ("confirmed", "refuted")
    }
    assert not wrong, json.dumps(wrong, indent=1)
