"""headlint on real, widely used model code: pinned PyPI releases of the field's
libraries, unpacked from their wheels (never imported, never run), checked with the
installed ``headlint check`` as users run it (whole package trees, so imports
between their modules are followed). Prints files, findings and files per second
per package, then every finding, compared with the documented true positives in
EXPECTED: an unexpected finding is a false positive to fix in the engine (exit 1).

    python scripts/corpus.py [--cache-dir DIR] [--packages NAME,...] [--jobs N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wheels import unpacked  # noqa: E402


@dataclass(frozen=True)
class Package:
    spec: str  # pinned
    checked: tuple  # the subtrees checked (model, loss and training code), in the unpacked wheel


PACKAGES = {
    "transformers": Package("transformers==5.23.0", ("transformers/models", "transformers/loss")),
    "timm": Package("timm==1.0.31", ("timm",)),
    "torchvision": Package("torchvision==0.29.1", ("torchvision/models", "torchvision/ops")),
    "keras": Package("keras==3.15.1", ("keras/src/applications", "keras/src/losses", "keras/src/models")),
    "tf_keras": Package("tf_keras==2.21.0", ("tf_keras/src/applications", "tf_keras/src/losses")),
    "keras_hub": Package("keras_hub==0.32.0", ("keras_hub/src/models",)),
    "lightning": Package("lightning==2.6.6", ("lightning/pytorch",)),
    "segmentation_models_pytorch": Package("segmentation_models_pytorch==0.6.0", ("segmentation_models_pytorch",)),
    "pytorch_tabnet": Package("pytorch_tabnet==4.1.0", ("pytorch_tabnet",)),
    "sentence_transformers": Package("sentence_transformers==6.2.0", ("sentence_transformers",)),
    "ultralytics": Package("ultralytics==8.4.190", ("ultralytics/nn", "ultralytics/models", "ultralytics/utils")),
}

# Findings read by a person and kept as true positives: (path suffix, code, why it
# is a real mistake). Every other finding is a false positive.
EXPECTED: list = []


def expected(finding: dict) -> str:
    for suffix, code, reason in EXPECTED:
        if finding["code"] == code and finding["path"].endswith(suffix):
            return reason
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", type=Path, default=Path("~/.cache/headlint-corpus"))
    parser.add_argument("--packages", default=",".join(PACKAGES), help="comma-separated names (default: all)")
    parser.add_argument("--jobs", type=int, default=None, help="passed to headlint check -j")
    parser.add_argument("--json", type=Path, default=None, help="write every finding and figure here")
    args = parser.parse_args()
    cache = args.cache_dir.expanduser()
    headlint = Path(sys.executable).with_name("headlint")
    rows, findings, errors = [], [], []
    for name in [n.strip() for n in args.packages.split(",") if n.strip()]:
        package = PACKAGES[name]
        root = unpacked(package.spec, cache)
        if root is None:
            return 2
        paths = [str(root / sub) for sub in package.checked if (root / sub).exists()]
        files = sum(1 for p in paths for _ in Path(p).rglob("*.py"))
        command = [str(headlint), "check", "--output-format", "json", "--no-cache", *paths]
        if args.jobs:
            command[2:2] = ["-j", str(args.jobs)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
        seconds = time.perf_counter() - started
        if done.returncode not in (0, 1, 2) or not done.stdout.startswith("{"):
            print(f"{name}: headlint failed (exit {done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
            return 2
        document = json.loads(done.stdout)
        for finding in document["findings"]:
            finding["package"] = package.spec
        findings += document["findings"]
        errors += [dict(error, package=package.spec) for error in document["errors"]]
        rows.append((package.spec, files, len(document["findings"]), len(document["errors"]), seconds))

    total_files = sum(r[1] for r in rows)
    total_seconds = sum(r[4] for r in rows)
    print(f"{'package':<42} {'files':>6} {'findings':>9} {'errors':>7} {'seconds':>8} {'files/s':>8}")
    for spec, files, found, failed, seconds in rows:
        print(f"{spec:<42} {files:>6} {found:>9} {failed:>7} {seconds:>8.1f} {files / seconds:>8.1f}")
    print(f"{'total':<42} {total_files:>6} {len(findings):>9} {len(errors):>7} {total_seconds:>8.1f} "
          f"{total_files / max(total_seconds, 1e-9):>8.1f}")
    for error in errors:
        print(f"error: {error['package']}: {error['path']}: {error['reason']}")
    unexpected = 0
    for finding in findings:
        reason = expected(finding)
        unexpected += not reason
        mark = f"expected: {reason}" if reason else "UNEXPECTED"
        print(f"{finding['package']}: {finding['path']}:{finding['line']}:{finding['column']}: "
              f"{finding['code']} {finding['message']}\n    [{mark}]")
    seen = {(f["path"], f["code"]) for f in findings}
    for suffix, code, reason in EXPECTED:
        if not any(path.endswith(suffix) and c == code for path, c in seen):
            print(f"expected but not found: {suffix} {code} ({reason})")
    print(f"unexpected findings: {unexpected}")
    if args.json:
        args.json.write_text(json.dumps({"packages": rows, "findings": findings, "errors": errors}, indent=1))
    internal = [e for e in errors if "internal error" in e["reason"]]
    return 1 if unexpected or internal else 0


if __name__ == "__main__":
    sys.exit(main())
