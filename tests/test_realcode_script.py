"""scripts/realcode.py end to end, offline: cases pinned in a manifest are
materialised from a local snapshot (a git directory laid out as the fetch tool
leaves it), checked by the installed headlint, and scored."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = """\
import torch.nn as nn

model = nn.Sequential(nn.Linear(8, 4), nn.Softmax(dim=1))
"""
TRAIN = """\
import torch.nn as nn
from model import model

criterion = nn.CrossEntropyLoss()
for x, y in loader:
    loss = criterion(model(x), y)
"""
CLEAN = """\
import torch.nn as nn

net = nn.Sequential(nn.Linear(8, 4), nn.LogSoftmax(dim=1))
loss = nn.NLLLoss()(net(x), y)
"""


@pytest.fixture
def realcode(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("realcode_script", ROOT / "scripts" / "realcode.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "MANIFESTS", tmp_path / "manifests")
    return module


def snapshot(mirror: Path, repo: str, files: dict) -> str:
    """A bare git directory at <mirror>/<owner>+<name>/repo with one commit of ``files``."""
    work = mirror / "work"
    work.mkdir(parents=True)
    for name, text in files.items():
        (work / name).write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "c"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    bare = mirror / repo.replace("/", "+") / "repo"
    bare.parent.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return commit


def manifest(path: Path, cases: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for case in cases:
        lines.append("[[case]]")
        for key, value in case.items():
            lines.append(f"{key} = {value!r}".replace("'", '"') if not isinstance(value, int) else f"{key} = {value}")
        lines.append("")
    path.write_text("\n".join(lines))


def test_a_two_file_case_is_found_and_a_clean_one_stays_clean(realcode, tmp_path, capsys):
    mirror = tmp_path / "mirror"
    commit = snapshot(mirror, "someone/project", {"model.py": MODEL, "train.py": TRAIN, "clean.py": CLEAN})
    base = {"repo": "someone/project", "commit": commit, "framework": "torch"}
    manifest(realcode.MANIFESTS / "torch.toml", [
        {"id": "buggy", **base, "paths": ["model.py", "train.py"], "rule": "HL001", "path": "model.py",
         "line": 3, "loss_path": "train.py", "loss_line": 6, "reason": "softmax into CrossEntropyLoss"},
        {"id": "missed", **base, "paths": ["clean.py"], "rule": "HL004", "path": "clean.py",
         "line": 3, "reason": "a case the engine does not find"},
        {"id": "clean", **base, "paths": ["clean.py"], "rule": "", "path": "clean.py",
         "line": 3, "reason": "log_softmax into NLLLoss"},
    ])
    status = realcode.main(["--mirror", str(mirror), "--verbose"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "HL001  1/1 (100%)" in out
    assert "HL004  0/1 (0%)" in out
    assert "all buggy cases: 1/2 (50%)" in out
    assert "false alarms on clean look-alikes: 0" in out
    assert "missed: 1\n  missed: HL004 someone/project clean.py:3" in out


def test_a_missing_snapshot_is_reported_and_fails(realcode, tmp_path, capsys):
    manifest(realcode.MANIFESTS / "torch.toml", [
        {"id": "gone", "repo": "someone/gone", "commit": "0" * 40, "framework": "torch", "paths": ["a.py"],
         "rule": "HL001", "path": "a.py", "line": 1, "reason": "r"},
    ])
    assert realcode.main(["--mirror", str(tmp_path / "nothing")]) == 2
    assert "no snapshot of someone/gone" in capsys.readouterr().out


def test_a_case_may_annotate_where_the_activation_module_was_created(realcode):
    """The finding points at the call in forward; the case at the module's creation."""
    finding = {"code": "HL001", "path": "net.py", "line": 12, "file_line": None, "related": [
        {"message": "loss applied here", "path": "train.py", "line": 30, "file_line": None},
        {"message": "activation created here", "path": "net.py", "line": 7, "file_line": None},
    ]}
    case = {"rule": "HL001", "path": "net.py", "line": 7, "loss_path": "train.py", "loss_line": 31}
    assert realcode.matches(case, finding)
    assert not realcode.matches({**case, "line": 3}, finding)
    # a loss location is not where the head is
    assert not realcode.matches({**case, "path": "train.py", "line": 30, "loss_line": 99}, finding)


def test_a_case_may_annotate_where_forward_applies_a_raw_layer(realcode):
    """A raw-output finding points at the layer's construction; the case at forward's call."""
    finding = {"code": "HL006", "path": "models.py", "line": 59, "file_line": None, "related": [
        {"message": "layer applied here", "path": "models.py", "line": 65, "file_line": None},
    ]}
    assert realcode.matches({"rule": "HL006", "path": "models.py", "line": 65}, finding)
    assert realcode.matches({"rule": "HL006", "path": "models.py", "line": 59}, finding)
