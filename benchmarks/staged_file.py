"""How long ``headlint check FILE`` takes on one file of a large project, as a
pre-commit hook runs it: the file itself plus the project files that import it
(importers.py). Prints figures; asserts nothing.

The project is part of the transformers wheel's ``models`` tree (the first model
folders in name order, until --files files), with a pyproject.toml at its root;
the staged file is ``models/bert/modeling_bert.py``. Cold: an empty cache (the
import index and every result computed); warm: the same command again (nothing
changed since the last commit but the file's own results, as in a second hook run).

    python benchmarks/staged_file.py [--files 500] [--repeat 5] [--whole]

``--whole`` uses the wheel's whole ``transformers`` package (about 2,950 files).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from pinned_wheels import download, globs, headlint_command, unpack  # noqa: E402

TRANSFORMERS = "transformers==5.25.0"
STAGED = "transformers/models/bert/modeling_bert.py"


def project(work: Path, files: int, whole: bool) -> Path:
    wheel, said = download(TRANSFORMERS, work / "wheels")
    if wheel is None:
        sys.exit(f"cannot download {TRANSFORMERS}:\n{said}")
    tree = work / "tree"
    unpack(wheel, tree, globs(["transformers/**.py"]), TRANSFORMERS)
    target = work / "project"
    shutil.rmtree(target, ignore_errors=True)
    if whole:
        shutil.copytree(tree / "transformers", target / "transformers")
    else:
        models = tree / "transformers" / "models"
        (target / "transformers" / "models").mkdir(parents=True)
        shutil.copy(models / "__init__.py", target / "transformers" / "models")
        count = 1
        for folder in sorted(p for p in models.iterdir() if p.is_dir()):
            if count >= files and (target / STAGED).exists():
                break
            shutil.copytree(folder, target / "transformers" / "models" / folder.name)
            count += sum(1 for _ in folder.rglob("*.py"))
    (target / "pyproject.toml").write_text("")
    return target


def timed(command: list, cwd: Path, before=None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--whole", action="store_true")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "headlint-staged-bench")
    args = parser.parse_args()
    root = project(args.work, args.files, args.whole)
    headlint = str(headlint_command())
    cache = root / ".headlint_cache"
    total = sum(1 for _ in root.rglob("*.py"))
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    command = [headlint, "check", "-q", STAGED]
    alone = [headlint, "check", "-q", "--no-importers", STAGED]
    cold = [timed(command, root, clear) for _ in range(args.repeat)]
    warm = [timed(command, root) for _ in range(args.repeat)]
    cold_alone = [timed(alone, root, clear) for _ in range(args.repeat)]
    print(f"project: {total} files ({'whole package' if args.whole else 'models tree'}), staged: {STAGED}")
    print(f"with importers, cold: {statistics.median(cold):.2f} s  (median of {args.repeat}; min {min(cold):.2f})")
    print(f"with importers, warm: {statistics.median(warm):.2f} s  (min {min(warm):.2f})")
    print(f"file alone (--no-importers), cold: {statistics.median(cold_alone):.2f} s")


if __name__ == "__main__":
    main()
