"""Score headlint on real public code: the cases of the real-code manifests, each a
program from a public repository (pinned to a commit) that contains one of the
mistakes headlint reports, or a correct look-alike of one.

    .venv/bin/python scripts/realcode.py [--set main|holdout|all] [--manifest NAME]
        [--mirror DIR] [--only ID,...] [--keep DIR] [--json OUT] [--verbose]
        [--staged all|head|loss] [--cross-file]

The manifests (scripts/realcode/*.toml: holdout*.toml are the holdout, the others
the main set) hold only facts: repository, commit, the files a case
needs, the rule, the file and line of the mistake, the line of its loss, and why
it was judged so. No third-party code is committed: each case's files are
materialised from a snapshot of its repository (``git show COMMIT:PATH`` in a git
directory under --mirror, as the search tool's ``fetch`` leaves them:
``<mirror>/<owner>+<name>/repo``, bare or with a ``.git``) into a temporary directory, and the installed
``headlint`` checks that directory as one project.

A buggy case is *found* when headlint reports its rule in its file within 2
lines of the annotated line (a call written over several lines), or at the loss's
line. Every other finding is printed for a person to judge: on a clean case it is
a false alarm. Prints recall per rule and per framework, the core (HL001-HL004)
and extended (HL005-HL011) figures, and the false alarms. Exit status 2 when a
snapshot or commit is missing or headlint does not answer, else 0.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
MANIFESTS = HERE / "realcode"
HOLDOUT_PREFIX = "holdout"  # holdout.toml, holdout_b.toml, holdout_c.toml, ...


def sets() -> dict:
    """main: every manifest but the holdout's; holdout; all."""
    names = sorted(p.name for p in MANIFESTS.glob("*.toml"))
    main = tuple(n for n in names if not n.startswith(HOLDOUT_PREFIX))
    holdout = tuple(n for n in names if n.startswith(HOLDOUT_PREFIX))
    return {"main": main, "holdout": holdout, "all": main + holdout}
CORE = ("HL001", "HL002", "HL003", "HL004")
LINE_SLACK = 2


def load(names) -> list:
    cases = []
    for name in names:
        path = MANIFESTS / name
        if path.exists():
            for case in tomllib.loads(path.read_text())["case"]:
                cases.append({**case, "manifest": name})
    return cases


def git_dir(mirror: Path, repo: str) -> Path:
    """A snapshot's git directory: ``repo`` itself (bare) or its ``.git``."""
    base = mirror / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def materialise(case: dict, mirror: Path, into: Path) -> str:
    """Write the case's files under ``into``; an error message, or ''."""
    gd = git_dir(mirror, case["repo"])
    if not gd.exists():
        return f"no snapshot of {case['repo']} under {mirror} (fetch github:{case['repo']})"
    for rel in case["paths"]:
        shown = subprocess.run(["git", "--git-dir", str(gd), "show", f"{case['commit']}:{rel}"],
                               capture_output=True)
        if shown.returncode != 0:
            return f"{case['repo']}@{case['commit'][:10]} has no {rel}: {shown.stderr.decode(errors='replace').strip()}"
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
    (into / ".git").mkdir(exist_ok=True)  # the project's root, as in a clone
    return ""


def headlint_command() -> list:
    exe = Path(sys.executable).with_name("headlint")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "headlint"]


def run_headlint(root: Path, paths=(".",), extra=()) -> dict:
    done = subprocess.run([*headlint_command(), "check", "--no-cache", "--output-format", "json", "-q", *extra, *paths],
                          cwd=root, capture_output=True, text=True, timeout=300)
    if done.returncode not in (0, 1, 2) or not done.stdout.strip():
        raise RuntimeError(f"headlint exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


# A finding on an activation module applied in ``forward`` points at the call and names
# where the module was created (HL008, whose fix is the module's dim, the other way
# round); one on a layer's raw output points at the layer and names where forward
# applies it; HL012's points at the argmax and names the one-unit layer: a case may
# annotate either place.
OTHER_PLACES = ("activation created here", "activation applied here", "layer applied here", "the single unit")


def matches(case: dict, finding: dict) -> bool:
    """In a notebook the manifests give lines of the .ipynb file's own text, which
    the JSON gives as ``file_line``."""
    if finding["code"] != case["rule"]:
        return False
    places = [finding, *(r for r in finding.get("related", ()) if r["message"] in OTHER_PLACES)]
    for place in places:
        line = place.get("file_line") or place["line"]
        if place["path"] == case["path"] and abs(line - case["line"]) <= LINE_SLACK:
            return True
    line = finding.get("file_line") or finding["line"]
    return finding["path"] == case.get("loss_path", case["path"]) and line == case.get("loss_line")


def explained(case: dict, finding: dict, cases: list):
    """The buggy case of the manifests (another one on the same file) that a
    finding reports, if any: on a clean look-alike in a file that also holds a
    documented mistake, that finding is no false alarm."""
    for other in cases:
        if other is not case and other["rule"] and other["repo"] == case["repo"] and matches(other, finding):
            return other["id"]
    return None


def checked_paths(case: dict, staged: str) -> tuple:
    """What headlint is given: the whole case (``all``), or only the file a commit
    stages: the head's (``head``) or the loss's (``loss``), as a pre-commit hook names it."""
    if staged == "head":
        return (case["path"],)
    if staged == "loss":
        return (case.get("loss_path", case["path"]),)
    return (".",)


def score(cases: list, mirror: Path, keep, staged: str = "all", extra=()) -> dict:
    results = []
    for case in cases:
        workdir = Path(tempfile.mkdtemp(prefix=f"realcode-{case['id']}-", dir=keep))
        result = {"id": case["id"], "rule": case["rule"], "framework": case["framework"],
                  "manifest": case["manifest"], "repo": case["repo"], "path": case["path"],
                  "line": case["line"], "error": "", "found": False, "other": [], "explained": [], "file_errors": []}
        try:
            result["error"] = materialise(case, mirror, workdir)
            if not result["error"]:
                document = run_headlint(workdir, checked_paths(case, staged), extra)
                result["file_errors"] = document.get("errors", [])
                for finding in document["findings"]:
                    if case["rule"] and not result["found"] and matches(case, finding):
                        result["found"] = True
                    elif explained(case, finding, cases):
                        result["explained"].append({**finding, "case": explained(case, finding, cases)})
                    else:
                        result["other"].append(finding)
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as error:
            result["error"] = f"headlint: {error}"
        finally:
            if keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
        results.append(result)
    return {"results": results}


def _ratio(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.0f}%)" if total else "-"


def report(outcome: dict, verbose: bool) -> int:
    results = outcome["results"]
    buggy = [r for r in results if r["rule"] and not r["error"]]
    clean = [r for r in results if not r["rule"] and not r["error"]]
    errors = [r for r in results if r["error"]]
    by_rule = collections.defaultdict(list)
    by_framework = collections.defaultdict(list)
    for r in buggy:
        by_rule[r["rule"]].append(r["found"])
        by_framework[r["framework"]].append(r["found"])
    print(f"cases: {len(results)} ({len(buggy)} buggy, {len(clean)} clean, {len(errors)} not materialised)")
    print("\nrecall per rule:")
    for rule in sorted(by_rule):
        print(f"  {rule}  {_ratio(sum(by_rule[rule]), len(by_rule[rule]))}")
    print("\nrecall per framework:")
    for framework in sorted(by_framework):
        print(f"  {framework:6} {_ratio(sum(by_framework[framework]), len(by_framework[framework]))}")
    core = [r["found"] for r in buggy if r["rule"] in CORE]
    extended = [r["found"] for r in buggy if r["rule"] not in CORE]
    print(f"\ncore rules (HL001-HL004): {_ratio(sum(core), len(core))}")
    print(f"extended rules (HL005-HL011): {_ratio(sum(extended), len(extended))}")
    print(f"all buggy cases: {_ratio(sum(core) + sum(extended), len(buggy))}")
    alarms = [(r, f) for r in clean for f in r["other"]]
    print(f"\nfalse alarms on clean look-alikes: {len(alarms)} (in {len({r['id'] for r, _ in alarms})} of {len(clean)} cases)")
    for r, f in alarms:
        print(f"  {r['id']}: {f['path']}:{f['line']}: {f['code']} {f['message'][:140]}")
    known = [(r, f) for r in results for f in r["explained"]]
    if known:
        print(f"\nfindings that other cases of the manifests document: {len(known)}")
        for r, f in known:
            print(f"  {r['id']}: {f['path']}:{f['line']}: {f['code']} (case {f['case']})")
    others = [(r, f) for r in buggy for f in r["other"]]
    if others:
        print(f"\nother findings on buggy cases, to judge: {len(others)}")
        for r, f in others:
            print(f"  {r['id']}: {f['path']}:{f['line']}: {f['code']} {f['message'][:140]}")
    missed = [r for r in buggy if not r["found"]]
    if missed and verbose:
        print(f"\nmissed: {len(missed)}")
        for r in missed:
            print(f"  {r['id']}: {r['rule']} {r['repo']} {r['path']}:{r['line']}")
    for r in errors:
        print(f"not materialised: {r['id']}: {r['error']}")
    file_errors = [(r, e) for r in results for e in r["file_errors"]]
    for r, e in file_errors:
        print(f"file not checked: {r['id']}: {e['path']}: {e['stage']}: {e['message'][:120]}")
    return 2 if errors else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("main", "holdout", "all"), default="main")
    parser.add_argument("--manifest", default="", help="one manifest of scripts/realcode/ (a holdout scored alone)")
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--only", default="", help="case ids, comma-separated")
    parser.add_argument("--keep", type=Path, default=None, help="materialise here and keep the files")
    parser.add_argument("--json", type=Path, default=None, help="write every result here")
    parser.add_argument("--verbose", action="store_true", help="list the missed cases")
    parser.add_argument("--staged", choices=("all", "head", "loss"), default="all",
                        help="check the whole case (all), or only the head's or the loss's file, as a hook given one staged file")
    parser.add_argument("--headlint-args", default="", help="more arguments for headlint check, e.g. --no-importers")
    parser.add_argument("--cross-file", action="store_true", help="only the cases whose loss is in another file than the head")
    args = parser.parse_args(argv)
    cases = load([args.manifest] if args.manifest else sets()[args.set])
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c["id"] in wanted]
    if args.cross_file:
        cases = [c for c in cases if c.get("loss_path", c["path"]) != c["path"]]
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    outcome = score(cases, args.mirror, args.keep, args.staged, tuple(args.headlint_args.split()))
    if args.json is not None:
        args.json.write_text(json.dumps(outcome, indent=1))
    return report(outcome, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
