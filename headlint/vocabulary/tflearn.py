"""tflearn's layers and its ``regression`` estimator, which names its loss with a
string (tflearn/objectives.py). tflearn's ``binary_crossentropy`` is TensorFlow's
sigmoid cross-entropy *with logits*, unlike Keras' of the same name."""

from __future__ import annotations

from .rows import KERAS, LayerSpec, LossSpec

READ_FROM = "tflearn 0.5.0 (tflearn/layers/core.py, layers/estimator.py, objectives.py)"

LAYERS = {
    "tflearn.fully_connected": LayerSpec(
        "dense", KERAS, ("incoming", "n_units", "activation"), "n_units", "activation",
        "fully_connected", applies_to="incoming", default_activation="identity",
    ),
}

# tflearn.regression(incoming, ..., loss=...): the loss applied to ``incoming``,
# named by a string (tflearn's default: 'categorical_crossentropy').
_P, _T = ("y_pred", 0), ("y_true", 1)
LOSS_STRINGS = {
    "categorical_crossentropy": LossSpec("categorical_crossentropy", KERAS, None, "probabilities", "tflearn's 'categorical_crossentropy'", _P, _T),
    "softmax_categorical_crossentropy": LossSpec(
        "softmax_cross_entropy_with_logits", KERAS, "softmax", "logits", "tflearn's 'softmax_categorical_crossentropy'", _P, _T,
    ),
    "binary_crossentropy": LossSpec(
        "sigmoid_cross_entropy_with_logits", KERAS, "sigmoid", "logits", "tflearn's 'binary_crossentropy' (on logits)", _P, _T,
    ),
    "weighted_crossentropy": LossSpec(
        "sigmoid_cross_entropy_with_logits", KERAS, "sigmoid", "logits", "tflearn's 'weighted_crossentropy' (on logits)", _P, _T,
    ),
    "mean_square": LossSpec("mse", KERAS, None, "values", "tflearn's 'mean_square'", _P, _T),
}
# Calls that apply a loss to one of their arguments: (the prediction's parameter and
# position, the loss parameter, its default, the table naming the losses).
LOSS_STEPS = {"tflearn.regression": (("incoming", 0), "loss", "categorical_crossentropy", LOSS_STRINGS)}
