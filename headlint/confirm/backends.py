"""``--keras-backends``: measure a Keras finding on several Keras 3 backends.

Keras 3 picks its backend once per process, when it is imported (``KERAS_BACKEND``),
so each backend is measured in a process of its own with ``KERAS_BACKEND`` set. One
worker per backend stays up for the whole run (each framework is imported once, not
once per finding) and answers requests on its stdin; the worker (worker.py) calls
the ordinary in-process probes. Nothing of the checked program
travels: only the neutral records, without their libcst nodes.

    confirm_on_backends("HL001", head, "cpu", ("tensorflow", "torch"))
        -> Evidence(status="confirmed", backend="torch", backends=(<tensorflow>, <torch>))
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import pickle
import select
import struct
import subprocess
import sys
from importlib.util import find_spec
from typing import Optional

from ..records import Evidence
from .verdicts import unconfirmed

# The Keras 3 backends a probe can train on (numpy and openvino cannot take gradients).
KNOWN = ("tensorflow", "torch", "jax")
ALL = "all"
# A worker that has not answered in this long is stuck (the slowest probe takes ~10 s
# on a busy 2-core CPU; the first one of a backend also imports it).
TIMEOUT = 300

_workers: dict = {}


def parse(value) -> Optional[tuple]:
    """``"all"``, ``"tensorflow,torch"`` or a list of names -> a tuple of names
    (``("all",)`` for all); None stays None (the configured backend only). Raises
    ValueError naming what is not a backend."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [str(n).strip().lower() for n in names if str(n).strip()]
    if not names:
        raise ValueError("no backend named (use all, or some of " + ", ".join(KNOWN) + ")")
    if ALL in names:
        if len(names) > 1:
            raise ValueError("'all' stands alone")
        return (ALL,)
    unknown = [n for n in names if n not in KNOWN]
    if unknown:
        raise ValueError(f"unknown keras backend {unknown[0]!r} (use all, or some of {', '.join(KNOWN)})")
    return tuple(dict.fromkeys(names))


def installed() -> tuple:
    """The backends whose framework is installed, found without importing any."""
    if find_spec("keras") is None:
        return ()
    return tuple(name for name in KNOWN if find_spec(name) is not None)


def resolve(names: tuple) -> tuple:
    """``("all",)`` -> every installed backend; other names as given (one that is not
    installed gets an "unconfirmed" verdict saying so)."""
    return installed() if names == (ALL,) else names


def portable(value):
    """A record without its libcst nodes (they neither pickle cheaply nor matter to a probe)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name == "node":
                changes[f.name] = None
            elif dataclasses.is_dataclass(item) or isinstance(item, tuple):
                changes[f.name] = portable(item)
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, tuple):
        return tuple(portable(item) for item in value)
    return value


# --- the wire: a length, then a pickle ------------------------------------------------


def send(stream, obj) -> None:
    data = pickle.dumps(obj)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def receive(stream):
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the worker closed its output")
    (size,) = struct.unpack("<Q", header)
    return pickle.loads(stream.read(size))


class _Worker:
    def __init__(self, backend: str):
        env = dict(os.environ, KERAS_BACKEND=backend)
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        self.backend = backend
        self.process = subprocess.Popen(
            [sys.executable, "-m", "headlint.confirm.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )

    def ask(self, code: str, head, device: str) -> Evidence:
        send(self.process.stdin, (code, portable(head), device))
        ready, _, _ = select.select([self.process.stdout], [], [], TIMEOUT)
        if not ready:  # stuck: it must not hold the lint run forever
            self.process.kill()
            raise TimeoutError(f"no answer in {TIMEOUT} s")
        return receive(self.process.stdout)

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except Exception:  # noqa: BLE001 - closing must never fail the run
            self.process.kill()


def _worker(backend: str) -> _Worker:
    worker = _workers.get(backend)
    if worker is None or worker.process.poll() is not None:
        worker = _workers[backend] = _Worker(backend)
    return worker


@atexit.register
def close_all() -> None:
    while _workers:
        _workers.popitem()[1].close()


def on_backend(code: str, head, device: str, backend: str) -> Evidence:
    """One verdict, measured in the worker for ``backend``; never raises."""
    if backend not in installed():
        missing = "keras" if find_spec("keras") is None else backend
        return unconfirmed(f"keras on {backend}: {missing} is not installed", framework="keras", backend=backend)
    try:
        evidence = _worker(backend).ask(code, head, device)
    except Exception as exc:  # noqa: BLE001 - a dead worker is an unconfirmed verdict, not a crash
        _workers.pop(backend, None)
        reason = f"keras on {backend}: the probe process failed ({type(exc).__name__})"
        return unconfirmed(reason, framework="keras", backend=backend)
    if evidence.status == "unconfirmed" and not evidence.backend:  # say which backend could not run it
        summary = evidence.summary.replace("not confirmed: ", f"not confirmed: keras on {backend}: ", 1)
        evidence = dataclasses.replace(evidence, backend=backend, summary=summary)
    return evidence


def combine(verdicts: list) -> Evidence:
    """One evidence for the finding with every backend's verdict in ``backends``:
    confirmed when any backend reproduces the harm (the code is wrong wherever it
    runs there), else refuted when one measured no harm, else unconfirmed. The top
    level is that backend's verdict, so one-backend readers see a real one."""
    for status in ("confirmed", "refuted", "unconfirmed"):
        first = next((v for v in verdicts if v.status == status), None)
        if first is not None:
            return dataclasses.replace(first, backends=tuple(verdicts))
    return unconfirmed("no keras backend is installed", framework="keras")


def confirm_on_backends(code: str, head, device: str, backends: tuple) -> Evidence:
    names = resolve(backends)
    if not names:
        return unconfirmed("no keras backend is installed (keras 3 with tensorflow, torch or jax)", framework="keras")
    return combine([on_backend(code, head, device, name) for name in names])
