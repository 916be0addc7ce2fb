"""How long ``headlint check`` takes on one file, as a whole process, against the
floor of starting Python and importing libcst. Prints figures; asserts nothing.

Cold is ``--no-cache`` (a file just edited, as pre-commit sees it: read, parsed,
analysed); warm is an unchanged file served from the cache (in a scratch cache
directory, filled by one run first). Each figure is the median over the runs of the
wall time and, in brackets, of the CPU time (user + system, from os.wait4): the
steadier one when other work shares the machine.

    python benchmarks/check_latency.py [--repeat 10] [FILE]
"""

from __future__ import annotations

import argparse
import os
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


class Timing:
    def __init__(self, wall: list, cpu: list):
        self.wall, self.cpu = statistics.median(wall), statistics.median(cpu)

    def shown(self, floor: "Timing | None" = None) -> str:
        text = f"{self.wall * 1000:7.0f} ms [cpu {self.cpu * 1000:4.0f} ms]"
        if floor is not None:
            text += f"  ({self.wall / floor.wall:.2f}x the floor [cpu {self.cpu / floor.cpu:.2f}x]"
        return text


def timed(command: list, repeat: int) -> Timing:
    wall, cpu = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(process.pid, 0)
        wall.append(time.perf_counter() - start)
        cpu.append(usage.ru_utime + usage.ru_stime)
        process.returncode = 0  # reaped here, not by Popen
    return Timing(wall, cpu)


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
    print(f"python -c pass            {python.shown()}")
    print(f"python -c 'import libcst' {floor.shown()}  (the floor)")
    print(f"headlint check (cold)     {check.shown(floor)})")
    print(f"headlint check (clean)    {clean.shown(floor)}; cold, {CLEAN.name})")
    print(f"headlint check (warm)     {warm.shown(floor)}; served from the cache)")
    print(f"headlint check --confirm  {confirm.shown()}  (imports the finding's framework)")


if __name__ == "__main__":
    main()
