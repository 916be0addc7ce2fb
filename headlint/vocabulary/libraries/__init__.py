"""Heads that libraries build from arguments: one table module per library, each
row read from that library's own source at the version its module names
(``READ_FROM``). Keys are canonical qualified names (``names.canonical``:
``tf.keras.applications.X`` and ``tf_keras.applications.X`` are ``keras.applications.X``).
headlint never imports these libraries; tests/test_library_rows.py pins each row
to the facts it encodes.
"""

from __future__ import annotations

from . import keras_applications, keras_hub, skorch, smp, timm, torchvision, trainers, transformers

TABLES = (keras_applications, keras_hub, timm, torchvision, smp, transformers, skorch, trainers)
READ_FROM = {module.__name__.rsplit(".", 1)[-1]: module.READ_FROM for module in TABLES}

HEADS: dict = {}  # canonical name -> rows.LibraryHead
for _module in TABLES:
    HEADS.update(getattr(_module, "HEADS", {}))
LOSSES: dict = {**smp.LOSSES}  # canonical name -> rows.LibraryLoss
NETS: dict = {**skorch.NETS, **trainers.NETS}  # canonical name -> rows.LibraryNet
MODULE_BASES: dict = {**torchvision.MODULE_BASES}  # canonical name -> framework: their module classes
# The attributes a library model keeps its head in, by the library's name (the first
# word of a row's read_from): assigning one replaces the head (frameworks/libraries.py).
HEAD_ATTRIBUTES = {"torchvision": torchvision.HEAD_ATTRIBUTES, "timm": timm.HEAD_ATTRIBUTES,
                   "transformers": transformers.HEAD_ATTRIBUTES}
