"""Throughput on a real corpus: headlint against a bare libcst parse and torchfix.

    .venv/bin/python benchmarks/throughput.py [--corpus-dir DIR] [--repeat N]
        [--files N] [--torchfix-files N] [--skip-torchfix]

Run it with the Python of the environment headlint is installed in: the
``headlint`` command next to ``sys.executable`` is what is timed.

The corpus is the ``modeling_*.py`` files of a pinned ``transformers`` release,
unpacked from its wheel (downloaded once with ``pip download --no-deps`` and cached
under --corpus-dir). Its files are read, never imported or run.

Everything is measured in one run, so the ratios are comparable on a noisy machine:

1. the corpus (files, MB);
2. a bare libcst parse (``libcst.parse_module`` on each file, one child process, the
   same interpreter and libcst as headlint);
3. ``headlint check --output-format json -q CORPUS`` (cold); when ``headlint check
   --help`` shows ``-j/--jobs`` or cache options, they are passed, and a warm re-run
   is measured when there is a cache;
4. torchfix 0.7.0 (it pins libcst<1.6, so it gets its own virtual environment under
   --corpus-dir), on an evenly spaced sample of the corpus (it takes about 1 CPU-second
   per file, so the whole corpus would not fit a ~10 minute run; --torchfix-files 0
   runs it on all of it), against headlint on the same sample;
5. peak memory (max RSS, from ``os.wait4`` for each child) of each run, and of a
   headlint run over --files N files (the corpus repeated in a temporary tree).

Each child's wall time, CPU time (user + sys, its waited-for children included) and
max RSS are read from ``os.wait4``. Wall time is what a user waits; CPU time is the
steadier figure when other work shares the machine, and the fair one against a tool
that runs several worker processes. Progress goes to stderr, figures to stdout. A
script that prints figures: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
TRANSFORMERS = "5.23.0"
TORCHFIX = "0.7.0"
TORCH = "2.13.0"  # the CPU build on this machine's disk; any other spec pulls a CUDA build
MODELING = re.compile(r"^modeling_.*\.py$")

sys.path.insert(0, str(ROOT / "scripts"))
from pinned_wheels import (
    Run,
    detect_options,
    download,
    headlint_args,
    headlint_command,
    headlint_result,
    measured,
    nearest_version,
    prefiltered,
    progress,
    quiet,
    tail,
    unpack,
)
from pinned_wheels import versions_line as _versions_line


def versions_line() -> str:
    return _versions_line(ROOT)


# --------------------------------------------------------------------------- corpus


def is_modeling_file(member: str) -> bool:
    return MODELING.match(member.rsplit("/", 1)[-1]) is not None


def corpus(cache: Path, wanted: str) -> tuple:
    """(corpus root, sorted files, the version used, a note when it is not ``wanted``)."""
    note = ""
    version = wanted
    root = cache / f"transformers-{version}"
    if not (root / ".complete").exists():
        progress(f"downloading transformers=={version} (wheel, no dependencies)")
        wheel, output = download(f"transformers=={version}", cache / "wheels")
        if wheel is None:
            progress(f"transformers=={version} is not available here:\n{tail(output, 3)}")
            version = nearest_version("transformers", wanted)
            if version is None:
                sys.exit("throughput: no transformers release could be listed or downloaded: no corpus")
            note = f"{wanted} was not available on this index; nearest available taken"
            root = cache / f"transformers-{version}"
            if not (root / ".complete").exists():
                progress(f"downloading transformers=={version}")
                wheel, output = download(f"transformers=={version}", cache / "wheels")
                if wheel is None:
                    sys.exit(f"throughput: cannot download transformers=={version}:\n{tail(output)}")
        if not (root / ".complete").exists():
            progress(f"unpacking modeling_*.py from {wheel.name}")
            unpack(wheel, root, is_modeling_file)
    files = sorted(p for p in root.rglob("*.py") if is_modeling_file(p.name))
    return root, files, version, note


def tree(files: list, root: Path, into: Path, count: int) -> Path:
    """``count`` files: the corpus files in order, repeated under copy000/, copy001/...
    (hard links where the filesystem allows, copies otherwise)."""
    shutil.rmtree(into, ignore_errors=True)
    for i in range(count):
        source = files[i % len(files)]
        target = into / f"copy{i // len(files):03d}" / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    return into


def sample(files: list, root: Path, into: Path, count: int) -> Path:
    """``count`` files evenly spaced over the sorted corpus, same relative paths."""
    if (into / ".complete").exists():
        return into
    shutil.rmtree(into, ignore_errors=True)
    picked = [files[(i * len(files)) // count] for i in range(count)]
    for source in picked:
        target = into / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    (into / ".complete").write_text(f"{count}\n")
    return into


# --------------------------------------------------------------------------- bare parse

BARE = r"""
import json, sys, time, tokenize, io
import libcst
files = open(sys.argv[1]).read().splitlines()
def text(path):
    data = open(path, "rb").read()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding).lstrip("\ufeff")
errors = 0
wall, cpu = time.perf_counter(), time.process_time()
for path in files:
    try:
        libcst.parse_module(text(path))
    except Exception:
        errors += 1
cst = (time.perf_counter() - wall, time.process_time() - cpu)
import ast, warnings
warnings.simplefilter("ignore")
wall, cpu = time.perf_counter(), time.process_time()
for path in files:
    try:
        ast.parse(text(path))
    except Exception:
        pass
print(json.dumps({"cst_wall": cst[0], "cst_cpu": cst[1], "errors": errors,
                  "ast_wall": time.perf_counter() - wall, "ast_cpu": time.process_time() - cpu}))
"""


def bare_parse(files: list, scratch: Path) -> tuple:
    listing = scratch / "bare-files.txt"
    listing.write_text("\n".join(str(f) for f in files) + "\n")
    run = measured([sys.executable, "-c", BARE, str(listing)])
    inner = json.loads(run.stdout) if run.rc == 0 else {}
    return run, inner


# --------------------------------------------------------------------------- torchfix


def torchfix_env(cache: Path) -> tuple:
    """(the torchfix command or None, a description: versions, or why not)."""
    venv = cache / f"torchfix-{TORCHFIX}-venv"
    command = venv / "bin" / "torchfix"
    python = venv / "bin" / "python"

    def versions() -> Optional[str]:
        if not command.exists():
            return None
        reported = quiet([str(command), "--version"], timeout=120)
        if reported.returncode != 0 or reported.stdout.strip() != TORCHFIX:
            return None
        libcst = quiet([str(python), "-c", "import importlib.metadata as m; print(m.version('libcst'))"]).stdout.strip()
        py = quiet([str(python), "-c", "import platform; print(platform.python_version())"]).stdout.strip()
        return f"torchfix {TORCHFIX} (libcst {libcst}, Python {py}, venv {venv})"

    ready = versions()
    if ready:
        return command, ready
    progress(f"setting up torchfix {TORCHFIX} in {venv}")
    wheel, output = download(f"torchfix=={TORCHFIX}", cache / "wheels")
    if wheel is None:
        return None, f"pip download torchfix=={TORCHFIX} failed:\n{tail(output)}"
    with zipfile.ZipFile(wheel) as archive:
        metadata = next((m for m in archive.namelist() if m.endswith(".dist-info/METADATA")), None)
        text = archive.read(metadata).decode("utf-8", "replace") if metadata else ""
    requires = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Requires-Dist:")]
    unconditional = [r for r in requires if "extra ==" not in r.replace('"', "'")]
    names = {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in unconditional if re.match(r"[A-Za-z0-9_.-]+", r)}
    progress(f"torchfix {TORCHFIX} requires: {', '.join(unconditional) or 'nothing'}")
    shutil.rmtree(venv, ignore_errors=True)
    made = quiet([sys.executable, "-m", "venv", str(venv)])
    if made.returncode != 0:
        return None, f"python -m venv failed:\n{tail(made.stderr)}"
    pip = [str(python), "-m", "pip", "install", "-q"]
    if "torch" in names:
        progress(f"torchfix pulls torch: installing torch=={TORCH} (CPU build) first")
        done = quiet(pip + [f"torch=={TORCH}"], timeout=1800)
        if done.returncode != 0:
            return None, f"pip install torch=={TORCH} failed:\n{tail(done.stderr)}"
    done = quiet(pip + [f"torchfix=={TORCHFIX}"], timeout=900)
    if done.returncode != 0:
        return None, f"pip install torchfix=={TORCHFIX} failed:\n{tail(done.stderr)}"
    ready = versions()
    return (command, ready) if ready else (None, "torchfix installed but `torchfix --version` does not answer")


def torchfix_result(run: Run) -> dict:
    finished = re.search(r"Finished checking (\d+) files", run.stderr)
    return {
        "files_checked": int(finished.group(1)) if finished else None,
        "findings": len(re.findall(r"^\S.*?:\d+:\d+:? TOR\d+", run.stdout, re.M)),
    }


# --------------------------------------------------------------------------- figures


def med(runs: list, attribute: str) -> float:
    return statistics.median(getattr(r, attribute) for r in runs)


def spread(runs: list, attribute: str) -> str:
    if len(runs) < 2:
        return ""
    values = [getattr(r, attribute) for r in runs]
    return f" [{min(values):.1f}-{max(values):.1f}]"


def line(label: str, runs: list, files: int, extra: str = "") -> str:
    wall, cpu = med(runs, "wall"), med(runs, "cpu")
    return (
        f"{label:<34} wall {wall:7.1f} s{spread(runs, 'wall')} ({files / wall:6.1f} files/s)"
        f"   cpu {cpu:7.1f} s{spread(runs, 'cpu')} ({files / cpu:6.1f} files/s)"
        f"   max RSS {max(r.rss_mb for r in runs):6.0f} MB{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus-dir", type=Path, default=Path("~/.cache/headlint-bench"),
                        help="where the corpus, the wheels and torchfix's venv are cached (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="median of N runs of each timing (default: 1)")
    parser.add_argument("--files", type=int, default=2000,
                        help="peak memory of a headlint run over N files, the corpus repeated (0: skip; default: 2000)")
    parser.add_argument("--skip-torchfix", action="store_true", help="do not measure torchfix")
    parser.add_argument("--torchfix-files", type=int, default=100,
                        help="torchfix (and headlint, for the ratio) on N evenly spaced corpus files; 0: the whole "
                        "corpus, which takes ~10 min on 2 cores (default: 100)")
    parser.add_argument("--torchfix-timeout", type=float, default=600, help="seconds before a torchfix run is killed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="passed as -j/--jobs when headlint check has it (default: the CPU count)")
    parser.add_argument("--transformers-version", default=TRANSFORMERS, help="the corpus release (default: %(default)s)")
    args = parser.parse_args()
    cache = args.corpus_dir.expanduser().resolve()
    cache.mkdir(parents=True, exist_ok=True)
    repeat = max(1, args.repeat)
    load_before = os.getloadavg()

    headlint = headlint_command()
    options = detect_options(headlint)
    root, files, version, note = corpus(cache, args.transformers_version)
    size = sum(f.stat().st_size for f in files)
    passed, prefilter_how = prefiltered(files)
    n = len(files)

    tf_command, tf_about = (None, "skipped (--skip-torchfix)")
    if not args.skip_torchfix:
        tf_command, tf_about = torchfix_env(cache)
        if tf_command is None:
            progress(f"torchfix unavailable: {tf_about}")
    tf_count = n if args.torchfix_files <= 0 or args.torchfix_files >= n else args.torchfix_files
    tf_tree = root if tf_count == n else sample(files, root, cache / f"transformers-{version}-sample{tf_count}", tf_count)

    bare, inner, cold, fill, warm, hl_sample, tf_runs = [], [], [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="headlint-bench-") as scratch_name:
        scratch = Path(scratch_name)
        for round_ in range(1, repeat + 1):
            tag = f"round {round_}/{repeat}: " if repeat > 1 else ""
            progress(f"{tag}bare libcst parse of {n} files")
            run, figures = bare_parse(files, scratch)
            if run.rc != 0:
                progress(f"bare parse failed (exit {run.rc}):\n{tail(run.stderr)}")
            bare.append(run)
            inner.append(figures)

            # A fresh working directory (and cache directory) per round: the cold run
            # finds no cache wherever headlint keeps it.
            cwd = scratch / f"cwd{round_}"
            cwd.mkdir()
            cache_dir = scratch / f"cache{round_}"
            progress(f"{tag}headlint cold on {n} files")
            cold.append(measured(headlint_args(headlint, options, args.jobs, root, cache_dir, use_cache=False), cwd=str(cwd)))
            if options.cache:
                progress(f"{tag}headlint filling its cache")
                fill.append(measured(headlint_args(headlint, options, args.jobs, root, cache_dir, use_cache=True), cwd=str(cwd)))
                progress(f"{tag}headlint warm (cache)")
                warm.append(measured(headlint_args(headlint, options, args.jobs, root, cache_dir, use_cache=True), cwd=str(cwd)))

            if tf_command is not None:
                progress(f"{tag}headlint on the torchfix sample ({tf_count} files)")
                hl_sample.append(
                    measured(headlint_args(headlint, options, args.jobs, tf_tree, scratch / f"scache{round_}", use_cache=False),
                             cwd=str(cwd))
                )
                progress(f"{tag}torchfix on {tf_count} files (~1 CPU-second a file)")
                tf_runs.append(measured([str(tf_command), str(tf_tree)], cwd=str(cwd), timeout=args.torchfix_timeout))

        many = None
        if args.files > 0:
            big = tree(files, root, Path(tempfile.mkdtemp(prefix="nfiles-", dir=cache)), args.files)
            try:
                progress(f"headlint on {args.files} files (the corpus repeated) for peak memory")
                cwd = scratch / "cwd-many"
                cwd.mkdir()
                many = measured(headlint_args(headlint, options, args.jobs, big, scratch / "cache-many", use_cache=False),
                                cwd=str(cwd))
            finally:
                shutil.rmtree(big, ignore_errors=True)
    load_after = os.getloadavg()

    # ------------------------------------------------------------------ print
    print("headlint throughput")
    print(f"  {versions_line()}")
    print(f"  machine: {os.cpu_count()} CPUs; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  repeat: {repeat} (median{'; [min-max]' if repeat > 1 else ''})")
    print()
    print(f"1. corpus: transformers {version}{f' ({note})' if note else ' (pinned)'}: modeling_*.py from its wheel")
    print(f"   {n} files, {size / 1e6:.1f} MB, in {root}")
    print(f"   headlint's pre-filter lets {passed} of {n} through ({prefilter_how})")
    print()
    print("2. bare parse (one child process, libcst.parse_module on each file)")
    if bare[0].rc == 0:
        cst_wall = statistics.median(f["cst_wall"] for f in inner)
        cst_cpu = statistics.median(f["cst_cpu"] for f in inner)
        ast_wall = statistics.median(f["ast_wall"] for f in inner)
        ast_cpu = statistics.median(f["ast_cpu"] for f in inner)
        print(f"   {'libcst loop (read + parse)':<34} wall {cst_wall:7.1f} s ({n / cst_wall:6.1f} files/s)"
              f"   cpu {cst_cpu:7.1f} s ({n / cst_cpu:6.1f} files/s)   parse errors {inner[0]['errors']}")
        print(f"   {line('whole process, incl. the ast loop', bare, n)}")
        print(f"   {'for reference: ast.parse loop':<34} wall {ast_wall:7.1f} s ({n / ast_wall:6.1f} files/s)"
              f"   cpu {ast_cpu:7.1f} s")
    else:
        cst_wall = cst_cpu = None
        print(f"   failed (exit {bare[0].rc}):\n{tail(bare[0].stderr)}")
    print()
    flags = []
    if options.jobs_flag:
        flags.append(f"{options.jobs_flag} {args.jobs}")
    if options.no_cache:
        flags.append("--no-cache for the cold run")
    if options.cache_dir:
        flags.append("--cache-dir (fresh per round)")
    print(f"3. headlint check --output-format json -q  ({', '.join(flags) if flags else 'no -j or cache option in --help'})")
    counts = headlint_result(cold[0])
    print(f"   {line('cold', cold, n)}")
    print(f"   exit {cold[0].rc}; {', '.join(f'{k} {v}' for k, v in counts.items())}; passed the pre-filter: {passed}")
    if cold[0].rc not in (0, 1):
        print(tail(cold[0].stderr))
    if cst_wall:
        print(f"   headlint / bare libcst loop:  wall {med(cold, 'wall') / cst_wall:.2f}x   cpu {med(cold, 'cpu') / cst_cpu:.2f}x"
              f"   (headlint's share beyond parsing: cpu {max(0.0, med(cold, 'cpu') - cst_cpu):.1f} s)")
    if fill:
        print(f"   {line('cache fill', fill, n)}")
        print(f"   {line('warm (cache)', warm, n)}  ({med(cold, 'wall') / med(warm, 'wall'):.1f}x faster than cold)")
    else:
        print("   warm re-run: not measured (headlint check --help shows no cache option)")
    print()
    print(f"4. peer: {tf_about}")
    if tf_command is not None and tf_runs:
        failed = [r for r in tf_runs if r.timed_out or r.rc not in (0, 1)]
        what = f"{tf_count} files evenly spaced over the corpus" if tf_count < n else "the whole corpus"
        print(f"   on {what} ({tf_tree}); torchfix runs its default worker count (all CPUs)")
        print(f"   {line('headlint on the same files', hl_sample, tf_count)}")
        if failed:
            r = failed[0]
            why = f"killed after {args.torchfix_timeout:.0f} s" if r.timed_out else f"exit {r.rc}"
            print(f"   torchfix did not finish: {why}\n{tail(r.stderr)}")
        else:
            result = torchfix_result(tf_runs[0])
            print(f"   {line('torchfix ' + TORCHFIX, tf_runs, tf_count)}")
            print(f"   torchfix exit {tf_runs[0].rc}; files it checked {result['files_checked']} "
                  f"(its pre-filter: 'torch' anywhere in a line); findings {result['findings']}")
            print(f"   headlint files/s / torchfix files/s:  wall {med(tf_runs, 'wall') / med(hl_sample, 'wall'):.2f}x"
                  f"   cpu {med(tf_runs, 'cpu') / med(hl_sample, 'cpu'):.2f}x")
            if tf_count < n:
                print(f"   (torchfix on all {n} files would take ~{med(tf_runs, 'wall') * n / tf_count:.0f} s wall, "
                      f"~{med(tf_runs, 'cpu') * n / tf_count:.0f} s cpu at this rate)")
    print()
    print("5. peak memory (max RSS of the headlint process)")
    print(f"   {n} files (corpus, cold): {max(r.rss_mb for r in cold):.0f} MB")
    if many is not None:
        extra = headlint_result(many)
        print(f"   {line(f'{args.files} files (corpus repeated)', [many], args.files)}")
        print(f"   exit {many.rc}; {', '.join(f'{k} {v}' for k, v in extra.items())}; one run")
        if args.files != n:
            growth = (many.rss_mb - max(r.rss_mb for r in cold)) * 1024 / (args.files - n)
            print(f"   growth: {growth:+.1f} KB per file beyond the corpus")


if __name__ == "__main__":
    main()
