"""Run headlint over a corpus of real, widely used model code and compare what it
finds with the documented true positives below.

    .venv/bin/python scripts/corpus.py [--cache-dir DIR] [--packages a,b] [--jobs N]
        [--json OUT] [--list]

The corpus is the model, loss and training code of pinned PyPI packages, each
downloaded once as a wheel (``pip download --no-deps --only-binary=:all:``) and
unpacked under --cache-dir; the files are read by headlint, never imported or run.
Each package is checked as one project (``headlint check --output-format json -q``
on its unpacked tree), so that linking across its files is exercised.

Prints, per package: files, files past headlint's pre-filter, findings, errors,
files/s; then every finding with its source line; then the comparison with
EXPECTED. Exit status: 1 when there is a finding EXPECTED does not list (each one
must be read by a person: a true bug goes into EXPECTED with the reason, a false
positive is fixed in the engine) or an error other than a file that does not
parse; 2 when a package cannot be fetched or headlint does not answer; else 0.
Expected findings that no longer appear are listed, without failing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pinned_wheels import (  # noqa: E402 - this folder was just put on sys.path
    detect_options,
    download,
    globs,
    headlint_args,
    headlint_command,
    headlint_document,
    measured,
    prefiltered,
    progress,
    tail,
    unpack,
    versions_line,
)


@dataclass(frozen=True)
class Package:
    name: str  # the PyPI name
    version: str  # pinned: the corpus must not change under the expected list
    include: tuple  # archive members to unpack (``**`` crosses folders)
    why: str


PACKAGES = (
    Package("transformers", "5.23.0",
            ("transformers/models/**/*.py", "transformers/loss/*.py", "transformers/trainer*.py"),
            "Hugging Face models: heads built by hand, loss_fct(logits.view(...), labels.view(...)), the Trainer"),
    Package("timm", "1.0.31", ("timm/**/*.py",),
            "vision backbones and classifier heads, its losses, train-time task wrappers"),
    Package("torchvision", "0.29.1", ("torchvision/models/**/*.py", "torchvision/ops/**/*.py"),
            "classification, detection and segmentation models, their losses (focal loss, box losses)"),
    Package("keras", "3.15.1",
            ("keras/src/applications/*.py", "keras/src/losses/*.py", "keras/src/trainers/**/*.py",
             "keras/src/models/*.py", "keras/src/distillation/*.py", "keras/src/wrappers/*.py",
             "keras/src/callbacks/*.py"),
            "Keras applications (softmax and sigmoid classifier heads), losses, fit/train_step, distillation, "
            "the scikit-learn wrappers, and their tests (many small compiled models)"),
    Package("tf-keras", "2.21.0",
            ("tf_keras/src/applications/*.py", "tf_keras/src/engine/*.py", "tf_keras/src/premade_models/*.py",
             "tf_keras/src/tests/*.py", "tf_keras/src/losses*.py"),
            "tf.keras applications, the training engine and its tests, premade linear/wide-deep models"),
    Package("keras-hub", "0.32.0", ("keras_hub/src/**/*.py",),
            "Keras model zoo: backbones, task heads, compile() defaults, custom losses"),
    Package("lightning", "2.6.6", ("lightning/**/*.py",),
            "Lightning: training_step, LightningModule demos, Fabric"),
    Package("segmentation-models-pytorch", "0.6.0", ("segmentation_models_pytorch/**/*.py",),
            "segmentation heads with configurable activations, Dice/Jaccard/focal losses, a training epoch loop"),
    Package("pytorch-tabnet", "4.1.0", ("pytorch_tabnet/**/*.py",),
            "tabular models with fit(): classifier and regressor heads, softmax predict_proba"),
    Package("sentence-transformers", "6.2.0", ("sentence_transformers/**/*.py",),
            "embedding models and their contrastive, softmax and MSE losses, cross-encoder heads"),
    Package("ultralytics", "8.4.190", ("ultralytics/**/*.py",),
            "YOLO models, detection/classification losses, trainers and predictors"),
    Package("skorch", "1.4.0", ("skorch/**/*.py",),
            "NeuralNet wrappers: criteria, get_loss, modules in its tests and toy models"),
)


@dataclass(frozen=True)
class Expected:
    """A documented true positive: a finding a person read and judged to be a real bug."""

    package: str
    path: str  # a suffix of the path inside the package's tree
    code: str
    line_text: str  # a fragment of the reported source line
    reason: str
    line: Optional[int] = None  # where the fragment is not unique in the file


# A finding that appears here is read, then either listed with its reason or fixed
# in the engine.
EXPECTED: tuple = (
    Expected(
        "keras",
        "keras/src/callbacks/tensorboard_test.py",
        "HL005",
        'layers.Dense(1, activation="sigmoid")',
        "a real double sigmoid in a test model: Dense(1, activation='sigmoid') compiled with "
        "BinaryCrossentropy(from_logits=True) (lines 418-422); harmless there (the test exercises "
        "the TensorBoard callback, not the fit), but the loss squeezes every prediction into (0.5, 0.73)",
    ),
    Expected(
        "tf-keras",
        "tf_keras/src/tests/model_subclassing_test_util.py",
        "HL004",
        'self.dense2 = keras.layers.Dense(1, activation="softmax")',
        "a real one-unit softmax in a test model: CustomCallModel adds self.dense2(second), a "
        "Dense(1, activation='softmax') (line 133), to its output, and that term is the constant 1.0 "
        "whatever `second` is (harmless there: the test exercises call() with extra arguments)",
    ),
    Expected(
        "skorch",
        "skorch/tests/test_doctor.py",
        "HL006",
        "self.lin0 = nn.Linear(2, 2)",
        "a real NLL on raw scores in a test criterion: MyCriterion.forward passes self.lin0(y_proba), a "
        "linear layer's raw output, to nn.functional.nll_loss (lines 658-663); harmless there (the test "
        "only needs a criterion with learnable parameters for skorch's doctor), but -z[target] has no lower bound",
    ),
)


def corpus_dir(cache: Path, package: Package) -> Path:
    return cache / f"{package.name}-{package.version}"


def fetch(cache: Path, package: Package) -> Optional[list]:
    """The package's unpacked files (downloaded and unpacked on first use); None when
    its pinned wheel cannot be had."""
    stamp = "\n".join(package.include)
    root = corpus_dir(cache, package)
    marker = root / ".complete"
    if marker.exists() and marker.read_text().splitlines()[1:] == list(package.include):
        return [p for p in sorted(root.rglob("*.py"))]
    progress(f"fetching {package.name}=={package.version} (wheel, no dependencies)")
    wheel, output = download(f"{package.name}=={package.version}", cache / "wheels")
    if wheel is None:
        progress(f"cannot download {package.name}=={package.version}:\n{tail(output, 4)}")
        return None
    return [p for p in unpack(wheel, root, globs(package.include), stamp) if p.suffix == ".py"]


def source_line(path: Path, line: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if number == line:
                    return text.strip()
    except OSError:
        pass
    return ""


def matches(expected: Expected, package: str, relative: str, finding: dict, text: str) -> bool:
    return (
        expected.package == package
        and relative.endswith(expected.path)
        and expected.code == finding["code"]
        and expected.line_text in text
        and (expected.line is None or expected.line == finding["line"])
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache-dir", type=Path, default=Path("~/.cache/headlint-corpus"),
                        help="where the wheels and the unpacked corpus are kept (default: %(default)s)")
    parser.add_argument("--packages", help="comma-separated names from the list (default: all)")
    parser.add_argument("--jobs", type=int, help="passed as -j/--jobs when `headlint check --help` shows it")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write every figure and finding here")
    parser.add_argument("--list", action="store_true", help="print the packages and the expected findings, and stop")
    args = parser.parse_args(argv)

    chosen = list(PACKAGES)
    if args.packages:
        names = [n.strip() for n in args.packages.split(",") if n.strip()]
        unknown = sorted(set(names) - {p.name for p in PACKAGES})
        if unknown:
            parser.error(f"unknown package(s): {', '.join(unknown)}; known: {', '.join(p.name for p in PACKAGES)}")
        chosen = [p for p in PACKAGES if p.name in names]
    if args.list:
        for p in PACKAGES:
            print(f"{p.name}=={p.version}: {', '.join(p.include)}\n    {p.why}")
        print(f"\nexpected findings: {len(EXPECTED)}")
        for e in EXPECTED:
            print(f"  {e.package}: {e.path}: {e.code} `{e.line_text}`\n      {e.reason}")
        return 0

    cache = args.cache_dir.expanduser().resolve()
    cache.mkdir(parents=True, exist_ok=True)
    headlint = headlint_command()
    options = detect_options(headlint)
    if args.jobs and not options.jobs_flag:
        progress("`headlint check --help` shows no -j/--jobs: --jobs is not passed")

    rows, findings, errors, failed = [], [], [], []
    for package in chosen:
        files = fetch(cache, package)
        if files is None:
            failed.append(f"{package.name}=={package.version}: the wheel could not be downloaded")
            continue
        root = corpus_dir(cache, package)
        passed, _ = prefiltered(files)
        progress(f"headlint check {package.name} ({len(files)} files, {passed} past the pre-filter)")
        run = measured(headlint_args(headlint, options, args.jobs, root, None, use_cache=False), cwd=str(root))
        document = headlint_document(run)
        if document is None or run.rc not in (0, 1):
            failed.append(f"{package.name}: headlint exit {run.rc}, no JSON document\n{tail(run.stderr)}")
            if document is None:
                continue
        row = {
            "package": package.name, "version": package.version, "files": len(files), "prefilter": passed,
            "files_checked": document.get("files_checked"), "findings": len(document.get("findings", [])),
            "errors": len(document.get("errors", [])), "wall_s": round(run.wall, 2), "cpu_s": round(run.cpu, 2),
            "max_rss_mb": round(run.rss_mb),
        }
        rows.append(row)
        for finding in document.get("findings", []):
            path = Path(finding["path"])
            path = path if path.is_absolute() else root / path
            relative = path.relative_to(root).as_posix()
            text = source_line(path, finding["line"])
            expected = next((e for e in EXPECTED if matches(e, package.name, relative, finding, text)), None)
            findings.append({**finding, "package": package.name, "relative": relative, "source": text,
                             "expected": expected.reason if expected else None,
                             "_expected": expected})
        for error in document.get("errors", []):
            errors.append({**error, "package": package.name})

    # ------------------------------------------------------------------ print
    print("headlint corpus")
    print(f"  {versions_line(ROOT)}")
    jobs = f"{options.jobs_flag} {args.jobs}" if options.jobs_flag and args.jobs else "headlint's default workers"
    print(f"  {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {jobs}; cache {cache}")
    print()
    header = f"{'package':<29}{'version':>9}{'files':>7}{'pre-filter':>11}{'findings':>9}{'errors':>7}" \
             f"{'wall s':>8}{'files/s':>9}{'cpu s':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['package']:<29}{r['version']:>9}{r['files']:>7}{r['prefilter']:>11}{r['findings']:>9}"
              f"{r['errors']:>7}{r['wall_s']:>8.1f}{r['files'] / r['wall_s']:>9.1f}{r['cpu_s']:>8.1f}")
    if rows:
        total = {k: sum(r[k] for r in rows) for k in ("files", "prefilter", "findings", "errors", "wall_s", "cpu_s")}
        print("-" * len(header))
        print(f"{'total':<29}{'':>9}{total['files']:>7}{total['prefilter']:>11}{total['findings']:>9}"
              f"{total['errors']:>7}{total['wall_s']:>8.1f}{total['files'] / total['wall_s']:>9.1f}"
              f"{total['cpu_s']:>8.1f}")
    print()

    unexpected = [f for f in findings if f["_expected"] is None]
    print(f"findings: {len(findings)} ({len(findings) - len(unexpected)} expected, {len(unexpected)} unexpected)")
    for f in findings:
        print(f"  {f['package']}-{next(r['version'] for r in rows if r['package'] == f['package'])}/{f['relative']}:"
              f"{f['line']}:{f['column']}: {f['code']} {f['message']}")
        print(f"      | {f['source']}")
        for related in f.get("related", []):
            print(f"      = {related['message']}: line {related['line']}")
        print(f"      {'expected: ' + f['expected'] if f['expected'] else 'UNEXPECTED: read it; a true bug goes into EXPECTED'}")
    checked = {p.name for p in chosen} & {r["package"] for r in rows}
    seen = {id(f["_expected"]) for f in findings if f["_expected"] is not None}
    vanished = [e for e in EXPECTED if e.package in checked and id(e) not in seen]
    print(f"expected findings that did not appear: {len(vanished)}")
    for e in vanished:
        print(f"  {e.package}: {e.path}: {e.code} `{e.line_text}` ({e.reason})")

    internal = [e for e in errors if e.get("stage") not in ("parse", "read")]
    print(f"errors: {len(errors)} ({len(internal)} internal)")
    for e in errors:
        print(f"  {e['package']}: {e['path']}: [{e.get('stage')}] {e.get('message')}")
    for line in failed:
        print(f"FAILED: {line}")

    if args.json_out:
        document = {"packages": rows, "findings": [{k: v for k, v in f.items() if k != "_expected"} for f in findings],
                    "vanished": [e.__dict__ for e in vanished], "errors": errors, "failed": failed}
        args.json_out.write_text(json.dumps(document, indent=2) + "\n")
    if failed:
        return 2
    return 1 if unexpected or internal else 0


if __name__ == "__main__":
    sys.exit(main())
