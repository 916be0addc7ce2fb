"""Which source arguments a probe may use, and what it uses instead.

A probe rebuilds the head from literal arguments only (``Layer.args`` /
``Loss.args``: ``((name, value), ...)`` with ``...`` for a value that is not a
literal in the source). Everything else gets a small default, and every default
is written down so the evidence can say which numbers came from the source and
which were chosen by headlint. Shared by the torch and the Keras probes.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ..records import Head

# Only these argument names are ever read from the source; the value must be a
# literal (int, float, bool, str, None). Nothing else reaches a constructor.
ALLOWED_ARGS = frozenset(
    {
        "units", "out_features", "in_features",  # layer sizes
        "dim", "axis",  # softmax axis
        "from_logits", "reduction", "label_smoothing", "ignore_index", "delta", "beta",  # loss options
    }
)

# Sizes: small enough that a probe takes well under a second on a CPU core.
SAMPLES = 256  # rows of every random batch
IN_FEATURES = 16  # inputs of the output layer when the source has no literal
CLASSES = 10  # outputs of a classifier head (HL001) when not literal
REGRESSION_UNITS = 1  # outputs of a regression head (HL003) when not literal
MAX_IN_FEATURES = 256
MAX_UNITS = 1000

_NOT_GIVEN = object()


def source_args(args: tuple) -> dict:
    """The allow-listed ``(name, value)`` pairs of a Layer/Loss as a dict."""
    out = {}
    for item in args or ():
        if isinstance(item, tuple) and len(item) == 2 and item[0] in ALLOWED_ARGS:
            out[item[0]] = item[1]
    return out


class Choices:
    """Resolves one probe's arguments and records each default it applies."""

    def __init__(self) -> None:
        self.notes: list = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # --- sizes ------------------------------------------------------------------

    def size(self, label: str, given: Any, default: int, cap: int, minimum: int = 1) -> int:
        """A layer size: ``given`` is an int, ``...`` (not a literal) or absent (None)."""
        if given is ...:
            self.note(f"{label}={default} (not a literal)")
            return default
        if given is None or given is _NOT_GIVEN:
            self.note(f"{label}={default} (not in the source)")
            return default
        if isinstance(given, bool) or not isinstance(given, int) or given < minimum:
            self.note(f"{label}={default} ({given!r} in the source is not a usable size)")
            return default
        if given > cap:
            self.note(f"{label}={cap} ({given} in the source, capped to keep the probe fast)")
            return cap
        return given

    def in_features(self, head: Head) -> int:
        layer = head.output_layer
        if layer is not None and layer.built_by:
            self.note(f"{layer.built_by}'s head is rebuilt from the framework itself as its equivalent; "
                      "the library is not imported")
        if layer is not None and layer.kind not in ("linear", "dense"):
            # The activation and the loss decide these outcomes; a dense layer
            # stands in for a conv layer and its spatial sizes, which are rarely literal.
            self.note(f"a dense layer stands in for the {layer.kind} layer {layer.name}".rstrip())
        args = source_args(layer.args) if layer is not None else {}
        if "in_features" in args:
            return self.size("in_features", args["in_features"], IN_FEATURES, MAX_IN_FEATURES)
        # Keras Dense (and nn.LazyLinear) take their input size from the data.
        self.note(f"in_features={IN_FEATURES} (the layer takes it from the data)")
        return IN_FEATURES

    def units(self, head: Head, default: int, minimum: int = 1) -> int:
        layer = head.output_layer
        if layer is not None and isinstance(layer.units, int) and not isinstance(layer.units, bool):
            return self.size("units", layer.units, default, MAX_UNITS, minimum)
        args = source_args(layer.args) if layer is not None else {}
        for key in ("out_features", "units"):
            if key in args:
                return self.size(key, args[key], default, MAX_UNITS, minimum)
        return self.size("units", None, default, MAX_UNITS, minimum)

    # --- the activation axis --------------------------------------------------------

    def softmax_axis(self, head: Head, framework: str) -> int:
        """The softmax axis for the probe's 2-D (batch, units) output: 1 or -1 mean
        the unit axis, 0 / -2 the batch axis; anything else cannot apply to a 2-D
        output and falls back to the unit axis with a note."""
        act = head.activation
        axis = act.axis if act is not None else None
        given = act.axis_given if act is not None else False
        param = "dim" if framework == "torch" else "axis"
        if axis is None:
            if given:
                self.note(f"{param}=-1 (not a literal)")
            elif framework == "torch":
                # nn.Softmax() / F.softmax(x) without dim: torch picks dim=1 for 2-D input.
                self.note("dim=1 (implicit: torch's choice for 2-D input)")
                return 1
            return -1
        if isinstance(axis, bool) or not isinstance(axis, int) or axis not in (-2, -1, 0, 1):
            self.note(f"{param}=-1 ({axis!r} in the source; the probe's output is 2-D)")
            return -1
        return axis

    # --- loss options ------------------------------------------------------------------

    def option(self, label: str, args: dict, check: Callable[[Any], bool]) -> Any:
        """A loss option: the literal when it is valid, else ``_NOT_GIVEN`` (the
        framework's own default applies, which is a default worth naming only when
        the source did pass something)."""
        if label not in args:
            return _NOT_GIVEN
        value = args[label]
        if value is ...:
            self.note(f"{label}: the framework default (not a literal)")
            return _NOT_GIVEN
        if not check(value):
            self.note(f"{label}: the framework default ({value!r} in the source is not valid)")
            return _NOT_GIVEN
        return value

    def options(self, args: dict, checks: dict) -> dict:
        """``{name: value}`` for every valid literal option among ``checks``."""
        out = {}
        for label, check in checks.items():
            value = self.option(label, args, check)
            if value is not _NOT_GIVEN:
                out[label] = value
        return out

    def from_logits(self, head: Head) -> bool:
        """Keras ``from_logits``: the record's literal, else what the finding implies
        (a loss that applies softmax itself is a from_logits=True loss)."""
        loss = head.loss
        if loss is not None and isinstance(loss.from_logits, bool):
            return loss.from_logits
        implied = bool(loss is not None and loss.applies in ("softmax", "sigmoid"))
        self.note(f"from_logits={implied} (not a literal)")
        return implied


# Validity checks of loss options (shared by torch and Keras).
def is_fraction(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0.0 <= value < 1.0


def is_positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 and math.isfinite(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def one_of(*allowed) -> Callable[[Any], bool]:
    return lambda value: value in allowed
