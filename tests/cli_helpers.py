"""Running the installed ``headlint`` command, as users do; and the same command
in-process, for the many tests whose subject is what it prints, not the process."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

HEADLINT = Path(sys.executable).with_name("headlint")


def headlint(*args, cwd=None, env=None):
    assert HEADLINT.exists(), f"headlint is not installed next to {sys.executable}"
    run_env = {**os.environ, **(env or {})}
    run_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [str(HEADLINT), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=run_env, timeout=120
    )


def run_cli(*args, cwd=None, env=None):
    """``headlint ARGS`` called in this process through click's CliRunner: the same
    command, options and output, without starting Python and importing libcst again
    (most tests run it on a few tiny files). The result has the fields of
    ``headlint(...)``'s. What only a process shows (its exit path, the modules it
    imports, signals, start-up, worker processes) is tested through ``headlint(...)``:
    here the files are checked in this process, never in workers forked from the
    test's (which may hold torch's threads): ``-j 1``, and ARGS naming ``-j`` run the
    installed command."""
    if any(str(a) == "--jobs" or str(a).startswith(("-j", "--jobs=")) for a in args):
        return headlint(*args, cwd=cwd, env=env)
    from click.testing import CliRunner

    from headlint import cli, runner

    runner._project = None  # each run reads the files afresh, as a new process does
    extra = {"FORCE_COLOR": None, **(env or {})}
    default_jobs, runner.default_jobs = runner.default_jobs, lambda: 1
    try:
        with _cwd(cwd):
            result = CliRunner().invoke(cli.main, [str(a) for a in args], env=extra)
    finally:
        runner.default_jobs = default_jobs
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # the command itself would have said "internal error"
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@contextmanager
def _cwd(path):
    before = os.getcwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def frameworks_imported(*args):
    """Run ``headlint ARGS`` in-process in a fresh interpreter: its exit code and
    which of torch / tensorflow / keras (and pygls, for ``headlint server`` only) it imported."""
    probe = (
        "import sys\n"
        "from headlint.cli import main\n"
        "try:\n"
        f"    main({[str(a) for a in args]!r})\n"
        "except SystemExit as exit:\n"
        "    print('@exit', exit.code)\n"
        "print('@modules', *sorted(m for m in ('torch', 'tensorflow', 'keras', 'pygls') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    marked = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line.startswith("@")}
    return int(marked["@exit"][0]), marked["@modules"]


def write_tree(root, files):
    """Write ``{relative path: text}`` under ``root``, folders included."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
