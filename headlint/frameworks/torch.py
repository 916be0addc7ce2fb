"""The PyTorch adapter: containers and module methods that only PyTorch has.

Activations, layers and losses are rows of the vocabulary handled in common.py;
what is here is the PyTorch-specific shape of models: ``nn.Sequential`` (also
from an ``OrderedDict``), ``nn.ModuleList`` and the methods that return the
module itself or switch it between training and evaluation.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from .. import vocabulary as V
from ..records import Framework
from ..values import UNKNOWN, ActObj, Const, DictV, Instance, LayerObj, ModelV, PassObj, Seq, ShapeObj, Value


def sequential(site) -> ModelV:
    items = list(site.args)
    if len(items) == 1 and isinstance(items[0], DictV):  # nn.Sequential(OrderedDict([...]))
        items = list(items[0].items.values())
    else:
        for index, item in enumerate(items):
            arg = site.arg_node(None, index)
            spelled = arg.value if isinstance(arg, cst.Arg) else arg
            if isinstance(item, ActObj) and isinstance(spelled, (cst.Name, cst.Attribute)):
                # ``nn.Sequential(self.fc4, self.softmax)``: the activation is applied
                # here, where it is named, like a function passed by reference
                items[index] = replace(item, node=spelled)
    model = ModelV(Framework.TORCH, "nn.Sequential", site.node, items=items)
    site.interp.events.models.append(model)
    return model


def module_list(site) -> Value:
    first = site.arg("modules", 0)
    return Seq(list(first.items)) if isinstance(first, Seq) else Seq([])


def module_dict(site) -> Value:
    first = site.arg("modules", 0)
    return first if isinstance(first, DictV) else DictV({})


def ordered_dict(site) -> Value:
    pairs = site.arg(None, 0)
    items = {}
    if isinstance(pairs, Seq):
        for pair in pairs.items:
            if isinstance(pair, Seq) and len(pair.items) == 2:
                key = getattr(pair.items[0], "value", None)
                items[key] = pair.items[1]
    return DictV(items)


def save(site) -> Value:
    """``torch.save(net, "net.pkl")`` of a whole model at a literal path."""
    obj, path = site.arg("obj", 0), site.arg("f", 1)
    if isinstance(path, Const) and isinstance(path.value, str) and (
            isinstance(obj, ModelV) or (isinstance(obj, Instance) and obj.model is not None)):
        site.interp.events.saved[path.value] = obj
    return UNKNOWN


def load(site) -> Value:
    """``torch.load("net.pkl")``: the model this program saved there, if it did (a
    state_dict or a file saved elsewhere is nothing known)."""
    path = site.arg("f", 0)
    if isinstance(path, Const) and isinstance(path.value, str):
        return site.interp.events.saved.get(path.value, UNKNOWN)
    return UNKNOWN


HANDLERS = {
    "torch.save": save,
    "torch.load": load,
    "torch.nn.Sequential": sequential,
    "torch.nn.ModuleList": module_list,
    "torch.nn.ModuleDict": module_dict,
    "collections.OrderedDict": ordered_dict,
}

def attribute_set(model: ModelV, name: str, value: Value) -> None:
    """``net.output_new = nn.Sequential(...)`` on an ``nn.Sequential()``: Module's
    ``__setattr__`` registers a module as the stack's next layer, as ``add_module`` does
    (d2l's fine-tuning nets are built so); other values are plain attributes."""
    if model.items is not None and isinstance(value, (LayerObj, ActObj, PassObj, ShapeObj, ModelV)):
        _stack(model, value)


def _stack(model: ModelV, module: Value) -> None:
    """``module`` becomes the last layer of the Sequential ``model``."""
    model.items.append(module)
    model._output = None


def model_method(model: ModelV, name: str, site) -> Value | None:
    if name in V.SELF_METHODS:
        return model
    if name == "eval":
        site.ctx.inference = True  # what follows in this block evaluates, not trains
        return model
    if name == "train":
        mode = site.arg("mode", 0)
        site.ctx.inference = getattr(mode, "value", True) is False
        return model
    if model.items is not None and name in ("append", "add_module"):
        module = site.arg("module", 1) if name == "add_module" else site.arg("module", 0)
        _stack(model, module if module is not None else UNKNOWN)
        return model
    return None
