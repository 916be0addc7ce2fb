"""Every Python that ``requires-python`` admits: ``nox`` (see README, "Development").

    nox -s smoke            install headlint alone (no torch, no TensorFlow) on 3.9-3.13
                            and run the fixtures and a pyproject.toml configuration
    nox -s tests            the whole test suite, on one Python, as the README installs it

The smoke sessions install only headlint and its dependencies, so each takes seconds;
the suite's frameworks are installed once, in the tests session. Interpreters are
looked up on PATH (python3.9 ...) and under pyenv (~/.pyenv/versions/3.X.*).
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
# The same mark tests/test_fixtures.py reads: "# expect: HL001, HL004".
EXPECT = re.compile(r"#\s*expect:\s*(HL\d{3}(?:\s*,\s*HL\d{3})*)")

nox.options.sessions = ["smoke"]
nox.options.reuse_existing_virtualenvs = False  # a fresh environment: never a stale headlint

# pyenv builds are not all on PATH: put each version's newest build there, so that
# nox finds ``python3.9`` ... ``python3.13``.
for _version in PYTHONS:
    _found = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{_version}.*/bin")))
    if _found:
        os.environ["PATH"] = _found[-1] + os.pathsep + os.environ.get("PATH", "")


def expected_findings() -> int:
    """How many findings the fixtures' ``# expect:`` marks announce (notebooks
    included: the mark is in the cell's source, inside the JSON)."""
    total = 0
    for path in sorted([*(ROOT / "fixtures").rglob("*.py"), *(ROOT / "fixtures").rglob("*.ipynb")]):
        for match in EXPECT.finditer(path.read_text(encoding="utf-8")):
            total += len(match.group(1).split(","))
    return total


def run_headlint(session: nox.Session, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``headlint ARGS`` from the session's environment, with its exit code kept
    (session.run would stop the session on exit 1, which is what we check)."""
    exe = Path(session.bin) / "headlint"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@nox.session(python=PYTHONS)
def smoke(session: nox.Session) -> None:
    """headlint alone: the fixtures give exactly the announced findings (exit 1), and
    [tool.headlint] in a pyproject.toml is read (tomllib, or tomli before 3.11)."""
    session.install(str(ROOT))
    session.run("python", "-c", "import sys, headlint; print(sys.version.split()[0], headlint.__version__)")

    result = run_headlint(session, "check", "--no-cache", "--output-format", "json", "fixtures/", cwd=ROOT)
    if result.returncode != 1:
        session.error(f"headlint check fixtures/ exited {result.returncode}, not 1:\n{result.stderr[-2000:]}")
    document = json.loads(result.stdout)
    found, announced = len(document["findings"]), expected_findings()
    if document["errors"] or found != announced:
        session.error(f"fixtures: {found} findings (expected {announced}), errors {document['errors']}")
    session.log(f"fixtures: {found} findings, as announced; exit 1")

    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        (tree / "model.py").write_text(
            "import torch\nfrom torch import nn\n\n"
            "one = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))\n"  # HL004
            "two = nn.Sequential(nn.Linear(8, 10), nn.Softmax(dim=1))\n"
            "loss = nn.CrossEntropyLoss()(two(x), y)\n"  # HL001
        )
        both = run_headlint(session, "check", "--no-cache", "--output-format", "concise", ".", cwd=tree)
        (tree / "pyproject.toml").write_text('[tool.headlint]\nselect = ["HL004"]\n')
        selected = run_headlint(session, "check", "--no-cache", "--output-format", "concise", ".", cwd=tree)
        codes = lambda out: sorted(re.findall(r": (HL\d{3}) ", out.stdout))  # noqa: E731
        if (both.returncode, codes(both)) != (1, ["HL001", "HL004"]):
            session.error(f"without a configuration: {both.returncode} {codes(both)}\n{both.stderr}")
        if (selected.returncode, codes(selected)) != (1, ["HL004"]):
            session.error(f"select = ['HL004'] not honoured: {selected.returncode} {codes(selected)}\n{selected.stderr}")
        (tree / "pyproject.toml").write_text("[tool.headlint]\nselct = []\n")
        bad = run_headlint(session, "check", "--no-cache", ".", cwd=tree)
        if bad.returncode != 2 or "unknown key 'selct'" not in bad.stderr:
            session.error(f"a misspelt key: exit {bad.returncode}, {bad.stderr!r}")
    session.log("configuration: select honoured, an unknown key is exit 2")


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """The whole suite, installed as the README's test command installs it (torch's
    CPU wheel first, so that nothing pulls the CUDA build)."""
    session.install("torch==2.13.0")
    session.install("-e", f"{ROOT}[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs, env={"TF_CPP_MIN_LOG_LEVEL": "2"})
