"""Training loops that libraries run for the user, given the model and the loss: ignite's
``create_supervised_trainer(model, optimizer, loss_fn)``, poutyne's
``Model(network, optimizer, loss_function)`` and torchbearer's
``Trial(model, optimizer, criterion)`` each call ``loss(model(x), y)`` on every batch, so
the pair meets there as surely as in a loop the user wrote. The loss may be any callable
(a loss object, ``F.cross_entropy``, the user's own function or module); poutyne also
takes it by name.
"""

from __future__ import annotations

from .rows import TORCH, LibraryNet

READ_FROM = "pytorch-ignite 0.5.5: ignite/engine/__init__.py; poutyne 1.19.0: poutyne/framework/model.py; torchbearer 0.5.5: torchbearer/trial.py"

HEADS: dict = {}


def poutyne_key(name: str) -> str:
    """How poutyne normalises a loss name before looking it up
    (poutyne/framework/metrics/metrics_registering.py:41, ``clean_metric_func_name``)."""
    name = name.lower()
    name = name[:-4] if name.endswith("loss") else name
    return name.replace("_", "")


# poutyne/framework/metrics/pytorch_loss_functions_registering.py:24-41: each name (as
# poutyne_key leaves it) -> the torch.nn.functional loss it stands for
_POUTYNE_LOSSES = tuple(
    (poutyne_key(name), f"torch.nn.functional.{function}")
    for names, function in (
        (("cross_entropy",), "cross_entropy"),
        (("kl_div",), "kl_div"),
        (("binary_cross_entropy", "bce"), "binary_cross_entropy"),
        (("binary_cross_entropy_with_logits", "bce_with_logits"), "binary_cross_entropy_with_logits"),
        (("poisson_nll_loss",), "poisson_nll_loss"),
        (("hinge_embedding_loss",), "hinge_embedding_loss"),
        (("l1_loss",), "l1_loss"),
        (("mse_loss",), "mse_loss"),
        (("multilabel_margin_loss",), "multilabel_margin_loss"),
        (("multilabel_soft_margin_loss",), "multilabel_soft_margin_loss"),
        (("multi_margin_loss",), "multi_margin_loss"),
        (("nll_loss",), "nll_loss"),
        (("smooth_l1_loss",), "smooth_l1_loss"),
        (("soft_margin_loss",), "soft_margin_loss"),
    )
    for name in names
)

_IGNITE = "pytorch-ignite 0.5.5: ignite/engine/__init__.py:"
# Each builds the step that calls ``loss_fn(y_pred, y)`` with ``y_pred = model(x)``
# (model, optimizer, loss_fn, ...); create_supervised_trainer returns the engine that runs it.
_IGNITE_STEPS = (
    ("supervised_training_step", 58),
    ("supervised_training_step_amp", 141),
    ("supervised_training_step_apex", 237),
    ("supervised_training_step_tpu", 324),
    ("create_supervised_trainer", 440),
)

# Trial's methods that return the trial itself (every ``return self`` in trial.py)
_TRIAL_CHAINS = (
    "for_train_steps", "with_train_generator", "with_train_data", "for_val_steps", "with_val_generator",
    "with_val_data", "for_test_steps", "with_test_generator", "with_test_data", "for_steps", "with_generators",
    "with_data", "for_inf_train_steps", "for_inf_val_steps", "for_inf_test_steps", "for_inf_steps",
    "with_inf_train_loader", "with_loader", "with_closure", "replay", "train", "eval", "to", "cuda", "cpu",
    "load_state_dict",
)

NETS = {
    **{
        f"ignite.engine.{name}": LibraryNet(TORCH, f"{_IGNITE}{line}", "model", 0, "loss_fn", 2, None,
                                            trains_on=(), target=None)
        for name, line in _IGNITE_STEPS
    },
    # Model(network, optimizer, loss_function, *, ...): fit(x, y), fit_generator(loader), ...
    **{
        name: LibraryNet(TORCH, "poutyne 1.19.0: poutyne/framework/model.py:189", "network", 0, "loss_function", 2,
                         None, trains_on=("fit", "fit_generator", "fit_dataset", "train_on_batch"), target=("y", 1),
                         chains=("cuda", "cpu", "to"),
                         criterion_names=_POUTYNE_LOSSES, criterion_key=poutyne_key)
        for name in ("poutyne.Model", "poutyne.framework.Model", "poutyne.framework.model.Model")
    },
    # Trial(model, optimizer=None, criterion=None, ...): run() trains on the loaders given
    # with with_generators / with_train_data
    **{
        name: LibraryNet(TORCH, "torchbearer 0.5.5: torchbearer/trial.py:389", "model", 0, "criterion", 2, None,
                         trains_on=("run",), target=None, chains=_TRIAL_CHAINS)
        for name in ("torchbearer.Trial", "torchbearer.trial.Trial")
    },
}
