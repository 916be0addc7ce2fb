"""How long ``headlint check`` takes on one file, as a whole process, against the
floor of starting Python and importing libcst. Prints figures; asserts nothing.

    python benchmarks/check_latency.py [--repeat 10] [FILE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "fixtures" / "torch" / "seq_softmax_crossentropy.py"
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
    check = timed([str(HEADLINT), "check", args.file], args.repeat)
    confirm = timed([str(HEADLINT), "check", "--confirm", args.file], max(1, args.repeat // 5))
    print(f"file: {args.file}")
    print(f"python -c pass           {python * 1000:7.0f} ms")
    print(f"python -c 'import libcst' {floor * 1000:6.0f} ms  (the floor)")
    print(f"headlint check           {check * 1000:7.0f} ms  ({check / floor:.2f}x the floor)")
    print(f"headlint check --confirm {confirm * 1000:7.0f} ms  (imports the finding's framework)")


if __name__ == "__main__":
    main()
