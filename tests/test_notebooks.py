"""Jupyter notebooks through the installed command: code cells joined into one program,
IPython syntax skipped, findings reported by cell and line, ``# noqa`` in a cell,
``--fix`` writing only the fixed cells back, and bad notebooks reported per file."""

import json
import shutil
from pathlib import Path

import pytest

from cli_helpers import headlint, run_cli
from test_formats import sarif_validator, valid_sarif  # noqa: F401 - the fixture is used by name

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_FIXTURES = sorted((ROOT / "fixtures").rglob("*.ipynb"))
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n"


def source_lines(text: str) -> list:
    """A cell's source as Jupyter stores it: one string per line, each with its newline."""
    return text.splitlines(keepends=True)


def markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source_lines(text)}


def code(text: str, outputs=()) -> dict:
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": list(outputs), "source": source_lines(text)}


def notebook(*cells, language="python") -> dict:
    cells = [cell if isinstance(cell, dict) else code(cell) for cell in cells]
    metadata = {
        "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
        "language_info": {"name": language, "version": "3.11.9"},
    }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write(path: Path, document: dict, indent=1) -> str:
    """As Jupyter writes a notebook (nbformat: sorted keys, indent 1, UTF-8, a final newline)."""
    text = json.dumps(document, sort_keys=True, indent=indent, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return text


IMPORTS = "%matplotlib inline\n!pip install -q torch\nimport torch\nfrom torch import nn\n"
MODEL = "model = nn.Sequential(\n    nn.Linear(20, 10),\n    nn.Softmax(dim=1),\n)\nmodel?\n"
TRAIN = (
    "%%time\n"
    "criterion = nn.CrossEntropyLoss()\n"
    "for xb, yb in loader:\n"
    "    %time out = model(xb)\n"
    "    loss = criterion(model(xb), yb)\n"
    "    loss.backward()\n"
)
OUTPUT = {"data": {"image/png": PNG, "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "metadata": {}, "output_type": "display_data"}


def buggy_torch() -> dict:
    """Cell 1 markdown, 2 imports (magics, shell), 3 the model, 4 markdown, 5 training
    (a %%time cell with an indented line magic), 6 a shell cell magic."""
    return notebook(
        markdown("# Digits\n\nThe model is defined here and trained below.\n"),
        IMPORTS,
        MODEL,
        markdown("## Training\n"),
        code(TRAIN, [OUTPUT]),
        "%%bash\nls -l data/ | head\n",
    )


KERAS = notebook(
    markdown("# Keras\n"),
    "!nvidia-smi\n%load_ext tensorboard\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n",
    'model = keras.Sequential([\n    keras.Input(shape=(784,)),\n    layers.Dense(10, activation="softmax"),\n])\n',
    markdown("Compile in another cell.\n"),
    'model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n'
    "history = !ls\nmodel.fit(x_train, y_train, epochs=3)\n",
)


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "train.ipynb", buggy_torch())
    write(tmp_path / "keras_nb.ipynb", KERAS)
    return tmp_path


# --- findings and where they are ------------------------------------------------------


def in_file(path: Path, snippet: str) -> tuple:
    """(line, column), 1-based, where ``snippet`` is written in the file's own text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (line,) = [n for n, text in enumerate(lines, 1) if snippet in text]
    return line, lines[line - 1].index(snippet) + 1


def test_a_model_in_one_cell_trained_in_another_is_reported_by_cell_and_line(project):
    result = headlint("check", "train.ipynb", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    # file:line:col of the .ipynb file's own text, then the cell, line and column in it
    line, col = in_file(project / "train.ipynb", "nn.Softmax(dim=1)")
    assert lines[0].startswith(
        f"train.ipynb:{line}:{col}: HL001 [*unsafe] cell 3, line 3, col 5: softmax output is fed to "
        "nn.CrossEntropyLoss (cell 5, line 5)"
    )
    assert lines[1] == "       3 |     nn.Softmax(dim=1),"
    line, col = in_file(project / "train.ipynb", "loss = criterion(model(xb), yb)")
    assert f"         = loss applied here: train.ipynb:{line}:{col + 7} (cell 5, line 5, col 12)" in lines
    line, col = in_file(project / "train.ipynb", "criterion = nn.CrossEntropyLoss()")
    assert f"         = loss created here: train.ipynb:{line}:{col + 12} (cell 5, line 2, col 13)" in lines
    assert lines[-1] == "Found 1 finding (HL001: 1) in 1 of 1 file. [*] 1 fixable with --fix --unsafe-fixes."
    assert result.stderr == ""


# What common problem matchers take a line of output apart with: file, line, column.
PROBLEM_MATCHERS = {
    "eslint-compact style (VS Code)": r"^(.*):(\d+):(\d+):\s+(.*)$",
    "reviewdog errorformat %f:%l:%c: %m": r"^(.+):(\d+):(\d+): (.+)$",
    "flake8 matcher of GitHub Actions": r"^(.+?):([0-9]+?):([0-9]+?): ([A-Z]+[0-9]+) (.+)$",
    "a file name without colons": r"^([^:]+):(\d+):(\d+): (.*)$",
}


@pytest.mark.parametrize("matcher", PROBLEM_MATCHERS)
def test_problem_matchers_read_the_notebook_and_the_line_of_its_file(project, matcher):
    """Ruff's ``nb.ipynb:cell 3:2:5:`` reads as a file named ``nb.ipynb:cell 3``
    (greedy) or matches nothing ([^:]); the .ipynb file's own line reads right."""
    import re

    (line,) = run_cli("check", "--output-format", "concise", "-q", "train.ipynb", cwd=project).stdout.splitlines()
    match = re.match(PROBLEM_MATCHERS[matcher], line)
    assert match is not None, line
    assert match.group(1) == "train.ipynb"
    assert (int(match.group(2)), int(match.group(3))) == in_file(project / "train.ipynb", "nn.Softmax(dim=1)")


def test_a_keras_notebook_with_magics_and_shell_lines(project):
    result = run_cli("check", "--output-format", "concise", "-q", "keras_nb.ipynb", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "keras_nb.ipynb:30:27: HL001 [*] cell 3, line 3, col 22: softmax output is fed to "
        "SparseCategoricalCrossentropy(from_logits=True) (cell 5, line 3), which applies softmax itself: "
        "the loss cannot approach 0 and gradients shrink; remove the softmax (activation=None) or set from_logits=False "
        "(TensorFlow's fit() quietly undoes Keras' own softmax and only warns; Keras on torch or jax does not)"
    ]


def test_json_gives_the_cell_and_the_line_in_the_cell(project):
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["files_checked"] == 2 and document["errors"] == []
    by_path = {finding["path"]: finding for finding in document["findings"]}
    torch_finding = by_path["train.ipynb"]
    assert {key: torch_finding[key] for key in ("cell", "line", "column", "end_line", "end_column")} == {
        "cell": 3, "line": 3, "column": 5, "end_line": 3, "end_column": 22,
    }
    applied, created = torch_finding["related"]
    assert (applied["message"], applied["cell"], applied["line"], applied["column"]) == ("loss applied here", 5, 5, 12)
    assert (created["message"], created["cell"], created["line"], created["column"]) == ("loss created here", 5, 2, 13)
    assert (by_path["keras_nb.ipynb"]["cell"], by_path["keras_nb.ipynb"]["line"]) == (3, 3)


def test_a_python_file_has_cell_null_in_json(tmp_path):
    (tmp_path / "net.py").write_text("import torch\nfrom torch import nn\n" + MODEL.replace("model?\n", "") + TRAIN.replace("%%time\n", "").replace("    %time out = model(xb)\n", ""))
    (finding,) = json.loads(run_cli("check", "--output-format", "json", "net.py", cwd=tmp_path).stdout)["findings"]
    assert finding["cell"] is None and finding["line"] == 5
    assert all(related["cell"] is None for related in finding["related"])


def json_position(text: str, line: int, column: int, end_column: int) -> str:
    return text.splitlines()[line - 1][column - 1 : end_column - 1]


def test_sarif_points_at_the_line_of_the_ipynb_file_and_names_the_cell(project, sarif_validator):  # noqa: F811
    result = run_cli("check", "--output-format", "sarif", "train.ipynb", cwd=project)
    assert result.returncode == 1
    run = valid_sarif(result, sarif_validator)
    (finding,) = run["results"]
    raw = (project / "train.ipynb").read_text(encoding="utf-8")
    where = finding["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "train.ipynb", "uriBaseId": "%SRCROOT%"}
    region = where["region"]
    assert region["startLine"] == region["endLine"]
    assert json_position(raw, region["startLine"], region["startColumn"], region["endColumn"]) == "nn.Softmax(dim=1)"
    assert where["properties"] == {
        "cell": 3, "cellRegion": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 22},
    }
    assert "In cell 3, line 3." in finding["message"]["text"]
    applied = finding["relatedLocations"][0]["physicalLocation"]
    assert json_position(raw, applied["region"]["startLine"], applied["region"]["startColumn"], applied["region"]["endColumn"]) == "criterion(model(xb), yb)"
    assert applied["properties"]["cell"] == 5


def test_github_annotates_the_line_of_the_ipynb_file(project):
    result = run_cli("check", "--output-format", "github", "keras_nb.ipynb", cwd=project)
    assert result.returncode == 1
    (command,) = result.stdout.splitlines()
    properties, message = command[len("::error ") :].split("::", 1)
    fields = dict(item.split("=", 1) for item in properties.split(","))
    assert fields["file"] == "keras_nb.ipynb" and fields["title"] == "HL001 double-softmax"
    raw = (project / "keras_nb.ipynb").read_text(encoding="utf-8")
    # the JSON escapes the quotes: the annotation covers them as the file has them
    span = json_position(raw, int(fields["line"]), int(fields["col"]), int(fields["endColumn"]))
    assert span == 'activation=\\"softmax\\"'
    assert message.startswith("cell 3, line 3, col 22: softmax output is fed to")
    assert "%0Aloss applied here: keras_nb.ipynb:49:6 (cell 5, line 3, col 1)" in message


def test_gitlab_and_junit_point_at_the_line_of_the_ipynb_file_and_name_the_cell(project):
    from xml.etree import ElementTree as ET

    raw = (project / "train.ipynb").read_text(encoding="utf-8")
    result = run_cli("check", "--output-format", "gitlab", "train.ipynb", cwd=project)
    assert result.returncode == 1
    (issue,) = json.loads(result.stdout)
    begin, end = issue["location"]["positions"]["begin"], issue["location"]["positions"]["end"]
    assert json_position(raw, begin["line"], begin["column"], end["column"]) == "nn.Softmax(dim=1)"
    assert issue["description"].startswith("HL001: cell 3, line 3, col 5: softmax output is fed to")
    result = run_cli("check", "--output-format", "junit", "train.ipynb", cwd=project)
    assert result.returncode == 1
    case = ET.fromstring(result.stdout.encode()).find("testsuite/testcase")
    assert (case.attrib["file"], int(case.attrib["line"])) == ("train.ipynb", begin["line"])
    assert case.find("failure").text.startswith("cell 3, line 3, col 5, softmax output is fed to")


# --- IPython syntax, cells, suppression -------------------------------------------------


def test_ipython_syntax_is_skipped_and_lines_keep_mapping(tmp_path):
    cells = [
        "%load_ext autoreload\n%autoreload 2\n!pip install torch\n?nn\nnn.Linear??\nimport torch\nfrom torch import nn\n",
        "%%writefile helper.py\nthis is not python (\n",
        "files = !ls data\nt = %timeit -o -q 1 + 1\nwidth = (20\n        % 7)\ntemplate = '''\n%d items\n!'''\n",
        "%%capture\nfor step in range(3):\n    !echo step\n    %time pass\nmodel = nn.Sequential(nn.Linear(width, 10), nn.Softmax(dim=1))\n",
        "loss = nn.CrossEntropyLoss()(model(x), y)\n",
    ]
    write(tmp_path / "magics.ipynb", notebook(*cells))
    result = run_cli("check", "--output-format", "concise", "-q", "magics.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("magics.ipynb:53:50: HL001 [*unsafe] cell 4, line 5, col 45: ")
    assert "(cell 5, line 1)" in result.stdout


def test_magics_written_without_percent_are_skipped_as_ipython_runs_them(tmp_path):
    # IPython's automagic (on by default) runs ``pip install x`` as %pip. Such a line is
    # skipped where Python cannot parse it; a line Python parses (``ls -la`` is ls minus la,
    # ``time = ...`` an assignment) stays Python, and the finding keeps its line.
    cells = [
        "pip install keras==2.12.0\ncd data/mnist\nmatplotlib inline\nconda install -c conda-forge \\\n    torchvision -y\n",
        "import torch\nfrom torch import nn\nls -la\ntime = 20\n",
        "model = nn.Sequential(nn.Linear(time, 10), nn.Softmax(dim=1))\n",
        "loss = nn.CrossEntropyLoss()(model(x), y)\n",
    ]
    write(tmp_path / "setup.ipynb", notebook(*cells))
    result = run_cli("check", "--output-format", "concise", "-q", "setup.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == "", result.stdout + result.stderr
    assert result.stdout.startswith("setup.ipynb:"), result.stdout
    assert " HL001 [*unsafe] cell 3, line 1, col 44: " in result.stdout


def test_an_indented_automagic_line_is_python_and_an_error(tmp_path):
    # IPython runs automagic only at the top level of a cell: indented, it is a syntax error
    write(tmp_path / "nb.ipynb", notebook("import torch\nif True:\n    pip install keras\n"))
    result = run_cli("check", "--output-format", "json", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert error["message"].startswith("syntax error at cell 1, line 3")


def test_markdown_and_raw_cells_are_not_code_but_are_counted(tmp_path):
    raw = {"cell_type": "raw", "metadata": {}, "source": ["import torch\n", "this is not python ("]}
    document = notebook(
        markdown("```python\nimport torch\nmodel = nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1))\n```\n"),
        raw,
        "import torch\nfrom torch import nn\n",
        markdown("text"),
        "one = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))\n",
    )
    write(tmp_path / "nb.ipynb", document)
    result = run_cli("check", "--output-format", "concise", "-q", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [line.split(" softmax")[0] for line in result.stdout.splitlines()] == ["nb.ipynb:44:43: HL004 [*unsafe] cell 5, line 1, col 38:"]


@pytest.mark.parametrize("comment", ["# noqa: HL001", "# noqa", "# NOQA:HL001,HL004"])
def test_noqa_on_the_line_in_a_cell(tmp_path, comment):
    document = buggy_torch()
    document["cells"][2] = code(MODEL.replace("nn.Softmax(dim=1),", f"nn.Softmax(dim=1),  {comment}"))
    write(tmp_path / "nb.ipynb", document)
    result = run_cli("check", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "No findings in 1 file."


def test_noqa_for_another_code_or_in_another_cell_does_not_suppress(tmp_path):
    document = buggy_torch()
    document["cells"][2] = code(MODEL.replace("nn.Softmax(dim=1),", "nn.Softmax(dim=1),  # noqa: HL004"))
    document["cells"][4] = code(TRAIN.replace("yb)\n", "yb)  # noqa\n"))
    write(tmp_path / "nb.ipynb", document)
    assert run_cli("check", "nb.ipynb", cwd=tmp_path).returncode == 1


def test_a_clean_notebook_exits_0(tmp_path):
    clean = notebook(IMPORTS, MODEL.replace("    nn.Softmax(dim=1),\n", ""), code(TRAIN, [OUTPUT]))
    write(tmp_path / "clean.ipynb", clean)
    result = headlint("check", "clean.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No findings in 1 file." and result.stderr == ""


def test_notebooks_without_a_framework_or_not_in_python_are_not_parsed(tmp_path):
    # not parsed: the broken cells would otherwise be a syntax error
    write(tmp_path / "pandas.ipynb", notebook("import pandas as pd\n", "def f(:\n"))
    write(tmp_path / "r.ipynb", notebook("library(keras)\nimport torch\n", "model <- keras_model_sequential()\n", language="R"))
    write(tmp_path / "prose.ipynb", notebook(markdown("import torch\n"), "def f(:\n"))
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "No findings in 3 files."


# --- discovery --------------------------------------------------------------------------


def test_directories_are_walked_for_notebooks_and_checkpoints_skipped(project):
    checkpoints = project / "sub" / ".ipynb_checkpoints"
    checkpoints.mkdir(parents=True)
    write(checkpoints / "train-checkpoint.ipynb", buggy_torch())
    write(project / "sub" / "again.ipynb", buggy_torch())
    (project / "notes.txt").write_text("import torch\n")
    result = run_cli("check", "--output-format", "concise", "-q", ".", cwd=project)
    assert result.returncode == 1
    paths = sorted(line.split(":")[0] for line in result.stdout.splitlines())
    assert paths == ["keras_nb.ipynb", "sub/again.ipynb", "train.ipynb"]


def test_a_notebook_named_explicitly_is_read_as_one_whatever_its_case(tmp_path):
    write(tmp_path / "Train.IPYNB", buggy_torch())
    result = run_cli("check", "--output-format", "concise", "-q", "Train.IPYNB", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("Train.IPYNB:32:10: HL001 [*unsafe] cell 3, line 3, col 5: ")


def test_nbformat_3_worksheets_are_read(tmp_path):
    cells = [
        {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["Digits"]},
        {"cell_type": "code", "collapsed": False, "input": source_lines(IMPORTS), "language": "python", "metadata": {}, "outputs": []},
        {"cell_type": "code", "collapsed": False, "input": source_lines(MODEL), "language": "python", "metadata": {}, "outputs": []},
        {"cell_type": "code", "collapsed": False, "input": source_lines(TRAIN), "language": "python", "metadata": {}, "outputs": []},
    ]
    document = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": cells, "metadata": {}}]}
    write(tmp_path / "old.ipynb", document)
    result = run_cli("check", "--output-format", "concise", "-q", "old.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("old.ipynb:37:12: HL001 [*unsafe] cell 3, line 3, col 5: ")
    assert "(cell 4, line 5)" in result.stdout


# --- bad notebooks ----------------------------------------------------------------------


BAD = {
    "invalid.ipynb": (b'{"cells": [\n  {"cell_type": "code", "source": "import torch"\n', "not a notebook: invalid JSON at line 3, column 1"),
    "list.ipynb": (b'["import torch"]\n', "not a notebook: the JSON is not an object with 'cells'"),
    "nocells.ipynb": (b'{"metadata": {}, "torch": 1}\n', "not a notebook: no 'nbformat' and no 'cells'"),
    "binary.ipynb": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR torch", "not a notebook: binary data (NUL bytes)"),
    "latin1.ipynb": (b'{"cells": [], "note": "caf\xe9 torch"}', "not a notebook: not UTF-8 text (byte 0xe9 at offset 26)"),
    "v2.ipynb": (b'{"nbformat": 2, "worksheets": []}', "unsupported notebook format 2: headlint reads nbformat 3 and 4"),
    "badsource.ipynb": (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 42}]}', "not a notebook: the source of cell 1 is not text"),
}


def test_bad_notebooks_are_reported_each_with_its_reason_and_the_run_goes_on(project):
    for name, (data, _) in BAD.items():
        (project / name).write_bytes(data)
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 2
    for name, (_, reason) in BAD.items():
        assert f"headlint: error: {name}: {reason}" in result.stderr, name
    assert "Traceback" not in result.stderr
    assert "train.ipynb:32:10: HL001 [*unsafe] cell 3, line 3, col 5: " in result.stdout
    document = json.loads(run_cli("check", "--output-format", "json", ".", cwd=project).stdout)
    assert sorted(error["path"] for error in document["errors"]) == sorted(BAD)
    assert {error["stage"] for error in document["errors"]} == {"read"}
    assert len(document["findings"]) == 2


def test_a_cell_that_is_not_python_is_a_parse_error_naming_the_cell(tmp_path):
    write(tmp_path / "broken.ipynb", notebook("import torch\n", markdown("x"), "x = 1\ndef f(:\n    pass\n"))
    # each cell must parse on its own: a bracket left open in one cell is an error there
    write(tmp_path / "split.ipynb", notebook("import torch\nmodel = torch.nn.Sequential(\n", "torch.nn.Linear(2, 2))\n"))
    result = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 2
    errors = {error["path"]: error for error in json.loads(result.stdout)["errors"]}
    assert errors["broken.ipynb"]["stage"] == "parse"
    assert errors["broken.ipynb"]["message"] == "syntax error at cell 3, line 2, column 7: invalid syntax"
    assert errors["split.ipynb"]["message"].startswith("syntax error at cell 1, line 2")
    assert (errors["broken.ipynb"]["cell"], errors["broken.ipynb"]["line"], errors["broken.ipynb"]["column"]) == (3, 2, 7)


def test_a_parse_error_in_a_notebook_is_annotated_on_the_line_of_the_file(tmp_path):
    lines = write(tmp_path / "broken.ipynb", notebook("import torch\n", markdown("x"), "x = 1\ndef f(:\n    pass\n")).splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "def f(:" in text)
    column = lines[line - 1].index("def f(:") + 7  # the ':' the parser stopped at, 1-based
    github = run_cli("check", "--output-format", "github", "broken.ipynb", cwd=tmp_path)
    assert github.stdout.startswith(f"::error file=broken.ipynb,line={line},col={column},title=headlint parse error::")
    sarif = json.loads(run_cli("check", "--output-format", "sarif", "broken.ipynb", cwd=tmp_path).stdout)
    (notification,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    at = notification["locations"][0]["physicalLocation"]
    assert (at["region"]["startLine"], at["region"]["startColumn"]) == (line, column)
    assert at["properties"] == {"cell": 3, "cellRegion": {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 8}}


# --- fixes ------------------------------------------------------------------------------


def test_fix_writes_only_the_fixed_lines_of_the_cell_back(tmp_path):
    before = write(tmp_path / "nb.ipynb", buggy_torch())
    result = headlint("check", "--fix", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 1 finding (HL001: 1)." in result.stdout
    after = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    # byte for byte the same file but for the one line: outputs, ids, indentation, newline
    assert after == before.replace('    "    nn.Softmax(dim=1),\\n",\n', "")
    assert json.loads(after)["cells"][4]["outputs"] == [OUTPUT]


@pytest.mark.parametrize("indent", [None, 2, "\t"])
def test_fix_keeps_the_layout_of_the_file(tmp_path, indent):
    document = buggy_torch()
    document["cells"][2]["source"] = MODEL  # one string instead of a list of lines
    before = write(tmp_path / "nb.ipynb", document, indent=indent)
    assert run_cli("check", "--fix", "--unsafe-fixes", "nb.ipynb", cwd=tmp_path).returncode == 0
    after = (tmp_path / "nb.ipynb").read_text(encoding="utf-8")
    expected = json.dumps(MODEL.replace("    nn.Softmax(dim=1),\n", ""), ensure_ascii=False)
    assert after == before.replace(json.dumps(MODEL, ensure_ascii=False), expected)


def test_safe_fix_in_a_keras_notebook_and_diff_shows_the_cell(project):
    diff = run_cli("check", "--diff", "keras_nb.ipynb", cwd=project)
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- keras_nb.ipynb:cell 5\n+++ keras_nb.ipynb:cell 5\n")
    assert "+model.compile(optimizer=\"adam\", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False))" in diff.stdout
    assert "Would fix 1 finding (HL001: 1)." in diff.stderr
    before = (project / "keras_nb.ipynb").read_text(encoding="utf-8")
    assert run_cli("check", "--fix", "keras_nb.ipynb", cwd=project).returncode == 0
    after = (project / "keras_nb.ipynb").read_text(encoding="utf-8")
    assert after == before.replace("from_logits=True", "from_logits=False")


def test_unsafe_fix_waits_for_unsafe_fixes(project):
    before = (project / "train.ipynb").read_bytes()
    result = run_cli("check", "--fix", "train.ipynb", cwd=project)
    assert result.returncode == 1
    assert "1 unsafe fix available with --unsafe-fixes" in result.stdout
    assert (project / "train.ipynb").read_bytes() == before


@pytest.mark.parametrize("fixture", NOTEBOOK_FIXTURES, ids=[p.name for p in NOTEBOOK_FIXTURES])
def test_every_fix_on_the_notebook_fixtures_leaves_a_notebook_with_the_finding_gone(tmp_path, fixture):
    copy = tmp_path / fixture.name
    shutil.copy(fixture, copy)
    before = json.loads(copy.read_text(encoding="utf-8"))
    result = run_cli("check", "--fix", "--unsafe-fixes", copy.name, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    after = json.loads(copy.read_text(encoding="utf-8"))
    # only code cells' sources change
    for old, new in zip(before["cells"], after["cells"]):
        assert {k: v for k, v in old.items() if k != "source"} == {k: v for k, v in new.items() if k != "source"}
        if old["cell_type"] != "code":
            assert old == new


def test_the_pre_commit_hook_takes_notebooks():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "types_or: [python, jupyter]" in hooks


# --- every Python fixture, cut into cells, gives the same findings and fixes ---------------


# A notebook's cells are Python 3 (IPython): the Python 2 fixtures stay files.
PY_FIXTURES = sorted(p for p in (ROOT / "fixtures").rglob("*.py") if "python2" not in p.name)


def as_cells(text: str) -> list:
    """The file cut into cells before every second top-level statement, each cell opened
    by IPython syntax: (cell source, first line of the file in it)."""
    import ast

    lines = text.splitlines(keepends=True)
    starts = [node.lineno - len(getattr(node, "decorator_list", [])) for node in ast.parse(text).body][1::2]
    cuts = [1, *starts, len(lines) + 1]
    cells = []
    for begin, end in zip(cuts, cuts[1:]):
        if begin < end:
            magic = ["%time\n", "!ls\n", "?print\n"][len(cells) % 3]
            cells.append((magic + "".join(lines[begin - 1 : end - 1]), begin))
    return cells


@pytest.mark.parametrize("fixture", PY_FIXTURES, ids=[str(p.relative_to(ROOT / "fixtures")) for p in PY_FIXTURES])
def test_a_python_fixture_cut_into_cells_gives_the_same_findings_and_fixes(tmp_path, fixture):
    from headlint.engine import check_file

    text = fixture.read_text()
    cells = as_cells(text)
    document = notebook(*[item for source, _ in cells for item in (markdown("notes"), source)])
    write(tmp_path / "nb.ipynb", document)
    (tmp_path / "file.py").write_text(text)

    def in_notebook(line: int) -> tuple:
        index = max(i for i, (_, begin) in enumerate(cells) if begin <= line)
        return 2 * index + 2, line - cells[index][1] + 2  # markdown cells between; the magic line first

    as_file = check_file(str(tmp_path / "file.py"))
    as_notebook = check_file(str(tmp_path / "nb.ipynb"))
    assert as_notebook.error is None and as_file.error is None
    assert [(f.code, f.span.cell, f.span.line, f.span.col) for f in as_notebook.findings] == [
        (f.code, *in_notebook(f.span.line), f.span.col) for f in as_file.findings
    ]
    assert [[(label, s.cell, s.line) for label, s in f.related] for f in as_notebook.findings] == [
        [(label, *in_notebook(s.line)) for label, s in f.related] for f in as_file.findings
    ]

    fixed_file = check_file(str(tmp_path / "file.py"), fix="unsafe")
    fixed_notebook = check_file(str(tmp_path / "nb.ipynb"), fix="unsafe")
    assert [f.code for f in fixed_notebook.fixed] == [f.code for f in fixed_file.fixed]
    if fixed_file.changed:
        sources = [
            "".join(cell["source"]).split("\n", 1)[1]
            for cell in json.loads(fixed_notebook.text)["cells"]
            if cell["cell_type"] == "code"
        ]
        assert "".join(sources) == fixed_file.text


def test_a_broken_cell_leaves_out_its_bad_lines_and_the_other_cells_are_checked(tmp_path):
    """An exercise cell left unfinished: the error names it, and the model and the
    training in the other cells (and in the good lines of that cell) are still judged."""
    write(tmp_path / "exercise.ipynb", notebook(IMPORTS, MODEL, "n_epochs = # YOUR CODE HERE\nlr = 0.1\n", TRAIN))
    result = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    (error,) = document["errors"]
    assert error["message"].startswith("syntax error at cell 3, line 1")
    assert [finding["code"] for finding in document["findings"]] == ["HL001"]


def test_a_shell_line_continued_with_a_backslash_is_masked_whole(tmp_path):
    download = "import torch\nfrom torch import nn\n!wget --no-check-certificate \\\n    https://example.org/data.csv \\\n    -O /tmp/data.csv\n"
    write(tmp_path / "download.ipynb", notebook(download, MODEL, TRAIN))
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    assert "HL001" in result.stdout
