"""The rule registry. A rule is a pure function from a head to findings, in a file
of its own; its long-form documentation is the page ``rules/<CODE>.md``.

A rule may also offer an automatic fix for its findings: ``fix(finding, syntax)``
returns a records.Fix, or None when the syntax it sees is not exactly the shape the
fix is right for (see fixes.py for the context it gets and the checks the engine
adds across the whole file)."""

from __future__ import annotations

from .base import Rule, related_loss  # noqa: F401 - the registry's API


def _load() -> dict:
    from . import (
        hl001_double_softmax,
        hl002_sigmoid_mse,
        hl003_relu_signed_regression,
        hl004_one_unit_softmax,
        hl005_double_sigmoid,
        hl006_nll_on_probabilities,
        hl007_logits_into_probability_loss,
        hl008_softmax_over_wrong_axis,
        hl009_l1_on_softmax,
        hl010_one_unit_categorical,
        hl011_range_mismatch,
        hl012_argmax_one_unit,
        hl100_unused_noqa,
    )

    rules = [
        hl001_double_softmax.RULE,
        hl002_sigmoid_mse.RULE,
        hl003_relu_signed_regression.RULE,
        hl004_one_unit_softmax.RULE,
        hl005_double_sigmoid.RULE,
        hl006_nll_on_probabilities.RULE,
        hl007_logits_into_probability_loss.RULE,
        hl008_softmax_over_wrong_axis.RULE,
        hl009_l1_on_softmax.RULE,
        hl010_one_unit_categorical.RULE,
        hl011_range_mismatch.RULE,
        hl012_argmax_one_unit.RULE,
        hl100_unused_noqa.RULE,
    ]
    return {rule.code: rule for rule in rules}


RULES: dict = _load()
# What runs when nothing is selected: every rule but the opt-in ones.
DEFAULT: frozenset = frozenset(code for code, rule in RULES.items() if rule.default)
