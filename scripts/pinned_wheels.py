"""Helpers shared by benchmarks/throughput.py and scripts/corpus.py: fetch a pinned
wheel with ``pip download --no-deps``, unpack part of it as a corpus of source files
(read, never imported or run), and run the ``headlint`` command of this environment
over it, measuring the child with ``os.wait4``.

Imported, not run: both scripts put this folder on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

START = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - START:6.1f}s] {message}", file=sys.stderr, flush=True)


def quiet(command: list, timeout: float = 900, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)


def tail(text: str, lines: int = 6) -> str:
    return "\n".join("      " + line for line in text.strip().splitlines()[-lines:])


# --------------------------------------------------------------------------- children


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float  # max RSS of the largest single process (the child or a waited-for worker)
    rc: int
    stdout: str
    stderr: str
    timed_out: bool = False


def measured(command: list, cwd: Optional[str] = None, timeout: Optional[float] = None, env=None) -> Run:
    """Run ``command`` with its output in files; wall time, CPU time and max RSS
    of exactly this child (and the children it waited for) from ``os.wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the child and its workers
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,  # KiB on Linux
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            killed.is_set(),
        )


# --------------------------------------------------------------------------- wheels


def _version_key(version: str) -> Optional[tuple]:
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        return None  # pre-releases, dev and post releases are not candidates
    return tuple(int(part) for part in version.split("."))


def nearest_version(package: str, wanted: str) -> Optional[str]:
    """The greatest final release not above ``wanted``, else the least above it."""
    listing = quiet([sys.executable, "-m", "pip", "index", "versions", package], timeout=300)
    match = re.search(r"Available versions:\s*(.+)", listing.stdout)
    if not match:
        return None
    target = _version_key(wanted)
    found = [(key, v) for v in (s.strip() for s in match.group(1).split(",")) if (key := _version_key(v))]
    below = [item for item in found if item[0] <= target]
    above = [item for item in found if item[0] > target]
    if below:
        return max(below)[1]
    return min(above)[1] if above else None


def download(spec: str, into: Path) -> tuple:
    """``pip download --no-deps spec -d into``: (the wheel's path or None, pip's output).
    A wheel of that exact version already in ``into`` is reused without asking pip."""
    into.mkdir(parents=True, exist_ok=True)
    name, _, version = spec.partition("==")
    spelled = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]+", name))  # wheels write - and . as _
    wanted = re.compile(rf"^{spelled}-{re.escape(version)}-.*\.whl$", re.IGNORECASE)
    cached = sorted(w for w in into.glob("*.whl") if wanted.match(w.name))
    if version and cached:
        return cached[0], f"{cached[0].name} (cached)"
    before = set(into.glob("*.whl"))
    done = quiet([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", spec, "-d", str(into)])
    wheels = [w for w in into.glob("*.whl") if wanted.match(w.name)] or sorted(set(into.glob("*.whl")) - before)
    return (wheels[0] if done.returncode == 0 and wheels else None), done.stdout + done.stderr


def globs(patterns) -> Callable[[str], bool]:
    """A predicate on archive member names: ``**`` crosses folders, ``*`` does not."""
    compiled = []
    for pattern in patterns:
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        compiled.append(re.compile(rf"^{regex}$"))
    return lambda name: any(c.match(name) for c in compiled)


def unpack(wheel: Path, root: Path, keep: Callable[[str], bool], stamp: str = "") -> list:
    """Extract the members ``keep`` accepts into ``root`` (once: a ``.complete`` file
    holding ``stamp`` marks a finished unpack); the extracted files, sorted."""
    marker = root / ".complete"
    if not (marker.exists() and marker.read_text().splitlines()[1:] == stamp.splitlines()):
        shutil.rmtree(root, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/") and keep(m)]
            for member in members:
                archive.extract(member, root)
        marker.write_text(f"{len(members)}\n{stamp}")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".complete" and keep(p.relative_to(root).as_posix()))


# --------------------------------------------------------------------------- headlint


def prefiltered(files: list) -> tuple:
    """How many files headlint's own pre-filter lets through (headlint.source)."""
    try:
        from headlint.source import mentions_framework

        how = "headlint.source.mentions_framework"
    except ImportError:
        pattern = re.compile(
            rb"^[ \t]*(?:from|import)[ \t]+(?:torch|tensorflow|keras|tf_keras|pytorch_lightning|lightning)\b", re.M
        )

        def mentions_framework(data: bytes) -> bool:
            return pattern.search(data) is not None

        how = "a copy of headlint's pre-filter regex (headlint not importable here)"
    return sum(1 for f in files if f.suffix == ".py" and mentions_framework(f.read_bytes())), how


def headlint_command() -> Path:
    here = Path(sys.executable).with_name("headlint")
    if here.exists():
        return here
    found = shutil.which("headlint")
    if found:
        progress(f"no headlint next to {sys.executable}; using {found}")
        return Path(found)
    sys.exit(f"no headlint command next to {sys.executable}: run this with the Python "
             "of the environment headlint is installed in (e.g. .venv/bin/python)")


@dataclass
class Options:
    jobs_flag: Optional[str] = None
    no_cache: bool = False
    cache_dir: bool = False
    cache: bool = False  # some cache option exists
    notes: list = field(default_factory=list)


def detect_options(headlint: Path) -> Options:
    """Which of -j/--jobs, --no-cache, --cache-dir ``headlint check --help`` shows."""
    help_text = quiet([str(headlint), "check", "--help"], timeout=60).stdout
    found = Options()
    if re.search(r"(?<![\w-])--jobs\b", help_text):
        found.jobs_flag = "--jobs"
    elif re.search(r"(?<![\w-])-j\b", help_text):
        found.jobs_flag = "-j"
    found.no_cache = bool(re.search(r"(?<![\w-])--no-cache\b", help_text))
    found.cache_dir = bool(re.search(r"(?<![\w-])--cache-dir\b", help_text))
    found.cache = found.no_cache or found.cache_dir or bool(re.search(r"(?<![\w-])--cache\b", help_text))
    return found


def headlint_args(headlint: Path, options: Options, jobs: Optional[int], path: Path, cache_dir: Optional[Path],
                  use_cache: bool) -> list:
    command = [str(headlint), "check", "--output-format", "json", "-q"]
    if options.jobs_flag and jobs:
        command += [options.jobs_flag, str(jobs)]
    if options.no_cache and not use_cache:
        command.append("--no-cache")
    if options.cache_dir and cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    return command + [str(path)]


def headlint_document(run: Run) -> Optional[dict]:
    try:
        document = json.loads(run.stdout)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def headlint_result(run: Run) -> dict:
    """files_checked, findings, errors, and any other count the JSON document has."""
    document = headlint_document(run)
    if document is None:
        return {"unreadable": True}
    counts = {
        "files_checked": document.get("files_checked"),
        "findings": len(document.get("findings", [])),
        "errors": len(document.get("errors", [])),
    }
    for key, value in document.items():  # fields a later headlint may add (files_parsed, ...)
        if key.startswith("files_") and key != "files_checked" and isinstance(value, int):
            counts[key] = value
    return counts


def versions_line(root: Path) -> str:
    """headlint's version (and the commit of the checkout it is imported from, else
    of ``root``), libcst, click, Python."""
    import importlib.util
    from importlib import metadata

    spec = importlib.util.find_spec("headlint")
    if spec is not None and spec.origin:
        root = Path(spec.origin).resolve().parents[1]  # the checkout of an editable install

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    state = ""
    git = quiet(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], timeout=30)
    if git.returncode == 0:
        dirty = quiet(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--", "headlint"], timeout=30)
        state = f", {root} at {git.stdout.strip()}{' + uncommitted changes to headlint/' if dirty.stdout.strip() else ''}"
    return (
        f"headlint {version('headlint')}{state}; libcst {version('libcst')}; click {version('click')}; "
        f"Python {sys.version.split()[0]} ({sys.executable})"
    )
