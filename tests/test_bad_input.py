"""Bad input through the installed command: whatever is in the tree, headlint says
what it could not check (or checks it) and goes on with the other files; it never
crashes and never hangs. Cases already in test_cli.py (undecodable bytes, a declared
encoding, a BOM with CRLF, an empty file, a directory named like a Python file given
on the command line, input nested deeper than CPython accepts, an empty directory)
are not repeated here."""

import json
import os
import subprocess
import sys
import time

import pytest

from cli_helpers import HEADLINT, headlint, run_cli
from headlint.engine import check_text

BUGGY = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
FINDING = "buggy.py:4:42: HL001"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "buggy.py").write_text(BUGGY)
    return tmp_path


def summary(result) -> str:
    return result.stdout.rstrip().splitlines()[-1]


def test_an_unreadable_file_is_an_error_and_the_rest_is_checked(project):
    secret = project / "secret.py"
    secret.write_text(BUGGY)
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running as a user who can read a chmod 000 file (root)")
        # named on the command line (a usage error from click before) and found by walking
        for args in (["secret.py", "buggy.py"], ["."]):
            result = run_cli("check", *args, cwd=project)
            assert result.returncode == 2, result.stderr
            assert "secret.py: Permission denied" in result.stderr
            assert "Traceback" not in result.stderr
            assert FINDING in result.stdout
            assert "in 1 of 2 files. 1 file could not be checked." in summary(result)
    finally:
        secret.chmod(0o644)


def test_a_folder_that_cannot_be_entered_is_not_an_internal_error(project):
    """Looking for pyproject.toml in it raised PermissionError: an internal error that
    ended the run before any file was checked."""
    locked = project / "locked"
    locked.mkdir()
    (locked / "net.py").write_text(BUGGY)
    locked.chmod(0)
    try:
        if os.access(locked, os.X_OK):
            pytest.skip("running as a user who can enter a chmod 000 folder (root)")
        result = run_cli("check", "locked", "buggy.py", cwd=project)
        assert "internal error" not in result.stderr
        assert result.returncode in (1, 2)  # 1 today: what the folder holds is not seen
        assert FINDING in result.stdout
    finally:
        locked.chmod(0o755)


def test_a_directory_named_like_a_python_file_inside_a_walked_directory(project):
    (project / "models.py").mkdir()
    (project / "models.py" / "net.py").write_text(BUGGY.replace("(20, 10)", "(20, 1)"))
    (project / "empty.py").mkdir()
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 1
    assert result.stderr == ""
    assert FINDING in result.stdout
    assert "models.py/net.py:4:" in result.stdout  # walked into, not read as a file
    assert "in 2 of 2 files." in summary(result)


def test_a_symlink_loop_and_a_broken_symlink_in_a_walked_directory_are_skipped(project):
    (project / "loop_a.py").symlink_to("loop_b.py")
    (project / "loop_b.py").symlink_to("loop_a.py")
    (project / "dangling.py").symlink_to("gone.py")
    (project / "sub").mkdir()
    (project / "sub" / "up").symlink_to("..", target_is_directory=True)  # a directory loop
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 1
    assert result.stderr == ""  # links to nothing are not Python files: nothing to say
    assert FINDING in result.stdout
    assert summary(result).endswith("in 1 of 1 file. [*] 1 fixable with --fix --unsafe-fixes.")
    # named on the command line, they are files that could not be read
    result = run_cli("check", "loop_a.py", "dangling.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "loop_a.py: Too many levels of symbolic links" in result.stderr
    assert "dangling.py: No such file or directory" in result.stderr
    assert FINDING in result.stdout
    assert "in 1 of 3 files. 2 files could not be checked." in summary(result)


def test_an_unknown_declared_encoding_is_an_error(project):
    (project / "klingon.py").write_bytes(b"# -*- coding: klingon -*-\n" + BUGGY.encode())
    result = run_cli("check", "klingon.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert "klingon.py: cannot decode: unknown encoding: klingon" in result.stderr
    assert FINDING in result.stdout


def test_nul_bytes(project):
    (project / "nul.py").write_bytes(b"import torch\nx = 1\x00\n")
    (project / "nul_plain.py").write_bytes(b"import os\nx = 1\x00\n")  # not model code: not parsed
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["headlint: error: nul.py: contains NUL bytes; not a Python source file"]
    assert FINDING in result.stdout
    assert "in 1 of 3 files. 1 file could not be checked." in summary(result)


def _ten_megabytes(first_line: str) -> str:
    line = "weights_{} = [0.125, -0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]  # generated\n"
    return first_line + "".join(line.format(i) for i in range(10_000_000 // len(line) + 1))


def test_a_ten_megabyte_file(project):
    """One importing torch is refused at once with its reason (exit 2); one importing
    no framework is skipped by the pre-filter like any other (a result, exit 0 with
    the others clean). Both take a fraction of a second."""
    (project / "huge_model.py").write_text(_ten_megabytes("import torch\n"))
    (project / "huge_data.py").write_text(_ten_megabytes("import numpy\n"))
    assert (project / "huge_model.py").stat().st_size > 10_000_000
    started = time.monotonic()
    result = run_cli("check", ".", cwd=project)
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["headlint: error: huge_model.py: larger than 5 MB; skipped"]
    assert FINDING in result.stdout
    assert "in 1 of 3 files. 1 file could not be checked." in summary(result)
    assert elapsed < 30  # about 0.3 s; the bound only says it is not parsed
    (project / "huge_model.py").unlink()
    (project / "buggy.py").write_text(BUGGY.replace("nn.Softmax(dim=1)", "nn.ReLU()"))
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No findings in 2 files."


def test_long_and_or_chains_and_dotted_names_are_refused_not_a_segfault(project):
    """CPython keeps ``a and b and ...`` and ``import a.b.c`` flat but libcst nests
    them, and its native parser overflowed the C stack (SIGSEGV, the whole run lost)
    at ~7,000 operands."""
    (project / "chain.py").write_text("import torch\nok = " + " and ".join(["a"] * 20_000) + "\n")
    (project / "dotted.py").write_text("import torch\nimport " + ".".join(["a"] * 20_000) + "\n")
    (project / "dotted1000.py").write_text("import torch\nimport " + ".".join(["a"] * 1_000) + "\n")
    result = headlint("check", ".", cwd=project)
    assert result.returncode == 2, result.stderr
    errors = sorted(result.stderr.splitlines())
    assert errors == [
        "headlint: error: chain.py: nested too deeply to parse at line 2 (an and/or chain or dotted name 20004 levels deep)",
        "headlint: error: dotted.py: nested too deeply to parse at line 2 (an and/or chain or dotted name 20002 levels deep)",
        "headlint: error: dotted1000.py: nested too deeply to parse",
    ]
    assert FINDING in result.stdout
    assert "in 1 of 4 files. 3 files could not be checked." in summary(result)


@pytest.mark.slow
@pytest.mark.parametrize("body", [
    " and ".join(["a"] * 2_000),  # long, but within what libcst parses: checked
    " or ".join("(" + " and ".join(["a"] * 30) + ")" for _ in range(60)),
    "(a and " * 150 + "a" + ")" * 150,
    "1 + " * 2_000 + "1",
    "x" + ".f()" * 1_000,
])
def test_deep_expressions_that_python_accepts_are_checked(body):
    """With a finding in the file, locating it used to fail ("too deeply nested to
    analyse") from ~150 levels of nesting, and its fix was silently not applied from
    ~400: positions were resolved and fixes applied at Python's default recursion limit."""
    text = "import torch\nfrom torch import nn\nok = " + body + "\n" + BUGGY
    result = check_text(text)
    assert result.error is None, result.error
    assert [f.code for f in result.findings] == ["HL001"]
    fixed = check_text(text, fix="unsafe")
    assert fixed.error is None and fixed.findings == []
    assert [f.code for f in fixed.fixed] == ["HL001"]


def test_python2_print_statements_are_read_as_python3(project):
    (project / "py2.py").write_text('import torch\nprint "x"\ntry:\n    pass\nexcept ValueError, e:\n    print e\n')
    result = run_cli("check", "py2.py", "buggy.py", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "" and FINDING in result.stdout


def test_other_python2_syntax_in_a_file_importing_torch_is_a_parse_error(project):
    (project / "py2.py").write_text('import torch\nprint "x"\nmode = 0755\n')
    result = run_cli("check", "py2.py", "buggy.py", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "headlint: error: py2.py: syntax error at line 3, column 8: "
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
        "; the rest of the file was checked"
    ]
    assert FINDING in result.stdout


def test_the_same_file_given_twice_is_checked_once(project):
    (project / "alias.py").symlink_to("buggy.py")
    for args in (["buggy.py", "buggy.py", "./buggy.py", "alias.py"], [".", "buggy.py"]):
        result = run_cli("check", *args, cwd=project)
        assert result.returncode == 1
        assert result.stderr == ""
        assert result.stdout.count("HL001 [") == 1, result.stdout
        assert "in 1 of 1 file." in summary(result)


def test_paths_with_spaces_and_non_ascii_names(project):
    folder = project / "my models" / "réseaux"
    folder.mkdir(parents=True)
    (folder / "modèle ñ 1.py").write_text(BUGGY)
    result = run_cli("check", "my models", "buggy.py", cwd=project)
    assert result.returncode == 1
    assert "my models/réseaux/modèle ñ 1.py:4:42: HL001" in result.stdout
    assert FINDING in result.stdout
    document = json.loads(run_cli("check", "--output-format", "json", "my models", cwd=project).stdout)
    assert [f["path"] for f in document["findings"]] == ["my models/réseaux/modèle ñ 1.py"]
    sarif = json.loads(run_cli("check", "--output-format", "sarif", "my models", cwd=project).stdout)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20models/r%C3%A9seaux/mod%C3%A8le%20%C3%B1%201.py"


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8: Linux only")
def test_a_file_name_that_is_not_utf8(project):
    """SARIF used to end in an internal error (UnicodeEncodeError from quote())."""
    with open(os.path.join(os.fsencode(project), b"mod\xe8le.py"), "w") as handle:  # latin-1
        handle.write(BUGGY)
    for output_format in ("text", "json", "sarif", "github"):
        # the text formats print the name's bytes as they are: read as bytes
        result = subprocess.run(
            [str(HEADLINT), "check", "--output-format", output_format, "."], capture_output=True, cwd=project, timeout=120
        )
        assert result.returncode == 1, (output_format, result.stderr)
        assert result.stderr == b""
        shown = {"text": b"\nmod\xe8le.py:4:42: HL001", "json": b'"path": "mod\\udce8le.py"',
                 "sarif": b'"uri": "mod%E8le.py"', "github": b"::error file=mod\xe8le.py,line=4,"}
        assert shown[output_format] in result.stdout, result.stdout
        if output_format == "sarif":
            sarif = json.loads(result.stdout)
            uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
            assert sorted(uris) == ["buggy.py", "mod%E8le.py"]


def test_no_python_files_in_a_folder_of_other_files(tmp_path):
    (tmp_path / "README.md").write_text("# readme\n")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    result = run_cli("check", cwd=tmp_path)  # no path: the current directory
    assert result.returncode == 0
    assert result.stderr == "headlint: no Python files found in .\n"
    assert result.stdout.strip() == "No findings in 0 files."
    document = json.loads(run_cli("check", "--output-format", "json", cwd=tmp_path).stdout)
    assert document["files_checked"] == 0 and document["findings"] == [] and document["errors"] == []


def test_every_file_excluded_by_the_configuration_says_so(project):
    (project / "pyproject.toml").write_text('[tool.headlint]\nexclude = ["generated/"]\n')
    (project / "generated").mkdir()
    (project / "generated" / "net.py").write_text(BUGGY)
    # a folder named on the command line is checked even when excluded, as in ruff,
    # unless --force-exclude (pre-commit's hook passes it)
    assert run_cli("check", "generated", cwd=project).returncode == 1
    result = run_cli("check", "--force-exclude", "generated", cwd=project)
    assert result.returncode == 0
    assert result.stderr == (
        "headlint: no Python files to check in generated: the configuration excludes every one found (1)\n"
    )
    result = run_cli("check", ".", cwd=project)  # the others are still checked
    assert result.returncode == 1 and result.stderr == ""
    assert FINDING in result.stdout and "in 1 of 1 file." in summary(result)


INJECT_BUG = """
import dataclasses
from headlint import rules

def _boom(head, _check=rules.RULES["HL004"].check):
    if head.model == "Boom":
        raise RuntimeError("injected")
    return _check(head)

rules.RULES["HL004"] = dataclasses.replace(rules.RULES["HL004"], check=_boom)
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_internal_error_is_one_line_for_its_file_and_the_rest_is_checked(project, tmp_path_factory, jobs):
    site = tmp_path_factory.mktemp("site")
    (site / "sitecustomize.py").write_text(INJECT_BUG)
    (project / "boom.py").write_text("import torch\n\nclass Boom(torch.nn.Module):\n    def forward(self, x):\n        return x\n")
    env = {"PYTHONPATH": str(site)}
    result = headlint("check", "--no-cache", "-j", jobs, ".", cwd=project, env=env)
    assert result.returncode == 2
    assert FINDING in result.stdout  # the other file is still checked and reported
    (line,) = result.stderr.splitlines()
    assert line.startswith("headlint: error: boom.py: internal error while analysing it (RuntimeError: injected)")
    assert "report it" in line and "--verbose" in line
    verbose = headlint("check", "--no-cache", "-j", jobs, "--verbose", ".", cwd=project, env=env)
    assert "Traceback (most recent call last)" in verbose.stderr and "RuntimeError: injected" in verbose.stderr


BROKEN_LINE = BUGGY.replace("criterion = nn.CrossEntropyLoss()\n", "print(len(index[]))\ncriterion = nn.CrossEntropyLoss()\n")


def test_a_syntax_error_is_reported_and_the_lines_that_parse_are_checked(project):
    """As ruff's error-resilient parser does: the broken line is left out, every other
    line keeps its number, and the run still exits 2 for the error."""
    (project / "buggy.py").write_text(BROKEN_LINE)
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 2
    (error,) = result.stderr.splitlines()  # CPython's wording differs between versions
    assert error.startswith("headlint: error: buggy.py: syntax error at line 5, column ")
    assert error.endswith("; the rest of the file was checked")
    assert FINDING in result.stdout
    assert summary(result).endswith("1 file with a syntax error checked in the lines that parse.")


def test_a_file_read_in_part_is_never_fixed_and_its_noqa_is_not_judged(project):
    (project / "buggy.py").write_text(BROKEN_LINE.replace("y)\n", "y)  # noqa: HL002\n"))
    result = run_cli("check", "--fix", "--extend-select", "HL100", "buggy.py", cwd=project)
    assert result.returncode == 2 and FINDING in result.stdout and "HL100" not in result.stdout
    assert (project / "buggy.py").read_text() == BROKEN_LINE.replace("y)\n", "y)  # noqa: HL002\n")


def test_a_broken_block_is_left_as_its_error(project):
    body = "".join(f"    x{i} = {i}\n" for i in range(30))
    (project / "buggy.py").write_text(BUGGY + "def broken(:\n" + body)
    result = run_cli("check", "buggy.py", cwd=project)
    assert result.returncode == 2 and "the rest of the file was checked" not in result.stderr
    assert "HL001" not in result.stdout and summary(result).endswith("1 file could not be checked.")
