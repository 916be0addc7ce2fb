"""The training wrappers skorch builds around a torch module (``NeuralNetClassifier(Module,
criterion=nn.CrossEntropyLoss)``): ``fit(X, y)`` trains the module's output with the criterion, the
wrapper's default one when none is given. NeuralNetClassifier takes the log of the module's output
before its default NLLLoss, so the module must return probabilities there.
"""

from __future__ import annotations

from .rows import TORCH, LibraryNet

READ_FROM = "skorch 1.4.0: skorch/classifier.py, skorch/regressor.py, skorch/net.py; ray_skorch 0.0.3: ray_skorch/base.py"

HEADS: dict = {}

_SOURCE = "skorch 1.4.0: "

# The classifiers and the regressor take (module, *args, criterion=..., ...): *args go to NeuralNet,
# so criterion is a keyword in practice. NeuralNet(module, criterion, ...) has no default criterion.
_FAMILIES = (
    # get_loss (classifier.py:149-155): with NLLLoss, log(y_pred + eps) first.
    (
        ("skorch.NeuralNetClassifier", "skorch.classifier.NeuralNetClassifier"),
        LibraryNet(TORCH, _SOURCE + "skorch/classifier.py:59", "module", 0, "criterion", None, "torch.nn.NLLLoss",
                   log_before="torch.nn.NLLLoss"),
    ),
    # One logit per sample: (n,) or (n, 1), trained with BCEWithLogitsLoss.
    (
        ("skorch.NeuralNetBinaryClassifier", "skorch.classifier.NeuralNetBinaryClassifier"),
        LibraryNet(TORCH, _SOURCE + "skorch/classifier.py:270", "module", 0, "criterion", None, "torch.nn.BCEWithLogitsLoss"),
    ),
    (
        ("skorch.NeuralNetRegressor", "skorch.regressor.NeuralNetRegressor"),
        LibraryNet(TORCH, _SOURCE + "skorch/regressor.py:39", "module", 0, "criterion", None, "torch.nn.MSELoss"),
    ),
    (
        ("skorch.NeuralNet", "skorch.net.NeuralNet"),
        LibraryNet(TORCH, _SOURCE + "skorch/net.py:342", "module", 0, "criterion", 1, None),
    ),
    # Ray's distributed NeuralNet (module, criterion, num_workers, ...): its get_loss calls
    # criterion_(y_pred, y_true) as it is (base.py:403-407).
    (
        ("ray_skorch.RayTrainNeuralNet", "ray_skorch.base.RayTrainNeuralNet"),
        LibraryNet(TORCH, "ray_skorch 0.0.3: ray_skorch/base.py:417", "module", 0, "criterion", 1, None),
    ),
)

NETS = {name: row for names, row in _FAMILIES for name in names}
