"""Linking: from the interpreter's events to heads (model output + loss + targets).

A PyTorch head comes from a loss computed on a model output
(``criterion(model(x), y)``, ``F.cross_entropy(self(x), y)``); a Keras head from
``model.compile(loss=...)`` paired with the targets given to ``model.fit``. Every
model output also yields a head without a loss, for rules that need none (HL004).
"""

from __future__ import annotations

from dataclasses import replace

from . import branches
from . import vocabulary as V
from .frameworks import common, squared
from .events import CallSite, Ctx, LossEvent
from .interpreter import Interpreter, loss_method
from .records import Head, Link, TargetFact, UNKNOWN_FACT
from .values import (
    UNKNOWN,
    BoundMethod,
    Const,
    DictV,
    Function,
    Instance,
    LossObj,
    ModelV,
    Partial,
    Qual,
    Seq,
    Tensor,
    Value,
)


def heads(interp: Interpreter) -> list:
    events = interp.events
    found: list = []
    for model in list(events.models):
        for compile_event in model.compiles:
            _link_compile(interp, model, compile_event)
    for event in events.losses:
        fact = event.target.fact if event.target else UNKNOWN_FACT
        head = _head(event.pred, event.loss, fact, event.node, event.kind, event.compiled_at, events.loose_evidence)
        if head is not None and head.link is not None and (event.through or event.passed):
            through = event.through[:2] if event.through else None
            head = replace(head, link=replace(head.link, through=through, passed=event.passed))
        if head is not None:
            # a loss computed where nothing trains (validation) is judged for what it reports
            found.append(replace(head, evaluation=True) if event.inference else head)
    for model in events.models:
        outputs = []
        for output in _outputs(common.model_output(model, interp)):
            head = _head(output, None, UNKNOWN_FACT, None)
            if head is not None:
                outputs.append(head)
        found.extend(outputs)
        found.extend(_applied_outside(model, [head.activation for head in outputs]))
    for framework, output in events.constant_layers:  # a one-unit softmax layer, used or not
        head = _head(output, None, UNKNOWN_FACT, None)
        if head is not None:
            found.append(replace(head, framework=framework))
    for penalty in events.penalties:  # a penalty on a tensor: a head with no loss
        head = _head(penalty.pred, None, UNKNOWN_FACT, None)
        if head is not None and not penalty.inference:
            merged = head.penalties + tuple(p for p in (penalty.penalty,) if p not in head.penalties)
            found.append(replace(head, framework=head.framework or penalty.framework, penalties=merged))
    return found


def _head(pred: Value, loss, fact: TargetFact, node, link_kind: str = "call", compiled_at=None, loose=None):
    """``loose``: the classifier evidence on outputs of no model (Events.loose_evidence)."""
    if not isinstance(pred, Tensor):
        return None
    model = pred.model
    if model is not None:
        evidence = tuple(model.classifier_evidence)
    else:
        evidence = tuple((loose or {}).get(id(pred.act.node), ())) if pred.act is not None else ()
    return Head(
        framework=model.framework if model is not None else (loss.framework if loss else None),
        model=model.name if model is not None else "",
        output_layer=pred.layer,
        activation=pred.act,
        loss=loss,
        link=Link(node, link_kind, compiled_at) if node is not None else None,
        targets=fact,
        classifier_evidence=evidence,
        single_output=pred.single,
        penalties=pred.penalties,
        class_reads=tuple(model.class_reads) if model is not None else (),
    )


def _applied_outside(model: ModelV, own: list) -> list:
    """A softmax applied to the model's output outside the model is a head of its own,
    one per such softmax: read as classes (``torch.max(F.softmax(model(x), dim=0),
    dim=1)``, in accuracy code), or only made (``F.softmax(net(x), dim=0)`` written to a
    submission file): the distribution the code treats as the classes. ``own``: the
    activations of the model's outputs, heads already."""
    found: list = []
    seen: list = list(own)
    applied = [(read.activation, read.layer) for read in model.class_reads] + list(model.applied_softmaxes)
    for act, layer in applied:
        if act is None or act.kind not in ("softmax", "log_softmax") or act.moved:
            continue
        if any(act.same(other) for other in seen):
            continue
        seen.append(act)
        found.append(Head(
            framework=model.framework,
            model=model.name,
            output_layer=layer,
            activation=act,
            classifier_evidence=tuple(model.classifier_evidence),
            class_reads=tuple(model.class_reads),
        ))
    return found


def _outputs(value: Value) -> list:
    if isinstance(value, branches.Alt):  # a model whose output differs between branches
        return [tensor for _, option in value.options for tensor in _outputs(option)]
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, Seq):
        return [item for item in value.items if isinstance(item, Tensor)]
    return []


def _per_output(value: Value, outputs: list) -> list:
    """Spread a compile() loss or fit() target over a model's outputs: one for all,
    a list by position, or a dict keyed by the output layer's ``name=``."""
    if isinstance(value, Seq) and len(value.items) == len(outputs) and (len(outputs) > 1 or not _numbers(value)):
        return list(value.items)  # by position; ``y=[targets]``, ``loss=["mse"]`` for a model of one output
    if isinstance(value, DictV):
        return [
            value.items.get(out.layer.layer_name if out.layer else None, UNKNOWN) for out in outputs
        ]
    return [value] * len(outputs)


def _numbers(value: Seq) -> bool:
    """A literal list of numbers: data (``y=[0.5]``), not one item per output."""
    return all(isinstance(item, Const) and isinstance(item.value, (int, float)) for item in value.items)


def _fit_targets(model: ModelV, outputs: list) -> list:
    """The targets of each ``fit()`` call, one fact per output, with the first call
    that trains on them (None: no fit() seen): each call is a training run of its
    own (``fit(x, y if labelled else None)``: the None says nothing when another
    call gives targets)."""
    if not model.fits:
        return [([UNKNOWN_FACT] * len(outputs), None)]
    calls = list(zip(model.fits, model.fit_nodes))
    given = [(fit, node) for fit, node in calls if not (isinstance(fit, Const) and fit.value is None)]
    runs: list = []
    for fit, node in given or calls:
        per = [v.fact if v is not None else UNKNOWN_FACT for v in _per_output(fit, outputs)]
        if all(per != seen for seen, _ in runs):
            runs.append((per, node))
    return runs


def _untrained_component(model: ModelV, models: list) -> bool:
    """A Keras model that is part of another one (an item of a Sequential, or called
    on a tensor as a layer: a GAN's generator inside the combined model) and that
    nothing trains on its own (no fit(), train_on_batch(), fit_generator()): its
    compile() loss is never minimised. Keras GAN code compiles the generator anyway."""
    if model.fit_nodes:
        return False
    return model.applied or any(
        other is not model and other.items and any(_is_model(item, model) for item in other.items) for other in models
    )


def _is_model(value: Value, model: ModelV) -> bool:
    return value is model or (isinstance(value, Instance) and value.model is model)


def _link_compile(interp: Interpreter, model: ModelV, event) -> None:
    """Turn ``model.compile(loss=...)`` into loss events on each output, once per
    ``fit()`` run."""
    if _own_train_step_ignores_compiled_loss(model) or _untrained_component(model, interp.events.models):
        return
    outputs = _outputs(common.model_output(model, interp))
    losses = _per_output(event.loss, outputs)
    for facts, fit in _fit_targets(model, outputs):
        for output, loss, fact in zip(outputs, losses, facts):
            record = _loss_record(loss, event.node)
            if record is not None:
                # applied by the fit() that trains on these targets; named by compile()
                applied = fit if fit is not None else event.node
                interp.events.losses.append(LossEvent(record, output, Tensor(fact=fact), applied, False, "compile", event.node))
            elif isinstance(loss, (Function, BoundMethod, Partial)) or (isinstance(loss, Instance) and loss_method(loss.cls) is not None):
                # a custom loss: follow it as if Keras called it with (y_true, y_pred)
                site = CallSite(event.node, [Tensor(fact=fact), output], {}, [], {}, Ctx(), interp)
                before = len(interp.events.losses)
                # what it returns is what fit() trains on: a squared error written out in it too
                squared.trained(interp.call_value(loss, site), site)
                for added in interp.events.losses[before:]:
                    added.kind = "compile"  # still applied by fit(), in graph mode


def _loss_record(value: Value, node):
    if isinstance(value, LossObj):
        return value.loss
    if isinstance(value, Const) and isinstance(value.value, str) and value.value in V.LOSS_STRINGS:
        return common.loss(V.LOSS_STRINGS[value.value], None, node)
    if isinstance(value, Qual):
        spec = V.LOSS_FUNCTIONS.get(value.name) or V.LOSS_CLASSES.get(value.name)
        if spec is not None:
            return common.loss(spec, None, node)
    return None


def _own_train_step_ignores_compiled_loss(model: ModelV) -> bool:
    """A subclass's ``train_step`` that computes its own loss and never reaches the
    compiled one (``self.compute_loss``, ``self.compiled_loss``, ``self.loss``):
    ``fit()`` then never applies what ``compile(loss=...)`` named."""
    import libcst as cst

    if model.instance is None:
        return False
    step = model.instance.cls.lookup("train_step")
    if not isinstance(step, Function) or not isinstance(step.node, cst.FunctionDef):
        return False
    found = False

    class _Uses(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal found
            if node.attr.value in V.COMPILED_LOSS_USES:
                found = True

        def visit_Call(self, node: cst.Call) -> None:
            nonlocal found
            func = node.func
            if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and func.attr.value == "train_step":
                found = True  # super().train_step(data): Keras' own step, compiled loss and all

    step.node.visit(_Uses())
    return not found
