"""Keras' spellings (Keras 3, tf.keras, tf_keras and standalone Keras 2 share one
canonical ``keras.`` prefix, see names.canonical): activations, layers, models,
losses and their ``compile`` strings, metrics, regularizers, ranks."""

from __future__ import annotations

from .rows import ACTIVATION_KINDS, KERAS, TENSOR_ACTIVATIONS, ActivationModule, LayerSpec, LossSpec, activation_fns

READ_FROM = "keras 3.15.1 and tf-keras 2.21.0 (keras/src/losses, layers, activations)"

_FNS = {k: v for k, v in ACTIVATION_KINDS.items() if k not in ("expit", "identity", "exp")}
_OPS = {**TENSOR_ACTIVATIONS, "exp": "exp"}

ACTIVATION_FUNCTIONS = {
    **activation_fns("keras.activations", _FNS, "axis", "keras.activations"),
    **activation_fns("keras.ops", _OPS, "axis", "keras.ops"),
}

ACTIVATION_MODULES = {
    "keras.layers.Softmax": ActivationModule("softmax", KERAS, "axis", 0, -1, "layers.Softmax"),
    "keras.layers.ReLU": ActivationModule("relu", KERAS, display="layers.ReLU"),
    "keras.layers.LeakyReLU": ActivationModule("other", KERAS, display="layers.LeakyReLU"),
    "keras.layers.ELU": ActivationModule("other", KERAS, display="layers.ELU"),
    "keras.layers.Activation": ActivationModule(None, KERAS, display="layers.Activation"),
}

LAYERS = {
    "keras.layers.Dense": LayerSpec("dense", KERAS, ("units", "activation", "use_bias"), "units", "activation", "Dense"),
    "keras.layers.Conv1D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv1D"),
    "keras.layers.Conv2D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv2D"),
    "keras.layers.Conv3D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv3D"),
}

PASS_THROUGH = frozenset({
    "keras.layers.Dropout", "keras.layers.Flatten", "keras.layers.Reshape", "keras.layers.InputLayer",
    # resampling over the spatial axes keeps a sigmoid map in (0, 1), a per-pixel softmax summing to 1
    "keras.layers.UpSampling1D", "keras.layers.UpSampling2D", "keras.layers.UpSampling3D",
})
SEQUENTIALS = {"keras.Sequential": KERAS}
FUNCTIONAL_MODELS = frozenset({"keras.Model"})
INPUTS = frozenset({"keras.Input", "keras.layers.Input"})
MODULE_BASES = {"keras.Model": KERAS, "keras.layers.Layer": KERAS}
# Base classes of custom losses: ``compile(loss=MyLoss())`` runs their ``call``.
LOSS_BASES = frozenset({"keras.losses.Loss"})
# A subclass's ``train_step`` that calls one of these uses the compiled loss.
COMPILED_LOSS_USES = frozenset({"compute_loss", "compiled_loss", "loss"})

# Keras: called as (y_true, y_pred). from_logits is the first constructor argument
# of the crossentropy classes and the third argument of the functions.
_XENT = {
    # class: (function, softmax family?)
    "CategoricalCrossentropy": ("categorical_crossentropy", True),
    "SparseCategoricalCrossentropy": ("sparse_categorical_crossentropy", True),
    "BinaryCrossentropy": ("binary_crossentropy", False),
    "BinaryFocalCrossentropy": ("binary_focal_crossentropy", False),
    "CategoricalFocalCrossentropy": ("categorical_focal_crossentropy", True),
}
_REGRESSION = {
    # class: (kind, function names)
    "MeanSquaredError": ("mse", ("mean_squared_error", "mse", "MSE")),
    "MeanAbsoluteError": ("mae", ("mean_absolute_error", "mae", "MAE")),
    "Huber": ("huber", ("huber", "huber_loss")),
    "LogCosh": ("log_cosh", ("log_cosh", "logcosh")),
    "MeanSquaredLogarithmicError": ("msle", ("mean_squared_logarithmic_error", "msle", "MSLE")),
}
_OTHER = {
    "Hinge": ("hinge", ("hinge",)),
    "SquaredHinge": ("squared_hinge", ("squared_hinge",)),
    "CategoricalHinge": ("categorical_hinge", ("categorical_hinge",)),
    "KLDivergence": ("kl_divergence", ("kl_divergence", "kld", "KLD", "kullback_leibler_divergence")),
    "Poisson": ("poisson", ("poisson",)),
}

LOSS_CLASSES: dict = {}
LOSS_FUNCTIONS: dict = {}
# Strings accepted by ``model.compile(loss=...)``.
LOSS_STRINGS: dict = {}

_KT = ("y_true", 0)
_KP = ("y_pred", 1)
for _cls, (_fn, _softmax) in _XENT.items():
    LOSS_CLASSES[f"keras.losses.{_cls}"] = LossSpec(_fn, KERAS, None, "probabilities", _cls, _KP, _KT, 0, _softmax)
    _spec = LossSpec(_fn, KERAS, None, "probabilities", _fn, _KP, _KT, 2, _softmax)
    LOSS_FUNCTIONS[f"keras.losses.{_fn}"] = _spec
    LOSS_FUNCTIONS[f"keras.metrics.{_fn}"] = _spec
    LOSS_STRINGS[_fn] = LossSpec(_fn, KERAS, None, "probabilities", repr(_fn), _KP, _KT, None, _softmax)
LOSS_FUNCTIONS["keras.backend.categorical_crossentropy"] = LossSpec(
    "categorical_crossentropy", KERAS, None, "probabilities", "K.categorical_crossentropy",
    ("output", 1), ("target", 0), 2, True,
)
LOSS_FUNCTIONS["keras.backend.sparse_categorical_crossentropy"] = LossSpec(
    "sparse_categorical_crossentropy", KERAS, None, "probabilities", "K.sparse_categorical_crossentropy",
    ("output", 1), ("target", 0), 2, True,
)
LOSS_FUNCTIONS["keras.backend.binary_crossentropy"] = LossSpec(
    "binary_crossentropy", KERAS, None, "probabilities", "K.binary_crossentropy",
    ("output", 1), ("target", 0), 2, False,
)
for _table, _expects in ((_REGRESSION, "values"), (_OTHER, "other")):
    for _cls, (_kind, _names) in _table.items():
        LOSS_CLASSES[f"keras.losses.{_cls}"] = LossSpec(_kind, KERAS, None, _expects, _cls, _KP, _KT)
        for _fn in _names:
            LOSS_FUNCTIONS[f"keras.losses.{_fn}"] = LossSpec(_kind, KERAS, None, _expects, _fn, _KP, _KT)
            LOSS_FUNCTIONS[f"keras.metrics.{_fn}"] = LossSpec(_kind, KERAS, None, _expects, _fn, _KP, _KT)
            LOSS_STRINGS[_fn] = LossSpec(_kind, KERAS, None, _expects, repr(_fn), _KP, _KT)
LOSS_STRINGS["huber_loss"] = LOSS_STRINGS["huber"]

DATA_SOURCES = {
    "keras.random.normal": ("continuous", "signed"),
    "keras.random.uniform": ("continuous", "range"),
    "keras.utils.to_categorical": ("label", "nonneg"),
    "keras.ops.one_hot": ("label", "nonneg"),
}
ONE_HOT = {"keras.utils.to_categorical": ("num_classes", 1), "keras.ops.one_hot": ("num_classes", 1)}
DRAW_SHAPES = {qual: ("shape", 0, "shape") for qual in ("keras.random.normal", "keras.random.uniform")}

# keras.datasets (Keras 2 and 3, tf.keras): ``load_data()`` gives ((x_train, y_train),
# (x_test, y_test)). What they hold: images of 0-255 ("images") or word-index sequences
# (None); targets that are class indices of that many classes, or a price ("nonneg").
# cifar100's ``label_mode="coarse"`` has 20 classes (LABEL_MODES).
LOADED_DATASETS = {
    "keras.datasets.mnist.load_data": ("images", 10),
    "keras.datasets.fashion_mnist.load_data": ("images", 10),
    "keras.datasets.cifar10.load_data": ("images", 10),
    "keras.datasets.cifar100.load_data": ("images", 100),
    "keras.datasets.imdb.load_data": (None, 2),
    "keras.datasets.reuters.load_data": (None, 46),
    "keras.datasets.boston_housing.load_data": (None, "nonneg"),
    "keras.datasets.california_housing.load_data": (None, "nonneg"),
}
# A loader's option that picks another set of classes: (param, position, {value: classes}).
LABEL_MODES = {"keras.datasets.cifar100.load_data": ("label_mode", 0, {"coarse": 20})}

# Metrics that treat outputs as class scores (HL002 classifier evidence).
CLASSIFIER_METRICS = frozenset(
    {
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
        "sparse_categorical_accuracy", "auc", "precision", "recall",
        "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
        "AUC", "Precision", "Recall", "F1Score",
    }
)
# Model methods whose result reads the output as class scores (Keras 2's
# ``Sequential.predict_classes`` thresholds a one-unit output at 0.5).
CLASSIFIER_METHODS = frozenset({"predict_classes"})
# The methods that train a Keras model with its compiled loss, and whether they are
# given the targets as ``y`` (second positional): Keras 3 and tf.keras ``fit`` and
# ``train_on_batch``; Keras 1/2 and tf.keras 2 ``fit_generator`` (removed in Keras 3),
# whose targets come in the generator's batches.
KERAS_TRAINING_METHODS = {"fit": True, "train_on_batch": True, "fit_generator": False}

RESHAPE_LAYERS = frozenset({"keras.layers.Flatten", "keras.layers.Reshape"})
# Layers whose output rank does not depend on their input: (rank, parameters that
# change it when given). Keras layers are always batched, so a convolution's output
# has a fixed rank.
RANK_LAYERS = {
    "keras.layers.Flatten": (2, ()),
    "keras.layers.Conv1D": (3, ()),
    "keras.layers.Conv2D": (4, ()),
    "keras.layers.Conv3D": (5, ()),
}
# Layers whose output is new values of a rank they fix (no activation of their
# input survives): (the parameter that decides it, the rank when it is True, when it
# is False or absent). A wrapper (Bidirectional) has the rank of the layer it wraps.
RANKED_LAYERS = {
    "keras.layers.LSTM": ("return_sequences", 3, 2),
    "keras.layers.GRU": ("return_sequences", 3, 2),
    "keras.layers.SimpleRNN": ("return_sequences", 3, 2),
    "keras.layers.GlobalAveragePooling1D": ("keepdims", None, 2),
    "keras.layers.GlobalAveragePooling2D": ("keepdims", None, 2),
    "keras.layers.GlobalMaxPooling1D": ("keepdims", None, 2),
    "keras.layers.GlobalMaxPooling2D": ("keepdims", None, 2),
}
RANK_WRAPPERS = frozenset({"keras.layers.Bidirectional"})
# Wrappers that apply the layer they are given to each step: the output is that
# layer's (its units, its activation). (parameter, position)
LAYER_WRAPPERS = {"keras.layers.TimeDistributed": ("layer", 0)}
# Arguments declaring a layer's input: (parameter, how the rank follows):
# "shape" a shape without the batch axis, "batch_shape" one with it, "dim" a feature count.
INPUT_RANK_ARGS = (("shape", "shape"), ("input_shape", "shape"), ("batch_shape", "batch_shape"),
                   ("batch_input_shape", "batch_shape"), ("input_dim", "dim"))

# Regularizer constructors that carry an L1 factor: (its parameter, position,
# default). A default of None: it differs between versions (``l1_l2`` is 0.01 in
# tf.keras 2 and 0.0 in Keras 3), so only a literal factor is believed.
L1_REGULARIZERS = {
    "keras.regularizers.L1": ("l1", 0, 0.01),
    "keras.regularizers.l1": ("l1", 0, 0.01),
    "keras.regularizers.L1L2": ("l1", 0, 0.0),
    "keras.regularizers.l1_l2": ("l1", 0, None),
    # Keras 1 (keras/regularizers.py, 1.2.2): activity_l1(l=0.01), activity_l1l2(l1=0.01, l2=0.01)
    "keras.regularizers.activity_l1": ("l", 0, 0.01),
    "keras.regularizers.activity_l1l2": ("l1", 0, 0.01),
}
# ``activity_regularizer="l1"``: Keras looks the name up and uses the default factor.
L1_REGULARIZER_STRINGS = {"l1": 0.01, "L1": 0.01}

# Functions that return the tensor they are given as the same kind of output
# (see torch.PASS_FUNCTIONS).
PASS_FUNCTIONS = {"keras.random.dropout": ("inputs", 0), "keras.backend.dropout": ("x", 0)}

# Functions that keep what a tensor is, in function form: ``keras.ops.squeeze(out)``.
SHAPE_FUNCTIONS = {
    "keras.ops.squeeze": "x", "keras.ops.expand_dims": "x", "keras.ops.reshape": "x",
    "keras.backend.squeeze": "x", "keras.backend.expand_dims": "x", "keras.backend.reshape": "x",
    "keras.backend.flatten": "x",
}
