"""The command as users meet it: output shape, exit codes, suppression, bad input."""

import json
import subprocess

import pytest

from cli_helpers import HEADLINT, frameworks_imported, headlint, run_cli
from headlint.rules import RULES

BUGGY = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
CLEAN = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_finding_line_has_the_flake8_shape_and_exit_1(project):
    result = headlint("check", "buggy.py", cwd=project)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("buggy.py:4:42: HL001 [*unsafe] softmax output is fed to nn.CrossEntropyLoss (line 6)")
    assert "    4 | model = nn.Sequential" in result.stdout
    assert "loss applied here: buggy.py:6:8" in result.stdout
    assert "= fix (unsafe): " in result.stdout
    assert result.stdout.rstrip().endswith("Found 1 finding (HL001: 1) in 1 of 1 file. [*] 1 fixable with --fix --unsafe-fixes.")


def test_clean_code_exits_0_quietly(project):
    result = headlint("check", "clean.py", cwd=project)
    assert result.returncode == 0
    assert result.stdout.strip() == "No findings in 1 file."
    assert result.stderr == ""


def test_concise_format_is_one_line_per_finding(project):
    result = run_cli("check", "--output-format", "concise", "-q", ".", cwd=project)
    assert result.returncode == 1
    assert len(result.stdout.strip().splitlines()) == 1


def test_directories_are_walked_and_virtualenvs_skipped(project):
    venv = project / ".venv" / "lib"
    venv.mkdir(parents=True)
    (venv / "buggy_copy.py").write_text(BUGGY)
    env_dir = project / "myenv"
    env_dir.mkdir()
    (env_dir / "pyvenv.cfg").write_text("home = /usr\n")
    (env_dir / "buggy_copy.py").write_text(BUGGY)
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 1
    assert "Found 1 finding (HL001: 1) in 1 of 2 files." in result.stdout


@pytest.mark.parametrize("comment", ["# noqa: HL001", "# noqa", "# NOQA:HL001,HL004"])
def test_noqa_suppresses_the_reported_line(project, comment):
    (project / "buggy.py").write_text(BUGGY.replace("nn.Softmax(dim=1))", f"nn.Softmax(dim=1))  {comment}"))
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 0, result.stdout


def test_noqa_for_another_code_does_not_suppress(project):
    (project / "buggy.py").write_text(BUGGY.replace("nn.Softmax(dim=1))", "nn.Softmax(dim=1))  # noqa: HL004"))
    assert run_cli("check", "buggy.py", cwd=project).returncode == 1


def test_select_and_ignore(project):
    assert run_cli("check", "--ignore", "HL001", "buggy.py", cwd=project).returncode == 0
    assert run_cli("check", "--select", "HL004", "buggy.py", cwd=project).returncode == 0
    assert run_cli("check", "--select", "HL00", "buggy.py", cwd=project).returncode == 1
    bad = run_cli("check", "--select", "XX123", "buggy.py", cwd=project)
    assert bad.returncode == 2 and "unknown rule code XX123" in bad.stderr


def test_json_output(project):
    result = headlint("check", "--output-format", "json", ".", cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["files_checked"] == 2
    (finding,) = document["findings"]
    assert finding["code"] == "HL001" and finding["name"] == "double-softmax"
    assert (finding["path"], finding["line"], finding["column"]) == ("buggy.py", 4, 42)
    assert finding["related"][0]["line"] == 6
    assert document["errors"] == []


def test_a_syntax_error_is_reported_and_the_other_files_still_checked(project):
    (project / "broken.py").write_text("import torch\ndef f(:\n    pass\n")
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 2
    assert "broken.py: syntax error at line 2" in result.stderr
    assert "Traceback" not in result.stderr
    assert "buggy.py:4:42: HL001" in result.stdout


def test_undecodable_bytes_are_reported_with_the_offset(project):
    (project / "latin.py").write_bytes(b"import torch\nname = '\xe9t\xe9'\n")
    result = run_cli("check", "latin.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "latin.py: cannot decode as utf-8: byte 0xe9 at offset 21" in result.stderr
    assert "buggy.py:4:42: HL001" in result.stdout


def test_a_declared_encoding_is_honoured(project):
    (project / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + BUGGY.encode() + b"name = '\xe9t\xe9'\n")
    assert run_cli("check", "latin.py", cwd=project).returncode == 1


def test_files_without_a_framework_import_are_not_parsed(project):
    (project / "py2.py").write_text('print "hello"\n')
    result = run_cli("check", "py2.py", "clean.py", cwd=project)
    assert result.returncode == 0


def test_missing_path_is_an_error_but_the_rest_is_checked(project):
    result = run_cli("check", "nope.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "nope.py: no such file or directory" in result.stderr
    assert "buggy.py:4:42: HL001" in result.stdout


def test_an_empty_directory_says_so_and_exits_0(tmp_path):
    result = run_cli("check", tmp_path)
    assert result.returncode == 0
    assert "no Python files found" in result.stderr


def test_a_directory_named_like_a_python_file(project):
    weird = project / "models.py"
    weird.mkdir()
    (weird / "net.py").write_text(BUGGY)
    result = run_cli("check", "models.py", cwd=project)
    assert result.returncode == 1
    assert "net.py:4:42: HL001" in result.stdout


def test_check_imports_neither_torch_nor_tensorflow(project):
    assert frameworks_imported("check", project) == (1, [])


def test_explain_prints_the_rule_page():
    result = run_cli("explain", "hl001")
    assert result.returncode == 0
    assert result.stdout.startswith("# HL001 double-softmax")
    unknown = run_cli("explain", "HL999")
    assert unknown.returncode == 2 and "unknown rule HL999" in unknown.stderr


@pytest.mark.parametrize("rule", ["HL001", "double-softmax", "Double-Softmax", "DOUBLE_SOFTMAX"])
def test_explain_takes_a_code_or_a_name_in_any_case(rule):
    result = run_cli("explain", rule)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# HL001 double-softmax")


@pytest.mark.parametrize(
    "rule, suggested",
    [("double-sofmax", "HL001 (double-softmax)"), ("HL0001", "HL001 (double-softmax)"), ("sigmoidmse", "HL002 (sigmoid-mse)")],
)
def test_explain_suggests_the_nearest_rule(rule, suggested):
    result = run_cli("explain", rule)
    assert result.returncode == 2
    assert f"unknown rule {rule}; did you mean {suggested}?" in result.stderr


def test_top_level_help_shows_whole_sentences():
    result = run_cli("--help")
    assert result.returncode == 0
    # the group's own help: a full description, not one truncated line
    assert "without running it" in result.stdout and "headlint explain HL001" in result.stdout
    commands = result.stdout.split("Commands:\n", 1)[1].splitlines()
    listed = {}
    for line in commands:  # "  name  text", a wrapped text going on indented further
        if line[2:3].strip():
            name, _, text = line.strip().partition(" ")
            listed[name] = text.strip()
        elif line.strip():
            listed[name] += " " + line.strip()
    assert set(listed) == {"check", "explain", "rules", "server"}
    for name, text in listed.items():
        assert text.endswith(".") and not text.endswith("..."), (name, text)


def test_rules_and_version():
    listing = run_cli("rules").stdout.splitlines()
    assert [line.split()[0] for line in listing] == sorted(RULES)  # every registered rule, in order
    assert listing[0].startswith("HL001  double-softmax  ")
    # the summaries start in one column, however long the names
    assert len({line.index(RULES[line.split()[0]].summary) for line in listing}) == 1
    assert run_cli("--version").stdout.strip().startswith("headlint, version ")


def test_usage_errors_exit_2():
    assert run_cli("check", "--output-format", "xml").returncode == 2
    assert headlint("frobnicate").returncode == 2


def test_input_nested_deeper_than_python_accepts_is_an_error_not_a_crash(project):
    (project / "deep.py").write_text("import torch\ny = " + "1+" * 30000 + "1\n")
    result = headlint("check", "deep.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "deep.py: nested too deeply for Python to parse" in result.stderr
    assert "buggy.py:4:42: HL001" in result.stdout


def test_bom_crlf_and_empty_files(project):
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + BUGGY.replace("\n", "\r\n").encode())
    (project / "empty.py").write_bytes(b"")
    result = run_cli("check", "bom.py", "empty.py", cwd=project)
    assert result.returncode == 1
    assert "bom.py:4:42: HL001" in result.stdout


def test_pyproject_configuration_is_read_and_flags_override_it(project):
    (project / "pyproject.toml").write_text(
        '[tool.headlint]\nignore = ["HL001"]\nper-file-ignores = { "legacy/*" = ["HL004"] }\nexclude = ["generated/"]\n'
    )
    assert run_cli("check", "buggy.py", cwd=project).returncode == 0
    # as in ruff: --ignore adds to the configured ignores, --select replaces the selection
    assert run_cli("check", "--ignore", "HL004", "buggy.py", cwd=project).returncode == 0
    assert run_cli("check", "--select", "HL001", "buggy.py", cwd=project).returncode == 1
    for folder in ("generated", "legacy"):
        (project / folder).mkdir()
        (project / folder / "net.py").write_text(BUGGY.replace("nn.Linear(20, 10)", "nn.Linear(20, 1)"))
    result = run_cli("check", "--select", "HL004", ".", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "in 3 files" in result.stdout  # generated/ excluded; legacy/ checked, its HL004 ignored


def test_a_bad_configuration_is_an_error_naming_the_key(project):
    (project / "pyproject.toml").write_text('[tool.headlint]\nselct = ["HL001"]\n')
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "unknown key 'selct'" in result.stderr
    (project / "pyproject.toml").write_text('[tool.headlint]\ndevice = "tpu"\n')
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 2 and "'device' must be one of auto, cpu, cuda" in result.stderr
    (project / "pyproject.toml").write_text('[tool.headlint]\nselect = ["HL999"]\n')
    assert "unknown rule code HL999" in run_cli("check", "buggy.py", cwd=project).stderr


@pytest.mark.parametrize("comment, exit_code", [
    ("# headlint: noqa", 0),
    ("# headlint: noqa: HL001", 0),
    ("# HEADLINT: NOQA: HL004, HL001", 0),
    ("# headlint: noqa: HL004", 1),
    ("x = 1  # headlint: noqa", 1),  # only on a line of its own, as ruff's file-level form
])
def test_file_level_suppression(project, comment, exit_code):
    (project / "buggy.py").write_text(comment + "\n" + BUGGY)
    assert run_cli("check", "buggy.py", cwd=project).returncode == exit_code


def test_the_whole_report_arrives_before_the_quick_exit(tmp_path):
    # The command ends its process without tearing the interpreter down: what
    # it wrote must still be flushed, to the last line, with the exit code.
    for n in range(300):
        (tmp_path / f"m{n}.py").write_text(BUGGY)
    result = run_cli("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert sum(line.startswith("m") and ": HL001 " in line for line in result.stdout.splitlines()) == 300
    assert "Found 300 findings" in (result.stdout + result.stderr)


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    for n in range(300):
        (tmp_path / f"m{n}.py").write_text(BUGGY)
    command = [str(HEADLINT), "check", "--no-cache", "."]  # about 200 KB: more than a pipe holds
    with subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.readline()
        process.stdout.close()  # as ``headlint check . | head -1`` does
        error = process.stderr.read().decode()
        process.wait(timeout=120)
    assert "Traceback" not in error and "Exception ignored" not in error
