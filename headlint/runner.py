"""Checking many files: the cache first, the pre-filter next, then the files that
need parsing, spread over worker processes; results come back in the order the
files were given, whatever the number of workers.

    for result in check_files(tasks, jobs=4, cache=Cache.open(".headlint_cache")):
        ...

The main process reads and decodes each file once: its digest keys the cache, the
pre-filter (source.read) decides on the same bytes whether it needs parsing at
all, and the worker gets the decoded text, so a run where nothing is model code
neither forks nor imports libcst.
Each worker keeps one project.Project (parsed modules shared between the files it
checks); results do not depend on which worker checked what (project.py says why).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from .engine import FileResult, check_source, skipped
from .project import Project, digest
from .records import FileError, internal_error
from .source import read, read_bytes, unfiltered


@dataclass(frozen=True)
class Task:
    path: str
    select: frozenset
    confirm: Optional[str] = None  # the device, with --confirm
    fix: Optional[str] = None  # "safe" / "unsafe", with --fix or --diff
    # A project file checked only because it imports a checked one (importers.py):
    # its result keeps what it reports about the checked files, and no error.
    context: bool = False
    # With ``fix``: the real paths of the checked files, which a fix found through
    # this file's analysis may edit too (a softmax in models.py that its loss makes
    # a finding)
    fix_paths: frozenset = frozenset()
    data: Optional[bytes] = None  # the text itself (standard input), read as if at ``path``

    @property
    def cacheable(self) -> bool:
        # --confirm's evidence and --fix's rewrites are not worth keeping: both are
        # rare, and a probe's figures should be measured, not remembered; standard
        # input has no file whose change would tell a stale entry
        return self.confirm is None and self.fix is None and self.data is None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_files(tasks: list, jobs: int = 1, cache=None, project: Optional[Project] = None) -> Iterator[FileResult]:
    """One FileResult per task, in the tasks' order. ``project``: check them all in
    this process with that project.Project (the editor server's, which reads its
    open buffers through Project.overlay); default: each worker's own."""
    ready: dict = {}
    pending: list = []  # (index, task, source.Source, cache key)
    resolver = Project()  # follows the imports of files the pre-filter would skip
    for index, task in enumerate(tasks):
        data = read_bytes(task.path) if task.data is None else task.data
        if isinstance(data, FileError):
            ready[index] = FileResult(task.path, error=data)
            continue
        key = cache.key(task.path, digest(data), tuple(sorted(task.select))) if cache and task.cacheable else None
        hit = cache.get(key) if key is not None else None
        source = read_checked(task.path, data, resolver) if hit is None else None
        if hit is not None:
            ready[index] = hit
        elif source is None:
            ready[index] = skipped(task.path, data, task.select)  # the pre-filter: not model code
        elif isinstance(source, FileError):
            ready[index] = FileResult(task.path, error=source)  # undecodable, too large
        else:
            pending.append((index, task, source, key))

    given = {os.path.realpath(task.path) for task in tasks if not task.context}
    checked = _checked(pending, jobs, project)
    for index in range(len(tasks)):
        if index not in ready:
            position, result = next(checked)
            key = pending[position][3]
            if key is not None and result.error is None:
                cache.put(key, result)
            ready[index] = result
        result = ready.pop(index)
        yield _as_context(result, given) if tasks[index].context else _fixes_in(result, given)


def read_checked(path: str, data: bytes, resolver: Project):
    """The file as a check reads it (source.read: decoded, or None when the pre-filter
    skips it), an entry point that runs the project's model code included, whatever
    framework it imports itself (project.Project.entry_point)."""
    source = read(path, data)
    if source is None and resolver.entry_point(path, data):
        return unfiltered(path, data)
    return source


def _as_context(result: FileResult, given: set) -> FileResult:
    """A context file's result as the run reports it: its findings that lie in a
    checked file (the activation, or the loss applied or created there), and the
    fixes it made there; its own errors and other findings belong to a file nobody
    asked about."""

    def touches(at) -> bool:
        return any(os.path.realpath(span.path) in given for span in (at.span, *(s for _, s in at.related)))

    kept = FileResult(result.path, [at for at in result.findings if touches(at)], parsed=result.parsed)
    kept.fixed, kept.other_files, kept.noqa_used = result.fixed, result.other_files, result.noqa_used
    return _fixes_in(kept, given)


def _fixes_in(result: FileResult, given: set) -> FileResult:
    """A fix is offered only where it would edit a checked file."""
    result.findings = [
        at if at.fix is None or os.path.realpath(at.span.path) in given else replace(at, fix=None)
        for at in result.findings
    ]
    return result


def _checked(pending: list, jobs: int, project: Optional[Project] = None) -> Iterator[tuple]:
    """(position in ``pending``, FileResult), in order."""
    work = [(task, source) for _, task, source, _ in pending]
    if project is not None:
        yield from enumerate(_check(item, project) for item in work)
        return
    workers = min(jobs, len(work))
    if workers <= 1 or any(task.confirm for task, _ in work):
        # --confirm imports torch or TensorFlow: once, here, not once per worker
        yield from enumerate(map(_check, work))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import libcst  # noqa: F401 - imported once here, shared by the forked workers

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Small chunks keep the workers busy to the end: files differ a lot in size.
    chunk = max(1, min(8, len(work) // (workers * 8)))
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for result in pool.map(_check, work, chunksize=chunk):
                yield done, result
                done += 1
    except BrokenProcessPool:
        # a worker died (killed, out of memory): the rest are checked here
        for position in range(done, len(work)):
            yield position, _check(work[position])


_project: Optional[Project] = None


def _check(item: tuple, project: Optional[Project] = None) -> FileResult:
    global _project
    if project is None and _project is None:
        _project = Project()
    task, source = item
    try:
        return check_source(
            source, task.select, task.confirm, task.fix, project or _project, task.fix_paths, not task.context
        )
    except Exception as error:  # noqa: BLE001 - one file's internal error never stops the run
        return FileResult(task.path, error=internal_error(task.path, "check", error))
