"""Pinned wheels from the package index, downloaded once and unpacked, never
imported: the real code that benchmarks/throughput.py and scripts/corpus.py read."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable, Optional


def download(spec: str, into: Path) -> tuple:
    """``pip download --no-deps spec -d into``: (the wheel's path or None, pip's output)."""
    into.mkdir(parents=True, exist_ok=True)
    before = set(into.glob("*.whl"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", spec, "-d", str(into)],
        capture_output=True, text=True, timeout=900, check=False,
    )
    name, _, version = spec.partition("==")
    wanted = re.compile(rf"^{re.escape(name).replace('_', '[-_]')}-{re.escape(version)}-.*\.whl$", re.IGNORECASE)
    wheels = [w for w in into.glob("*.whl") if wanted.match(w.name)] or sorted(set(into.glob("*.whl")) - before)
    return (wheels[0] if done.returncode == 0 and wheels else None), done.stdout + done.stderr


def unpacked(spec: str, cache: Path, keep: Optional[Callable[[str], bool]] = None) -> Optional[Path]:
    """The wheel of ``spec`` unpacked under ``cache`` (its ``.py`` files, or those whose
    archive path ``keep`` accepts), once; None when it cannot be downloaded."""
    root = cache / spec.replace("==", "-")
    if (root / ".complete").exists():
        return root
    wheel, output = download(spec, cache / "wheels")
    if wheel is None:
        print(f"cannot download {spec}:\n{output.strip()[-600:]}", file=sys.stderr)
        return None
    shutil.rmtree(root, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.endswith(".py") and (keep is None or keep(m))]
        for member in members:
            archive.extract(member, root)
    (root / ".complete").write_text(f"{len(members)}\n")
    return root
