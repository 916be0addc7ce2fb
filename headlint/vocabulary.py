"""The canonical vocabulary: every framework spelling headlint understands, as data.

Keys are canonical qualified names (see ``names.canonical``): ``tensorflow.keras.X``,
``tf_keras.X`` and ``keras.src.X`` are all ``keras.X``; ``torch.nn.modules.loss.X`` is
``torch.nn.X``. Adding a spelling is adding a row here, never code in a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .records import Framework

TORCH, KERAS = Framework.TORCH, Framework.KERAS


# --- activations -----------------------------------------------------------------

# Canonical activation kinds for names used by Keras ``activation=`` strings,
# ``keras.activations.*`` and torch/tf functions alike.
ACTIVATION_KINDS = {
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sigmoid": "sigmoid",
    "expit": "sigmoid",
    "relu": "relu",
    "relu6": "relu6",
    "softplus": "softplus",
    "exp": "exp",
    "exponential": "exp",
    "tanh": "tanh",
    "linear": "identity",
    "identity": "identity",
}
NON_NEGATIVE = frozenset({"relu", "relu6", "softplus", "exp"})


@dataclass(frozen=True)
class ActivationFn:
    """A function applying an activation to its first argument."""

    kind: str
    axis_param: Optional[str] = None  # "dim" / "axis"
    axis_pos: Optional[int] = None  # positional index of the axis argument
    display: str = ""


def _fns(prefix: str, names: dict, axis_param: str, display: str) -> dict:
    out = {}
    for name, kind in names.items():
        softmaxish = kind in ("softmax", "log_softmax")
        out[f"{prefix}.{name}"] = ActivationFn(
            kind,
            axis_param if softmaxish else None,
            1 if softmaxish else None,
            f"{display}.{name}",
        )
    return out


_TORCH_FNS = {
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sigmoid": "sigmoid",
    "relu": "relu",
    "relu6": "relu6",
    "softplus": "softplus",
    "tanh": "tanh",
}
_TF_FNS = {
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sigmoid": "sigmoid",
    "relu": "relu",
    "relu6": "relu6",
    "softplus": "softplus",
    "tanh": "tanh",
    "exp": "exp",
}
_KERAS_FNS = {k: v for k, v in ACTIVATION_KINDS.items() if k not in ("expit", "identity", "exp")}

ACTIVATION_FUNCTIONS: dict = {
    **_fns("torch.nn.functional", _TORCH_FNS, "dim", "F"),
    **_fns("torch", {**_TORCH_FNS, "exp": "exp"}, "dim", "torch"),
    **_fns("torch.special", {"softmax": "softmax", "log_softmax": "log_softmax", "expit": "sigmoid"}, "dim", "torch.special"),
    **_fns("tensorflow.nn", _TF_FNS, "axis", "tf.nn"),
    **_fns("tensorflow.math", _TF_FNS, "axis", "tf.math"),
    **_fns("tensorflow", {"sigmoid": "sigmoid", "tanh": "tanh", "exp": "exp"}, "axis", "tf"),
    **_fns("keras.activations", _KERAS_FNS, "axis", "keras.activations"),
    **_fns("keras.ops", {**_TF_FNS, "log_softmax": "log_softmax"}, "axis", "keras.ops"),
}

# Tensor methods that apply an activation: ``x.softmax(dim=1)``, ``x.sigmoid()``.
ACTIVATION_METHODS = {
    "softmax": ActivationFn("softmax", "dim", 0, ".softmax"),
    "log_softmax": ActivationFn("log_softmax", "dim", 0, ".log_softmax"),
    "sigmoid": ActivationFn("sigmoid", display=".sigmoid"),
    "relu": ActivationFn("relu", display=".relu"),
    "exp": ActivationFn("exp", display=".exp"),
    "tanh": ActivationFn("tanh", display=".tanh"),
}


@dataclass(frozen=True)
class ActivationModule:
    """A layer object that only applies an activation: ``nn.Softmax(dim=1)``."""

    kind: Optional[str]  # None: taken from the first argument (keras Activation)
    framework: Framework
    axis_param: Optional[str] = None
    axis_pos: Optional[int] = None
    default_axis: Optional[int] = None
    display: str = ""


ACTIVATION_MODULES = {
    "torch.nn.Softmax": ActivationModule("softmax", TORCH, "dim", 0, None, "nn.Softmax"),
    "torch.nn.LogSoftmax": ActivationModule("log_softmax", TORCH, "dim", 0, None, "nn.LogSoftmax"),
    "torch.nn.Sigmoid": ActivationModule("sigmoid", TORCH, display="nn.Sigmoid"),
    "torch.nn.ReLU": ActivationModule("relu", TORCH, display="nn.ReLU"),
    "torch.nn.ReLU6": ActivationModule("relu6", TORCH, display="nn.ReLU6"),
    "torch.nn.Softplus": ActivationModule("softplus", TORCH, display="nn.Softplus"),
    "torch.nn.Tanh": ActivationModule("tanh", TORCH, display="nn.Tanh"),
    "torch.nn.GELU": ActivationModule("other", TORCH, display="nn.GELU"),
    "torch.nn.ELU": ActivationModule("other", TORCH, display="nn.ELU"),
    "torch.nn.SiLU": ActivationModule("other", TORCH, display="nn.SiLU"),
    "torch.nn.LeakyReLU": ActivationModule("other", TORCH, display="nn.LeakyReLU"),
    "keras.layers.Softmax": ActivationModule("softmax", KERAS, "axis", 0, -1, "layers.Softmax"),
    "keras.layers.ReLU": ActivationModule("relu", KERAS, display="layers.ReLU"),
    "keras.layers.LeakyReLU": ActivationModule("other", KERAS, display="layers.LeakyReLU"),
    "keras.layers.ELU": ActivationModule("other", KERAS, display="layers.ELU"),
    "keras.layers.Activation": ActivationModule(None, KERAS, display="layers.Activation"),
}


# --- layers --------------------------------------------------------------------


@dataclass(frozen=True)
class LayerSpec:
    kind: str
    framework: Framework
    params: tuple  # positional parameter names, in order
    units_param: Optional[str]
    activation_param: Optional[str] = None  # Keras layers carry their activation
    display: str = ""


LAYERS = {
    "torch.nn.Linear": LayerSpec("linear", TORCH, ("in_features", "out_features", "bias"), "out_features", None, "nn.Linear"),
    "torch.nn.LazyLinear": LayerSpec("linear", TORCH, ("out_features", "bias"), "out_features", None, "nn.LazyLinear"),
    "torch.nn.Bilinear": LayerSpec("linear", TORCH, ("in1_features", "in2_features", "out_features"), "out_features", None, "nn.Bilinear"),
    "torch.nn.Conv1d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv1d"),
    "torch.nn.Conv2d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv2d"),
    "torch.nn.Conv3d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv3d"),
    "keras.layers.Dense": LayerSpec("dense", KERAS, ("units", "activation", "use_bias"), "units", "activation", "Dense"),
    "keras.layers.Conv1D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv1D"),
    "keras.layers.Conv2D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv2D"),
    "keras.layers.Conv3D": LayerSpec("conv", KERAS, ("filters", "kernel_size"), "filters", "activation", "Conv3D"),
}

# Layers that pass a tensor through without changing what its last activation is.
PASS_THROUGH = frozenset(
    {
        "torch.nn.Dropout",
        "torch.nn.Flatten",
        "torch.nn.Identity",
        "torch.nn.Unflatten",
        "keras.layers.Dropout",
        "keras.layers.Flatten",
        "keras.layers.Reshape",
        "keras.layers.InputLayer",
    }
)

SEQUENTIALS = {"torch.nn.Sequential": TORCH, "keras.Sequential": KERAS}
FUNCTIONAL_MODELS = frozenset({"keras.Model"})
INPUTS = frozenset({"keras.Input", "keras.layers.Input"})

# Base classes whose subclasses are models or layers (called through forward/call).
MODULE_BASES = {
    "torch.nn.Module": TORCH,
    "pytorch_lightning.LightningModule": TORCH,
    "lightning.pytorch.LightningModule": TORCH,
    "lightning.LightningModule": TORCH,
    "keras.Model": KERAS,
    "keras.layers.Layer": KERAS,
}


# --- losses --------------------------------------------------------------------


@dataclass(frozen=True)
class LossSpec:
    kind: str
    framework: Framework
    applies: Optional[str]  # what the loss applies to its prediction itself
    expects: str  # logits | probabilities | log_probabilities | values
    display: str
    # Call signature of the loss computation: names of the prediction and target
    # parameters and their positions.
    pred: tuple = ("input", 0)
    target: tuple = ("target", 1)
    # Keras: from_logits switches applies/expects. (param name, position in ctor/fn)
    from_logits_pos: Optional[int] = None
    softmax_family: bool = False  # with from_logits=True this applies softmax


def _torch_loss(kind, applies, expects, display):
    return LossSpec(kind, TORCH, applies, expects, display)


_TORCH_LOSSES = {
    "CrossEntropyLoss": ("cross_entropy", "softmax", "logits", "cross_entropy"),
    "NLLLoss": ("nll", None, "log_probabilities", "nll_loss"),
    "BCELoss": ("bce", None, "probabilities", "binary_cross_entropy"),
    "BCEWithLogitsLoss": ("bce_with_logits", "sigmoid", "logits", "binary_cross_entropy_with_logits"),
    "MSELoss": ("mse", None, "values", "mse_loss"),
    "L1Loss": ("mae", None, "values", "l1_loss"),
    "SmoothL1Loss": ("huber", None, "values", "smooth_l1_loss"),
    "HuberLoss": ("huber", None, "values", "huber_loss"),
    "KLDivLoss": ("kl_div", None, "log_probabilities", "kl_div"),
}

# Loss classes: constructed, then called on (prediction, target).
LOSS_CLASSES: dict = {}
# Loss functions: called directly on (prediction, target, ...).
LOSS_FUNCTIONS: dict = {}

for _cls, (_kind, _applies, _expects, _fn) in _TORCH_LOSSES.items():
    LOSS_CLASSES[f"torch.nn.{_cls}"] = _torch_loss(_kind, _applies, _expects, f"nn.{_cls}")
    LOSS_FUNCTIONS[f"torch.nn.functional.{_fn}"] = _torch_loss(_kind, _applies, _expects, f"F.{_fn}")

# Keras: called as (y_true, y_pred). from_logits is the first constructor argument
# of the crossentropy classes and the third argument of the functions.
_KERAS_XENT = {
    # class, function, kind, softmax family?
    "CategoricalCrossentropy": ("categorical_crossentropy", True),
    "SparseCategoricalCrossentropy": ("sparse_categorical_crossentropy", True),
    "BinaryCrossentropy": ("binary_crossentropy", False),
    "BinaryFocalCrossentropy": ("binary_focal_crossentropy", False),
    "CategoricalFocalCrossentropy": ("categorical_focal_crossentropy", True),
}
_KERAS_REGRESSION = {
    # class: (kind, function names)
    "MeanSquaredError": ("mse", ("mean_squared_error", "mse", "MSE")),
    "MeanAbsoluteError": ("mae", ("mean_absolute_error", "mae", "MAE")),
    "Huber": ("huber", ("huber", "huber_loss")),
    "LogCosh": ("log_cosh", ("log_cosh", "logcosh")),
    "MeanSquaredLogarithmicError": ("msle", ("mean_squared_logarithmic_error", "msle", "MSLE")),
}
_KERAS_OTHER = {
    "Hinge": ("hinge", ("hinge",)),
    "SquaredHinge": ("squared_hinge", ("squared_hinge",)),
    "CategoricalHinge": ("categorical_hinge", ("categorical_hinge",)),
    "KLDivergence": ("kl_divergence", ("kl_divergence", "kld", "KLD")),
    "Poisson": ("poisson", ("poisson",)),
}

# Strings accepted by ``model.compile(loss=...)``.
LOSS_STRINGS: dict = {}

_KT = ("y_true", 0)
_KP = ("y_pred", 1)
for _cls, (_fn, _softmax) in _KERAS_XENT.items():
    LOSS_CLASSES[f"keras.losses.{_cls}"] = LossSpec(
        _fn, KERAS, None, "probabilities", _cls, _KP, _KT, 0, _softmax
    )
    spec = LossSpec(_fn, KERAS, None, "probabilities", _fn, _KP, _KT, 2, _softmax)
    LOSS_FUNCTIONS[f"keras.losses.{_fn}"] = spec
    LOSS_FUNCTIONS[f"keras.metrics.{_fn}"] = spec
    LOSS_STRINGS[_fn] = LossSpec(_fn, KERAS, None, "probabilities", repr(_fn), _KP, _KT, None, _softmax)
LOSS_FUNCTIONS["keras.backend.categorical_crossentropy"] = LossSpec(
    "categorical_crossentropy", KERAS, None, "probabilities", "K.categorical_crossentropy",
    ("output", 1), ("target", 0), 2, True,
)
LOSS_FUNCTIONS["keras.backend.sparse_categorical_crossentropy"] = LossSpec(
    "sparse_categorical_crossentropy", KERAS, None, "probabilities", "K.sparse_categorical_crossentropy",
    ("output", 1), ("target", 0), 2, True,
)
for _table, _expects in ((_KERAS_REGRESSION, "values"), (_KERAS_OTHER, "other")):
    for _cls, (_kind, _fns_) in _table.items():
        LOSS_CLASSES[f"keras.losses.{_cls}"] = LossSpec(_kind, KERAS, None, _expects, _cls, _KP, _KT)
        for _fn in _fns_:
            LOSS_FUNCTIONS[f"keras.losses.{_fn}"] = LossSpec(_kind, KERAS, None, _expects, _fn, _KP, _KT)
            LOSS_FUNCTIONS[f"keras.metrics.{_fn}"] = LossSpec(_kind, KERAS, None, _expects, _fn, _KP, _KT)
            LOSS_STRINGS[_fn] = LossSpec(_kind, KERAS, None, _expects, repr(_fn), _KP, _KT)
LOSS_STRINGS["huber_loss"] = LOSS_STRINGS["huber"]

# TensorFlow's fused ops take keyword arguments labels= and logits=.
for _name, _applies in (
    ("softmax_cross_entropy_with_logits", "softmax"),
    ("softmax_cross_entropy_with_logits_v2", "softmax"),
    ("sparse_softmax_cross_entropy_with_logits", "softmax"),
    ("sigmoid_cross_entropy_with_logits", "sigmoid"),
):
    LOSS_FUNCTIONS[f"tensorflow.nn.{_name}"] = LossSpec(
        _name, KERAS, _applies, "logits", f"tf.nn.{_name}", ("logits", 1), ("labels", 0)
    )


# --- data: where targets come from ----------------------------------------------

# Calls that create tensors/arrays with a known kind and sign. The second element
# says how the sign follows from literal arguments: "signed", "nonneg" or a rule
# name handled in targets.py ("range": low/high literals decide).
DATA_SOURCES = {
    # kind, sign
    "torch.randn": ("continuous", "signed"),
    "torch.randn_like": ("continuous", "signed"),
    "torch.normal": ("continuous", "signed"),
    "torch.rand": ("continuous", "nonneg"),
    "torch.rand_like": ("continuous", "nonneg"),
    "torch.randint": ("label", "range"),
    "torch.randint_like": ("label", "range"),
    "torch.randperm": ("label", "nonneg"),
    "torch.bernoulli": ("label", "nonneg"),
    "torch.ones": ("unknown", "nonneg"),
    "torch.zeros": ("unknown", "nonneg"),
    "torch.arange": ("unknown", "range"),
    "torch.linspace": ("continuous", "range"),
    "numpy.random.randn": ("continuous", "signed"),
    "numpy.random.standard_normal": ("continuous", "signed"),
    "numpy.random.normal": ("continuous", "signed"),
    "numpy.random.rand": ("continuous", "nonneg"),
    "numpy.random.random": ("continuous", "nonneg"),
    "numpy.random.uniform": ("continuous", "range"),
    "numpy.random.randint": ("label", "range"),
    "numpy.random.choice": ("unknown", "unknown"),
    "numpy.random.binomial": ("label", "nonneg"),
    "numpy.random.poisson": ("continuous", "nonneg"),
    "numpy.random.exponential": ("continuous", "nonneg"),
    "numpy.linspace": ("continuous", "range"),
    "numpy.arange": ("unknown", "range"),
    "numpy.ones": ("unknown", "nonneg"),
    "numpy.zeros": ("unknown", "nonneg"),
    "tensorflow.random.normal": ("continuous", "signed"),
    "tensorflow.random.truncated_normal": ("continuous", "signed"),
    "tensorflow.random.uniform": ("continuous", "range"),
    "keras.random.normal": ("continuous", "signed"),
    "keras.random.uniform": ("continuous", "range"),
    "keras.utils.to_categorical": ("label", "nonneg"),
    "torch.nn.functional.one_hot": ("label", "nonneg"),
    "tensorflow.one_hot": ("label", "nonneg"),
    "keras.ops.one_hot": ("label", "nonneg"),
}

# Sources of one-hot rows (one class per example): the parameter giving the number
# of classes, and its position (HL011 tells one-hot multi-class targets from multi-label).
ONE_HOT = {
    "keras.utils.to_categorical": ("num_classes", 1),
    "torch.nn.functional.one_hot": ("num_classes", 1),
    "tensorflow.one_hot": ("depth", 1),
    "keras.ops.one_hot": ("num_classes", 1),
}

# Generator methods: ``rng = np.random.default_rng(0); rng.normal(...)`` draw like
# the numpy.random functions of the same name.
RNG_METHODS = {
    **{
        name: DATA_SOURCES[f"numpy.random.{name}"]
        for name in ("normal", "standard_normal", "randn", "uniform", "random", "rand",
                     "randint", "exponential", "poisson", "binomial")
    },
    "integers": ("label", "range"),
}
RNG_FACTORIES = frozenset({"numpy.random.default_rng", "numpy.random.RandomState", "numpy.random.Generator"})

# What elementwise operations do to a value's facts (rules in targets.py), written
# the same as a function (``np.abs(y)``) or as a method (``y.abs()``).
_FACT_RULES = {
    "abs": "nonneg",
    "exp": "nonneg",
    "square": "nonneg",
    "sqrt": "nonneg",
    "log": "unknown_sign",  # negative below 1, positive above: the argument decides
    "log1p": "keep",
    "diff": "signed",
    "pct_change": "signed",
    "clip": "clip",
    "clamp": "clip",
    "cumsum": "keep",
    "round": "keep",
    "argmax": "label",
    "mean": "keep",
    "min": "minimum",
    "std": "nonneg_stat",
    "var": "nonneg_stat",
    "squeeze": "keep",
    "reshape": "keep",
    "unsqueeze": "keep",
    "expand_dims": "keep",
}

# Functions of numpy / torch / tensorflow / pandas.
ELEMENTWISE = {
    **_FACT_RULES,
    "absolute": "nonneg",
    "expm1": "signed",
    "log2": "signed",
    "log10": "signed",
    "sin": "signed",
    "cos": "signed",
    "tanh": "signed",
    "sign": "signed",
    "sigmoid": "nonneg",
    "relu": "nonneg",
    "floor": "keep",
    "ceil": "keep",
    "float32": "keep",
    "float64": "keep",
    "asarray": "keep",
    "array": "keep",
    "tensor": "keep",
    "as_tensor": "keep",
    "from_numpy": "keep",
    "FloatTensor": "keep",
    "LongTensor": "label",
    "convert_to_tensor": "keep",
    "constant": "keep",
    "stack": "keep",
    "concatenate": "keep",
    "cat": "keep",
    "vstack": "keep",
    "hstack": "keep",
    "amin": "minimum",
}
ELEMENTWISE_MODULES = ("numpy", "torch", "tensorflow", "tensorflow.math", "keras.ops", "pandas")

# Methods on a tensor or array.
TENSOR_METHODS = {
    **_FACT_RULES,
    **{name: "keep" for name in (
        "float", "double", "half", "to", "cuda", "cpu", "numpy", "detach", "clone", "copy",
        "contiguous", "view", "view_as", "reshape_as", "flatten", "ravel", "to_numpy",
        "type_as", "permute", "transpose", "values", "sum", "max",
    )},
    **{name: "cast" for name in ("long", "int", "bool", "byte")},
    "astype": "astype",
    "type": "astype",
    "clamp_min": "clip_min",
}
# Methods that keep the last activation of a model output visible (shape only).
SHAPE_METHODS = frozenset(
    {
        "view", "reshape", "view_as", "reshape_as", "flatten", "squeeze", "unsqueeze",
        "contiguous", "float", "double", "to", "cuda", "cpu", "permute", "transpose",
        "type_as",
    }
)

SCALERS = {
    "sklearn.preprocessing.StandardScaler": ("continuous", "signed"),
    "sklearn.preprocessing.RobustScaler": ("continuous", "signed"),
    "sklearn.preprocessing.MinMaxScaler": ("continuous", "range"),
    "sklearn.preprocessing.MaxAbsScaler": ("continuous", "keep"),
    "sklearn.preprocessing.LabelEncoder": ("label", "nonneg"),
    "sklearn.preprocessing.OneHotEncoder": ("label", "nonneg"),
    "sklearn.preprocessing.LabelBinarizer": ("label", "nonneg"),
    "sklearn.preprocessing.OrdinalEncoder": ("label", "nonneg"),
}
SCALER_FUNCTIONS = {
    "sklearn.preprocessing.scale": ("continuous", "signed"),
    "scipy.stats.zscore": ("continuous", "signed"),
    "sklearn.preprocessing.minmax_scale": ("continuous", "nonneg"),
    "sklearn.preprocessing.label_binarize": ("label", "nonneg"),
}

# Datasets and loaders: iterating yields the items the dataset was built from.
DATASETS = frozenset({"torch.utils.data.TensorDataset", "tensorflow.data.Dataset.from_tensor_slices"})
LOADERS = frozenset({"torch.utils.data.DataLoader"})

# Keras metrics that treat outputs as class scores (HL002 classifier evidence).
CLASSIFIER_METRICS = frozenset(
    {
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
        "sparse_categorical_accuracy", "auc", "precision", "recall",
        "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
        "AUC", "Precision", "Recall", "F1Score",
    }
)

# Contexts whose code does not train: ``with torch.no_grad():``.
NO_GRAD = frozenset({"torch.no_grad", "torch.inference_mode", "torch.set_grad_enabled"})
# Methods that are inference or evaluation paths, not training.
INFERENCE_METHODS = frozenset(
    {
        "predict", "predict_proba", "predict_step", "inference", "infer",
        "validation_step", "test_step", "evaluate", "score", "sample", "generate",
    }
)


# --- shapes ----------------------------------------------------------------------

# After these the last axis of an output may no longer hold the layer's units
# (``scores.view(-1, n_choices)``, ``Flatten()`` on ``(batch, time, 1)``): the
# activation and the layer are still known, the unit count is not.
RESHAPE_METHODS = frozenset({"view", "reshape", "view_as", "reshape_as", "flatten", "squeeze", "unsqueeze", "permute", "transpose"})
RESHAPE_LAYERS = frozenset({"torch.nn.Flatten", "torch.nn.Unflatten", "keras.layers.Flatten", "keras.layers.Reshape"})


# --- ranks (HL008): how many axes a tensor has, where the code makes it certain ------

# Layers whose output rank does not depend on their input: (rank, parameters that
# change it when given). Keras layers are always batched, so a Keras convolution's
# output has a fixed rank; a PyTorch one keeps its input's (it also takes unbatched input).
RANK_LAYERS = {
    "torch.nn.Flatten": (2, ("start_dim", "end_dim")),
    "keras.layers.Flatten": (2, ()),
    "keras.layers.Conv1D": (3, ()),
    "keras.layers.Conv2D": (4, ()),
    "keras.layers.Conv3D": (5, ()),
}
# Keras layers whose output is new values of a rank they fix (no activation of their
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
# Keras arguments declaring a layer's input: (parameter, how the rank follows):
# "shape" a shape without the batch axis, "batch_shape" one with it, "dim" a feature count.
INPUT_RANK_ARGS = (("shape", "shape"), ("input_shape", "shape"), ("batch_shape", "batch_shape"),
                   ("batch_input_shape", "batch_shape"), ("input_dim", "dim"))
# Tensor methods and functions that set or keep the rank: "sizes" (one size per axis:
# ``x.view(x.size(0), -1)``), "flatten" (axes from start_dim on become one:
# ``x.flatten(1)``), "keep" (the same axes). Anything else forgets the rank.
RANK_METHODS = {
    "view": "sizes", "reshape": "sizes", "flatten": "flatten",
    **{name: "keep" for name in ("float", "double", "half", "to", "cuda", "cpu", "contiguous", "type_as")},
}
RANK_FUNCTIONS = {"torch.flatten": "flatten", "torch.reshape": "sizes"}
# PyTorch's implicit softmax dim (``nn.Softmax()``, ``F.softmax(x)``): 0 for these
# ranks, 1 for any other (torch/nn/functional.py, _get_softmax_dim), with a warning.
TORCH_IMPLICIT_DIM_0 = frozenset({0, 1, 3})


# --- regularisers and penalties (HL009) ---------------------------------------------

# Keras regularizer constructors that carry an L1 factor: (its parameter, position,
# default). A default of None: it differs between versions (``l1_l2`` is 0.01 in
# tf.keras 2 and 0.0 in Keras 3), so only a literal factor is believed.
L1_REGULARIZERS = {
    "keras.regularizers.L1": ("l1", 0, 0.01),
    "keras.regularizers.l1": ("l1", 0, 0.01),
    "keras.regularizers.L1L2": ("l1", 0, 0.0),
    "keras.regularizers.l1_l2": ("l1", 0, None),
}
# ``activity_regularizer="l1"``: Keras looks the name up and uses the default factor.
L1_REGULARIZER_STRINGS = {"l1": 0.01, "L1": 0.01}

# The L1 norm of a tensor written out, step by step: |x| elementwise, then a sum or
# mean over every element (or over the softmax's own axis first). Function names
# apply in the modules below; methods by name.
L1_ABS = frozenset({"abs", "absolute"})
L1_REDUCE = frozenset({"sum", "mean", "reduce_sum", "reduce_mean"})
L1_MODULES = ("torch", "numpy", "tensorflow", "tensorflow.math", "keras.ops")
# One call computing a vector L1 norm over every element: (order parameter, its
# position). ``torch.linalg.norm`` and ``keras.ops.norm`` are left out: on a matrix
# with ord=1 they compute the matrix norm, which is not constant.
L1_NORMS = {
    "torch.norm": ("p", 1),
    "torch.linalg.vector_norm": ("ord", 1),
    "tensorflow.norm": ("ord", 1),
    "tensorflow.linalg.norm": ("ord", 1),
    "Tensor.norm": ("p", 0),
}
