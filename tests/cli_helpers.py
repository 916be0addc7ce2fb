"""Running the installed ``headlint`` command, as users do."""

import os
import subprocess
import sys
from pathlib import Path

HEADLINT = Path(sys.executable).with_name("headlint")


def headlint(*args, cwd=None, env=None):
    assert HEADLINT.exists(), f"headlint is not installed next to {sys.executable}"
    run_env = {**os.environ, **(env or {})}
    run_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [str(HEADLINT), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=run_env, timeout=120
    )


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
