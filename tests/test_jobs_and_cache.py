"""Worker processes and the result cache change how fast a run is, never what it says."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli_helpers import HEADLINT, headlint

ROOT = Path(__file__).resolve().parent.parent

MODELS = """\
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(20, 10)

    def forward(self, x):
        return self.fc(x).softmax(dim=1)
"""
TRAIN = """\
import torch
from models import Net

model = Net()
criterion = torch.nn.CrossEntropyLoss()
loss = criterion(model(torch.randn(4, 20)), torch.randint(0, 10, (4,)))
"""


def run_json(*args, cwd=ROOT, env=None):
    result = headlint("check", "--output-format", "json", *args, cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_the_output_is_the_same_whatever_the_number_of_workers(tmp_path):
    one = run_json("-j", "1", "--no-cache", "fixtures")
    two = run_json("-j", "2", "--no-cache", "fixtures")
    three = run_json("-j", "3", "--cache-dir", str(tmp_path / "cache"), "fixtures")
    assert one["findings"] and one == two == three


def test_a_warm_run_gives_the_same_result_without_parsing_anything(tmp_path):
    cache = tmp_path / "cache"
    cold = run_json("--cache-dir", str(cache), "fixtures")
    assert (cache / "cache.db").is_file() and (cache / ".gitignore").read_text().strip().endswith("*")
    probe = (
        "import sys\n"
        "sys.path = [p for p in sys.path if p not in ('', '.')]  # the installed headlint, not the checkout\n"
        "from headlint.cli import main\n"
        "try:\n"
        f"    main(['check', '--output-format', 'json', '--cache-dir', {str(cache)!r}, 'fixtures'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('@parsed' if 'libcst' in sys.modules else '@not-parsed')\n"
    )
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    document, _, marker = warm.stdout.rpartition("\n@")
    assert marker.strip() == "not-parsed", warm.stderr
    assert json.loads(document) == cold


def write(root, files):
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))


def test_a_cached_result_follows_changes_to_the_file_and_to_what_it_imports(tmp_path):
    project, cache = tmp_path / "project", str(tmp_path / "cache")
    project.mkdir()
    write(project, {"train.py": TRAIN})

    def codes():
        return [(f["code"], f["path"]) for f in run_json("--cache-dir", cache, ".", cwd=project)["findings"]]

    assert codes() == []  # models.py does not exist yet
    write(project, {"models.py": MODELS})
    assert codes() == [("HL001", "models.py")]  # it appeared: train.py's result is not reused
    assert codes() == [("HL001", "models.py")]  # warm
    write(project, {"models.py": MODELS.replace(".softmax(dim=1)", "")})
    assert codes() == []  # the imported module changed, train.py did not
    write(project, {"train.py": TRAIN.replace("CrossEntropyLoss", "MSELoss"), "models.py": MODELS})
    assert codes() == []  # the file itself changed


def test_settings_are_part_of_the_key(tmp_path):
    cache = str(tmp_path / "cache")
    everything = run_json("--cache-dir", cache, "fixtures/torch")
    only = run_json("--cache-dir", cache, "--select", "HL003", "fixtures/torch")
    assert {f["code"] for f in only["findings"]} == {"HL003"}
    assert run_json("--cache-dir", cache, "fixtures/torch") == everything


@pytest.mark.slow
def test_runs_sharing_one_cache_at_the_same_time_agree(tmp_path):
    cache = str(tmp_path / "cache")
    command = [str(HEADLINT), "check", "--output-format", "json", "-j", "2", "--cache-dir", cache, "fixtures"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 1 for run in runs), [err for _, err in outputs]
    assert all(err == "" for _, err in outputs)
    documents = [json.loads(out) for out, _ in outputs]
    assert documents[0] == documents[1] == documents[2] == run_json("--no-cache", "fixtures")


def test_a_cache_that_cannot_be_created_is_skipped_silently(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = headlint("check", "--cache-dir", str(blocker / "cache"), "fixtures/torch", cwd=ROOT)
    assert result.returncode == 1 and "error" not in result.stderr.lower(), result.stderr
    assert result.stdout == headlint("check", "--no-cache", "fixtures/torch", cwd=ROOT).stdout


def test_the_cache_directory_comes_from_the_environment_or_the_configuration(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    write(project, {"train.py": TRAIN, "models.py": MODELS})
    headlint("check", ".", cwd=project, env={"HEADLINT_CACHE_DIR": str(tmp_path / "from-env")})
    assert (tmp_path / "from-env" / "cache.db").is_file()
    write(project, {"pyproject.toml": '[tool.headlint]\ncache-dir = "build/lint-cache"\n'})
    headlint("check", ".", cwd=project, env={"HEADLINT_CACHE_DIR": ""})
    assert (project / "build" / "lint-cache" / "cache.db").is_file()
    assert not (project / ".headlint_cache").exists()
    assert sorted(os.listdir(project)) == ["build", "models.py", "pyproject.toml", "train.py"]
