"""The GitHub Action (action.yml) as the runner runs it: each `run:` step's script in
`bash --noprofile --norc -eo pipefail`, its `env:` expressions filled in from the inputs
and the earlier steps' outputs, in a workspace holding a model. actions/setup-python and
the install step are replaced by this test environment, where headlint is installed:
nothing is downloaded."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from cli_helpers import HEADLINT
from test_cli import BUGGY, CLEAN

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# GitHub's `shell: bash` (workflow syntax, "jobs.<job_id>.steps[*].shell")
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def step(step_id):
    return next(s for s in STEPS if s.get("id") == step_id)


def run_steps():
    return [s for s in STEPS if "run" in s]


def evaluate(text, inputs, outputs):
    """The two kinds of expression the action uses; anything else fails the test."""

    def value(match):
        parts = match.group(1).split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return outputs[parts[1]][parts[3]]
        raise AssertionError(f"unexpected expression {match.group(0)}")

    return EXPRESSION.sub(value, str(text))


def run_step(s, workspace, runner_temp, inputs, outputs, env=None):
    """One `run:` step; its GITHUB_OUTPUT lines become outputs[id]."""
    runner_temp.mkdir(exist_ok=True)
    script, github_output = runner_temp / "step.sh", runner_temp / "github_output"
    script.write_text(s["run"])
    github_output.write_text("")
    step_env = {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(github_output),
        "RUNNER_TEMP": str(runner_temp),
        **(env or {}),
        **{name: evaluate(text, inputs, outputs) for name, text in s.get("env", {}).items()},
    }
    result = subprocess.run(
        [*BASH, str(script)], cwd=workspace, env=step_env, capture_output=True, text=True, timeout=300
    )
    outputs[s.get("id")] = dict(line.split("=", 1) for line in github_output.read_text().splitlines())
    return result


def run_action(workspace, tmp_path, **given):
    """The action with these inputs (underscores for dashes) after the set-up steps,
    whose outputs are this environment's: the exit code and log of the last step run."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    for name, value in given.items():
        assert name.replace("_", "-") in inputs, name
        inputs[name.replace("_", "-")] = value
    outputs = {"python": {"python-path": str(HEADLINT.with_name("python"))}, "install": {"bin": str(HEADLINT.parent)}}
    for s in run_steps():
        if s.get("id") == "install":
            continue
        result = run_step(s, workspace, tmp_path / "runner temp", inputs, outputs)
        if result.returncode != 0:
            break  # the runner stops at a failing step
    return result


@pytest.fixture
def workspace(tmp_path):
    """A checked-out repository: a buggy model in a folder whose name has a space."""
    root = tmp_path / "work space"
    (root / "model dir").mkdir(parents=True)
    (root / "model dir" / "model.py").write_text(BUGGY)
    (root / "clean dir").mkdir()
    (root / "clean dir" / "model.py").write_text(CLEAN)
    return root


# --- what the action is made of ---


def test_the_action_is_composite_with_a_shell_on_every_run_step():
    assert ACTION["runs"]["using"] == "composite"
    assert run_steps()
    assert all(s.get("shell") == "bash" for s in run_steps())


def test_inputs_reach_the_scripts_only_through_env():
    for s in run_steps():
        assert "${{" not in s["run"], s["name"]


def test_its_inputs_and_their_defaults():
    inputs = ACTION["inputs"]
    assert {n: str(spec.get("default", "")) for n, spec in inputs.items()} == {
        "paths": ".", "args": "", "output-format": "github", "sarif-file": "", "python-version": "3.12",
    }
    assert all(spec.get("description") for spec in inputs.values())


def test_python_is_set_up_with_a_pinned_major_and_the_python_version_input():
    python = step("python")
    assert re.fullmatch(r"actions/setup-python@v\d+", python["uses"])
    assert python["with"]["python-version"] == "${{ inputs.python-version }}"


def test_headlint_is_installed_from_the_actions_own_checkout(tmp_path):
    """The install step, with a stand-in Python that makes the venv and records pip's arguments."""
    fake = tmp_path / "set up python" / "python"
    fake.parent.mkdir()
    fake.write_text(
        '#!/bin/sh\nif [ "$2" = venv ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"\n'
        'else printf "%s\\n" "$@" > "$PIP_LOG"; fi\n'
    )
    fake.chmod(0o755)
    action_path, pip_log, runner_temp = tmp_path / "actions dir" / "headlint", tmp_path / "pip.log", tmp_path / "runner temp"
    outputs = {"python": {"python-path": str(fake)}}
    result = run_step(
        step("install"), tmp_path, runner_temp, {}, outputs,
        env={"GITHUB_ACTION_PATH": str(action_path), "PIP_LOG": str(pip_log)},
    )
    assert result.returncode == 0, result.stderr
    pip = pip_log.read_text().splitlines()
    assert pip[:3] == ["-m", "pip", "install"]
    assert pip[-1] == str(action_path)
    assert outputs["install"] == {"bin": str(runner_temp / "headlint-venv" / "bin")}


# --- what it does ---


def test_findings_fail_the_step_as_annotations(workspace, tmp_path):
    result = run_action(workspace, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "::error file=model dir/model.py,line=4,col=42," in result.stdout
    assert "title=HL001 double-softmax::" in result.stdout


def test_a_clean_tree_passes(workspace, tmp_path):
    result = run_action(workspace, tmp_path, paths="clean dir")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::error" not in result.stdout


def test_paths_one_a_line_and_args_split_on_whitespace(workspace, tmp_path):
    both = run_action(workspace, tmp_path, paths="clean dir\nmodel dir\n", args="--statistics")
    assert both.returncode == 1
    assert "1  HL001  double-softmax" in both.stdout
    unselected = run_action(workspace, tmp_path, paths="clean dir\nmodel dir", args="--select HL005\n--statistics")
    assert unselected.returncode == 0, unselected.stdout + unselected.stderr


def test_args_keep_quoted_words_whole(workspace, tmp_path):
    # a quoted value with a space is one word, as in a shell: "model dir" excluded
    quoted = run_action(workspace, tmp_path, paths=".", args="--statistics --extend-exclude 'model dir'")
    assert quoted.returncode == 0, quoted.stdout + quoted.stderr
    unclosed = run_action(workspace, tmp_path, args="--extend-exclude 'model dir")
    assert unclosed.returncode == 2 and "::error title=headlint action::the args input cannot be split" in unclosed.stdout


def test_the_output_format_input(workspace, tmp_path):
    result = run_action(workspace, tmp_path, output_format="concise")
    assert result.returncode == 1
    assert "model dir/model.py:4:42: HL001" in result.stdout


def test_sarif_file_is_written_and_the_exit_code_is_the_findings(workspace, tmp_path):
    result = run_action(workspace, tmp_path, sarif_file="headlint results.sarif")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "::error file=model dir/model.py" in result.stdout
    sarif = json.loads((workspace / "headlint results.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["HL001"]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "model%20dir/model.py"


def test_sarif_file_on_a_clean_tree_passes(workspace, tmp_path):
    result = run_action(workspace, tmp_path, paths="clean dir", sarif_file="headlint.sarif", args="--output-format text")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((workspace / "headlint.sarif").read_text())["runs"][0]["results"] == []


def test_inputs_are_never_run_as_shell_code(workspace, tmp_path):
    result = run_action(workspace, tmp_path, paths='"; touch pwned; echo "', args="$(touch pwned) `touch pwned` *")
    assert not (workspace / "pwned").exists()
    assert result.returncode == 2  # the words are unknown paths: a clear error


def test_inputs_are_taken_literally_not_as_globs(workspace, tmp_path):
    result = run_action(workspace, tmp_path, paths="clean*")
    assert result.returncode == 2
    assert "::error file=clean*,title=headlint read error::" in result.stdout


def mappings(node):
    """Every mapping in a parsed YAML document, nested ones included."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    for child in node if isinstance(node, list) else []:
        yield from mappings(child)


def test_the_readme_uses_only_the_actions_inputs():
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    ours = [
        m for block in blocks for m in mappings(yaml.safe_load(block))
        if str(m.get("uses", "")).startswith("<owner>/headlint@")
    ]
    assert ours
    for s in ours:
        assert set(s.get("with") or {}) <= set(ACTION["inputs"]), s
