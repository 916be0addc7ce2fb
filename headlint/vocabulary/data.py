"""Where targets come from and what operations do to them: numpy, scikit-learn,
scipy and pandas, and the operations every array library shares (targets.py
holds the rules the names refer to)."""

from __future__ import annotations

from ..records import Framework
from .rows import LossSpec

READ_FROM = "numpy 2.x, scikit-learn 1.7, scipy 1.16, pandas 2.3 (public API names)"

# Calls that create arrays with a known kind and sign: "signed", "nonneg", or
# "range" (literal low/high arguments decide, frameworks/data.py).
DATA_SOURCES = {
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
    # np.eye(n)[labels]: rows of the identity matrix are one-hot targets
    "numpy.eye": ("label", "nonneg"),
    "numpy.identity": ("label", "nonneg"),
}
ONE_HOT = {"numpy.eye": ("N", 0), "numpy.identity": ("n", 0)}
# Where a draw or an allocation takes its shape, so that its rank (number of axes) is
# known whether the sizes are literals or not: (parameter, position, how). "sizes":
# one size per argument from ``position`` on (``np.random.randn(n, 10)``); "shape": one
# argument holding the shape, a tuple or list of sizes, or a single size
# (``np.zeros((n, 10))``, ``np.random.normal(0, 1, size=(n, 3))``). numpy's own
# signatures (numpy/random/mtrand.pyx, numpy/_core/multiarray.py).
DRAW_SHAPES = {
    **{f"numpy.random.{name}": (None, 0, "sizes") for name in ("randn", "rand")},
    **{f"numpy.random.{name}": ("size", 0, "shape") for name in ("standard_normal", "random", "random_sample")},
    **{f"numpy.random.{name}": ("size", 2, "shape") for name in ("normal", "uniform", "randint", "binomial")},
    **{f"numpy.random.{name}": ("size", 1, "shape") for name in ("poisson", "exponential", "choice")},
    **{f"numpy.{name}": ("shape", 0, "shape") for name in ("zeros", "ones", "empty")},
    **{f"numpy.{name}": (None, 0, "vector") for name in ("arange", "linspace")},
}
# Allocations whose elements the code then writes (vocabulary/torch.py says more).
BUFFERS = {"numpy.zeros": 0, "numpy.ones": 1, "numpy.empty": None}

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
    "DoubleTensor": "keep",
    "Tensor": "keep",
    "LongTensor": "label",
    "convert_to_tensor": "keep",
    "constant": "keep",
    "stack": "keep",
    "concatenate": "keep",
    "cat": "keep",
    "vstack": "keep",
    "hstack": "keep",
    "amin": "minimum",
    "clip_by_value": "clip",
    "concat": "keep",
}
ELEMENTWISE_MODULES = ("numpy", "torch", "tensorflow", "tensorflow.math", "keras.ops", "pandas")

# Methods on a tensor or array.
TENSOR_METHODS = {
    **_FACT_RULES,
    **{name: "keep" for name in (
        "float", "double", "half", "to", "cuda", "cpu", "numpy", "detach", "clone", "copy",
        "contiguous", "view", "view_as", "reshape_as", "flatten", "ravel", "to_numpy",
        "type_as", "permute", "transpose", "values", "sum", "max", "resize",
        "toarray", "todense",  # a scipy sparse matrix (OneHotEncoder's output) made dense
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
        "type_as", "resize",  # Variable.resize: torch < 0.4's spelling of view
        "detach", "clone", "numpy",  # the same values, off the graph or as an array (accuracy code)
    }
)
# ``out.type(torch.cuda.FloatTensor)``: a cast to one of these floating types keeps
# the output what it is (the last name of the type; an integer type does not).
FLOAT_TYPES = frozenset({
    "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor",
    "float", "float32", "float64", "double", "half", "float16", "bfloat16",
})
# After these the last axis of an output may no longer hold the layer's units
# (``scores.view(-1, n_choices)``): the activation and the layer are still known,
# the unit count is not.
# Tensor methods that reduce over the axes they are given (``dim=``/``axis=``, or the
# first argument): without keepdim those axes are gone, ``x.mean([2, 3])`` of
# (N, C, H, W) is (N, C). ``max``/``min`` are left out: with one dim torch returns a pair.
REDUCTION_METHODS = frozenset({"mean", "sum", "std", "var"})
RESHAPE_METHODS = frozenset({"view", "reshape", "view_as", "reshape_as", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "resize"})
# Tensor methods that set or keep the rank: "sizes" (one size per axis:
# ``x.view(x.size(0), -1)``), "flatten" (axes from start_dim on become one:
# ``x.flatten(1)``), "keep" (the same axes). Anything else forgets the rank.
RANK_METHODS = {
    "view": "sizes", "reshape": "sizes", "resize": "sizes", "flatten": "flatten",
    **{name: "keep" for name in ("float", "double", "half", "to", "cuda", "cpu", "contiguous", "type_as")},
}

# Functions that keep the rank of the array they are given (elementwise maths and
# conversions between numpy, torch and TensorFlow), by name under ELEMENTWISE_MODULES;
# the conversions also give a nested literal list its rank
# (``torch.tensor([[0., 1.], [1., 0.]])`` is 2-D).
ARRAY_CONVERSIONS = frozenset({
    "array", "asarray", "tensor", "as_tensor", "from_numpy", "Tensor", "FloatTensor", "DoubleTensor",
    "LongTensor", "convert_to_tensor", "constant", "float32", "float64",
})
RANK_KEEPING = ARRAY_CONVERSIONS | frozenset({
    "abs", "absolute", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "square", "sign", "tanh",
    "sigmoid", "relu", "floor", "ceil", "round", "clip", "clamp", "clip_by_value", "cumsum", "diff",
})

# Reads of a prediction's classes along one axis (frameworks/data.py records them for
# HL008 and HL012): (the axis's parameter names, its position among the arguments
# after the tensor). The functions by canonical name; the methods by name, on any tensor
# or array (``p.topk(3, dim=1)``, ``a.argmax(axis=1)``).
CLASS_READ_FUNCTIONS = {
    **{f"torch.{name}": (("dim", "axis"), 0) for name in ("argmax", "max", "sort", "argsort", "gather")},
    "torch.topk": (("dim",), 1),
    **{f"numpy.{name}": (("axis",), 0) for name in ("argmax", "max", "amax", "sort", "argsort")},
    **{f"{module}.{name}": (("axis",), 0) for module in ("tensorflow", "tensorflow.math")
       for name in ("argmax", "reduce_max", "sort", "argsort")},
    **{f"keras.ops.{name}": (("axis",), 0) for name in ("argmax", "max", "amax", "sort", "argsort")},
}
# scikit-learn's bundled datasets: ``load_iris()`` gives a Bunch (``.data``, ``.target``,
# ``["target"]``), or (X, y) with ``return_X_y=True``. Their targets: class indices of
# that many classes (load_digits' ``n_class`` says how many it keeps), or a
# non-negative regression target (diabetes progression 25-346, house values in
# $100,000s, linnerud's measurements).
TOY_DATASETS = {
    "sklearn.datasets.load_iris": 3,
    "sklearn.datasets.load_wine": 3,
    "sklearn.datasets.load_breast_cancer": 2,
    "sklearn.datasets.load_digits": 10,
    "sklearn.datasets.load_diabetes": "nonneg",
    "sklearn.datasets.fetch_california_housing": "nonneg",
    "sklearn.datasets.load_linnerud": "nonneg",
}
TOY_OPTIONS = {"return_X_y": "return_X_y", "classes": "n_class"}

# seaborn's example tables (``sns.load_dataset("titanic")``, read from the
# seaborn-data repository): the columns whose contents are known, as TOY_DATASETS
# writes them (a number of classes, or a sign); every other column (names, strings,
# booleans) says nothing. ``load_dataset(name)``: the name's parameter, its position.
TABLE_DATASETS = {
    "titanic": {"survived": 2, "pclass": "nonneg", "age": "nonneg", "sibsp": "nonneg", "parch": "nonneg",
                "fare": "nonneg"},
    "iris": {name: "nonneg" for name in ("sepal_length", "sepal_width", "petal_length", "petal_width")},
    "penguins": {name: "nonneg" for name in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")},
    "tips": {"total_bill": "nonneg", "tip": "nonneg", "size": "nonneg"},
    "diamonds": {name: "nonneg" for name in ("carat", "depth", "table", "price", "x", "y", "z")},
    "mpg": {name: "nonneg" for name in ("mpg", "cylinders", "displacement", "horsepower", "weight",
                                        "acceleration", "model_year")},
    "flights": {"year": "nonneg", "passengers": "nonneg"},
}
TABLE_LOADERS = {"seaborn.load_dataset": ("name", 0)}

# Comparisons written as calls, which threshold an output as ``>`` does (``out.ge(0.5)``,
# ``tf.greater(p, 0.5)``): the functions' names, in THRESHOLD_MODULES, and the tensor
# methods of the same names (torch's).
THRESHOLDS = frozenset({"gt", "ge", "lt", "le", "greater", "greater_equal", "less", "less_equal"})
THRESHOLD_MODULES = ("torch", "numpy", "tensorflow", "tensorflow.math", "keras.ops")

CLASS_READ_METHODS = {
    **{name: (("dim", "axis"), 0) for name in ("argmax", "max", "sort", "argsort", "gather")},
    "topk": (("dim",), 1),
}

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
# Encoders whose output is one-hot rows for some inputs only (frameworks/data.py):
# "series": pandas' get_dummies of one Series (``df["label"]``, ``df.iloc[:, -1]``; a
# whole frame encodes each categorical column and keeps the others as they are);
# "column": OneHotEncoder fitted on one column (``y.reshape(-1, 1)``, ``df[["label"]]``;
# several columns give one block per column); "multiclass": LabelBinarizer, one-hot for
# three or more classes, one 0/1 column for two. (the input's parameter, its position)
ONE_HOT_ENCODERS = {
    "pandas.get_dummies": ("series", ("data", 0)),
    "sklearn.preprocessing.OneHotEncoder": ("column", ("X", 0)),
    "sklearn.preprocessing.LabelBinarizer": ("multiclass", ("y", 0)),
}
# ``label_binarize(y, classes=[...])``: one-hot when the literal classes are three or more.
LABEL_BINARIZERS = {"sklearn.preprocessing.label_binarize": ("classes", 1)}
SCALER_FUNCTIONS = {
    "sklearn.preprocessing.scale": ("continuous", "signed"),
    "scipy.stats.zscore": ("continuous", "signed"),
    "sklearn.preprocessing.minmax_scale": ("continuous", "nonneg"),
    "sklearn.preprocessing.label_binarize": ("label", "nonneg"),
}
# pandas DataFrames (frameworks/frames.py): the functions that read a table (pandas
# 2.3's public ``read_*``, each column's contents not known) and the constructor;
# methods that keep the columns as they are (rows dropped, reordered, filled, or the
# same table as an array), the one that takes columns away, and one that reads one.
FRAME_READERS = frozenset(f"pandas.read_{name}" for name in (
    "csv", "table", "fwf", "excel", "json", "html", "xml", "parquet", "orc", "feather",
    "pickle", "hdf", "sql", "sql_query", "sql_table", "sas", "spss", "stata", "clipboard", "gbq",
))
FRAME_CONSTRUCTORS = frozenset({"pandas.DataFrame"})
FRAME_ROW_METHODS = frozenset({
    "copy", "dropna", "fillna", "ffill", "bfill", "interpolate", "sample", "reset_index",
    "sort_values", "sort_index", "head", "tail", "query", "drop_duplicates", "infer_objects",
    "astype", "to_numpy", "reindex",
})
# ``drop(labels, axis=1)``, ``drop(columns=...)``: (labels, columns keyword, axis)
FRAME_DROP = ("drop", ("labels", 0), "columns", ("axis", 1))
FRAME_COLUMN_AXES = frozenset({1, "columns"})
FRAME_COLUMN_READS = {"pop": ("item", 0)}  # ``y = df.pop("target")``: that column
# ``s.map({"ham": 0, "spam": 1})``: pandas' Series.map with a dict gives its values
# (anything the dict lacks becomes NaN), so literal values are the whole column.
VALUE_MAPS = {"map": ("arg", 0)}

# Functions that return their array arguments reordered or resampled, facts kept:
# one argument comes back as itself, several as a tuple in the same order.
PASS_THROUGH_DATA = frozenset({"sklearn.utils.shuffle", "sklearn.utils.resample"})

# The L1 norm of a tensor written out, step by step: |x| elementwise, then a sum or
# mean over every element (or over the softmax's own axis first). Function names
# apply in the modules below; methods by name.
L1_ABS = frozenset({"abs", "absolute"})
L1_REDUCE = frozenset({"sum", "mean", "reduce_sum", "reduce_mean"})
L1_MODULES = ("torch", "numpy", "tensorflow", "tensorflow.math", "keras.ops")
# Sums a softmax written out divides by (frameworks/written_softmax.py), as methods
# (``e.sum(dim=1, keepdim=True)``) and as functions of L1_MODULES and Keras' backend
# (``torch.sum(e, 1, keepdim=True)``, ``tf.reduce_sum(e, axis=-1, keepdims=True)``,
# ``K.sum(e, axis=-1, keepdims=True)``): the axis parameter and the keep-dims one.
SUM_REDUCTIONS = {"sum": ("dim", "keepdim"), "reduce_sum": ("axis", "keepdims")}
SUM_MODULES = (*L1_MODULES, "keras.backend")

# A squared error written with functions (frameworks/squared.py), in L1_MODULES and
# Keras' backend: ``tf.square(d - 1)``, ``torch.square``, ``K.square``, ``torch.pow(d - y, 2)``
# (the exponent's parameter and position), ``tf.math.squared_difference(d, y)``, and
# ``tf.nn.l2_loss(d - y)``, half the sum of the squares (a reduction at once). A
# square root of the reduced error (an L2 distance) trains the same output the same way.
SQUARE_FUNCTIONS = frozenset({"square"})
POWER_FUNCTIONS = {"pow": ("exponent", 1), "power": ("x2", 1)}
SQUARED_DIFFERENCES = frozenset({"squared_difference"})
L2_LOSSES = frozenset({"tensorflow.nn.l2_loss"})
ROOTS = frozenset({"sqrt"})
# Arrays of one literal value shaped like another (numpy, torch, tensorflow, keras.ops):
# the targets a GAN's discriminator is pushed to, real 1 and fake 0.
FILLED_LIKE = {"ones_like": 1, "zeros_like": 0}
FILLED_LIKE_MODULES = ("numpy", "torch", "tensorflow", "keras.ops", "keras.backend")
# What trains a loss computed by hand, besides ``loss.backward()``: an optimizer's
# ``minimize(loss)`` (TF 1, Keras), a tape's ``gradient(target, sources)``, TF 1's
# ``compute_gradients(loss)`` and ``tf.gradients(ys, xs)``: (the loss's parameter, position).
HAND_LOSS_TRAINERS = {"minimize": ("loss", 0), "gradient": ("target", 0), "compute_gradients": ("loss", 0)}
HAND_LOSS_TRAINING_FUNCTIONS = {"tensorflow.gradients": ("ys", 0)}

# Methods that are inference or evaluation paths, not training.
INFERENCE_METHODS = frozenset(
    {
        "predict", "predict_proba", "predict_step", "inference", "infer",
        "validation_step", "test_step", "evaluate", "score", "sample", "generate",
    }
)

# A squared error written out (``torch.mean((d - 1) ** 2)``, frameworks/squared.py):
# a regression loss on values, like MSELoss; the framework is the model's.
WRITTEN_SQUARED_ERROR = LossSpec("mse", Framework.TORCH, None, "values", "a squared error written out")
