"""PyTorch's spellings: activations, layers, containers, losses, data sources,
shape operations. Keys are canonical names (names.canonical):
``torch.nn.modules.loss.X`` is ``torch.nn.X``."""

from __future__ import annotations

from .rows import TENSOR_ACTIVATIONS, TORCH, ActivationFn, ActivationModule, LayerSpec, LossSpec, activation_fns

READ_FROM = "torch 2.13.0 (torch/nn/functional.py, torch/nn/modules/, torch/utils/data/)"

_FNS = TENSOR_ACTIVATIONS

ACTIVATION_FUNCTIONS = {
    **activation_fns("torch.nn.functional", _FNS, "dim", "F"),
    **activation_fns("torch", {**_FNS, "exp": "exp"}, "dim", "torch"),
    **activation_fns("torch.special", {"softmax": "softmax", "log_softmax": "log_softmax", "expit": "sigmoid"}, "dim", "torch.special"),
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
}

LAYERS = {
    "torch.nn.Linear": LayerSpec("linear", TORCH, ("in_features", "out_features", "bias"), "out_features", None, "nn.Linear"),
    "torch.nn.LazyLinear": LayerSpec("linear", TORCH, ("out_features", "bias"), "out_features", None, "nn.LazyLinear"),
    "torch.nn.Bilinear": LayerSpec("linear", TORCH, ("in1_features", "in2_features", "out_features"), "out_features", None, "nn.Bilinear"),
    "torch.nn.Conv1d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv1d",
                                  units_axis=-2),
    "torch.nn.Conv2d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv2d",
                                  units_axis=-3),
    "torch.nn.Conv3d": LayerSpec("conv", TORCH, ("in_channels", "out_channels", "kernel_size"), "out_channels", None, "nn.Conv3d",
                                  units_axis=-4),
}

# Resampling (torch/nn/modules/upsampling.py) is among them: each output value is a
# weighted mean of neighbouring inputs over the spatial axes, so a sigmoid map stays
# in (0, 1) and a per-pixel softmax over the channels still sums to 1.
PASS_THROUGH = frozenset({
    "torch.nn.Dropout", "torch.nn.Flatten", "torch.nn.Identity", "torch.nn.Unflatten",
    "torch.nn.Upsample", "torch.nn.UpsamplingBilinear2d", "torch.nn.UpsamplingNearest2d",
})

# Functions that return the tensor they are given (this parameter, this position)
# as the same kind of output: dropout zeroes and rescales entries, and the
# activation, layer and rank of what it is given stay what they were.
PASS_FUNCTIONS = {
    **{f"torch.nn.functional.{name}": ("input", 0)
       for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout")},
    "torch.dropout": ("input", 0),
    # torch/nn/functional.py: interpolate and its deprecated spellings
    **{f"torch.nn.functional.{name}": ("input", 0)
       for name in ("interpolate", "upsample", "upsample_bilinear", "upsample_nearest")},
}
SEQUENTIALS = {"torch.nn.Sequential": TORCH}

# Base classes whose subclasses are models (called through forward).
MODULE_BASES = {
    "torch.nn.Module": TORCH,
    "pytorch_lightning.LightningModule": TORCH,
    "lightning.pytorch.LightningModule": TORCH,
    "lightning.LightningModule": TORCH,
}

# Calls and methods that wrap a model and keep its head: the output of the wrapper
# is the output of the model it was given (this parameter, this position).
# ``accelerator.prepare(model, optimizer, loader)`` returns its arguments.
MODEL_WRAPPERS = {
    "torch.nn.DataParallel": ("module", 0),
    "torch.nn.parallel.DataParallel": ("module", 0),
    "torch.nn.parallel.DistributedDataParallel": ("module", 0),
    "torch.nn.parallel.data_parallel.DataParallel": ("module", 0),
    "torch.nn.parallel.distributed.DistributedDataParallel": ("module", 0),
    "torch.compile": ("model", 0),
    "torch.jit.script": ("obj", 0),
    "torch.jit.trace": ("func", 0),
    "torch.nn.SyncBatchNorm.convert_sync_batchnorm": ("module", 0),
    # torch < 0.4 wrapped every tensor, model outputs and targets alike, in a Variable
    "torch.autograd.Variable": ("data", 0),
    "torch.autograd.variable.Variable": ("data", 0),
}
# Methods of any object that return their arguments (``accelerator.prepare``,
# ``fabric.setup``): one argument comes back as itself, several as a tuple.
PASS_ARGUMENT_METHODS = frozenset({"prepare", "setup"})
# Methods of a module (or a loss, a layer) that return the module itself: ``.to(device)``.
SELF_METHODS = frozenset({"to", "cuda", "cpu", "double", "float", "half", "requires_grad_", "share_memory"})
# A weight matrix written by hand (``self.W = nn.Parameter(torch.randn(d, k))``) and the
# products that make it a linear layer (``torch.mm(h, self.W)``, ``h @ self.W``), as
# TensorFlow's (vocabulary/tensorflow.py). No parameter is named: the units are not read
# from the shape, since torch code multiplies by ``W``, ``W.t()`` or from the left alike.
VARIABLES = {"torch.nn.Parameter": (None, None), "torch.nn.parameter.Parameter": (None, None)}
MATMULS = {"torch.mm": (("input", 0), ("mat2", 1)), "torch.matmul": (("input", 0), ("other", 1))}

_LOSSES = {
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
for _cls, (_kind, _applies, _expects, _fn) in _LOSSES.items():
    LOSS_CLASSES[f"torch.nn.{_cls}"] = LossSpec(_kind, TORCH, _applies, _expects, f"nn.{_cls}")
    LOSS_FUNCTIONS[f"torch.nn.functional.{_fn}"] = LossSpec(_kind, TORCH, _applies, _expects, f"F.{_fn}")

DATA_SOURCES = {
    # kind, sign (see data.py for how "range" reads literal bounds)
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
    "torch.nn.functional.one_hot": ("label", "nonneg"),
}
ONE_HOT = {"torch.nn.functional.one_hot": ("num_classes", 1)}
# Where a draw takes its shape (vocabulary/data.py, DRAW_SHAPES): torch's factories
# take sizes as arguments or as one sequence (``torch.randn(n, 10)``, ``torch.zeros((n, 1))``);
# ``randint(low=0, high, size)``'s size is its last positional argument; the ``*_like``
# ones copy their input's; ``randperm``, ``arange`` and ``linspace`` make vectors.
DRAW_SHAPES = {
    **{f"torch.{name}": ("size", 0, "sizes") for name in ("randn", "rand", "zeros", "ones", "empty")},
    "torch.randint": ("size", None, "shape"),
    **{f"torch.{name}": ("input", 0, "like") for name in ("randn_like", "rand_like", "randint_like", "bernoulli")},
    **{f"torch.{name}": (None, 0, "vector") for name in ("randperm", "arange", "linspace")},
}

# Allocations whose elements the code then writes (``t = torch.zeros(n); t[:k] = 1``):
# the value every element starts with, None when it is not set. A typed constructor
# (``torch.FloatTensor``) allocates only when given sizes; given data it converts it.
BUFFERS = {
    "torch.zeros": 0, "torch.ones": 1, "torch.empty": None,
    **{f"torch.{device}{dtype}Tensor": None
       for device in ("", "cuda.") for dtype in ("Float", "Long", "Double", "Int", "Byte", "")},
}
SIZED_ONLY = frozenset(name for name in BUFFERS if name.endswith("Tensor"))

DATASETS = frozenset({"torch.utils.data.TensorDataset"})
LOADERS = frozenset({"torch.utils.data.DataLoader"})
# DataLoader(dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
# num_workers=0, collate_fn=None, ...): (parameter, position). ``batch_size=None``
# turns batching off; a collate_fn decides the batches' shape.
LOADER_BATCH_SIZE = ("batch_size", 1)
LOADER_COLLATE = ("collate_fn", 6)
# The map-style dataset protocol: ``dataset[idx]`` is one example, which a DataLoader
# batches; a class of the checked code that defines it is read through it.
ITEM_METHOD = "__getitem__"

# Contexts whose code does not train: ``with torch.no_grad():``.
NO_GRAD = frozenset({"torch.no_grad", "torch.inference_mode", "torch.set_grad_enabled"})

RESHAPE_LAYERS = frozenset({"torch.nn.Flatten", "torch.nn.Unflatten"})
RANK_LAYERS = {"torch.nn.Flatten": (2, ("start_dim", "end_dim"))}
RANK_FUNCTIONS = {"torch.flatten": "flatten", "torch.reshape": "sizes"}
# PyTorch's implicit softmax dim (``nn.Softmax()``, ``F.softmax(x)``): 0 for these
# ranks, 1 for any other (torch/nn/functional.py, _get_softmax_dim), with a warning.
TORCH_IMPLICIT_DIM_0 = frozenset({0, 1, 3})

# Functions that keep what a tensor is (its last activation, its layer), in
# function form: ``torch.squeeze(out)``, ``torch.flatten(out, 1)``. The tensor is
# this parameter.
# (``torch.flatten`` and ``torch.reshape`` are RANK_FUNCTIONS: they also give a rank.)
SHAPE_FUNCTIONS = {
    "torch.squeeze": "input", "torch.unsqueeze": "input", "torch.transpose": "input", "torch.permute": "input",
}

# One call computing a vector L1 norm over every element: (order parameter, its
# position). ``torch.linalg.norm`` is left out: on a matrix with ord=1 it computes
# the matrix norm, which is not constant.
L1_NORMS = {
    "torch.norm": ("p", 1),
    "torch.linalg.vector_norm": ("ord", 1),
    "Tensor.norm": ("p", 0),
}
