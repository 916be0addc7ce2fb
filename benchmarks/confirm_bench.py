"""How long --confirm costs: framework import time, then each probe after import.

    python benchmarks/confirm_bench.py [--repeat 3] [--device cpu]

Each framework is measured in a fresh child process, so the import time is a
cold import (what the first confirmed finding of a run pays) and one
framework's import does not speed up the other's. A script that prints
figures, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES = ("HL001", "HL002", "HL003", "HL004")


def heads(framework: str) -> dict:
    """One representative head per rule, as the adapters record it."""
    from headlint.records import Activation, Framework, Head, Kind, Layer, Loss, Sign, TargetFact

    if framework == "torch":
        T = Framework.TORCH
        return {
            "HL001": Head(T, "Net", Layer("linear", 10, args=(("in_features", 64), ("out_features", 10))),
                          Activation("softmax", 1, True), Loss("cross_entropy", T, "softmax", "logits", name="nn.CrossEntropyLoss")),
            "HL002": Head(T, "Net", Layer("linear", 1, args=(("in_features", 32), ("out_features", 1))),
                          Activation("sigmoid"), Loss("mse", T, None, "values", name="nn.MSELoss"),
                          targets=TargetFact(Kind.LABEL, Sign.NONNEG)),
            "HL003": Head(T, "Net", Layer("linear", 1, args=(("in_features", 32), ("out_features", 1))),
                          Activation("relu"), Loss("mse", T, None, "values", name="nn.MSELoss"),
                          targets=TargetFact(Kind.CONTINUOUS, Sign.SIGNED)),
            "HL004": Head(T, "Net", Layer("linear", 1, args=(("in_features", 64), ("out_features", 1))),
                          Activation("softmax", 1, True), Loss("bce", T, None, "probabilities", name="nn.BCELoss")),
        }
    K = Framework.KERAS
    return {
        "HL001": Head(K, "Sequential", Layer("dense", 10, args=(("units", 10),)), Activation("softmax", -1),
                      Loss("categorical_crossentropy", K, "softmax", "logits", True, "CategoricalCrossentropy(from_logits=True)")),
        "HL002": Head(K, "Sequential", Layer("dense", 1, args=(("units", 1),)), Activation("sigmoid"),
                      Loss("mse", K, None, "values", name="'mse'"), targets=TargetFact(Kind.LABEL, Sign.NONNEG)),
        "HL003": Head(K, "Sequential", Layer("dense", 1, args=(("units", 1),)), Activation("relu"),
                      Loss("mse", K, None, "values", name="'mse'"), targets=TargetFact(Kind.CONTINUOUS, Sign.SIGNED)),
        "HL004": Head(K, "Sequential", Layer("dense", 1, args=(("units", 1),)), Activation("softmax", -1),
                      Loss("binary_crossentropy", K, None, "probabilities", False, "'binary_crossentropy'")),
    }


def child(framework: str, repeat: int, device: str) -> dict:
    """Runs in the child process: import, then time each probe."""
    sys.path.insert(0, str(ROOT))
    from headlint.confirm import confirm, imports

    start = time.perf_counter()
    try:
        if framework == "torch":
            imports.torch()
            backend = ""
        else:
            backend = imports.keras().backend
    except imports.FrameworkMissing as exc:
        return {"framework": framework, "missing": exc.name}
    import_s = time.perf_counter() - start

    rows = []
    for code, head in heads(framework).items():
        times, evidence = [], None
        for _ in range(1 + repeat):
            t0 = time.perf_counter()
            evidence = confirm(code, head, device)
            times.append(time.perf_counter() - t0)
        rows.append({
            "code": code, "first_s": times[0], "median_s": statistics.median(times[1:]) if repeat else times[0],
            "status": evidence.status, "device": evidence.device, "summary": evidence.summary,
        })
    return {"framework": framework, "backend": backend, "import_s": import_s, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the first (default 3)")
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.device)))
        return

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
    results = []
    for framework in ("torch", "keras"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", framework, "--repeat", str(args.repeat), "--device", args.device],
            capture_output=True, text=True, env=env,
        )
        if out.returncode != 0:
            print(f"{framework}: the benchmark failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, device={args.device}, {args.repeat} timed runs after the first\n")
    print(f"{'framework':<10} {'backend':<11} {'import (cold)':>13}")
    for r in results:
        if "missing" in r:
            print(f"{r['framework']:<10} {'-':<11} {'not installed (' + r['missing'] + ')':>13}")
        else:
            print(f"{r['framework']:<10} {r['backend'] or '-':<11} {r['import_s']:>12.2f}s")
    print()
    print(f"{'rule':<6} {'framework':<10} {'device':<7} {'first':>8} {'median':>8}  {'status':<11} summary")
    for r in results:
        for row in r.get("rows", ()):
            summary = row["summary"] if len(row["summary"]) <= 90 else row["summary"][:87] + "..."
            print(
                f"{row['code']:<6} {r['framework']:<10} {row['device']:<7} {row['first_s']:>7.3f}s "
                f"{row['median_s']:>7.3f}s  {row['status']:<11} {summary}"
            )


if __name__ == "__main__":
    main()
