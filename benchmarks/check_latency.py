"""How long ``headlint check`` takes on one file, as a whole process, against the
floor of starting Python and importing libcst. Prints figures; asserts nothing.

Cold is ``--no-cache`` (a file just edited, as pre-commit sees it: read, parsed,
analysed); warm is an unchanged file served from the cache (in a scratch cache
directory, filled by one run first).

    python benchmarks/check_latency.py [--repeat 10] [FILE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "fixtures" / "torch" / "seq_softmax_crossentropy.py"  # one finding (and its fix)
CLEAN = ROOT / "fixtures" / "torch" / "clean_log_softmax_crossentropy.py"  # the usual commit: nothing to report
HEADLINT = Path(sys.executable).with_name("headlint")


def timed(command: list, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    floor = timed([sys.executable, "-c", "import libcst"], args.repeat)
    python = timed([sys.executable, "-c", "pass"], args.repeat)
    check = timed([str(HEADLINT), "check", "--no-cache", args.file], args.repeat)
    clean = timed([str(HEADLINT), "check", "--no-cache", str(CLEAN)], args.repeat)
    with tempfile.TemporaryDirectory() as cache:
        warm_command = [str(HEADLINT), "check", "--cache-dir", cache, args.file]
        subprocess.run(warm_command, capture_output=True, check=False)
        warm = timed(warm_command, args.repeat)
    confirm = timed([str(HEADLINT), "check", "--no-cache", "--confirm", args.file], max(1, args.repeat // 5))
    print(f"file: {args.file}")
    print(f"python -c pass           {python * 1000:7.0f} ms")
    print(f"python -c 'import libcst' {floor * 1000:6.0f} ms  (the floor)")
    print(f"headlint check (cold)    {check * 1000:7.0f} ms  ({check / floor:.2f}x the floor)")
    print(f"headlint check (clean)   {clean * 1000:7.0f} ms  ({clean / floor:.2f}x the floor; cold, {CLEAN.name})")
    print(f"headlint check (warm)    {warm * 1000:7.0f} ms  ({warm / floor:.2f}x the floor; served from the cache)")
    print(f"headlint check --confirm {confirm * 1000:7.0f} ms  (imports the finding's framework)")


if __name__ == "__main__":
    main()
