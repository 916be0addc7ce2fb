"""Run headlint over every ``.py`` file of the Python standard library and of this
environment's site-packages (torch, tensorflow, keras: real framework code), and
print what happened: files seen, files parsed (past the pre-filter), parse errors by
reason, internal errors (each one a bug), findings (each one a true bug in the
library or a false positive: read them), the total time and the slowest files.

    python scripts/scan_site_packages.py [--jobs N] [--timeout S] [--json OUT] [ROOTS...]

Each file goes through ``headlint.engine.check_file`` in a worker process with its
own timer; a worker that crashes (a segfault) or runs past ``--timeout`` is reported
with the file it was checking, and replaced. Exit status 1 when there was an internal
error, a crash or a timeout, else 0.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import sysconfig
import time


def default_roots() -> list:
    paths = sysconfig.get_paths()
    roots = [paths["stdlib"], paths["purelib"], paths["platlib"]]
    return list(dict.fromkeys(os.path.realpath(r) for r in roots if r and os.path.isdir(r)))


def python_files(roots) -> list:
    """Every *.py under the roots, each once; the standard library without its
    site-packages (the environment's own is a root of its own)."""
    seen, files = set(), []
    for root in roots:
        for directory, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
            for name in sorted(names):
                path = os.path.join(directory, name)
                if name.endswith(".py") and os.path.isfile(path) and os.path.realpath(path) not in seen:
                    seen.add(os.path.realpath(path))
                    files.append(path)
    return files


# --- the worker: one path per line in, one JSON object per line out --------------------


def worker() -> None:
    from headlint.engine import check_file, check_text
    from headlint.project import Project

    # imports (libcst, the rules) before the first timer starts
    check_text("import torch\nm = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Softmax(dim=1))\n")
    project = Project()  # imports of the scanned packages' own modules are followed, as the CLI does
    for line in sys.stdin:
        path = line.rstrip("\n")
        started = time.perf_counter()
        try:
            result = check_file(path, project=project)
            record = {
                "path": path,
                "parsed": result.parsed,
                "error": None if result.error is None else {"stage": result.error.stage, "reason": result.error.reason},
                "findings": [
                    {"code": f.code, "line": f.span.line, "column": f.span.col, "message": f.message,
                     "source": f.source_line.strip(), "path": f.span.path,
                     "related": [f"{label}: {s.path} line {s.line}" for label, s in f.related]}
                    for f in result.findings
                ],
            }
        except BaseException as error:  # noqa: BLE001 - check_file itself must never raise: a bug
            record = {"path": path, "parsed": True, "findings": [],
                      "error": {"stage": "raised", "reason": f"{type(error).__name__}: {error}"}}
        record["seconds"] = time.perf_counter() - started
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


class Worker:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        self.path, self.started = None, None

    def send(self, path):
        self.path, self.started = path, time.perf_counter()
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()

    def stop(self):
        self.process.kill()
        self.process.wait()


def scan(files, jobs: int, timeout: float):
    """Results in completion order; a crash or a timeout is a result too."""
    import selectors

    pending = list(reversed(files))
    selector = selectors.DefaultSelector()
    workers = []

    def start():
        w = Worker()
        workers.append(w)
        selector.register(w.process.stdout, selectors.EVENT_READ, w)
        feed(w)

    def feed(w):
        if pending:
            w.send(pending.pop())
        else:
            w.path = None

    def replace(w, stage, reason):
        selector.unregister(w.process.stdout)
        workers.remove(w)
        seconds = time.perf_counter() - w.started
        path = w.path
        w.stop()
        start()
        return {"path": path, "parsed": True, "findings": [], "seconds": seconds,
                "error": {"stage": stage, "reason": reason}}

    for _ in range(min(jobs, len(files))):
        start()
    while any(w.path is not None for w in workers):
        for key, _ in selector.select(timeout=1.0):
            w = key.data
            line = w.process.stdout.readline()
            if not line:  # the worker died on this file
                code = w.process.wait()
                yield replace(w, "crash", f"the worker died (exit status {code}) checking this file")
                continue
            yield json.loads(line)
            feed(w)
        for w in list(workers):
            if w.path is not None and time.perf_counter() - w.started > timeout:
                yield replace(w, "timeout", f"still running after {timeout:.0f} s")
    for w in workers:
        w.process.stdin.close()
        w.stop()


# --- the report -------------------------------------------------------------------------

_PLACE = re.compile(r"(?:cell \d+, )?line \d+(?:, column (?:\d+|None))?|\bat offset \d+|byte 0x[0-9a-f]{2}|\d+ levels deep")


def reason_kind(reason: str) -> str:
    """A parse error's reason without its place, so that the same reason counts once."""
    return _PLACE.sub("…", reason)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="*", help="folders to scan (default: the stdlib and site-packages)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds one file may take")
    parser.add_argument("--json", dest="json_out", help="also write every file's result here")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker()
        return 0

    roots = args.roots or default_roots()
    files = python_files(roots)
    print(f"scanning {len(files)} files under {', '.join(roots)} with {args.jobs} workers", flush=True)
    started = time.perf_counter()
    results = []
    for done, result in enumerate(scan(files, args.jobs, args.timeout), 1):
        results.append(result)
        if done % 1000 == 0:
            print(f"  {done} / {len(files)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    wall = time.perf_counter() - started

    parsed = [r for r in results if r["parsed"]]
    errors = [r for r in results if r["error"]]
    by_stage = collections.defaultdict(list)
    for r in errors:
        by_stage[r["error"]["stage"]].append(r)
    internal = by_stage["analyse"] + by_stage["raised"] + by_stage["crash"] + by_stage["timeout"]
    findings = [(r, f) for r in results for f in r["findings"]]

    print()
    print(f"files seen:      {len(results)}")
    print(f"files parsed:    {len(parsed)} (past the pre-filter)")
    print(f"read errors:     {len(by_stage['read'])}")
    for reason, count in collections.Counter(reason_kind(r["error"]["reason"]) for r in by_stage["read"]).most_common(10):
        print(f"  {count:5}  {reason}")
    print(f"parse errors:    {len(by_stage['parse'])}")
    for reason, count in collections.Counter(reason_kind(r["error"]["reason"]) for r in by_stage["parse"]).most_common(10):
        print(f"  {count:5}  {reason}")
    print(f"internal errors: {len(internal)}")
    for r in internal:
        print(f"  {r['path']}: [{r['error']['stage']}] {r['error']['reason']}")
    print(f"findings:        {len(findings)} in {len({r['path'] for r, _ in findings})} files")
    for r, f in findings:
        where = f.get("path", r["path"])  # a finding reached from r['path'] may lie in a module it imports
        print(f"  {where}:{f['line']}:{f['column']}: {f['code']} {f['message']}" + (f"  (from {r['path']})" if where != r["path"] else ""))
        print(f"      | {f['source']}")
        for related in f["related"]:
            print(f"      = {related}")
    print(f"time:            {wall:.1f} s wall, {sum(r['seconds'] for r in results):.1f} s in check_file "
          f"({sum(r['seconds'] for r in parsed):.1f} s on the parsed files), {args.jobs} workers")
    print("slowest files:")
    for r in sorted(results, key=lambda r: -r["seconds"])[:10]:
        size = os.path.getsize(r["path"]) if os.path.exists(r["path"]) else 0
        print(f"  {r['seconds']:7.2f} s  {size / 1000:8.0f} kB  {r['path']}")
    if args.json_out:
        with open(args.json_out, "w") as handle:
            json.dump(results, handle)
    return 1 if internal else 0


if __name__ == "__main__":
    sys.exit(main())
