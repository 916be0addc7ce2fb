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
