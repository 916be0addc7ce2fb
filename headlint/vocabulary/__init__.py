"""The canonical vocabulary: every framework spelling headlint understands, as data.

One table module per framework or library, each saying which version its rows were
read from (``READ_FROM``): torch.py, keras.py, tensorflow.py (TensorFlow's own API,
TF 1 graph code included), tflearn.py, data.py (numpy, scikit-learn, pandas). This
module joins them into the tables the interpreter reads. Keys are canonical
qualified names (see ``names.canonical``). Adding a spelling is adding a row,
never code in a rule.
"""

from __future__ import annotations

from . import data as _data
from . import images as _images
from . import keras as _keras
from . import tensorflow as _tf
from . import tflearn as _tflearn
from . import torch as _torch
from .rows import (  # noqa: F401 - re-exported: the row shapes
    ACTIVATION_KINDS,
    KERAS,
    NON_NEGATIVE,
    REGRESSION_LOSSES,
    TORCH,
    ActivationFn,
    ActivationModule,
    LayerSpec,
    LossSpec,
)

TABLES = (_torch, _keras, _tf, _tflearn, _data, _images)
READ_FROM = {module.__name__.rsplit(".", 1)[-1]: module.READ_FROM for module in TABLES}

# --- activations, layers, models ---------------------------------------------------
ACTIVATION_FUNCTIONS: dict = {**_torch.ACTIVATION_FUNCTIONS, **_tf.ACTIVATION_FUNCTIONS, **_keras.ACTIVATION_FUNCTIONS}
ACTIVATION_METHODS = _torch.ACTIVATION_METHODS
ACTIVATION_MODULES = {**_torch.ACTIVATION_MODULES, **_keras.ACTIVATION_MODULES}
LAYERS = {**_torch.LAYERS, **_keras.LAYERS, **_tf.LAYERS, **_tflearn.LAYERS}
PASS_THROUGH = _torch.PASS_THROUGH | _keras.PASS_THROUGH
SEQUENTIALS = {**_torch.SEQUENTIALS, **_keras.SEQUENTIALS}
FUNCTIONAL_MODELS = _keras.FUNCTIONAL_MODELS
INPUTS = _keras.INPUTS
# Calls whose value is one of their arguments as it is, (parameter, position): the model
# a wrapper keeps (``DataParallel(model)``), the layer a Keras wrapper applies per step
# (``TimeDistributed(Dense(...))``), the tensor dropout is given (``F.dropout(x)``).
RETURNS_ARGUMENT = {
    **_torch.MODEL_WRAPPERS, **_keras.LAYER_WRAPPERS,
    **_torch.PASS_FUNCTIONS, **_tf.PASS_FUNCTIONS, **_keras.PASS_FUNCTIONS,
}
MODULE_BASES = {**_torch.MODULE_BASES, **_keras.MODULE_BASES, **_tf.MODULE_BASES}
LOSS_BASES = _keras.LOSS_BASES
COMPILED_LOSS_USES = _keras.COMPILED_LOSS_USES
PASS_ARGUMENT_METHODS = _torch.PASS_ARGUMENT_METHODS
SELF_METHODS = _torch.SELF_METHODS
VARIABLES = {**_tf.VARIABLES, **_torch.VARIABLES}
MATMULS = {**_tf.MATMULS, **_torch.MATMULS}
BIAS_ADDS = _tf.BIAS_ADDS
PLACEHOLDERS = _tf.PLACEHOLDERS
SHAPE_FUNCTIONS = {**_torch.SHAPE_FUNCTIONS, **_keras.SHAPE_FUNCTIONS, **_tf.SHAPE_FUNCTIONS}

# --- losses ----------------------------------------------------------------------
LOSS_CLASSES = {**_torch.LOSS_CLASSES, **_keras.LOSS_CLASSES}
LOSS_FUNCTIONS = {**_torch.LOSS_FUNCTIONS, **_keras.LOSS_FUNCTIONS, **_tf.LOSS_FUNCTIONS}
LOSS_STRINGS = _keras.LOSS_STRINGS
LOSS_STEPS = _tflearn.LOSS_STEPS
TF1_ONLY_LOSSES = _tf.V1_ONLY_LOSSES

# --- data: where targets come from ------------------------------------------------
DATA_SOURCES = {**_torch.DATA_SOURCES, **_data.DATA_SOURCES, **_tf.DATA_SOURCES, **_keras.DATA_SOURCES}
BUFFERS = {**_torch.BUFFERS, **_data.BUFFERS}
SIZED_ONLY_BUFFERS = _torch.SIZED_ONLY
ONE_HOT = {**_torch.ONE_HOT, **_keras.ONE_HOT, **_tf.ONE_HOT, **_data.ONE_HOT}
DRAW_SHAPES = {**_torch.DRAW_SHAPES, **_data.DRAW_SHAPES, **_tf.DRAW_SHAPES, **_keras.DRAW_SHAPES}
LOADED_DATASETS = _keras.LOADED_DATASETS
THRESHOLDS = _data.THRESHOLDS
TOY_DATASETS = _data.TOY_DATASETS
TOY_OPTIONS = _data.TOY_OPTIONS
TABLE_DATASETS = _data.TABLE_DATASETS
TABLE_LOADERS = _data.TABLE_LOADERS
THRESHOLD_MODULES = _data.THRESHOLD_MODULES
LABEL_MODES = _keras.LABEL_MODES
RNG_METHODS = _data.RNG_METHODS
RNG_FACTORIES = _data.RNG_FACTORIES
ELEMENTWISE = _data.ELEMENTWISE
ELEMENTWISE_MODULES = _data.ELEMENTWISE_MODULES
TENSOR_METHODS = _data.TENSOR_METHODS
SHAPE_METHODS = _data.SHAPE_METHODS
CLASS_READ_FUNCTIONS = _data.CLASS_READ_FUNCTIONS
CLASS_READ_METHODS = _data.CLASS_READ_METHODS
FLOAT_TYPES = _data.FLOAT_TYPES
SCALERS = _data.SCALERS
SCALER_FUNCTIONS = _data.SCALER_FUNCTIONS
ONE_HOT_ENCODERS = _data.ONE_HOT_ENCODERS
LABEL_BINARIZERS = _data.LABEL_BINARIZERS
PASS_THROUGH_DATA = _data.PASS_THROUGH_DATA
FRAME_READERS = _data.FRAME_READERS
FRAME_CONSTRUCTORS = _data.FRAME_CONSTRUCTORS
FRAME_ROW_METHODS = _data.FRAME_ROW_METHODS
FRAME_DROP = _data.FRAME_DROP
FRAME_COLUMN_AXES = _data.FRAME_COLUMN_AXES
FRAME_COLUMN_READS = _data.FRAME_COLUMN_READS
VALUE_MAPS = _data.VALUE_MAPS
DATASETS = _torch.DATASETS | _tf.DATASETS
LOADERS = _torch.LOADERS
LOADER_BATCH_SIZE = _torch.LOADER_BATCH_SIZE
LOADER_COLLATE = _torch.LOADER_COLLATE
BATCHING_METHODS = _tf.BATCHING_METHODS
ITEM_METHOD = _torch.ITEM_METHOD
IMAGE_DATASETS = _images.IMAGE_DATASETS
IMAGE_TRANSFORMS = _images.IMAGE_TRANSFORMS
CLASSIFIER_METRICS = _keras.CLASSIFIER_METRICS
CLASSIFIER_METHODS = _keras.CLASSIFIER_METHODS
KERAS_TRAINING_METHODS = _keras.KERAS_TRAINING_METHODS
NO_GRAD = _torch.NO_GRAD
INFERENCE_METHODS = _data.INFERENCE_METHODS

# --- shapes and ranks --------------------------------------------------------------
RESHAPE_METHODS = _data.RESHAPE_METHODS
RESHAPE_LAYERS = _torch.RESHAPE_LAYERS | _keras.RESHAPE_LAYERS
RANK_LAYERS = {**_torch.RANK_LAYERS, **_keras.RANK_LAYERS}
RANKED_LAYERS = _keras.RANKED_LAYERS
RANK_WRAPPERS = _keras.RANK_WRAPPERS
INPUT_RANK_ARGS = _keras.INPUT_RANK_ARGS
RANK_METHODS = _data.RANK_METHODS
RANK_KEEPING = _data.RANK_KEEPING
ARRAY_CONVERSIONS = _data.ARRAY_CONVERSIONS
REDUCTION_METHODS = _data.REDUCTION_METHODS
RANK_FUNCTIONS = _torch.RANK_FUNCTIONS
TORCH_IMPLICIT_DIM_0 = _torch.TORCH_IMPLICIT_DIM_0

# --- regularisers and penalties (HL009) ----------------------------------------------
L1_REGULARIZERS = _keras.L1_REGULARIZERS
L1_REGULARIZER_STRINGS = _keras.L1_REGULARIZER_STRINGS
L1_ABS = _data.L1_ABS
L1_REDUCE = _data.L1_REDUCE
WRITTEN_SQUARED_ERROR = _data.WRITTEN_SQUARED_ERROR
L1_MODULES = _data.L1_MODULES
SUM_REDUCTIONS = _data.SUM_REDUCTIONS
SUM_MODULES = _data.SUM_MODULES
SQUARE_FUNCTIONS = _data.SQUARE_FUNCTIONS
POWER_FUNCTIONS = _data.POWER_FUNCTIONS
SQUARED_DIFFERENCES = _data.SQUARED_DIFFERENCES
L2_LOSSES = _data.L2_LOSSES
ROOTS = _data.ROOTS
FILLED_LIKE = _data.FILLED_LIKE
FILLED_LIKE_MODULES = _data.FILLED_LIKE_MODULES
HAND_LOSS_TRAINERS = _data.HAND_LOSS_TRAINERS
HAND_LOSS_TRAINING_FUNCTIONS = _data.HAND_LOSS_TRAINING_FUNCTIONS
L1_NORMS = {**_torch.L1_NORMS, **_tf.L1_NORMS}
