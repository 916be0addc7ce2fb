"""pandas DataFrames: the facts of their columns.

A table read from a file says nothing about its columns; the code then sets some by
name (``df["Amount"] = StandardScaler().fit_transform(...)``), drops some and picks
some. A column read by name has its own fact (``df["price"]``); the whole table (an
autoencoder's targets, ``df.values``) has the fact of all its columns together:
negative values when any column has them, ``by_column`` so that a column later
picked by position (``values[:, -1]``) is not taken for the whole. The rows live in
the vocabulary (FRAME_*).
"""

from __future__ import annotations

from typing import Optional

from .. import targets
from .. import vocabulary as V
from ..records import UNKNOWN_FACT, TargetFact
from ..values import UNKNOWN, Const, DictV, Frame, Seq, Tensor, Value


def _fact(value: Value) -> TargetFact:
    if isinstance(value, Tensor):
        return value.fact
    if isinstance(value, Const):
        return targets.of_number(value.value)
    return UNKNOWN_FACT


def _name(value: Value):
    if isinstance(value, Const) and isinstance(value.value, (str, int)) and not isinstance(value.value, bool):
        return value.value
    return None


def names(index: Value) -> Optional[tuple]:
    """The column names an index spells as literals: ``"a"``, ``["a", "b"]``; None
    for anything else (a mask, a list held in a variable)."""
    if _name(index) is not None:
        return (_name(index),)
    if isinstance(index, Seq) and index.items and all(_name(item) is not None for item in index.items):
        return tuple(_name(item) for item in index.items)
    return None


def read(qual: str, site) -> Value:
    """``pd.read_csv(path)``: a table whose columns are not known. ``pd.DataFrame(data)``:
    a dict's columns by name, or the facts of the array it wraps."""
    if qual in V.FRAME_READERS:
        return Frame().table()
    data = site.arg("data", 0)
    if isinstance(data, DictV):
        known = tuple((key, _fact(value)) for key, value in data.items.items() if isinstance(key, (str, int)))
        if len(known) == len(data.items):
            return Frame(known, (), None).table()
        return Frame().table()
    if isinstance(data, Tensor):
        return (data.frame or Frame(rest=data.fact)).table()
    return Frame().table()


def bundled(qual: str, site) -> Value:
    """``sns.load_dataset("titanic")``: the columns TABLE_DATASETS knows (``survived``,
    class indices of 2 classes; ``fare``, non-negative), the others not known."""
    name = site.literal(*V.TABLE_LOADERS[qual])
    columns = V.TABLE_DATASETS.get(name, {}) if isinstance(name, str) else {}
    known = tuple((column, targets.of_held(held, f"{name}'s {column!r}", site.node)) for column, held in columns.items())
    return Frame(known, (), UNKNOWN_FACT).table()


def select(base: Tensor, index: Value) -> Optional[Value]:
    """``df["price"]``: that column; ``df[["a", "b"]]``: a table of those; None when the
    index picks rows (``df[df.Class == 0]``, ``df[:100]``)."""
    picked = names(index)
    if picked is None:
        return None
    if isinstance(index, Const):
        return Tensor(fact=base.frame.column(picked[0]))
    return base.frame.only(picked).table()


def assigned(base: Tensor, index: Optional[Value], value: Value) -> Tensor:
    """The table after ``df[index] = value``: named columns take the value's fact; an
    index that is not a literal may be any columns (or cells)."""
    return base.frame.assigned(names(index) if index is not None else None, _fact(value)).table()


def method(receiver: Tensor, name: str, site) -> Optional[Value]:
    """``df.dropna()``, ``df.drop(columns=[...])``, ``df.pop("y")``; None for other methods."""
    frame = receiver.frame
    if name in V.FRAME_ROW_METHODS:
        return receiver
    if name in V.FRAME_COLUMN_READS:
        picked = names(site.arg(*V.FRAME_COLUMN_READS[name]) or UNKNOWN)
        return Tensor(fact=frame.column(picked[0]) if picked and len(picked) == 1 else UNKNOWN_FACT)
    drop, labels, columns_param, axis = V.FRAME_DROP
    if name == drop:
        columns = site.arg(columns_param, None)
        if columns is None:
            chosen = site.arg(*axis)
            if not (isinstance(chosen, Const) and chosen.value in V.FRAME_COLUMN_AXES):
                return receiver  # rows dropped, the columns as they were
            columns = site.arg(*labels)
        kept = frame.without(names(columns) if columns is not None else None)
        return kept.table() if kept is not None else Tensor()
    return None


def by_position(value: Value) -> Value:
    """A part of a table picked by position (``X[:, -1]``, ``df.iloc[:, :-1]``): a fact
    that held of the whole only (one scaled column among others) says nothing of it."""
    if isinstance(value, Tensor) and (value.fact.by_column or value.frame is not None):
        return value.derived(fact=UNKNOWN_FACT if value.fact.by_column else value.fact, frame=None)
    return value
