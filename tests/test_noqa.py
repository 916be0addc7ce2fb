"""``# noqa`` directives from the installed command: HL100 unused-noqa (opt-in, as
ruff's RUF100) and ``--add-noqa``."""

import json
import textwrap

import pytest

from cli_helpers import headlint, run_cli
from test_notebooks import code, notebook, write
from test_project import LOOP, MODELS, TRAIN

BUGGY = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
ONE_UNIT = "one = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))\n"


def concise(*args, cwd):
    result = run_cli("check", "--output-format", "concise", "-q", "--no-cache", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.splitlines()


def with_comment(text, line, comment):
    lines = text.splitlines()
    lines[line - 1] += f"  {comment}"
    return "\n".join(lines) + "\n"


# --- HL100 -----------------------------------------------------------------------


def test_unused_and_unknown_codes_are_reported_when_hl100_is_selected(tmp_path):
    text = with_comment(BUGGY, 4, "# noqa: HL001, HL004, E501")  # HL001 is used there, HL004 is not
    text = with_comment(text, 5, "# noqa: HL999")
    (tmp_path / "net.py").write_text("# headlint: noqa: HL003\n" + text)
    assert concise("--select", "HL", "net.py", cwd=tmp_path) == [
        "net.py:1:1: HL100 Unused `headlint: noqa` directive (unused: `HL003`)",
        "net.py:5:62: HL100 Unused `noqa` directive (unused: `HL004`)",
        "net.py:6:36: HL100 Unused `noqa` directive (unknown: `HL999`)",
    ]


def test_hl100_is_opt_in(tmp_path):
    (tmp_path / "net.py").write_text(with_comment(BUGGY, 5, "# noqa: HL004"))
    assert concise("net.py", cwd=tmp_path)[0].split(": ")[1].startswith("HL001")
    assert len(concise("net.py", cwd=tmp_path)) == 1
    for selection in (["--select", "HL"], ["--select", "HL004,HL100"]):
        assert any(": HL100 " in line for line in concise(*selection, "net.py", cwd=tmp_path)), selection
    (tmp_path / "pyproject.toml").write_text('[tool.headlint]\nextend-select = ["HL100"]\n')
    assert any(": HL100 " in line for line in concise("net.py", cwd=tmp_path))


@pytest.mark.parametrize("comment", [
    "# noqa",  # bare: silences everything, nothing says what for
    "# noqa: E501",  # another tool's code
    "# noqa: HL004, HL100",  # a directive that names HL100 is never judged
])
def test_directives_that_are_left_alone(tmp_path, comment):
    (tmp_path / "net.py").write_text(with_comment(BUGGY, 5, comment))
    assert not any(": HL100 " in line for line in concise("--select", "HL", "net.py", cwd=tmp_path))


def test_a_code_whose_rule_did_not_run_is_not_unused(tmp_path):
    (tmp_path / "net.py").write_text(with_comment(BUGGY, 5, "# noqa: HL004"))
    assert concise("--select", "HL001,HL100", "net.py", cwd=tmp_path) == [
        line for line in concise("--select", "HL001", "net.py", cwd=tmp_path)
    ]
    (tmp_path / "pyproject.toml").write_text('[tool.headlint]\nper-file-ignores = { "net.py" = ["HL004"] }\n')
    assert not any(": HL100 " in line for line in concise("--select", "HL", "net.py", cwd=tmp_path))


def test_hl100_obeys_ignore_and_its_own_suppression(tmp_path):
    (tmp_path / "net.py").write_text(with_comment(BUGGY, 5, "# noqa: HL004"))
    assert not any(": HL100 " in line for line in concise("--select", "HL", "--ignore", "HL100", "net.py", cwd=tmp_path))
    (tmp_path / "net.py").write_text("# headlint: noqa: HL100\n" + with_comment(BUGGY, 5, "# noqa: HL004"))
    assert not any(": HL100 " in line for line in concise("--select", "HL", "net.py", cwd=tmp_path))


def test_a_file_the_pre_filter_skips_has_every_hl_directive_unused(tmp_path):
    (tmp_path / "util.py").write_text("import os  # noqa: HL001\nPATH = os.sep  # noqa: E501\n")
    (tmp_path / "plain.py").write_text("import os\n")
    assert concise("--select", "HL", ".", cwd=tmp_path) == ["util.py:1:12: HL100 Unused `noqa` directive (unused: `HL001`)"]
    assert concise(".", cwd=tmp_path) == []


def test_a_noqa_inside_a_string_is_not_a_directive(tmp_path):
    (tmp_path / "net.py").write_text(BUGGY.replace("import torch\n", 'import torch\nHELP = "write # noqa: HL001"\n'))
    assert not any(": HL100 " in line for line in concise("--select", "HL", "net.py", cwd=tmp_path))


def test_a_directive_used_by_another_files_check_is_not_unused(tmp_path):
    """The softmax in models.py meets its loss in train.py: its HL001 is found while
    train.py is checked, and the directive beside it is used then."""
    files = {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/train.py": TRAIN["relative"] + LOOP,
             "pkg/models.py": MODELS.replace("dim=1)", "dim=1)  # noqa: HL001")}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    assert concise("--select", "HL", ".", cwd=tmp_path) == []
    assert concise("--select", "HL", "-j", "2", "pkg/train.py", "pkg/models.py", cwd=tmp_path) == []
    # models.py alone (a commit staging only it) reads train.py, its importer, as context
    assert concise("--select", "HL", "pkg/models.py", cwd=tmp_path) == []
    # without that context nothing uses the directive
    (alone,) = concise("--select", "HL", "--no-importers", "pkg/models.py", cwd=tmp_path)
    assert alone.startswith("pkg/models.py:10:") and "(unused: `HL001`)" in alone


def test_an_unused_directive_in_a_notebook_cell(tmp_path):
    document = notebook("import torch\nfrom torch import nn\n", "x = 1  # noqa: HL002\n")
    write(tmp_path / "nb.ipynb", document)
    assert concise("--select", "HL", "nb.ipynb", cwd=tmp_path) == [
        "nb.ipynb:19:13: HL100 cell 2, line 1, col 8: Unused `noqa` directive (unused: `HL002`)"
    ]


def test_hl100_is_a_rule_like_the_others(tmp_path):
    listing = run_cli("rules").stdout
    assert any(line.startswith("HL100  unused-noqa") for line in listing.splitlines())
    page = run_cli("explain", "HL100")
    assert page.returncode == 0 and page.stdout.startswith("# HL100 unused-noqa")
    (tmp_path / "net.py").write_text(with_comment(BUGGY, 5, "# noqa: HL004"))
    result = run_cli("check", "--select", "HL", "--output-format", "sarif", "net.py", cwd=tmp_path)
    run = json.loads(result.stdout)["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "HL100" in rules
    assert [(r["ruleId"], rules[r["ruleIndex"]]) for r in run["results"]] == [("HL001", "HL001"), ("HL100", "HL100")]
    statistics = json.loads(run_cli("check", "--select", "HL", "--output-format", "json", "--statistics", "net.py", cwd=tmp_path).stdout)
    assert {"code": "HL100", "name": "unused-noqa", "count": 1} in statistics["statistics"]


# --- --add-noqa --------------------------------------------------------------------


def test_add_noqa_writes_a_directive_on_every_line_with_a_finding(tmp_path):
    text = BUGGY.replace("nn.Softmax(dim=1))\n", "nn.Softmax(\n    dim=1))  # keep me\n") + ONE_UNIT
    text += with_comment(ONE_UNIT.replace("one", "two"), 1, "# noqa: E501 long line")
    (tmp_path / "net.py").write_text(text)
    result = run_cli("check", "--add-noqa", "net.py", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "Added 3 noqa directives.\n")
    assert (tmp_path / "net.py").read_text().splitlines()[3:] == [
        "model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(  # noqa: HL001",
        "    dim=1))  # keep me",
        "criterion = nn.CrossEntropyLoss()",
        "loss = criterion(model(x), y)",
        "one = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))  # noqa: HL004",
        "two = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))  # noqa: E501, HL004 long line",
    ]
    again = run_cli("check", "--select", "HL", "net.py", cwd=tmp_path)
    assert (again.returncode, again.stdout.strip()) == (0, "No findings in 1 file.")
    nothing = run_cli("check", "--add-noqa", "net.py", cwd=tmp_path)
    assert (nothing.returncode, nothing.stderr) == (0, "")


def test_add_noqa_silences_an_unused_directive_but_leaves_a_file_level_one(tmp_path):
    text = "# headlint: noqa: HL003\n" + with_comment(BUGGY, 5, "# noqa: HL004")
    (tmp_path / "net.py").write_text(text)
    result = run_cli("check", "--select", "HL", "--add-noqa", "net.py", cwd=tmp_path)
    assert result.stderr == "Added 2 noqa directives.\n"
    lines = (tmp_path / "net.py").read_text().splitlines()
    assert lines[0] == "# headlint: noqa: HL003"  # to be removed by hand, not silenced
    assert lines[4].endswith("nn.Softmax(dim=1))  # noqa: HL001") and lines[5].endswith("# noqa: HL004, HL100")
    again = concise("--select", "HL", "net.py", cwd=tmp_path)
    assert again == ["net.py:1:1: HL100 Unused `headlint: noqa` directive (unused: `HL003`)"]


def test_add_noqa_keeps_line_endings_and_the_encoding(tmp_path):
    data = ("# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + BUGGY.replace("\n", "\r\n")).encode("latin-1")
    (tmp_path / "net.py").write_bytes(data)
    result = headlint("check", "--add-noqa", "net.py", cwd=tmp_path)
    assert result.stderr == "Added 1 noqa directive.\n"
    assert (tmp_path / "net.py").read_bytes() == data.replace(b"dim=1))\r\n", b"dim=1))  # noqa: HL001\r\n")


def test_add_noqa_merges_codes_into_one_directive(tmp_path):
    (tmp_path / "net.py").write_text("import torch\nfrom torch import nn\n"
                                     "m = nn.Sequential(nn.Linear(8, 9), nn.Softmax(dim=1)); o = nn.Sequential(nn.Linear(8, 1), "
                                     "nn.Softmax(dim=1)); loss = nn.CrossEntropyLoss()(m(x), y)  # noqa: E501\n")
    assert run_cli("check", "--add-noqa", "net.py", cwd=tmp_path).stderr == "Added 1 noqa directive.\n"
    assert (tmp_path / "net.py").read_text().splitlines()[2].endswith("(m(x), y)  # noqa: E501, HL001, HL004")


def test_add_noqa_in_a_notebook_rewrites_only_the_cell(tmp_path):
    document = notebook("import torch\nfrom torch import nn\n", code(ONE_UNIT, [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}]))
    before = write(tmp_path / "nb.ipynb", document)
    result = run_cli("check", "--add-noqa", "nb.ipynb", cwd=tmp_path)
    assert result.stderr == "Added 1 noqa directive.\n"
    after = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    assert after == before.replace('nn.Softmax(dim=1))\\n"', 'nn.Softmax(dim=1))  # noqa: HL004\\n"')
    assert run_cli("check", "nb.ipynb", cwd=tmp_path).returncode == 0


def test_add_noqa_writes_in_the_file_the_finding_is_reported_in(tmp_path):
    for name, text in {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/models.py": MODELS,
                       "pkg/train.py": TRAIN["relative"] + LOOP}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    result = run_cli("check", "--add-noqa", "pkg/train.py", cwd=tmp_path)
    assert result.stderr == "Added 1 noqa directive.\n"
    assert "dim=1)  # noqa: HL001" in (tmp_path / "pkg" / "models.py").read_text()
    assert run_cli("check", "--select", "HL", ".", cwd=tmp_path).stdout.strip() == "No findings in 3 files."


def test_add_noqa_leaves_a_line_that_ends_inside_a_string_and_fails_on_a_broken_file(tmp_path):
    text = BUGGY.replace("nn.Softmax(dim=1))", 'nn.Softmax(dim=1)); doc = """\nnotes\n"""')
    (tmp_path / "net.py").write_text(text)
    (tmp_path / "broken.py").write_text("import torch\ndef f(:\n")
    result = run_cli("check", "--add-noqa", ".", cwd=tmp_path)
    assert result.returncode == 2 and "broken.py: syntax error" in result.stderr
    assert "Added" not in result.stderr
    assert (tmp_path / "net.py").read_text() == text
