"""The Keras adapter (tf.keras and Keras 3): Sequential and functional models, and
the ``add``/``compile``/``fit`` methods through which Keras links a model to its
loss and its targets."""

from __future__ import annotations

from ..events import CompileEvent
from ..records import Framework
from ..values import UNKNOWN, Const, ModelV, Qual, Seq, Value
from .. import vocabulary as V
from . import penalties
from .common import call_method_of, model_output


def sequential(site) -> ModelV:
    layers = site.arg("layers", 0)
    items = list(layers.items) if isinstance(layers, Seq) else []
    model = ModelV(Framework.KERAS, "Sequential", site.node, items=items)
    site.interp.events.models.append(model)
    return model


def functional(site) -> Value:
    outputs = site.arg("outputs", 1) or site.arg("output")  # Keras 1: Model(input=, output=)
    if outputs is None:
        return UNKNOWN
    model = ModelV(Framework.KERAS, "Model", site.node, outputs_value=outputs)
    site.interp.events.models.append(model)
    return model


HANDLERS = {
    "keras.Sequential": sequential,
    "keras.Model": functional,
}


def model_method(model: ModelV, name: str, site) -> Value | None:
    if (name == "compile" or name in V.KERAS_TRAINING_METHODS) and not any(m is model for m in site.interp.events.models):
        site.interp.events.models.append(model)  # built in another module (project.py)

    if name == "add" and model.items is not None:
        model.items.append(site.arg("layer", 0) or UNKNOWN)
        model._output = None
        return Const(None)
    if name == "compile":
        loss = site.arg("loss", 1)
        metrics = site.arg("metrics", 2)
        if loss is not None:
            model.compiles.append(CompileEvent(model, loss, metrics or UNKNOWN, site.node))
        if _classifier_metrics(metrics):
            model.classifier_evidence.append(site.arg_node("metrics", 2) or site.node)
        return Const(None)
    if name in V.KERAS_TRAINING_METHODS:
        # fit(x, y), train_on_batch(x, y); fit_generator(generator): the targets are in the batches
        target = site.arg("y", 1) if V.KERAS_TRAINING_METHODS[name] else None
        model.fits.append(target if target is not None else UNKNOWN)
        model.fit_nodes.append(site.node)
        if model.instance is not None:
            # fit() and train_on_batch() run the subclass's own train_step on (x, y) batches
            batch = Seq([site.arg("x", 0) or UNKNOWN, target if target is not None else UNKNOWN])
            call_method_of(model.instance, "train_step", [batch], {}, site)
        return UNKNOWN
    if name in ("predict", "predict_on_batch"):
        return model_output(model, site.interp)
    if name in V.CLASSIFIER_METHODS:  # predict_classes: the outputs are read as classes
        model.classifier_evidence.append(site.node)
        return UNKNOWN
    if name == "add_loss":
        penalties.added(site.arg("loss", 0), site)
        return Const(None)
    return None


def _classifier_metrics(metrics) -> bool:
    items = metrics.items if isinstance(metrics, Seq) else ([metrics] if metrics is not None else [])
    if hasattr(metrics, "items") and isinstance(metrics.items, dict):
        items = [v for value in metrics.items.values() for v in (value.items if isinstance(value, Seq) else [value])]
    for item in items:
        if isinstance(item, Const) and isinstance(item.value, str) and item.value in V.CLASSIFIER_METRICS:
            return True
        if isinstance(item, Qual) and item.name.rsplit(".", 1)[-1] in V.CLASSIFIER_METRICS:
            return True  # keras.metrics.BinaryAccuracy, called or not
    return False


def metric(site) -> Value:
    """``keras.metrics.AUC()``: stands for itself, so compile() can read it."""
    return Qual(site.qual)


HANDLERS.update({f"keras.metrics.{name}": metric for name in V.CLASSIFIER_METRICS if name[0].isupper()})
