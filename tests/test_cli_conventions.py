"""The command-line conventions ruff users type without thinking, with ruff's
meaning: rule selection over the configuration, file selection (exclude,
per-file-ignores, force-exclude), standard input, --exit-zero, --output-file,
--show-settings / --show-files, and configuration errors that suggest the near
spelling."""

import json
import os
import subprocess
import textwrap

import pytest

from cli_helpers import HEADLINT, headlint, run_cli
from test_project import LOOP, MODELS, TRAIN, write

BUGGY = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
FINDING = ":4:42: HL001"


def config(root, text):
    (root / "pyproject.toml").write_text("[tool.headlint]\n" + text)


def piped(*args, text, cwd):
    """``headlint ARGS`` with ``text`` on standard input."""
    return subprocess.run(
        [str(HEADLINT), *map(str, args)], input=text, capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def project(tmp_path):
    write(tmp_path, {"buggy.py": BUGGY, "generated/net.py": BUGGY, "tests/test_net.py": BUGGY})
    return tmp_path


# -- rule selection ---------------------------------------------------------------


def test_select_on_the_command_line_replaces_the_configured_ignore(project):
    config(project, 'ignore = ["HL001"]\n')
    assert run_cli("check", "buggy.py", cwd=project).returncode == 0
    result = run_cli("check", "--select", "HL001", "buggy.py", cwd=project)
    assert result.returncode == 1 and "buggy.py" + FINDING in result.stdout


def test_ignore_and_extend_select_add_to_the_configured_selection(project):
    config(project, 'ignore = ["HL001"]\n')
    # --ignore adds to the configuration's ignores (it does not replace them)
    assert run_cli("check", "--ignore", "HL004", "buggy.py", cwd=project).returncode == 0
    assert run_cli("check", "--extend-select", "HL001", "buggy.py", cwd=project).returncode == 1
    config(project, 'select = ["HL004"]\n')
    assert run_cli("check", "--extend-select", "HL00", "buggy.py", cwd=project).returncode == 1


@pytest.mark.parametrize("args, exit_code", [
    (["--select", "ALL", "--ignore", "HL001"], 0),
    (["--ignore", "ALL", "--select", "HL001"], 1),  # the code is more specific than ALL
    (["--select", "HL001", "--ignore", "HL00"], 1),
    (["--select", "HL00", "--ignore", "HL001"], 0),
    (["--select", "HL001", "--ignore", "HL001"], 0),  # a tie: ignore wins
    (["--extend-ignore", "HL001"], 0),  # ruff's old name for --ignore
    (["--select", "hl001,HL004"], 1),
])
def test_prefixes_all_and_the_more_specific_selector(project, args, exit_code):
    assert run_cli("check", *args, "buggy.py", cwd=project).returncode == exit_code


# -- file selection ---------------------------------------------------------------


def test_an_excluded_file_named_on_the_command_line_is_checked_unless_force_exclude(project):
    config(project, 'exclude = ["generated/"]\n')
    assert "generated/net.py" not in run_cli("check", ".", cwd=project).stdout
    named = run_cli("check", "generated/net.py", cwd=project)
    assert named.returncode == 1 and "generated/net.py" + FINDING in named.stdout
    assert run_cli("check", "generated", cwd=project).returncode == 1  # a named folder too, as in ruff
    forced = run_cli("check", "--force-exclude", "generated/net.py", cwd=project)
    assert forced.returncode == 0 and "excludes every one found" in forced.stderr
    config(project, 'exclude = ["generated/"]\nforce-exclude = true\n')
    assert run_cli("check", "generated/net.py", cwd=project).returncode == 0
    assert run_cli("check", "--no-force-exclude", "generated/net.py", cwd=project).returncode == 1


def test_a_pattern_below_a_named_folder_still_excludes(project):
    config(project, 'exclude = ["generated/net.py"]\n')
    write(project, {"generated/other.py": BUGGY})
    result = run_cli("check", "--show-files", "generated", cwd=project)
    assert result.stdout.splitlines() == ["generated/other.py"]


def test_exclude_replaces_and_extend_exclude_adds(project):
    config(project, 'exclude = ["generated/"]\n')
    files = run_cli("check", "--show-files", ".", cwd=project)
    assert files.returncode == 0 and files.stdout.splitlines() == ["buggy.py", "tests/test_net.py"]
    replaced = run_cli("check", "--show-files", "--exclude", "tests,buggy.py", ".", cwd=project)
    assert replaced.stdout.splitlines() == ["generated/net.py"]
    added = run_cli("check", "--show-files", "--extend-exclude", "tests/", ".", cwd=project)
    assert added.stdout.splitlines() == ["buggy.py"]


def test_per_file_ignores_on_the_command_line_in_ruffs_form(project):
    config(project, 'per-file-ignores = { "buggy.py" = ["HL001"] }\n')
    assert "buggy.py:" not in run_cli("check", ".", cwd=project).stdout
    # --per-file-ignores replaces the configuration's mapping; comma-separated PATTERN:CODE pairs
    result = run_cli("check", "--per-file-ignores", "tests/*:HL001,generated/*:HL00", ".", cwd=project)
    assert [line.split(":")[0] for line in result.stdout.splitlines() if FINDING in line] == ["buggy.py"]
    # --extend-per-file-ignores adds to it; flake8's PATTERN:CODE,CODE is read as well
    result = run_cli("check", "--extend-per-file-ignores", "tests/*:HL004,HL001", ".", cwd=project)
    assert [line.split(":")[0] for line in result.stdout.splitlines() if FINDING in line] == ["generated/net.py"]


def test_a_per_file_ignore_by_prefix_applies(project):
    config(project, 'per-file-ignores = { "tests/*" = ["HL0"] }\n')
    assert run_cli("check", "tests", cwd=project).returncode == 0


@pytest.mark.parametrize("value", ["tests/*", "a:b:HL001", ":HL001"])
def test_a_per_file_ignore_that_is_not_a_pair_is_a_usage_error(project, value):
    result = run_cli("check", "--per-file-ignores", value, ".", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("headlint: error: --per-file-ignores: expected PATTERN:CODE")


# -- standard input ---------------------------------------------------------------


def test_standard_input_without_a_name_is_reported_as_dash(project):
    result = piped("check", "-", text=BUGGY, cwd=project)
    assert result.returncode == 1 and "-" + FINDING in result.stdout
    assert not (project / ".headlint_cache").exists()  # no cache for standard input


def test_standard_input_is_checked_as_if_at_the_stdin_filename(tmp_path):
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/models.py": MODELS})
    train = TRAIN["relative"] + LOOP  # pkg/train.py does not exist: only its text, on stdin
    result = piped("check", "--output-format", "json", "--stdin-filename", "pkg/train.py", "-", text=train, cwd=tmp_path)
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["path"]) for f in found] == [("HL001", "pkg/models.py")]  # its import was followed
    assert ("loss applied here", "pkg/train.py", 9) in {(r["message"], r["path"], r["line"]) for r in found[0]["related"]}
    assert not (tmp_path / "pkg" / "train.py").exists() and not (tmp_path / ".headlint_cache").exists()


def test_standard_input_is_read_by_the_files_that_import_it(tmp_path):
    # an editor's unsaved buffer of pkg/models.py: pkg/train.py, on disk, applies the
    # loss, and reads the buffer's text, not the file's
    write(tmp_path, {"pyproject.toml": "", "pkg/__init__.py": "", "pkg/train.py": TRAIN["relative"] + LOOP,
                     "pkg/models.py": MODELS.replace("nn.functional.softmax(self.fc(x), dim=1)", "self.fc(x)")})
    buffer = textwrap.dedent(MODELS).replace("        return nn.functional", "        x = x * 1\n        return nn.functional")
    result = piped("check", "--output-format", "json", "--stdin-filename", "pkg/models.py", text=buffer, cwd=tmp_path)
    found = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("HL001", "pkg/models.py", 11)]
    assert piped("check", "--stdin-filename", "pkg/models.py", "--no-importers", text=buffer, cwd=tmp_path).returncode == 0
    # --fix: the fixed text goes to stdout; the importer only reports, and writes nothing
    before = {name: (tmp_path / name).read_text() for name in ("pkg/train.py", "pkg/models.py")}
    fixed = piped("check", "--fix", "--unsafe-fixes", "--stdin-filename", "pkg/models.py", text=buffer, cwd=tmp_path)
    assert fixed.returncode == 1 and fixed.stdout == buffer and "HL001" in fixed.stderr
    assert {name: (tmp_path / name).read_text() for name in before} == before


def test_the_stdin_filename_gets_its_per_file_ignores_and_excludes(project):
    result = piped("check", "--stdin-filename", "tests/test_x.py", text=BUGGY, cwd=project)
    assert result.returncode == 1 and "tests/test_x.py" + FINDING in result.stdout
    config(project, 'per-file-ignores = { "tests/*" = ["HL001"] }\nexclude = ["generated/"]\n')
    assert piped("check", "--stdin-filename", "tests/test_x.py", text=BUGGY, cwd=project).returncode == 0
    # an excluded name is checked as a named file is, unless --force-exclude
    assert piped("check", "--stdin-filename", "generated/x.py", text=BUGGY, cwd=project).returncode == 1
    forced = piped("check", "--force-exclude", "--stdin-filename", "generated/x.py", text=BUGGY, cwd=project)
    assert forced.returncode == 0 and "HL001" not in forced.stdout


def test_other_paths_are_ignored_in_favour_of_standard_input(project):
    result = piped("check", "--stdin-filename", "x.py", "tests", text=BUGGY, cwd=project)
    assert result.returncode == 1 and "x.py" + FINDING in result.stdout and "tests/" not in result.stdout
    assert "headlint: warning: ignoring file tests in favor of standard input" in result.stderr


def test_a_notebook_on_standard_input_is_read_as_a_notebook(project):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": BUGGY}]
    notebook = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells})
    result = piped("check", "--stdin-filename", "train.ipynb", text=notebook, cwd=project)
    assert result.returncode == 1 and "HL001 [*unsafe] cell 1, line 4, col 42:" in result.stdout
    assert result.stdout.startswith("train.ipynb:1:")  # the line and column in the .ipynb text


def test_fixing_standard_input_prints_the_fixed_text_and_writes_no_file(project):
    result = piped(
        "check", "--fix", "--unsafe-fixes", "--stdin-filename", "buggy.py", text=BUGGY, cwd=project
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == BUGGY.replace(", nn.Softmax(dim=1)", "")
    assert "Fixed 1 finding" in result.stderr  # the report goes beside it, on stderr
    assert (project / "buggy.py").read_text() == BUGGY


def test_undecodable_standard_input_is_an_error_naming_it(project):
    result = subprocess.run(
        [str(HEADLINT), "check", "--stdin-filename", "x.py"], input=b"import torch\nx = '\xff'\n",
        capture_output=True, cwd=project, timeout=120,
    )
    assert result.returncode == 2 and b"headlint: error: x.py: cannot decode as utf-8" in result.stderr


# -- what the run prints and where -------------------------------------------------


def test_exit_zero_with_findings_but_errors_still_exit_2(project):
    result = headlint("check", "--exit-zero", "buggy.py", cwd=project)
    assert result.returncode == 0 and "buggy.py" + FINDING in result.stdout
    assert headlint("check", "-e", "buggy.py", cwd=project).returncode == 0
    (project / "broken.py").write_text("import torch\ndef f(:\n")
    assert headlint("check", "--exit-zero", "buggy.py", "broken.py", cwd=project).returncode == 2
    assert headlint("check", "--exit-zero", "missing.py", cwd=project).returncode == 2
    assert headlint("check", "--exit-zero", "--diff", "--unsafe-fixes", "buggy.py", cwd=project).returncode == 0


def test_output_file_receives_the_report(project):
    result = run_cli("check", "--output-file", "reports/headlint.json", "--output-format", "json", "buggy.py",
                      cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    document = json.loads((project / "reports" / "headlint.json").read_text())  # its folder made
    assert [f["code"] for f in document["findings"]] == ["HL001"]
    result = run_cli("check", "-o", "report.txt", "buggy.py", cwd=project)
    assert result.stdout == "" and "buggy.py" + FINDING in (project / "report.txt").read_text()
    result = run_cli("check", "buggy.py", cwd=project, env={"HEADLINT_OUTPUT_FILE": "env.txt"})
    assert result.stdout == "" and "\x1b[" not in (project / "env.txt").read_text()
    unwritable = run_cli("check", "-o", "buggy.py/report.txt", "buggy.py", cwd=project)  # under a file
    assert unwritable.returncode == 2 and unwritable.stdout == ""
    assert unwritable.stderr.startswith("headlint: error: --output-file: cannot write buggy.py/report.txt: ")


def test_show_settings_prints_what_was_resolved(project):
    config(project, 'ignore = ["HL00"]\nexclude = ["generated/"]\nper-file-ignores = { "tests/*" = ["HL010"] }\n')
    result = run_cli("check", "--show-settings", "--extend-exclude", "old", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Settings path: {project / 'pyproject.toml'}"
    assert 'select = ["HL010", "HL011", "HL012"]  # the rules that run' in lines
    assert 'exclude = ["generated/"]' in lines
    assert f'extend-exclude = ["old (from {project})"]' in lines or 'extend-exclude = ["old"]' in lines
    assert 'per-file-ignores = {"tests/*" = ["HL010"]}' in lines
    assert f'cache-dir = {json.dumps(str(project / ".headlint_cache"))}' in lines
    assert not (project / ".headlint_cache").exists()


def test_show_files_lists_what_would_be_checked(project):
    config(project, 'exclude = ["tests"]\n')
    result = run_cli("check", "--show-files", cwd=project)
    assert result.returncode == 0 and result.stdout.splitlines() == ["buggy.py", "generated/net.py"]
    assert piped("check", "--show-files", "-", text=BUGGY, cwd=project).returncode == 2


# -- errors that suggest the near spelling ------------------------------------------


@pytest.mark.parametrize("toml, message", [
    ('selct = ["HL001"]\n', "[tool.headlint]: unknown key 'selct' (did you mean 'select'?)"),
    ('extend-exlude = ["a"]\n', "unknown key 'extend-exlude' (did you mean 'extend-exclude'?)"),
    ('select = ["HL0001"]\n', "[tool.headlint]: 'select': unknown rule code HL0001 (did you mean HL001?)"),
    ('ignore = ["HL0004"]\n', "'ignore': unknown rule code HL0004 (did you mean HL004?)"),
    ('per-file-ignores = { "tests/*" = ["HL0003"] }\n',
     "'per-file-ignores': 'tests/*': unknown rule code HL0003 (did you mean HL003?)"),
])
def test_a_configuration_error_names_the_file_the_key_and_the_near_spelling(project, toml, message):
    config(project, toml)
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"headlint: error: {project / 'pyproject.toml'}: ")
    assert message in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--select", "HL0001"], "--select: unknown rule code HL0001 (did you mean HL001?)"),
    (["--extend-select", "HL0002"], "--extend-select: unknown rule code HL0002 (did you mean HL002?)"),
    (["--ignore", "HL2"], "--ignore: unknown rule code HL2 (did you mean"),
    (["--per-file-ignores", "tests/*:HL0003"], "--per-file-ignores: unknown rule code HL0003 (did you mean HL003?)"),
])
def test_an_unknown_code_on_the_command_line_suggests_the_near_code(project, args, message):
    result = run_cli("check", *args, "buggy.py", cwd=project)
    assert result.returncode == 2 and result.stderr.startswith("headlint: error: " + message), result.stderr
