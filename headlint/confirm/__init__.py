"""Confirmation probes (``headlint check --confirm``).

For one finding, rebuild only the flagged head in the real framework from the
neutral records (allow-listed constructors, literal arguments; never the user's
code), run small tensors through it with a fixed seed, and return an Evidence
with what was measured.

This module only dispatches: it picks the framework's probe module, which imports
torch or keras lazily on first use, and turns every failure into an "unconfirmed"
Evidence. ``confirm`` never raises: a probe that cannot run must not turn a lint
finding into a crash.

    confirm("HL004", head)            -> Evidence(status="confirmed", ...)
    confirm("HL001", head, "cuda")    -> "unconfirmed" on a machine without a GPU
    confirm("HL001", head, Probing("cpu", ("all",)))
                                      -> one verdict per installed Keras backend (backends.py)
"""

from __future__ import annotations

from ..records import Evidence, Framework, Head, Probing
from .imports import FrameworkMissing
from .verdicts import ProbeUnavailable, unconfirmed

DEVICES = ("auto", "cpu", "cuda")

__all__ = ["confirm", "DEVICES"]


def _module(framework):
    # Imported here, not at the top: the probe modules are cheap, but keeping the
    # dispatcher free of them keeps ``import headlint.confirm`` trivially light.
    if framework is Framework.TORCH:
        from . import torch_probes

        return torch_probes
    if framework is Framework.KERAS:
        from . import keras_probes

        return keras_probes
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0] if text else ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def confirm(code: str, head: Head, device="auto") -> Evidence:
    """Run the probe for ``code`` on ``head``; ``device`` is auto, cpu or cuda, or a
    Probing (the device and, for Keras findings, the backends to measure on)."""
    backends = None
    if isinstance(device, Probing):
        device, backends = device.device, device.keras_backends
    if device not in DEVICES:
        return unconfirmed(f"unknown device {device!r} (use auto, cpu or cuda)")
    framework = getattr(head, "framework", None)
    module = _module(framework)
    if module is None:
        return unconfirmed("the head's framework is not known")
    if code not in module.PROBES:
        return unconfirmed(f"no probe for {code} yet")
    if head.activation is None:
        return unconfirmed("the head has no activation to rebuild")
    if backends is not None and framework is Framework.KERAS:
        # Keras picks its backend once per process: each one is measured in its own.
        from .backends import confirm_on_backends

        return confirm_on_backends(code, head, device, backends)
    try:
        return module.run(code, head, device)
    except FrameworkMissing as exc:
        detail = f" ({exc.detail})" if exc.detail else ""
        return unconfirmed(f"{exc.name} is not installed{detail}", framework=framework.value)
    except ProbeUnavailable as exc:
        return unconfirmed(str(exc), framework=framework.value)
    except Exception as exc:  # noqa: BLE001 - a probe must never crash the lint run
        return unconfirmed(f"the {framework.value} probe for {code} failed ({_first_line(exc)})", framework=framework.value)
