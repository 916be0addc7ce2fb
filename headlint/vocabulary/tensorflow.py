"""TensorFlow's own API, in eager and graph (TF 1.x, ``tf.compat.v1``) code alike:
``tf.nn`` activations and fused losses, ``tf.layers`` / ``tf.contrib.layers``
(and tf-slim), the TF 1 ``tf.losses`` (which are not the Keras losses of TF 2 of
the same module name), hand-made linear outputs (``tf.matmul(h, W) + b``), data
sources. The records are on the TensorFlow/Keras side (Framework.KERAS): the
probes rebuild them with TensorFlow."""

from __future__ import annotations

from .rows import KERAS, TENSOR_ACTIVATIONS, LayerSpec, LossSpec, activation_fns

READ_FROM = (
    "tensorflow 2.21 (tf.nn, tf.math, tf.random) and 1.15 (tf.layers, tf.losses, "
    "tf.contrib.layers, tf.contrib.losses); pre-1.0 positional tf.nn losses"
)

_FNS = {**TENSOR_ACTIVATIONS, "exp": "exp"}

ACTIVATION_FUNCTIONS = {
    **activation_fns("tensorflow.nn", _FNS, "axis", "tf.nn"),
    **activation_fns("tensorflow.math", _FNS, "axis", "tf.math"),
    **activation_fns("tensorflow", {"sigmoid": "sigmoid", "tanh": "tanh", "exp": "exp"}, "axis", "tf"),
}

# Layer functions: each builds a layer and applies it to its input at once.
LAYERS = {
    "tensorflow.layers.dense": LayerSpec(
        "dense", KERAS, ("inputs", "units", "activation", "use_bias"), "units", "activation",
        "tf.layers.dense", applies_to="inputs",
    ),
    "tensorflow.layers.conv1d": LayerSpec(
        "conv", KERAS, ("inputs", "filters", "kernel_size"), "filters", "activation",
        "tf.layers.conv1d", applies_to="inputs",
    ),
    "tensorflow.layers.conv2d": LayerSpec(
        "conv", KERAS, ("inputs", "filters", "kernel_size"), "filters", "activation",
        "tf.layers.conv2d", applies_to="inputs",
    ),
    # tf.contrib.layers (and tf-slim, the same code): the activation defaults to relu.
    "tensorflow.contrib.layers.fully_connected": LayerSpec(
        "dense", KERAS, ("inputs", "num_outputs", "activation_fn"), "num_outputs", "activation_fn",
        "fully_connected", applies_to="inputs", default_activation="relu",
    ),
    "tensorflow.contrib.layers.linear": LayerSpec(
        "dense", KERAS, ("inputs", "num_outputs"), "num_outputs", "activation_fn",
        "linear", applies_to="inputs", default_activation="identity",
    ),
}

# Fused losses: labels= and logits= by keyword. Positionally, ``(logits, labels)``
# before TF 1.0 and ``(labels, logits)`` in TF 2: positional_ambiguous.
LOSS_FUNCTIONS: dict = {}
for _name, _applies in (
    ("softmax_cross_entropy_with_logits", "softmax"),
    ("softmax_cross_entropy_with_logits_v2", "softmax"),
    ("sparse_softmax_cross_entropy_with_logits", "softmax"),
    ("sigmoid_cross_entropy_with_logits", "sigmoid"),
):
    LOSS_FUNCTIONS[f"tensorflow.nn.{_name}"] = LossSpec(
        _name, KERAS, _applies, "logits", f"tf.nn.{_name}", ("logits", 1), ("labels", 0),
        positional_ambiguous=True,
    )

# TF 1 ``tf.losses`` / ``tf.compat.v1.losses``: (labels, predictions or logits).
# names.canonical spells the TF 1-only names of ``tf.losses`` this way; the rest
# of ``tf.losses`` (mean_squared_error, huber_loss) are Keras' in TF 2, with the
# same meaning and order.
_V1 = "tensorflow.compat.v1.losses"
LOSS_FUNCTIONS.update({
    f"{_V1}.softmax_cross_entropy": LossSpec(
        "softmax_cross_entropy_with_logits", KERAS, "softmax", "logits", "tf.losses.softmax_cross_entropy",
        ("logits", 1), ("onehot_labels", 0),
    ),
    f"{_V1}.sparse_softmax_cross_entropy": LossSpec(
        "sparse_softmax_cross_entropy_with_logits", KERAS, "softmax", "logits",
        "tf.losses.sparse_softmax_cross_entropy", ("logits", 1), ("labels", 0),
    ),
    f"{_V1}.sigmoid_cross_entropy": LossSpec(
        "sigmoid_cross_entropy_with_logits", KERAS, "sigmoid", "logits", "tf.losses.sigmoid_cross_entropy",
        ("logits", 1), ("multi_class_labels", 0),
    ),
    f"{_V1}.log_loss": LossSpec("bce", KERAS, None, "probabilities", "tf.losses.log_loss", ("predictions", 1), ("labels", 0)),
    f"{_V1}.mean_squared_error": LossSpec("mse", KERAS, None, "values", "tf.losses.mean_squared_error", ("predictions", 1), ("labels", 0)),
    f"{_V1}.absolute_difference": LossSpec("mae", KERAS, None, "values", "tf.losses.absolute_difference", ("predictions", 1), ("labels", 0)),
    f"{_V1}.huber_loss": LossSpec("huber", KERAS, None, "values", "tf.losses.huber_loss", ("predictions", 1), ("labels", 0)),
    # tf.contrib.losses (TF 1.0-1.x) took (logits, labels) in that order.
    "tensorflow.contrib.losses.softmax_cross_entropy": LossSpec(
        "softmax_cross_entropy_with_logits", KERAS, "softmax", "logits", "tf.contrib.losses.softmax_cross_entropy",
        ("logits", 0), ("onehot_labels", 1),
    ),
    "tensorflow.contrib.losses.sparse_softmax_cross_entropy": LossSpec(
        "sparse_softmax_cross_entropy_with_logits", KERAS, "softmax", "logits",
        "tf.contrib.losses.sparse_softmax_cross_entropy", ("logits", 0), ("labels", 1),
    ),
    "tensorflow.contrib.losses.sigmoid_cross_entropy": LossSpec(
        "sigmoid_cross_entropy_with_logits", KERAS, "sigmoid", "logits", "tf.contrib.losses.sigmoid_cross_entropy",
        ("logits", 0), ("multi_class_labels", 1),
    ),
    "tensorflow.contrib.losses.log_loss": LossSpec(
        "bce", KERAS, None, "probabilities", "tf.contrib.losses.log_loss", ("predictions", 0), ("labels", 1),
    ),
})
# The TF 1-only names of tf.losses (names.canonical maps tf.losses.<name> to _V1).
V1_ONLY_LOSSES = frozenset({
    "softmax_cross_entropy", "sparse_softmax_cross_entropy", "sigmoid_cross_entropy",
    "log_loss", "absolute_difference",
})

DATA_SOURCES = {
    "tensorflow.random.normal": ("continuous", "signed"),
    "tensorflow.random.truncated_normal": ("continuous", "signed"),
    "tensorflow.random.uniform": ("continuous", "range"),
    "tensorflow.random_normal": ("continuous", "signed"),
    "tensorflow.truncated_normal": ("continuous", "signed"),
    "tensorflow.random_uniform": ("continuous", "range"),
    "tensorflow.one_hot": ("label", "nonneg"),
}
ONE_HOT = {"tensorflow.one_hot": ("depth", 1)}
DRAW_SHAPES = {qual: ("shape", 0, "shape") for qual in DATA_SOURCES if qual != "tensorflow.one_hot"}
DATASETS = frozenset({"tensorflow.data.Dataset.from_tensor_slices"})
# tf.data methods that change what one element is: ``batch(32)`` stacks elements into
# batches (one axis more), ``unbatch()`` splits them into rows; by how many axes.
BATCHING_METHODS = {"batch": 1, "padded_batch": 1, "unbatch": -1}

# TF 1's graph inputs, fed by ``sess.run(..., feed_dict=...)``: the data a graph is
# trained on (the labels of ``tf.square(y - label)``), of the rank their literal shape
# gives, batch axis included: (the shape's parameter). tf.compat.v1's are these.
PLACEHOLDERS = {"tensorflow.placeholder": ("shape", 1), "tensorflow.placeholder_with_default": ("shape", 1)}

# Variables and the calls that make weight matrices: the parameter holding the
# shape (or the initial value, whose shape is taken).
VARIABLES = {
    "tensorflow.Variable": ("initial_value", 0),
    "tensorflow.get_variable": ("shape", 1),
}
# A matrix product with a weight matrix of literal shape is a hand-made linear
# layer whose units are the matrix's last size: (input param, weights param).
MATMULS = {
    "tensorflow.matmul": (("a", 0), ("b", 1)),
    "tensorflow.linalg.matmul": (("a", 0), ("b", 1)),
    "tensorflow.nn.xw_plus_b": (("x", 0), ("weights", 1)),
}
# Adding a bias keeps the linear output: (the output's parameter).
BIAS_ADDS = {"tensorflow.add": ("x", 0), "tensorflow.nn.bias_add": ("value", 0), "tensorflow.math.add": ("x", 0)}

# Functions that return the tensor they are given as the same kind of output
# (see torch.PASS_FUNCTIONS); TF 1's ``tf.compat.v1.nn.dropout(x, keep_prob)`` is the same name.
PASS_FUNCTIONS = {
    "tensorflow.nn.dropout": ("x", 0),
    # resampling over the spatial axes (bilinear, nearest, ...): see torch.PASS_THROUGH
    "tensorflow.image.resize": ("images", 0), "tensorflow.image.resize_bilinear": ("images", 0),
    "tensorflow.image.resize_nearest_neighbor": ("images", 0), "tensorflow.image.resize_images": ("images", 0),
}

# Functions that keep what a tensor is: ``tf.squeeze(out)``, ``tf.reshape(out, ...)``.
SHAPE_FUNCTIONS = {
    "tensorflow.squeeze": "input", "tensorflow.reshape": "tensor", "tensorflow.expand_dims": "input",
    "tensorflow.identity": "input", "tensorflow.cast": "x",
}

# One call computing a vector L1 norm over every element.
L1_NORMS = {"tensorflow.norm": ("ord", 1), "tensorflow.linalg.norm": ("ord", 1)}

# TF 1 layer base classes: a subclass is a layer called through ``call``.
MODULE_BASES = {
    "tensorflow.layers.Layer": KERAS,
    "tensorflow.python.layers.base.Layer": KERAS,
}
