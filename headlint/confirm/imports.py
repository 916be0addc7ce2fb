"""Lazy, cached imports of the real frameworks.

``headlint check`` without ``--confirm`` must not import torch or tensorflow (each
costs one to several seconds), so nothing here runs at import time: the first
probe of a framework imports it, and every later probe in the process reuses the
module from ``_cache``. A framework that is not installed raises
:class:`FrameworkMissing`, which the dispatcher turns into an "unconfirmed"
evidence instead of a crash.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from importlib import import_module

# name -> module (or the loaded bundle for keras), filled on first use.
_cache: dict = {}


class FrameworkMissing(Exception):
    """The framework a probe needs cannot be imported; ``name`` says which."""

    def __init__(self, name: str, detail: str = ""):
        super().__init__(name)
        self.name = name
        self.detail = detail


def _missing_root(exc: ImportError, default: str) -> str:
    """The top-level package an ImportError is about (keras fails on tensorflow, ...)."""
    name = getattr(exc, "name", None) or default
    return name.split(".")[0]


def torch():
    """The ``torch`` module."""
    if "torch" not in _cache:
        try:
            _cache["torch"] = import_module("torch")
        except ImportError as exc:
            raise FrameworkMissing(_missing_root(exc, "torch")) from exc
    return _cache["torch"]


class KerasBundle:
    """keras with the backend it is configured with, and that backend's module.

    Keras 3 picks its backend once, when it is first imported (``KERAS_BACKEND`` or
    ~/.keras/keras.json); the probes measure on that backend because that is the
    one the user's training would run on."""

    def __init__(self, keras, backend: str, backend_module):
        self.keras = keras
        self.backend = backend  # tensorflow | torch | jax | numpy | openvino
        self.module = backend_module  # tensorflow / torch / jax module

    @property
    def tf(self):
        return self.module if self.backend == "tensorflow" else None


@contextlib.contextmanager
def _native_stderr_held():
    """Hold back what native code writes to file descriptor 2 (TensorFlow's C++
    runtime prints absl and oneDNN notices on import even with
    TF_CPP_MIN_LOG_LEVEL=2, and they bypass sys.stderr); replay it if the import fails."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr descriptor at all: nothing to hold back
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            sys.stderr.write(held.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def keras() -> KerasBundle:
    """keras (3.x) and its backend, imported once."""
    if "keras" not in _cache:
        # TensorFlow's C++ logging would otherwise print several lines to stderr
        # on import; the user asked for a lint report, not for TF's banner.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        try:
            with _native_stderr_held():
                keras_module = import_module("keras")
                backend = keras_module.backend.backend()
                backend_module = import_module({"tensorflow": "tensorflow", "torch": "torch", "jax": "jax"}.get(backend, "numpy"))
        except ImportError as exc:
            raise FrameworkMissing(_missing_root(exc, "keras")) from exc
        if not hasattr(keras_module, "ops"):  # Keras 2 (tf-keras) has no backend-neutral ops
            raise FrameworkMissing("keras", f"keras {keras_module.__version__} is not Keras 3")
        _cache["keras"] = KerasBundle(keras_module, backend, backend_module)
    return _cache["keras"]


@contextlib.contextmanager
def torch_single_thread(torch_module):
    """Run torch on one intra-op thread, then restore the caller's setting.

    The probes push tensors of a few thousand elements; splitting those across
    threads costs more in synchronisation than it saves, and on a busy two-core
    machine it was measured 200x slower (a 0.1 s probe took 25 s with 2 threads)."""
    before = torch_module.get_num_threads()
    torch_module.set_num_threads(1)
    try:
        yield
    finally:
        torch_module.set_num_threads(before)
