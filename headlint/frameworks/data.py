"""Where targets come from: random draws, literals, scalers, datasets and loaders.

Each handler returns a tensor carrying the facts (targets.py) that HL002 and
HL003 read: ``torch.randn`` is continuous and signed, ``StandardScaler`` output is
signed, ``(x > 0).float()`` is a label. The rows live in the vocabulary.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import libcst as cst

from .. import targets
from ..records import ONEHOT_IF_MULTICLASS
from .. import vocabulary as V
from ..names import short
from ..records import UNKNOWN_FACT, ClassRead, Framework
from . import common, frames, penalties, squared, written_softmax
from ..values import (
    UNKNOWN,
    RNG,
    Const,
    Dataset,
    DictV,
    Function,
    ImageTransform,
    Instance,
    Partial,
    Qual,
    Seq,
    Tensor,
    Transformer,
    Value,
)


def _number(value):
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    if isinstance(value, Seq) and value.items:  # feature_range=(-1, 1)
        return _number(value.items[0])
    return None


def _low(qual: str, site):
    """The lower end of a ranged draw when it is a literal."""
    name = qual.rsplit(".", 1)[-1]
    if name in ("randint", "randint_like", "integers"):
        # randint(high, size) or randint(low, high, size)
        second = site.arg("high", 1)
        if isinstance(second, Const) and _number(second) is not None:
            return _number(site.arg("low", 0))
        return 0 if site.has("low", 0) else None
    if name == "uniform":
        if qual.startswith(("tensorflow.", "keras.")):
            value = site.arg("minval", 1)
            return 0 if value is None else _number(value)
        value = site.arg("low", 0)
        return 0 if value is None else _number(value)
    if name in ("linspace",):
        start, stop = _number(site.arg("start", 0)), _number(site.arg("stop", 1) or site.arg("end", 1))
        return None if start is None or stop is None else min(start, stop)
    if name == "arange":
        if site.has("end", 1) or site.has("stop", 1):
            return _number(site.arg("start", 0))
        return 0
    return None


def draw(kind: str, sign: str, qual: str, site) -> Tensor:
    because = f"{qual.split('.')[0] if not qual.startswith('numpy') else 'np'}.{qual.rsplit('.', 1)[-1]}"
    because = because.replace("numpy.", "np.").replace("tensorflow.", "tf.")
    if sign == "range":
        return Tensor(fact=targets.of_range(kind, _low(qual, site), 1, because, site.node))
    return Tensor(fact=targets.fact(kind, sign, because, site.node))


def _sizes(site) -> tuple | None:
    """The literal shape of a draw: ``tf.random_normal([64, 10])``, ``np.random.randn(64, 10)``."""
    first = site.arg("shape", 0) or site.arg("size", 0)
    if isinstance(first, Seq):
        sizes = tuple(_number(item) if isinstance(_number(item), int) else None for item in first.items)
        return sizes or None
    if site.args and all(isinstance(_number(a), int) for a in site.args) and set(site.kwargs) <= _DRAW_OPTIONS:
        return tuple(_number(a) for a in site.args)
    return None


# keywords of torch's factories that say nothing about the shape (``torch.randn(784, 10, requires_grad=True)``)
_DRAW_OPTIONS = frozenset({"requires_grad", "device", "dtype", "layout", "pin_memory", "generator"})


def drawn_rank(qual: str, site) -> Optional[int]:
    """How many axes a draw or allocation has, from how its shape is written
    (vocabulary.DRAW_SHAPES), its sizes literals or not: ``torch.randn(n, 10)`` and
    ``np.zeros((n, 1))`` are 2-D. None where the shape is held in a variable."""
    row = V.DRAW_SHAPES.get(qual)
    if row is None or any(arg.star for arg in site.node.args):
        return None
    param, position, how = row
    if how == "vector":
        return 1
    if how == "like":
        given = site.arg(param, position)
        return given.rank if isinstance(given, Tensor) else None
    if how == "sizes" and not (param is not None and site.arg(param) is not None):
        sizes = site.args[position:]
        if len(sizes) == 1:
            return _shape_rank(sizes[0])
        return len(sizes) if sizes and not any(isinstance(size, Seq) for size in sizes) else None
    if position is None:  # the last positional argument: ``torch.randint(0, 10, (n, 1))``
        shape = site.arg(param) or (site.args[-1] if site.args else None)
    else:
        shape = site.arg(param, position)
    return _shape_rank(shape)


def _shape_rank(shape) -> Optional[int]:
    """The rank a shape argument gives: a tuple or list of sizes, or one size."""
    if isinstance(shape, Seq):
        return len(shape.items) if not any(isinstance(item, Seq) for item in shape.items) else None
    if isinstance(shape, Const) and isinstance(shape.value, int) and not isinstance(shape.value, bool):
        return 1
    return None


def source(qual: str, site) -> Value:
    kind, sign = V.DATA_SOURCES[qual]
    drawn = draw(kind, sign, qual, site).derived(shape=_sizes(site), rank=drawn_rank(qual, site))
    if site.literal("requires_grad") is True and drawn.shape is not None and len(drawn.shape) == 2:
        # ``W = torch.randn(784, 10, requires_grad=True)``: a weight matrix written by hand
        # (frameworks/tensorflow.py), of units not known, as an ``nn.Parameter``'s
        return Tensor(shape=(None, None), weights=True)
    if qual in V.ONE_HOT:
        param, position = V.ONE_HOT[qual]
        classes = _number(site.arg(param, position))
        if not (isinstance(classes, int) and classes > 0) and position == 1:
            encoded = site.arg(None, 0)  # ``to_categorical(y_train)``: as many classes as its labels have
            classes = encoded.fact.classes if isinstance(encoded, Tensor) else 0
        count = classes if isinstance(classes, int) and classes > 0 else -1
        return drawn.derived(fact=replace(drawn.fact, onehot=count, because=f"{qual.rsplit('.', 1)[-1]}()"))
    return drawn


def loaded_dataset(qual: str, site) -> Value:
    """``(x_train, y_train), (x_test, y_test) = mnist.load_data()``: the arrays as
    LOADED_DATASETS describes them."""
    images, held = V.LOADED_DATASETS[qual]
    name = qual.split(".")[-2]
    if qual in V.LABEL_MODES:  # ``cifar100.load_data(label_mode="coarse")``
        param, position, modes = V.LABEL_MODES[qual]
        held = modes.get(site.literal(param, position), held)

    def arrays() -> Seq:
        x = Tensor(fact=targets.fact("continuous", "nonneg", f"{name} images (0-255)", site.node)) if images else UNKNOWN
        return Seq([x, _dataset_targets(held, name, site.node)])

    return Seq([arrays(), arrays()])


def _dataset_targets(held, name: str, node) -> Tensor:
    """A bundled dataset's targets: class indices of ``held`` classes, or values of that sign."""
    kind = "class indices" if isinstance(held, int) else "targets"
    return Tensor(fact=targets.of_held(held, f"{name} {kind}", node))


def toy_dataset(qual: str, site) -> Value:
    """``load_iris()``: a Bunch whose ``.target`` holds the targets TOY_DATASETS
    describes; ``load_iris(return_X_y=True)``: (X, y)."""
    held = V.TOY_DATASETS[qual]
    classes = site.literal(V.TOY_OPTIONS["classes"])
    if isinstance(held, int) and isinstance(classes, int) and not isinstance(classes, bool) and 0 < classes <= held:
        held = classes  # ``load_digits(n_class=2)``
    name = qual.rsplit(".", 1)[-1].replace("load_", "").replace("fetch_", "")
    y = _dataset_targets(held, name, site.node)
    if site.literal(V.TOY_OPTIONS["return_X_y"]) is True:
        return Seq([Tensor(), y])
    return DictV({"data": Tensor(), "target": y})


def buffer(qual: str, site) -> Value | None:
    """``torch.zeros(n)``, ``torch.cuda.FloatTensor(n, 1)``: room for values the code
    writes next; None for a typed constructor given data (``torch.FloatTensor(y)``)."""
    if qual in V.SIZED_ONLY_BUFFERS and not (
        len(site.args) >= 2 or (len(site.args) == 1 and isinstance(_number(site.args[0]), int))
    ):
        return None
    start = V.BUFFERS[qual]
    made = source(qual, site) if qual in V.DATA_SOURCES else Tensor()
    if start is not None:
        made = made.derived(fact=_class_value(start, f"{short(qual).replace('numpy.', 'np.')}()", site.node))
    return made.derived(filled=frozenset() if start is None else frozenset({start}))


def _class_value(value, shown: str, node):
    """Targets all 0 or all 1 (``np.ones(n)``, a GAN's real labels) push an output to a
    class value: labels, as the literal 0/1 targets of a squared error are."""
    return targets.fact("label", "nonneg", f"{shown}, the literal {value}", node)


def scaled(buffer: Tensor, factor, node) -> Optional[Tensor]:
    """``np.ones(n) * REAL_LABEL`` with a literal factor: the buffer's values scaled; all
    0 or all 1 still class values. None: not such a product."""
    if buffer.filled is None or not buffer.filled or not isinstance(factor, (int, float)) or isinstance(factor, bool):
        return None
    filled = frozenset(v * factor for v in buffer.filled)
    if filled <= {0, 1} and len(filled) == 1:
        return Tensor(fact=_class_value(next(iter(filled)), f"a buffer scaled by {factor!r}", node), filled=filled)
    return Tensor(fact=targets.of_literals(sorted(filled)), filled=filled)


def written(buffer: Tensor, value: Value) -> Tensor:
    """The buffer after ``buffer[...] = value``: literal 0s and 1s make labels
    (``target[:half] = 1; target[half:] = 0``); anything else, nothing known."""
    number = _number(value) if isinstance(value, Const) else None
    if number is None:
        return Tensor()
    filled = buffer.filled | {number}
    return Tensor(fact=targets.of_literals(sorted(filled)), filled=filled)


def scaler(qual: str, site) -> Value:
    kind, sign = V.SCALERS[qual]
    because = qual.rsplit(".", 1)[-1]
    if sign == "range":  # MinMaxScaler(feature_range=(low, high))
        low = _number(site.arg("feature_range", 0))
        sign = "nonneg" if low is None or low >= 0 else "signed"
    encodes = V.ONE_HOT_ENCODERS[qual][0] if qual in V.ONE_HOT_ENCODERS else ""
    return Transformer(targets.fact(kind, sign, because, site.node), encodes)


def scaler_function(qual: str, site) -> Value:
    kind, sign = V.SCALER_FUNCTIONS[qual]
    made = Tensor(fact=targets.fact(kind, sign, qual.rsplit(".", 1)[-1], site.node))
    if qual in V.LABEL_BINARIZERS:  # label_binarize(y, classes=[0, 1, 2])
        classes = site.arg(*V.LABEL_BINARIZERS[qual])
        if isinstance(classes, Seq) and len(classes.items) >= 3:
            return made.derived(fact=replace(made.fact, onehot=len(classes.items)))
    return made


def _one_column(node) -> str:
    """What an argument selects, from how it is written: "series" (``df["label"]``,
    ``df.loc[:, "label"]``, ``df.iloc[:, -1]``), "column" (one 2-D column:
    ``df[["label"]]``, ``y.reshape(-1, 1)``, ``y[:, None]``), else ""."""
    if isinstance(node, cst.Subscript):
        index = [e.slice.value if isinstance(e.slice, cst.Index) else e.slice for e in node.slice]
        if len(index) == 1 and isinstance(index[0], cst.SimpleString):
            return "series"
        if len(index) == 1 and isinstance(index[0], cst.List) and len(index[0].elements) == 1:
            return "column"
        if len(index) == 2 and isinstance(index[0], cst.Slice) and index[0].lower is None and index[0].upper is None:
            how = node.value.attr.value if isinstance(node.value, cst.Attribute) else ""
            if how in ("loc", "iloc") and isinstance(index[1], (cst.SimpleString, cst.Integer, cst.UnaryOperation)):
                return "series"
            newaxis = index[1]
            if (isinstance(newaxis, cst.Name) and newaxis.value == "None") or (
                    isinstance(newaxis, cst.Attribute) and newaxis.attr.value == "newaxis"):
                return "column"
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "reshape"
            and [getattr(a.value, "value", None) if not isinstance(a.value, cst.UnaryOperation) else "-1"
                 for a in node.args] == ["-1", "1"]):
        return "column"
    return ""


def one_hot_encoded(encodes: str, fact, site, param: tuple):
    """The fact of an encoder's output (vocabulary.ONE_HOT_ENCODERS): one-hot rows
    when its input is one it encodes as one-hot, else ``fact`` as it was."""
    arg = site.arg_node(*param)
    selected = _one_column(arg.value) if arg is not None else ""
    if encodes == "multiclass":
        return replace(fact, onehot=ONEHOT_IF_MULTICLASS)
    if selected and (encodes == "column" or selected == encodes) and "columns" not in site.kwargs:
        return replace(fact, onehot=-1)
    return fact


def dummies(qual: str, site) -> Value:
    """``pd.get_dummies(df["label"])``: one-hot rows of one Series; of a frame, nothing known."""
    encodes, param = V.ONE_HOT_ENCODERS[qual]
    fact = targets.fact("label", "nonneg", "get_dummies()", site.node)
    encoded = one_hot_encoded(encodes, fact, site, param)
    return Tensor(fact=encoded) if encoded.onehot else UNKNOWN


def elementwise(rule: str, qual: str, site) -> Value:
    value = site.arg(None, 0)
    name = qual.rsplit(".", 1)[-1]
    kept = _output_kept(name, value, site, 1)
    if kept is not None:
        return kept
    _used_as_classes(value, name, site)
    base = value.fact if value is not None else targets.UNKNOWN_FACT
    args = ()
    if rule in ("clip", "clip_min"):
        args = (_number(site.arg("min", 1) or site.arg("a_min", 1) or site.arg("clip_value_min", 1)),)
    return Tensor(fact=targets.transfer(rule, base, args, f"{name}()", site.node), rank=_kept_rank(name, value))


def _kept_rank(name: str, value) -> Optional[int]:
    """The rank after an elementwise function or a conversion (vocabulary.RANK_KEEPING):
    the array's; a nested literal list converted (``np.array([[0, 1], [1, 0]])``) has
    as many axes as it nests."""
    if name not in V.RANK_KEEPING:
        return None
    if isinstance(value, Tensor):
        return value.rank
    if isinstance(value, Seq) and name in V.ARRAY_CONVERSIONS:
        return literal_rank(value)
    return None


def literal_rank(value) -> Optional[int]:
    """How deep a literal list of numbers nests: ``[[0., 1.], [1., 0.]]`` is 2-D; None
    when its items are not alike (a ragged list, tensors in a list)."""
    if not isinstance(value, Seq):
        return 0 if isinstance(value, Const) and isinstance(value.value, (int, float)) else None
    if not value.items:
        return 1
    inner = {literal_rank(item) for item in value.items}
    if len(inner) != 1 or None in inner:
        return None
    return 1 + inner.pop()


def dataset(site) -> Value:
    """``TensorDataset(X, y)``, ``from_tensor_slices((x, y))``: one row of each array per element."""
    columns = list(site.args)
    if len(columns) == 1 and isinstance(columns[0], Seq):  # from_tensor_slices((x, y))
        columns = list(columns[0].items)
    return _columns(columns, sliced=True)


def _columns(values: list, sliced: bool = False) -> Dataset:
    """A dataset of these columns; ``sliced``: each element is one row of the arrays
    given (one axis fewer)."""
    return Dataset([_column(value, sliced) for value in values])


def _column(value, sliced: bool = False) -> Value:
    """A dataset's column: its facts and its rank only."""
    if not isinstance(value, (Tensor, Seq)):
        return UNKNOWN
    rank = value.rank if isinstance(value, Tensor) else None
    if sliced and rank is not None:
        rank = rank - 1 if rank >= 1 else None
    return Tensor(fact=value.fact, rank=rank)


def batched(data: Dataset, change: Optional[int]) -> Dataset:
    """The elements of a loader that stacks ``data``'s elements (``change`` 1) or
    splits them back into rows (-1), or stacks them in a way not known (None): each
    column's rank changes, its facts stay."""
    def column(value) -> Value:
        if isinstance(value, DictV):  # dict items are batched key by key
            return DictV({key: column(item) for key, item in value.items.items()})
        if isinstance(value, Tensor) and change is not None and value.rank is not None and value.rank + change >= 0:
            return value.derived(rank=value.rank + change)
        return value.derived(rank=None) if isinstance(value, Tensor) else value
    return Dataset([column(value) for value in data.columns])


def image_transform(qual: str, site) -> Value:
    """``transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])``:
    images in [0, 1], then shifted by a mean of 0.5 into [-1, 1], signed."""
    rule, name = V.IMAGE_TRANSFORMS[qual], qual.rsplit(".", 1)[-1]
    if rule == "nonneg":
        return ImageTransform(targets.fact("continuous", "nonneg", f"{name}()", site.node))
    if rule == "keep":
        return ImageTransform(None)
    if rule == "normalize":
        mean = site.arg("mean", 0)
        means = [_number(item) for item in (mean.items if isinstance(mean, Seq) else [mean])]
        if not means or any(m is None for m in means):
            return ImageTransform(UNKNOWN_FACT)
        if all(m == 0 for m in means):
            return ImageTransform(None)  # a scale only: the sign is kept
        shown = f"Normalize(mean={tuple(means)!r})" if len(means) > 1 else f"Normalize(mean={means[0]!r})"
        # images are non-negative: a positive mean puts those below it under 0
        return ImageTransform(targets.fact("continuous", "signed" if any(m > 0 for m in means) else "unknown",
                                           shown, site.node))
    steps = site.arg("transforms", 0)
    fact = None
    for step in steps.items if isinstance(steps, Seq) else [UNKNOWN]:
        if not isinstance(step, ImageTransform):
            fact = UNKNOWN_FACT  # transforms.Lambda(...), a function of the user's
        elif step.fact is not None:
            fact = step.fact
    return ImageTransform(fact)


def image_dataset(qual: str, site) -> Value:
    """``datasets.MNIST(root, train=True, transform=t)``: (image, class index) items,
    the images as the transform leaves them (no transform: PIL images, nothing known)."""
    transform = site.arg("transform", V.IMAGE_DATASETS[qual])
    images = Tensor(fact=transform.fact) if isinstance(transform, ImageTransform) and transform.fact else UNKNOWN
    labels = UNKNOWN
    if site.arg("target_transform") is None:
        labels = Tensor(fact=targets.fact("label", "nonneg", f"{qual.rsplit('.', 1)[-1]} class indices", site.node))
    return Dataset([images, labels])


def train_test_split(site) -> Value:
    """``X_tr, X_te, y_tr, y_te = train_test_split(X, y)``: each array, twice."""
    return Seq([_kept(a) for a in site.args for _ in (0, 1)])


def _kept(value: Value) -> Tensor:
    """An array or table split, shuffled or resampled: its facts (and a table's columns)."""
    if not isinstance(value, Tensor):
        return Tensor(fact=value.fact)
    return Tensor(fact=value.fact, frame=value.frame, rank=value.rank)


def loader(site) -> Value:
    """``DataLoader(dataset, batch_size=32)``: the dataset's elements stacked into
    batches, one axis more. ``batch_size=None`` gives them one by one; a ``collate_fn``
    of the program's own may stack them in any shape."""
    first = site.arg("dataset", 0)
    if isinstance(first, Instance):
        first = rows(first, site.interp, site.ctx)
    if not isinstance(first, Dataset):
        return UNKNOWN
    if site.has(*V.LOADER_COLLATE):
        return batched(first, None)
    size = site.arg(*V.LOADER_BATCH_SIZE)
    return first if isinstance(size, Const) and size.value is None else batched(first, 1)


def rows(instance: Instance, interp, ctx) -> Dataset | None:
    """A dataset class of the checked code (``torch.utils.data.Dataset``'s protocol):
    the columns its ``__getitem__`` returns (``return self.X[idx], self.y[idx]``), or one
    dict of them (``return {"inp": x, "label": y}``, which a DataLoader batches key by
    key). None without one, or when it returns no data."""
    getitem = instance.cls.lookup(V.ITEM_METHOD)
    if not isinstance(getitem, Function) or instance.model is not None:
        return None
    item = interp.call_function(getitem, [instance, Tensor(rank=0)], {}, ctx)  # idx: one integer
    columns = list(item.items.values()) if isinstance(item, DictV) else item.items if isinstance(item, Seq) else [item]
    if not any(isinstance(column, Tensor) for column in columns):
        return None
    if isinstance(item, DictV):
        return Dataset([DictV({key: _column(value) for key, value in item.items.items()})])
    return _columns(columns)


def partial(site) -> Value:
    if not site.args:
        return UNKNOWN
    return Partial(site.args[0], list(site.args[1:]), dict(site.kwargs))


def builtin(name: str, site) -> Value:
    interp = site.interp
    first = site.arg(None, 0)
    if name == "enumerate":
        if isinstance(first, Seq):  # a literal sequence stays one, its items in order
            return Seq([Seq([Const(index), item]) for index, item in enumerate(first.items)])
        return Dataset([UNKNOWN, interp.element_of(first)]) if first is not None else UNKNOWN
    if name == "reversed" and isinstance(first, Seq):
        return Seq(first.items[::-1])
    if name == "zip":
        return Dataset([interp.element_of(a) for a in site.args])
    if name in ("iter", "list", "tuple", "sorted", "reversed"):
        return first if first is not None else UNKNOWN
    if name == "next":
        return interp.element_of(first) if first is not None else UNKNOWN
    if name == "abs" and isinstance(first, Tensor):
        penalised = penalties.builtin_abs(first, site)
        if penalised is not None:
            return penalised
        return Tensor(fact=targets.transfer("nonneg", first.fact, because="abs()"))
    return UNKNOWN


def call(qual: str, site) -> Value | None:
    """Handle a data-related call, or None when ``qual`` is not one."""
    if qual in V.CLASS_READ_FUNCTIONS:
        read = read_as_classes(site.arg(None, 0), qual.rsplit(".", 1)[-1], V.CLASS_READ_FUNCTIONS[qual], site, 1,
                               f"{short(qual).replace('numpy.', 'np.')}(..., {{}})")
        if qual == "torch.max" and read is not None:
            return _values_and_indices(site.arg(None, 0), read)
    if qual in V.BUFFERS:
        made = buffer(qual, site)
        if made is not None:
            return made
    if qual in V.DATA_SOURCES:
        return source(qual, site)
    if qual in V.SCALERS:
        return scaler(qual, site)
    if qual in V.ONE_HOT_ENCODERS:
        return dummies(qual, site)
    if qual in V.SCALER_FUNCTIONS:
        return scaler_function(qual, site)
    if qual in V.DATASETS:
        return dataset(site)
    if qual in V.IMAGE_DATASETS:
        return image_dataset(qual, site)
    if qual in V.LOADED_DATASETS:
        return loaded_dataset(qual, site)
    if qual in V.TOY_DATASETS:
        return toy_dataset(qual, site)
    if qual in V.IMAGE_TRANSFORMS:
        return image_transform(qual, site)
    if qual in V.LOADERS:
        return loader(site)
    if qual in V.RNG_FACTORIES:
        return RNG()
    if qual == "sklearn.model_selection.train_test_split":
        return train_test_split(site)
    if qual in V.PASS_THROUGH_DATA:  # shuffle(X, y): the same arrays, reordered
        kept = [_kept(a) if isinstance(a, (Tensor, Seq)) else UNKNOWN for a in site.args]
        return kept[0] if len(kept) == 1 else Seq(kept)
    if qual in V.FRAME_READERS or qual in V.FRAME_CONSTRUCTORS:
        return frames.read(qual, site)
    if qual in V.TABLE_LOADERS:
        return frames.bundled(qual, site)
    if qual == "functools.partial":
        return partial(site)
    if qual.startswith("builtins."):
        return builtin(qual[len("builtins."):], site)
    module, _, name = qual.rpartition(".")
    if module in V.THRESHOLD_MODULES and name in V.THRESHOLDS:
        return thresholded([site.arg(None, 0), site.arg(None, 1)], site.node, site.interp.events)
    if module in V.FILLED_LIKE_MODULES and name in V.FILLED_LIKE:  # ``tf.ones_like(d_real)``: all 1s, a class value
        value = V.FILLED_LIKE[name]
        return Tensor(fact=_class_value(value, f"{short(qual)}()", site.node), filled=frozenset({value}))
    if module in V.SUM_MODULES:
        summed = written_softmax.reduced(site.arg(None, 0), name, site, 1)
        if summed is not None:
            return summed
    if module in V.SUM_MODULES or qual in V.L2_LOSSES:
        written = squared.call(qual, site) or squared.reduced(site.arg(None, 0), name, site, f"{short(qual)}({{}})")
        if written is not None:
            return written
    penalised = penalties.call(qual, site)
    if penalised is not None:
        return penalised
    if qual in V.RANK_FUNCTIONS:
        return reshaped(V.RANK_FUNCTIONS[qual], site.arg(None, 0), site, 1)
    if module in V.ELEMENTWISE_MODULES and name in V.ELEMENTWISE:
        return elementwise(V.ELEMENTWISE[name], qual, site)
    return None


def knows(qual: str) -> bool:
    module, _, name = qual.rpartition(".")
    return (
        qual in V.DATA_SOURCES or qual in V.SCALERS or qual in V.SCALER_FUNCTIONS or qual in V.ONE_HOT_ENCODERS
        or qual in V.DATASETS or qual in V.LOADERS or qual in V.PASS_THROUGH_DATA
        or qual in V.IMAGE_DATASETS or qual in V.IMAGE_TRANSFORMS or qual in V.LOADED_DATASETS or qual in V.TOY_DATASETS
        or qual in V.FRAME_READERS or qual in V.FRAME_CONSTRUCTORS or qual in V.TABLE_LOADERS
        or (module in V.ELEMENTWISE_MODULES and name in V.ELEMENTWISE)
        or (module in V.THRESHOLD_MODULES and name in V.THRESHOLDS)
    )


def method(receiver: Value, name: str, site) -> Value | None:
    """Methods of data objects: scalers, generators, datasets, tensors' facts."""
    summed = written_softmax.reduced(receiver, name, site, 0)
    if summed is not None:
        return summed
    written = squared.reduced(receiver, name, site, f"{{}}.{name}()")
    if written is not None:
        return written
    penalised = penalties.method(receiver, name, site)
    if penalised is not None:
        return penalised
    if isinstance(receiver, Transformer):
        if name in ("fit_transform", "transform"):
            if receiver.encodes:
                return Tensor(fact=one_hot_encoded(receiver.encodes, receiver.result, site, ("X", 0)))
            # scikit-learn's scalers take and give 2-D arrays (samples, features)
            return Tensor(fact=receiver.result, rank=2 if receiver.result.kind == "continuous" else None)
        if name == "fit":
            return receiver
        if name == "inverse_transform":
            return Tensor()
        return UNKNOWN
    if isinstance(receiver, Tensor) and receiver.frame is not None:
        handled = frames.method(receiver, name, site)
        if handled is not None:
            return handled
    if name in V.VALUE_MAPS and isinstance(site.arg(*V.VALUE_MAPS[name]), DictV):
        return Tensor(fact=_mapped(site.arg(*V.VALUE_MAPS[name]), site))
    if isinstance(receiver, RNG) and name in V.RNG_METHODS:
        kind, sign = V.RNG_METHODS[name]
        return draw(kind, sign, f"numpy.random.{name}", site)
    if isinstance(receiver, Dataset):
        if name in V.BATCHING_METHODS:  # tf.data's ``batch(32)``: each element gains a batch axis
            return batched(receiver, V.BATCHING_METHODS[name])
        return receiver  # shuffle(), prefetch(), map() of tf.data: the same columns
    if isinstance(receiver, Seq) and name == "append":
        receiver.items.append(site.arg(None, 0) or UNKNOWN)
        return Const(None)
    if receiver is UNKNOWN and V.RANK_METHODS.get(name) in ("sizes", "flatten"):
        # ``x.view(-1, 16 * 5 * 5)`` after layers headlint does not know: the sizes alone
        # give the rank (one size is left alone: numpy's ``a.view(np.float32)`` is a dtype)
        rank = _rank_after(V.RANK_METHODS[name], None, site, 0)
        if rank is not None and rank >= 2:
            return Tensor(rank=rank)
    if receiver is UNKNOWN and name in V.TENSOR_METHODS and V.TENSOR_METHODS[name] in ("label", "cast", "astype"):
        receiver = Tensor()  # np.load(...).astype("int32"): an integer cast of loaded data
    if name in V.THRESHOLDS and isinstance(receiver, Tensor):
        return thresholded([receiver, site.arg("other", 0)], site.node, site.interp.events)
    if name in V.CLASS_READ_METHODS:
        shown = f".{name}(..., {{}})" if len(site.node.args) > 1 else f".{name}({{}})"
        read = read_as_classes(receiver, name, V.CLASS_READ_METHODS[name], site, 0, shown)
        if name == "max" and read is not None and receiver.model.framework is Framework.TORCH:
            return _values_and_indices(receiver, read)
    kept = _output_kept(name, receiver, site, 0)
    if kept is not None:
        return kept
    if isinstance(receiver, Tensor) and name in V.TENSOR_METHODS:
        rule = V.TENSOR_METHODS[name]
        _used_as_classes(receiver, name, site)
        args: tuple = ()
        if rule in ("clip", "clip_min"):
            args = (_number(site.arg("min", 0)),)
        elif rule == "astype":
            dtype = site.arg("dtype", 0)
            args = (dtype.value if isinstance(dtype, Const) else (dtype.name.lower() if isinstance(dtype, Qual) else None),)
        fact = targets.transfer(rule, receiver.fact, args, f".{name}()", site.node)
        rank = _rank_after(V.RANK_METHODS.get(name), receiver.rank, site, 0)
        axes = None
        if name in V.REDUCTION_METHODS:
            axes = _reduced_axes(site)
            rank = _reduced_rank(receiver, axes) if axes is not None else None
        if name == "mean" and axes is not None:
            averaged = _averaged(receiver, axes, rank)
            if averaged is not None:
                return averaged
        if name == "type" and receiver.model is not None and _float_type(site.arg("dtype", 0)):
            return receiver.derived(fact=fact, rank=receiver.rank)
        if name in V.SHAPE_METHODS and (rule == "keep" or receiver.model is not None):
            kept = receiver.derived(fact=fact, rank=rank)
            return kept.reshaped() if name in V.RESHAPE_METHODS else kept
        return Tensor(fact=fact, rank=rank)
    return None


def _mapped(mapping: DictV, site):
    """The column ``s.map({"ham": 0, "spam": 1})`` gives: the dict's values, when literals."""
    values = [value.value for value in mapping.items.values() if isinstance(value, Const)]
    if not values or len(values) != len(mapping.items):
        return targets.UNKNOWN_FACT
    fact = targets.of_literals(values, site.node)
    return replace(fact, because=".map() to literal 0/1 values") if fact.because == "literal 0/1 values" else fact


def _float_type(value) -> bool:
    """``torch.cuda.FloatTensor``, ``torch.float32``, ``"torch.FloatTensor"``."""
    name = value.name if isinstance(value, Qual) else (value.value if isinstance(value, Const) else None)
    return isinstance(name, str) and name.startswith("torch.") and name.rsplit(".", 1)[-1] in V.FLOAT_TYPES


def thresholded(operands: list, node, events) -> Tensor:
    """``model(x) > 0.5``, ``out.ge(0.5)``, ``tf.greater(p, 0.5)``: a model's output (or an
    activation's) compared with a probability is used as a class score. The result
    holds labels."""
    thresholds = [v for v in operands if isinstance(v, Const)]
    if any(isinstance(t.value, float) and 0 < t.value < 1 for t in thresholds):
        for value in operands:
            if isinstance(value, Tensor) and (value.model is not None or value.act is not None):
                events.used_as_classes(value, node)
    return Tensor(fact=targets.comparison(node))


def _used_as_classes(value, name: str, site) -> None:
    """``argmax`` or ``round`` of an output treats it as class scores (classifier
    evidence)."""
    if isinstance(value, Tensor) and name in ("argmax", "round"):
        site.interp.events.used_as_classes(value, site.node)


def read_as_classes(value, name: str, row: tuple, site, first: int, shown: str) -> Optional[ClassRead]:
    """``p.argmax(dim=1)``, ``torch.max(p, 1)``, ``p.gather(1, a)`` of a model's output
    (or of a softmax applied to it) reads its classes along one axis: recorded on the
    model as a ClassRead, whatever path the code is on (accuracy code runs under
    no_grad). Only a read given an axis is recorded; one that is not a literal is
    recorded with axis None. ``row``: (parameter names, position after the tensor)
    from the vocabulary; ``first``: where the arguments after the tensor start (0 for
    a method); ``shown``: the call as the user wrote it, ``{}`` for the axis."""
    if not (isinstance(value, Tensor) and value.model is not None):
        return None
    params, pos = row
    given = next((site.arg(param) for param in params if site.arg(param) is not None), None)
    param = next((param for param in params if site.arg(param) is not None), params[0])
    if given is None:
        given = site.arg(None, first + pos)
    if given is None:
        if name == "argmax" and value.rank == 1:
            # ``np.argmax(model.predict(x)[0])``: no axis flattens, and one row's only axis is its units
            value.model.class_reads.append(ClassRead(name, 0, 1, value.layer, value.act, shown.format("no axis"), site.node))
        return None
    literal = given.value if isinstance(given, Const) and isinstance(given.value, int) and not isinstance(given.value, bool) else None
    where = f"{param}={literal}" if literal is not None else f"{param}=..."
    read = ClassRead(name, literal, value.rank, value.layer, value.act, shown.format(where), site.node)
    value.model.class_reads.append(read)
    return read


def _values_and_indices(value, read: ClassRead) -> Seq:
    """``torch.max(out, 1)`` with a dim: (values, indices). Taking the indices reads the
    classes as an argmax does (HL012 reads them); the values are the scores."""
    return Seq([Tensor(), Tensor(indices_of=[value.model, read])])


def taken(value) -> None:
    """The code took ``value`` out of a result (``torch.max(out, 1)[1]``, ``_, preds =
    torch.max(out, 1)``): the indices of a max are an argmax of the classes, once."""
    if isinstance(value, Tensor) and value.indices_of:
        model, read = value.indices_of
        value.indices_of.clear()
        model.class_reads.append(replace(read, kind="argmax"))


def read_by_index(value, axis: int, node, shown: str) -> None:
    """``probs[:, 1]`` of a model's output (or of a softmax applied to it) takes one
    class's column: it reads the classes along ``axis`` (the position of the one integer
    after full slices; -1 after ``...``), as a ClassRead of kind "index"."""
    if isinstance(value, Tensor) and value.model is not None:
        value.model.class_reads.append(ClassRead("index", axis, value.rank, value.layer, value.act, shown, node))


def _small(value) -> bool:
    number = _number(value)
    return number is not None and 0 <= number <= 1e-3


def _output_kept(name: str, value, site, first: int) -> Value | None:
    """Operations that leave a model output what it is: the log of a softmax (a
    log_softmax), a clip of probabilities away from 0 (``p.clamp(min=1e-8)``,
    ``tf.clip_by_value(p, 1e-7, 1 - 1e-7)``), a concatenation of like outputs.
    ``first``: where the arguments after the tensor start (0 for a method)."""
    if name == "log":
        return common.logarithm(value)
    if name in ("cat", "stack", "concatenate", "concat"):
        return common.concatenated(value)
    if not (isinstance(value, Tensor) and value.act is not None and value.act.kind in common.PROBABILITIES):
        return None
    if name in ("clamp", "clip", "clamp_min", "clip_by_value"):
        low = site.arg("min", first) or site.arg("a_min", first) or site.arg("clip_value_min", first)
        return value if low is not None and _small(low) else None
    return None


def _reduced_axes(site) -> Optional[list]:
    """The literal axes ``x.mean([2, 3])`` / ``x.sum(dim=1)`` reduces away, or None
    (axes not literal, or kept with keepdim=True)."""
    keep = site.arg("keepdim") or site.arg("keepdims")
    if keep is not None and not (isinstance(keep, Const) and keep.value is False):
        return None
    given = site.arg("dim", 0) or site.arg("axis")
    items = given.items if isinstance(given, Seq) else [given]
    axes = [item.value for item in items if isinstance(item, Const) and type(item.value) is int]
    if not axes or len(axes) != len(items) or len(set(axes)) != len(axes):
        return None
    return axes


def _reduced_rank(receiver: Tensor, axes: list) -> Optional[int]:
    """The rank after reducing ``axes``. Where the rank is not known, a torch
    convolution's output is (N, C, *spatial) or unbatched (C, *spatial): an axis naming
    the last spatial one of the batched layout says it is batched, so global average
    pooling ``x.mean([2, 3])`` of a Conv2d's output is (N, C)."""
    rank = receiver.rank
    if rank is None:
        layer = receiver.layer
        if layer is None or layer.kind != "conv" or not layer.units_axis or min(axes) < 0:
            return None
        batched = 1 - layer.units_axis  # Conv2d's channels are axis -3: (N, C, H, W)
        if max(axes) != batched - 1:
            return None
        rank = batched
    return rank - len(axes) if rank - len(axes) >= 1 else None


def _averaged(receiver: Tensor, axes: list, rank: Optional[int]) -> Optional[Tensor]:
    """``probs.view(n, crops, -1).mean(1)`` (ten-crop testing): a mean over axes other
    than the units' keeps probabilities what they are, sigmoids in (0, 1), softmax rows
    that sum to 1."""
    act, layer = receiver.act, receiver.layer
    if act is None or act.kind not in ("sigmoid", "softmax") or receiver.rank is None or rank is None:
        return None
    units_axis = layer.units_axis if layer is not None and layer.units_axis else -1
    units = receiver.rank + units_axis
    if any((axis + receiver.rank if axis < 0 else axis) == units for axis in axes):
        return None
    return receiver.derived(rank=rank)


def _rank_after(rule, rank, site, first: int):
    """The rank after a reshape (vocabulary.RANK_METHODS); ``first``: the position of
    the first size (0 for a method, 1 for ``torch.reshape(x, ...)``)."""
    if rule == "keep":
        return rank
    if site.kwargs or any(arg.star for arg in site.node.args):
        return None
    sizes = site.args[first:]
    if rule == "sizes":
        if len(sizes) == 1 and isinstance(sizes[0], Seq):  # x.view((n, -1))
            return len(sizes[0].items)
        return len(sizes) if sizes and not any(isinstance(s, Seq) for s in sizes) else None
    if rule == "flatten":  # flatten(start_dim=0, end_dim=-1): axes from start_dim on become one
        if not sizes:
            return 1
        start = sizes[0].value if len(sizes) == 1 and isinstance(sizes[0], Const) else None
        return start + 1 if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else None
    return None


def reshaped(rule: str, value, site, first: int) -> Value:
    """``torch.flatten(x, 1)``, ``torch.reshape(x, (n, -1))``: the tensor with its new rank."""
    base = value if isinstance(value, Tensor) else Tensor()
    return base.derived(rank=_rank_after(rule, base.rank, site, first))
