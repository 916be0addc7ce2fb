"""The TensorFlow adapter: what TensorFlow's own API (graph code, ``tf.compat.v1``)
builds by hand that Keras and PyTorch build as layers. A weight variable of
literal shape, multiplied in (``tf.matmul(h, W) + b``, ``h @ W + b``), is a
linear layer with as many units as the matrix has columns. A PyTorch
``nn.Parameter`` multiplied in (``torch.mm(h, self.W)``) is one too, of units not known."""

from __future__ import annotations

from .. import vocabulary as V
from ..records import Activation, Layer
from ..values import UNKNOWN, Const, Seq, Tensor, Value


def literal_shape(value) -> tuple | None:
    """``[784, 10]`` or ``(n_hidden, n_classes)`` with literal values: the sizes."""
    if not isinstance(value, Seq) or not value.items:
        return None
    sizes = tuple(item.value if isinstance(item, Const) and isinstance(item.value, int)
                  and not isinstance(item.value, bool) else None for item in value.items)
    return sizes


def variable(qual: str, site) -> Value:
    """``tf.Variable(tf.random_normal([64, 10]))``, ``tf.get_variable("W", [64, 10])``;
    torch's ``nn.Parameter(torch.randn(d, k))``, whose units stay unknown (torch code
    multiplies by ``W`` and by ``W.t()`` alike)."""
    param, pos = V.VARIABLES[qual]
    if param is None:  # the row reads no shape: a matrix of units not known
        return Tensor(shape=(None, None), weights=True)
    given = site.arg(param, pos)
    if isinstance(given, Tensor):
        return Tensor(shape=given.shape, weights=True)
    return Tensor(shape=literal_shape(given), weights=True)


def linear(value: Value, weights: Value, node, shown: str) -> Value:
    """A matrix product: a linear layer when the weights' columns are a literal."""
    if not isinstance(weights, Tensor) or not weights.weights or not weights.shape or len(weights.shape) != 2:
        return Tensor()
    units = weights.shape[-1]
    layer = Layer("linear", units, shown, None, (("out_features", units),) if units else (), node)
    rank = value.rank if isinstance(value, Tensor) else None
    return Tensor(act=Activation("identity", name="no activation", node=node, spelling="tensorflow.matmul"),
                  layer=layer, rank=rank)


def matmul(qual: str, site) -> Value:
    (x_param, x_pos), (w_param, w_pos) = V.MATMULS[qual]
    return linear(site.arg(x_param, x_pos) or UNKNOWN, site.arg(w_param, w_pos), site.node,
                  f"{qual.replace('tensorflow.', 'tf.')}(...)")


def bias_add(qual: str, site) -> Value:
    """``tf.add(tf.matmul(h, W), b)``: still the linear layer's output."""
    param, pos = V.BIAS_ADDS[qual]
    value = site.arg(param, pos)
    if is_linear(value):
        return value
    return Tensor()


def is_linear(value) -> bool:
    """The output of a hand-made linear layer (a matrix product), bias or not."""
    return isinstance(value, Tensor) and value.raw and value.act.spelling == "tensorflow.matmul"


def knows(qual: str) -> bool:
    return qual in V.VARIABLES or qual in V.MATMULS or qual in V.BIAS_ADDS or qual in V.PLACEHOLDERS


def call(qual: str, site) -> Value | None:
    if qual in V.PLACEHOLDERS:
        shape = literal_shape(site.arg(*V.PLACEHOLDERS[qual]))
        return Tensor(rank=len(shape) if shape else None)
    if qual in V.VARIABLES:
        return variable(qual, site)
    if qual in V.MATMULS:
        return matmul(qual, site)
    if qual in V.BIAS_ADDS:
        return bias_add(qual, site)
    return None


def arith(op: str, left: Value, right: Value, node) -> Value | None:
    """``h @ W`` is a linear layer; ``h @ W + b`` (a bias added to it) still is."""
    if op == "@":
        linear_out = linear(left, right, node, "a matrix product (@)")
        return linear_out if linear_out.layer is not None else None
    if op == "+":
        for value, other in ((left, right), (right, left)):
            if is_linear(value) and (other is UNKNOWN or (isinstance(other, Tensor) and other.act is None and other.model is None)):
                return value
    return None
