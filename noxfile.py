"""Every Python that ``requires-python`` admits: ``nox`` (``pip install nox``).

- ``smoke-3.9`` ... ``smoke-3.13``: install headlint alone (no torch, no
  TensorFlow), check the shipped fixtures (exit 1, findings of every rule) and a
  project whose ``[tool.headlint]`` configuration must be honoured.
- ``tests``: the whole suite on one Python, as the README's test command runs it.

Interpreters are found on PATH or under pyenv (``~/.pyenv/versions/3.X.*``).
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
nox.options.sessions = [f"smoke-{version}" for version in PYTHONS]
nox.options.reuse_existing_virtualenvs = False  # a fresh environment: never a stale headlint


# pyenv builds are not all on PATH: put each version's newest build there, so that
# nox finds ``python3.9`` ... ``python3.13``.
for _version in PYTHONS:
    _found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{_version}.*/bin")))
    if _found:
        os.environ["PATH"] = _found[-1] + os.pathsep + os.environ.get("PATH", "")


CONFIG = """\
[tool.headlint]
select = ["HL004"]
"""
TWO_MISTAKES = """\
import torch.nn as nn

model = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))
other = nn.Sequential(nn.Linear(8, 4), nn.Softmax(dim=1))
loss = nn.CrossEntropyLoss()(other(x), y)
"""


@nox.session(python=PYTHONS)
def smoke(session: nox.Session) -> None:
    session.install(str(ROOT))
    out = session.run("headlint", "check", "--no-cache", "--output-format", "json", "-q", str(ROOT / "fixtures"),
                      success_codes=[1], silent=True)
    document = json.loads(out)
    codes = {finding["code"] for finding in document["findings"]}
    if document["errors"] or codes != {f"HL{n:03d}" for n in range(1, 12)}:
        session.error(f"fixtures: errors {document['errors']}, rules {sorted(codes)}")
    with tempfile.TemporaryDirectory() as project:
        Path(project, "pyproject.toml").write_text(CONFIG)
        Path(project, "model.py").write_text(TWO_MISTAKES)
        with session.chdir(project):
            out = session.run("headlint", "check", "--no-cache", "--output-format", "json", "-q", ".",
                              success_codes=[1], silent=True)
        found = sorted(finding["code"] for finding in json.loads(out)["findings"])
        if found != ["HL004"]:
            session.error(f"[tool.headlint] select = ['HL004'] not honoured: {found}")


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    session.install("torch==2.13.0")
    session.install(f"{ROOT}[test]")
    session.run("python", "-m", "pytest", "-q", str(ROOT / "tests"))
