"""headlint: a linter for the output heads of PyTorch and Keras models."""

__version__ = "0.1.0"
