"""Qualified names: from what the import statements bind to one canonical spelling.

``import tensorflow as tf`` binds ``tf`` to ``tensorflow``; ``tf.keras.layers.Dense``
is then ``tensorflow.keras.layers.Dense``, which ``canonical`` spells
``keras.layers.Dense`` (the vocabulary's key). A bare identifier never matches
unless an import (or a star import) bound it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .vocabulary.tensorflow import V1_ONLY_LOSSES

# (prefix, replacement), first match wins.
_PREFIXES = (
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tensorflow._api.v2.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("keras.api.", "keras."),
    ("keras._tf_keras.keras.", "keras."),
    ("tensorflow.losses.", "keras.losses."),
    ("tensorflow.metrics.", "keras.metrics."),
    ("tensorflow.compat.v2.", "tensorflow."),
    ("tensorflow.contrib.slim.", "tensorflow.contrib.layers."),
    ("tf_slim.layers.", "tensorflow.contrib.layers."),
    ("tf_slim.", "tensorflow.contrib.layers."),
    ("tflearn.layers.core.", "tflearn."),
    ("tflearn.layers.estimator.", "tflearn."),
    ("pytorch_lightning.core.module.", "pytorch_lightning."),
    ("pytorch_lightning.core.", "pytorch_lightning."),
    ("lightning.pytorch.core.module.", "lightning.pytorch."),
    ("lightning.pytorch.core.", "lightning.pytorch."),
    ("np.", "numpy."),
)

# Submodules that re-export into their parent: ``torch.nn.modules.loss.MSELoss`` is
# ``torch.nn.MSELoss``, ``keras.layers.core.Dense`` is ``keras.layers.Dense``.
_FLATTEN = (
    (re.compile(r"^torch\.nn\.modules\.[a-z_]+\."), "torch.nn."),
    (re.compile(r"^keras\.layers\.[a-z_]+(\.[a-z_]+)?\.(?=[A-Z])"), "keras.layers."),
    (re.compile(r"^keras\.losses\.losses\."), "keras.losses."),
    (re.compile(r"^keras\.activations\.activations\."), "keras.activations."),
    (re.compile(r"^keras\.models\.(model|sequential|functional)\."), "keras.models."),
    (re.compile(r"^keras\.(engine|trainers)\.[a-z_]+\."), "keras."),
    (re.compile(r"^torch\.utils\.data\.[a-z_]+\.(?=[A-Z])"), "torch.utils.data."),
    (re.compile(r"^sklearn\.preprocessing\._[a-z_]+\."), "sklearn.preprocessing."),
)

_ALIASES = {
    "keras.models.Sequential": "keras.Sequential",
    "keras.models.Model": "keras.Model",
    "keras.Functional": "keras.Model",
    "keras.layers.Layer": "keras.layers.Layer",
    "keras.engine.Layer": "keras.layers.Layer",
    "keras.Layer": "keras.layers.Layer",
    "keras.layers.Input": "keras.Input",
    "keras.backend.softmax": "keras.activations.softmax",
    "tensorflow.math.sigmoid": "tensorflow.sigmoid",
    "tensorflow.nn.sigmoid": "tensorflow.sigmoid",
    "tensorflow.math.tanh": "tensorflow.tanh",
    "tensorflow.nn.tanh": "tensorflow.tanh",
    "tensorflow.math.exp": "tensorflow.exp",
    "tensorflow.data.Dataset.from_tensor_slices": "tensorflow.data.Dataset.from_tensor_slices",
    "pytorch_lightning.LightningModule": "pytorch_lightning.LightningModule",
    "lightning.pytorch.LightningModule": "lightning.pytorch.LightningModule",
    "torch.Tensor.softmax": "torch.softmax",
}


# ``tf.compat.v1.X`` is TF 1's ``tf.X``; its losses keep their own prefix, since in
# TF 2 ``tf.losses`` is Keras' module (vocabulary/tensorflow.py).
_V1 = "tensorflow.compat.v1."
_V1_LOSSES = "tensorflow.compat.v1.losses."


def _tf1(name: str) -> str:
    if name.startswith(_V1) and not name.startswith(_V1_LOSSES):
        name = "tensorflow." + name[len(_V1):]
    if name.startswith("tensorflow.losses."):
        if name[len("tensorflow.losses."):] in V1_ONLY_LOSSES:
            return _V1_LOSSES + name[len("tensorflow.losses."):]
    return name


@lru_cache(maxsize=4096)
def canonical(qualname: str) -> str:
    """The vocabulary's spelling of a fully qualified name."""
    name = _tf1(qualname)
    for prefix, replacement in _PREFIXES:
        if name.startswith(prefix):
            name = replacement + name[len(prefix):]
            break
    for pattern, replacement in _FLATTEN:
        name = pattern.sub(replacement, name)
    return _ALIASES.get(name, name)


def short(qualname: str) -> str:
    """How users usually write it: ``torch.nn.Softmax`` -> ``nn.Softmax``."""
    for prefix, abbrev in (
        ("torch.nn.functional.", "F."),
        ("torch.nn.", "nn."),
        ("tensorflow.", "tf."),
        ("keras.layers.", ""),
        ("keras.losses.", ""),
        ("keras.activations.", "keras.activations."),
    ):
        if qualname.startswith(prefix):
            return abbrev + qualname[len(prefix):]
    return qualname
