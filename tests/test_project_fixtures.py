"""Each multi-file project under fixtures/projects/, checked as its own root (as a
user runs ``headlint check my_project``), gives exactly its annotated findings;
test_fixtures.py checks them again as part of the whole fixtures tree."""

import json
from pathlib import Path

import pytest

from cli_helpers import headlint, run_cli
from test_fixtures import expected

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = sorted(p for p in (ROOT / "fixtures" / "projects").iterdir() if p.is_dir())


def test_projects_span_both_frameworks_with_clean_look_alikes():
    def imports(project, name):
        return any(f"import {name}" in f.read_text() for f in project.rglob("*.py"))

    clean = [p for p in PROJECTS if not any(expected(f) for f in p.rglob("*.py"))]
    assert len(PROJECTS) >= 6 and len(clean) >= 3
    for framework in ("torch", "keras"):
        assert any(imports(p, framework) for p in clean) and any(imports(p, framework) for p in PROJECTS if p not in clean)
    assert all(2 <= len(list(p.rglob("*.py"))) <= 4 for p in PROJECTS)


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_project_checked_alone_gives_exactly_its_annotated_findings(project):
    result = run_cli("check", "--output-format", "json", project.relative_to(ROOT), cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    reported = {((ROOT / f["path"]).resolve(), f["line"], f["code"]) for f in document["findings"]}
    wanted = {(path.resolve(), line, code) for path in project.rglob("*.py") for _, line, code in expected(path)}
    assert reported == wanted
