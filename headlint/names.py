"""Qualified names: from what the import statements bind to one canonical spelling.

``import tensorflow as tf`` binds ``tf`` to ``tensorflow``; ``tf.keras.layers.Dense``
is then ``tensorflow.keras.layers.Dense``, which ``canonical`` spells
``keras.layers.Dense`` (the vocabulary's key). A bare identifier never matches
unless an import (or a star import) bound it, with one exception: the conventional
module aliases (``CONVENTIONAL``) used where nothing binds them, in a fragment without
its imports or after a star import of a module not read (``from fastai.vision.all
import *`` brings ``nn`` and ``F``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .vocabulary.tensorflow import V1_ONLY_LOSSES

# The names every tutorial and library binds these modules to: what ``nn.Linear`` means
# where no statement binds ``nn``.
CONVENTIONAL = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional", "tf": "tensorflow", "keras": "keras"}

# (prefix, replacement), first match wins.
_PREFIXES = (
    ("tensorflow.python.keras.api.keras.", "keras."),
    ("tensorflow.python.keras.", "keras."),
    ("tensorflow.contrib.keras.api.keras.", "keras."),
    ("tensorflow.contrib.keras.", "keras."),
    ("tensorflow.keras.", "keras."),
    ("tensorflow._api.v2.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
    ("keras.api.", "keras."),
    ("keras._tf_keras.keras.", "keras."),
    ("keras.objectives.", "keras.losses."),  # Keras 1 and 2's old name of keras.losses
    ("tensorflow.losses.", "keras.losses."),
    ("tensorflow.metrics.", "keras.metrics."),
    ("tensorflow.manip.", "tensorflow."),  # TF 1.x: tf.manip.reshape is tf.reshape
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
# ``torch.nn.MSELoss``, ``keras.layers.core.Dense`` is ``keras.layers.Dense``,
# ``keras.utils.np_utils.to_categorical`` (Keras 2) is ``keras.utils.to_categorical``,
# ``keras.ops.nn.softmax`` is ``keras.ops.softmax``. tests/data/framework_surface.txt
# lists the spellings these must cover (scripts/framework_surface.py).
_KERAS_API = "activations|backend|callbacks|initializers|losses|metrics|ops|optimizers|random|regularizers|utils"
_FLATTEN = (
    (re.compile(r"^torch\.nn\.modules\.([a-z_]+\.)?(?=[A-Z])"), "torch.nn."),
    (re.compile(r"^torch\.nn\.modules\.[a-z_]+\.(?=[a-z])"), "torch.nn."),
    (re.compile(r"^torch\.autograd\.(grad_mode\.)?(?=(no_grad|inference_mode|set_grad_enabled)$)"), "torch."),
    (re.compile(r"^keras\.layers\.[a-z0-9_]+(\.[a-z0-9_]+)?\.(?=[A-Z])"), "keras.layers."),
    (re.compile(rf"^keras\.({_KERAS_API})\.[a-z0-9_]+\.(?=\w+$)"), r"keras.\1."),
    (re.compile(r"^keras\.legacy\.backend\."), "keras.backend."),
    (re.compile(r"^keras\.engine\.(?=[A-Z])"), "keras."),
    (re.compile(r"^tensorflow\.contrib\.(layers|losses)\.python\.\1\.([a-z_]+\.)?"), r"tensorflow.contrib.\1."),
    (re.compile(r"^keras\.models\.(model|sequential|functional)\."), "keras.models."),
    (re.compile(r"^keras\.(engine|trainers)\.[a-z_]+\."), "keras."),
    (re.compile(r"^torch\.utils\.data\.[a-z_]+\.(?=[A-Z])"), "torch.utils.data."),
    (re.compile(r"^torchvision\.datasets\.[a-z_0-9]+\.(?=[A-Z])"), "torchvision.datasets."),
    # v2 (0.15+) shares v1's names for what the vocabulary says of them
    (re.compile(r"^torchvision\.transforms\.(v2\.)?(_?[a-z_]+\.)?(?=[A-Z])"), "torchvision.transforms."),
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
    "keras.Loss": "keras.losses.Loss",
    "keras.InputLayer": "keras.layers.InputLayer",
    "keras.models.Input": "keras.Input",
    "keras.models.InputLayer": "keras.layers.InputLayer",
    "keras.layers.GRUV2": "keras.layers.GRU",
    "keras.layers.LSTMV2": "keras.layers.LSTM",
    **{f"keras.{module}.{name}": "keras.losses.binary_crossentropy" for module in ("losses", "metrics") for name in ("bce", "BCE")},
    **{f"keras.layers.Convolution{n}D": f"keras.layers.Conv{n}D" for n in (1, 2, 3)},
    **{f"keras.layers.Global{kind}Pool{n}D": f"keras.layers.Global{pooling}Pooling{n}D"
       for kind, pooling in (("Avg", "Average"), ("Max", "Max")) for n in (1, 2, 3)},
    "tensorflow.dtypes.cast": "tensorflow.cast",
    "torch.functional.norm": "torch.norm",
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


_V2 = "tensorflow.compat.v2."


def _tf1(name: str) -> str:
    if name.startswith(_V2):  # TF 2's own API, under its compat name
        name = "tensorflow." + name[len(_V2):]
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
    for _ in range(3):  # prefixes chain: ``tf_keras.src.X`` is ``keras.src.X`` is ``keras.X``
        for prefix, replacement in _PREFIXES:
            if name.startswith(prefix):
                name = replacement + name[len(prefix):]
                break
        else:
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
