"""Models and losses passed as parameters, and the user's own losses wrapping a
framework loss: each call site binds its arguments, a finding names the call site
that chose the wrong pair and the user's loss the output went through."""

import textwrap

import pytest

from headlint.engine import check_text

from conftest import lint


def check(code: str):
    result = check_text(textwrap.dedent(code), "snippet.py")
    assert result.error is None, result.error
    return result.findings


def related(finding) -> dict:
    return {label: span.line for label, span in finding.related}


TRAIN = """
    import functools
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def train(model, loss_fn, loader, opt):
        for x, y in loader:
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()

    logits_net = nn.Sequential(nn.Linear(20, 50), nn.ReLU(), nn.Linear(50, 2))
    softmax_net = nn.Sequential(nn.Linear(20, 50), nn.ReLU(), nn.Linear(50, 2), nn.Softmax(dim=1))
"""


# --- class 3: models and losses passed as parameters ------------------------------


def test_a_model_and_a_loss_passed_to_train_are_judged_together_and_the_call_is_named():
    findings = check(TRAIN + "\n    train(softmax_net, nn.CrossEntropyLoss(), loader, opt)\n")
    assert [(f.code, f.span.line) for f in findings] == [("HL001", 15)]
    assert related(findings[0])["passed to train() here"] == 17


def test_several_call_sites_report_the_wrong_one_once():
    findings = check(TRAIN + """
    criterion = nn.CrossEntropyLoss()
    train(logits_net, criterion, loader, opt)
    train(softmax_net, criterion, loader, opt)
    train(softmax_net, criterion, other_loader, opt)
    """)
    assert [(f.code, f.span.line) for f in findings] == [("HL001", 15)]
    assert related(findings[0])["passed to train() here"] == 19


def test_call_sites_that_all_pass_correct_values_stay_silent():
    assert lint(TRAIN + """
    train(logits_net, nn.CrossEntropyLoss(), loader, opt)
    train(model=logits_net, loss_fn=nn.CrossEntropyLoss(), loader=loader, opt=opt)
    train(softmax_net, nn.NLLLoss(), loader, opt) if False else None
    train(loss_fn=nn.BCELoss(), model=nn.Sequential(nn.Linear(20, 1), nn.Sigmoid()), loader=loader, opt=opt)
    """) == []


def test_keyword_arguments_bind_by_name():
    assert lint(TRAIN + "\n    train(opt=opt, loader=loader, loss_fn=nn.CrossEntropyLoss(), model=softmax_net)\n") == [("HL001", 15)]


def test_functools_partial_binds_its_arguments_first():
    assert lint(TRAIN + """
    run = functools.partial(train, loss_fn=nn.CrossEntropyLoss())
    run(softmax_net, loader=loader, opt=opt)
    """) == [("HL001", 15)]


def test_a_default_loss_is_the_loss_of_a_call_that_leaves_it_out():
    assert lint("""
        import torch.nn as nn

        def train(model, loader, loss_fn=nn.NLLLoss()):
            for x, y in loader:
                loss_fn(model(x), y).backward()

        train(nn.Sequential(nn.Linear(20, 3), nn.Softmax(dim=1)), loader)
        train(nn.Sequential(nn.Linear(20, 3), nn.LogSoftmax(dim=1)), loader)
    """) == [("HL006", 8)]


def test_an_uncalled_function_with_unknown_parameters_stays_silent():
    assert lint("""
        import torch.nn.functional as F

        def train(model, loss_fn, loader):
            for x, y in loader:
                loss_fn(F.softmax(model(x), dim=1), y).backward()
    """) == []


def test_a_trainer_class_keeps_what_its_constructor_was_given():
    code = """
        import tensorflow as tf
        from tensorflow import keras

        class Trainer:
            def __init__(self, model, loss_fn, optimizer):
                self.model = model
                self.loss_fn = loss_fn
                self.optimizer = optimizer

            def fit(self, dataset):
                for x, y in dataset:
                    with tf.GradientTape() as tape:
                        logits = self.model(x)
                        loss = self.loss_fn(y, logits)
                    grads = tape.gradient(loss, self.model.trainable_weights)
                    self.optimizer.apply_gradients(zip(grads, self.model.trainable_weights))

            def evaluate(self, x, y):
                return self.loss_fn(y, self.model(x))

        model = keras.Sequential([keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])
        trainer = Trainer(model, keras.losses.SparseCategoricalCrossentropy(from_logits=FROM_LOGITS), keras.optimizers.Adam())
    """
    called = code.rstrip(" ") + "        trainer.fit(dataset)\n"
    findings = check(called.replace("FROM_LOGITS", "True"))
    assert [(f.code, f.span.line) for f in findings] == [("HL001", 22)]
    assert related(findings[0])["passed to Trainer() here"] == 23
    # fit() never called in sight (a notebook cell left out): judged on the object built
    assert lint(code.replace("FROM_LOGITS", "True")) == [("HL001", 22)]
    assert lint(called.replace("FROM_LOGITS", "False")) == []
    assert lint(code.replace("FROM_LOGITS", "False")) == []


def test_a_trainer_whose_only_use_of_the_loss_is_evaluation_is_judged_for_the_number_it_reports():
    assert lint("""
        import torch
        import torch.nn as nn

        class Evaluator:
            def __init__(self, model, criterion):
                self.model, self.criterion = model, criterion

            def run(self, loader):
                self.model.eval()
                with torch.no_grad():
                    for x, y in loader:
                        print(self.criterion(self.model(x), y).item())

        Evaluator(nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1)), nn.CrossEntropyLoss()).run(loader)
    """) == [("HL001", 15)]


JOINT = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Net(nn.Module):
        def __init__(self, num_classes, criterion=None):
            super().__init__()
            self.criterion = criterion
            self.seg = nn.Conv2d(16, num_classes, 1)
            self.edge = nn.Conv2d(16, 1, 1)
            self.sigmoid = nn.Sigmoid()

        def forward(self, x, gts=None):
            seg_out = self.seg(x)
            edge_out = EDGE
            if self.training:
                return self.criterion((seg_out, edge_out), gts)
            return seg_out, edge_out

    class JointEdgeSegLoss(nn.Module):
        def __init__(self):
            super().__init__()
            self.seg_loss = nn.CrossEntropyLoss()

        def bce2d(self, input, target):
            flat = input.transpose(1, 2).contiguous().view(1, -1)
            return F.binary_cross_entropy_with_logits(flat, target.view(1, -1))

        def forward(self, inputs, targets):
            segin, edgein = inputs
            segmask, edgemask = targets
            return self.seg_loss(segin, segmask) + 20 * self.bce2d(edgein, edgemask)

    def main(loader):
        criterion = JointEdgeSegLoss()
        net = Net(num_classes=19, criterion=criterion)
        for x, mask, edge in loader:
            net(x, gts=(mask, edge)).backward()
"""


def test_a_loss_passed_into_the_network_scores_each_part_of_a_tuple():
    findings = check(JOINT.replace("EDGE", "self.sigmoid(self.edge(x))"))
    assert [(f.code, f.span.line) for f in findings] == [("HL005", 16)]
    assert "fed to JointEdgeSegLoss (line 18), which calls F.binary_cross_entropy_with_logits (line 28)" in findings[0].message
    assert related(findings[0])["passed to Net() here"] == 37
    assert lint(JOINT.replace("EDGE", "self.edge(x)")) == []


# --- class 4: the user's own losses wrapping a framework loss ----------------------

FOCAL = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class FocalLoss(nn.Module):
        def __init__(self, alpha=1, gamma=2):
            super().__init__()
            self.alpha, self.gamma = alpha, gamma

        def forward(self, inputs, targets):
            bce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
            pt = torch.exp(-bce)
            return (self.alpha * (1 - pt) ** self.gamma * bce).mean()

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(10, 1)

        def forward(self, x):
            out = OUT
            return out

    model = Net()
    for x, y in loader:
        loss = FocalLoss()(model(x), y)
        loss.backward()
"""


def test_a_focal_loss_on_sigmoid_outputs_names_the_class_and_the_loss_inside():
    findings = check(FOCAL.replace("OUT", "torch.sigmoid(self.fc(x))"))
    assert [(f.code, f.span.line) for f in findings] == [("HL005", 22)]
    assert findings[0].message.startswith(
        "sigmoid output is fed to FocalLoss (line 27), which calls F.binary_cross_entropy_with_logits (line 12), "
        "which applies sigmoid itself"
    )
    assert related(findings[0]) == {"loss applied here": 12, "loss wrapper called here": 27}


def test_a_focal_loss_given_logits_stays_silent():
    assert lint(FOCAL.replace("OUT", "self.fc(x)")) == []


def test_a_wrapper_applying_its_own_sigmoid_to_logits_stays_silent():
    assert lint("""
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class FocalLoss(nn.Module):
            def forward(self, inputs, targets):
                p = torch.sigmoid(inputs)
                bce = F.binary_cross_entropy(p, targets, reduction="none")
                return ((1 - torch.exp(-bce)) ** 2 * bce).mean()

        model = nn.Sequential(nn.Linear(10, 1))
        criterion = FocalLoss()
        for x, y in loader:
            criterion(model(x), y).backward()
    """) == []


def test_wrappers_of_cross_entropy_nll_and_bce_with_logits():
    findings = check("""
        import torch.nn as nn
        import torch.nn.functional as F

        class SmoothCE(nn.Module):
            def __init__(self):
                super().__init__()
                self.ce = nn.CrossEntropyLoss()

            def forward(self, logits, t):
                return self.ce(logits, t)

        def nll(p, y):
            return F.nll_loss(p, y)

        def dice_bce(pred, y):
            return F.binary_cross_entropy_with_logits(pred, y) + 1 - 2 * (pred * y).sum() / (pred.sum() + y.sum())

        model = nn.Sequential(nn.Linear(10, 5), nn.Softmax(dim=1))
        seg = nn.Sequential(nn.Conv2d(3, 1, 1), nn.Sigmoid())
        criterion = SmoothCE()
        for x, y in loader:
            (criterion(model(x), y) + nll(model(x), y) + dice_bce(seg(x), y)).backward()
    """)
    assert [(f.code, f.span.line) for f in findings] == [("HL001", 19), ("HL006", 19), ("HL005", 20)]
    messages = [f.message for f in findings]
    assert "fed to SmoothCE (line 23), which calls nn.CrossEntropyLoss (line 11)" in messages[0]
    assert "fed to nll (line 23), which calls F.nll_loss (line 14)" in messages[1]
    assert "fed to dice_bce (line 23), which calls F.binary_cross_entropy_with_logits (line 17)" in messages[2]


def test_a_wrapper_passed_to_train_is_named_with_the_call_that_passed_it():
    findings = check(TRAIN + """
    class LabelSmoothing(nn.Module):
        def forward(self, logits, target):
            return F.cross_entropy(logits, target, label_smoothing=0.1)

    train(softmax_net, LabelSmoothing(), loader, opt)
    """)
    assert [(f.code, f.span.line) for f in findings] == [("HL001", 15)]
    assert "fed to LabelSmoothing (line 10), which calls F.cross_entropy (line 19)" in findings[0].message
    assert related(findings[0])["passed to train() here"] == 21


def test_no_fix_edits_the_users_own_loss():
    """Renaming the framework loss inside dice_bce would change it for every caller,
    seen or not: the mistake is reported without a fix on the loss side."""
    findings = check("""
        import torch.nn as nn
        import torch.nn.functional as F

        def dice_bce(pred, y):
            return F.binary_cross_entropy_with_logits(pred, y)

        seg = nn.Sequential(nn.Conv2d(3, 1, 1), nn.Sigmoid())
        for x, y in loader:
            dice_bce(seg(x), y).backward()
    """)
    assert [(f.code, f.fix) for f in findings] == [("HL005", None)]


ANNOTATED = """
    import torch.nn as nn

    class CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Sequential(nn.Linear(120, 10), nn.Softmax(dim=1))
            self.criterion = nn.CrossEntropyLoss()

        def forward(self, x):
            return self.head(x)

    def training_loop(model: ANNOTATION, loader, epochs: int = 10):
        for epoch in range(epochs):
            for x, y in loader:
                model.criterion(model(x), y).backward()
"""


@pytest.mark.parametrize("annotation", ["CNN", "'CNN'"])
def test_a_parameter_annotated_with_a_model_class_stands_for_one_when_nobody_calls_the_function(annotation):
    assert lint(ANNOTATED.replace("ANNOTATION", annotation)) == [("HL001", 7)]


@pytest.mark.parametrize("annotation", ["nn.Module", "'Model'", "int"])
def test_other_annotations_say_nothing(annotation):
    assert lint(ANNOTATED.replace("ANNOTATION", annotation)) == []
