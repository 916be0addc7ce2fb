"""scripts/corpus.py end to end, offline: a wheel already in the cache is unpacked,
checked by the installed headlint, and its findings compared with EXPECTED."""

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUGGY = """\
import torch.nn as nn

model = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))
"""


@pytest.fixture
def corpus(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("corpus_script", ROOT / "scripts" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "corpus_script", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("pinned_wheels", None)


def cached_wheel(cache: Path, package, files: dict) -> None:
    """A wheel of exactly the pinned name and version where the script caches wheels,
    so that nothing is downloaded."""
    (cache / "wheels").mkdir(parents=True)
    name = package.name.replace("-", "_")
    with zipfile.ZipFile(cache / "wheels" / f"{name}-{package.version}-py3-none-any.whl", "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)


def test_an_unexpected_finding_fails_and_a_documented_one_passes(corpus, tmp_path, monkeypatch, capsys):
    package = next(p for p in corpus.PACKAGES if p.name == "pytorch-tabnet")
    cached_wheel(tmp_path, package, {
        "pytorch_tabnet/head.py": BUGGY,
        "pytorch_tabnet/clean.py": "import torch\nx = torch.zeros(2).softmax(0)\n",
        "pytorch_tabnet-x.dist-info/METADATA": "Name: pytorch-tabnet\n",
    })
    out = tmp_path / "out.json"
    args = ["--cache-dir", str(tmp_path), "--packages", "pytorch-tabnet", "--json", str(out)]

    assert corpus.main(args) == 1
    printed = capsys.readouterr().out
    assert "pytorch_tabnet/head.py:3:" in printed and "HL004" in printed and "UNEXPECTED" in printed
    report = json.loads(out.read_text())
    assert report["packages"][0]["files"] == 2  # the dist-info is not unpacked
    assert [(f["relative"], f["line"], f["code"]) for f in report["findings"]] == [("pytorch_tabnet/head.py", 3, "HL004")]

    documented = corpus.Expected("pytorch-tabnet", "head.py", "HL004", "nn.Softmax(dim=1)", "a one-unit softmax")
    vanished = corpus.Expected("pytorch-tabnet", "gone.py", "HL001", "F.softmax", "fixed upstream")
    monkeypatch.setattr(corpus, "EXPECTED", (documented, vanished))
    assert corpus.main(args) == 0
    printed = capsys.readouterr().out
    assert "expected: a one-unit softmax" in printed
    assert "did not appear: 1" in printed and "gone.py" in printed


def test_an_expectation_matches_on_package_path_code_and_line_text(corpus):
    expected = corpus.Expected("timm", "models/vit.py", "HL001", "softmax(", "why", line=None)
    finding = {"code": "HL001", "line": 12}
    assert corpus.matches(expected, "timm", "timm/models/vit.py", finding, "return x.softmax(-1)")
    assert not corpus.matches(expected, "torchvision", "timm/models/vit.py", finding, "return x.softmax(-1)")
    assert not corpus.matches(expected, "timm", "timm/models/vit2.py", finding, "return x.softmax(-1)")
    assert not corpus.matches(expected, "timm", "timm/models/vit.py", {"code": "HL004", "line": 12}, "x.softmax(-1)")
    assert not corpus.matches(expected, "timm", "timm/models/vit.py", finding, "return x")
    pinned = corpus.Expected("timm", "models/vit.py", "HL001", "softmax(", "why", line=13)
    assert not corpus.matches(pinned, "timm", "timm/models/vit.py", finding, "return x.softmax(-1)")


def test_include_globs_cross_folders_only_with_two_stars(corpus):
    from pinned_wheels import globs

    keep = globs(["pkg/models/**/*.py", "pkg/loss/*.py"])
    assert keep("pkg/models/a.py") and keep("pkg/models/bert/modeling_bert.py")
    assert keep("pkg/loss/focal.py") and not keep("pkg/loss/sub/focal.py")
    assert not keep("pkg/models/README.md") and not keep("other/models/a.py")


def test_every_package_is_pinned_and_named_once(corpus):
    names = [p.name for p in corpus.PACKAGES]
    assert len(names) == len(set(names))
    assert all(p.version[0].isdigit() and p.include for p in corpus.PACKAGES)
    assert all(e.package in names and e.reason for e in corpus.EXPECTED)
