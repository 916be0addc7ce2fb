"""The PyTorch adapter: every style the core issue lists, buggy and clean."""

import textwrap

from conftest import lint, codes

from headlint.engine import check_text


def test_sequential_softmax_with_cross_entropy_in_a_loop():
    assert lint(
        """
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset

        X, y = torch.randn(256, 20), torch.randint(0, 5, (256,))
        loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
        model = nn.Sequential(
            nn.Linear(20, 64),
            nn.ReLU(),
            nn.Linear(64, 5),
            nn.Softmax(dim=1),
        )
        criterion = nn.CrossEntropyLoss()
        for epoch in range(5):
            for xb, yb in loader:
                out = model(xb)
                loss = criterion(out, yb)
                loss.backward()
        """
    ) == [("HL001", 12)]


def test_module_forward_returning_functional_softmax():
    assert lint(
        """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self, classes=10):
                super().__init__()
                self.fc1 = nn.Linear(784, 128)
                self.fc2 = nn.Linear(128, classes)

            def forward(self, x):
                x = F.relu(self.fc1(x))
                x = self.fc2(x)
                return F.softmax(x, dim=1)

        model = Net()
        criterion = nn.CrossEntropyLoss()

        def train(model, loader, optimizer):
            for images, labels in loader:
                optimizer.zero_grad()
                loss = criterion(model(images), labels)
                loss.backward()
                optimizer.step()
        """
    ) == [("HL001", 15)]


def test_softmax_spellings_in_forward():
    for expr in ("torch.softmax(self.fc(x), 1)", "self.fc(x).softmax(dim=-1)", "self.act(self.fc(x))"):
        assert codes(
            f"""
            import torch
            from torch import nn

            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.fc = nn.Linear(32, 4)
                    self.act = nn.Softmax(dim=1)

                def forward(self, x):
                    return {expr}

            net = Net()
            loss = nn.CrossEntropyLoss()(net(x), y)
            """
        ) == ["HL001"], expr


def test_lightning_training_step_with_functional_cross_entropy():
    assert lint(
        """
        import pytorch_lightning as pl
        import torch
        import torch.nn.functional as F
        from torch import nn

        class Classifier(pl.LightningModule):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.Linear(28 * 28, 256), nn.ReLU(), nn.Linear(256, 10))

            def forward(self, x):
                return torch.softmax(self.net(x.view(x.size(0), -1)), dim=1)

            def training_step(self, batch, batch_idx):
                x, y = batch
                loss = F.cross_entropy(self(x), y)
                self.log("train_loss", loss)
                return loss
        """
    ) == [("HL001", 13)]


def test_softmax_applied_outside_the_model_before_the_loss():
    assert lint(
        """
        import torch
        from torch import nn

        model = nn.Sequential(nn.Linear(10, 3))
        criterion = nn.CrossEntropyLoss()
        logits = model(x)
        probs = torch.softmax(logits, dim=1)
        loss = criterion(probs, y)
        """
    ) == [("HL001", 8)]


def test_inference_only_softmax_is_quiet_and_a_validation_loss_on_it_is_reported():
    # the eval-time softmax branches and predict_proba never meet the training loss; the
    # validation loss computed on probabilities reports a wrong number (HL001, evaluation path)
    assert lint(
        """
        import torch
        from torch import nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(16, 4)

            def forward(self, x):
                logits = self.fc(x)
                if self.training:
                    return logits
                return logits.softmax(-1)

            def predict_proba(self, x):
                return F.softmax(self.forward(x), dim=1)

        class Other(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(16, 4)

            def forward(self, x):
                if not self.training:
                    return F.softmax(self.fc(x), dim=1)
                return self.fc(x)

        model, other = Net(), Other()
        criterion = nn.CrossEntropyLoss()
        for x, y in loader:
            loss = criterion(model(x), y) + criterion(other(x), y)
        model.eval()
        with torch.no_grad():
            probs = F.softmax(model(x), dim=1)
            val_loss = criterion(probs, y)
        """
    ) == [("HL001", 36)]


def test_attention_softmax_inside_the_model_is_quiet():
    assert codes(
        """
        import torch
        from torch import nn
        import torch.nn.functional as F

        class AttnPool(nn.Module):
            def __init__(self, d, classes):
                super().__init__()
                self.score = nn.Linear(d, 1)
                self.out = nn.Linear(d, classes)

            def forward(self, h):
                w = F.softmax(self.score(h), dim=1)
                pooled = (w * h).sum(dim=1)
                return self.out(pooled)

        model = AttnPool(64, 5)
        loss = nn.CrossEntropyLoss()(model(h), y)
        """
    ) == []


def test_log_softmax_pairs_are_quiet():
    assert codes(
        """
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 3)

            def forward(self, x):
                return F.log_softmax(self.fc(x), dim=1)

        net = Net()
        l1 = nn.NLLLoss()(net(x), y)
        l2 = nn.CrossEntropyLoss()(net(x), y)
        """
    ) == []


def test_two_heads_only_the_wrong_one_is_reported():
    assert lint(
        """
        import torch
        from torch import nn
        import torch.nn.functional as F

        class TwoHeads(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = nn.Linear(32, 64)
                self.cls = nn.Linear(64, 10)
                self.reg = nn.Linear(64, 1)

            def forward(self, x):
                h = F.relu(self.body(x))
                return F.softmax(self.cls(h), dim=1), self.reg(h)

        model = TwoHeads()
        ce, mse = nn.CrossEntropyLoss(), nn.MSELoss()
        for x, labels, values in loader:
            cls_out, reg_out = model(x)
            loss = ce(cls_out, labels) + mse(reg_out, values)
        """
    ) == [("HL001", 15)]


def test_sigmoid_mse_on_labels_and_on_thresholded_outputs():
    assert codes(
        """
        import torch
        from torch import nn

        X = torch.randn(500, 8)
        y = (X.sum(dim=1, keepdim=True) > 0).float()
        model = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())
        loss = nn.MSELoss()(model(X), y)
        """
    ) == ["HL002"]
    assert codes(
        """
        import torch
        from torch import nn

        model = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())
        y = load_targets()
        out = model(X)
        loss = nn.functional.mse_loss(out, y)
        accuracy = ((out > 0.5).float() == y).float().mean()
        """
    ) == ["HL002"]


def test_sigmoid_mse_message_quotes_the_code_that_makes_it_a_classifier(tmp_path):
    from cli_helpers import headlint

    (tmp_path / "labels.py").write_text(
        "import torch\nfrom torch import nn\n\nX = torch.randn(500, 8)\ny = (X.sum(dim=1) > 0).float()\n"
        "model = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())\nloss = nn.MSELoss()(model(X), y)\n"
    )
    (tmp_path / "scores.py").write_text(
        "import torch\nfrom torch import nn\n\nmodel = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())\n"
        "out = model(X)\nloss = nn.functional.mse_loss(out, load_targets())\nhits = (out > 0.5).sum()\n"
    )
    result = headlint("check", "--output-format", "concise", "-q", "labels.py", "scores.py", cwd=tmp_path)
    labels, scores = result.stdout.splitlines()
    assert labels == (
        "labels.py:6:40: HL002 sigmoid output is trained with squared error (nn.MSELoss, line 7) although the "
        "targets are class labels (X.sum(dim=1) > 0 on line 5): the gradient vanishes where the output is "
        "confidently wrong; train it with binary cross-entropy (nn.BCEWithLogitsLoss on the raw outputs, "
        "without the sigmoid)"
    )
    assert "although the output is used as a class score (out > 0.5 on line 7): " in scores


def test_sigmoid_mse_on_continuous_targets_is_quiet():
    assert codes(
        """
        import torch
        from torch import nn

        images = torch.rand(64, 784)
        autoencoder = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 784), nn.Sigmoid())
        loss = nn.MSELoss()(autoencoder(images), images)
        """
    ) == []


def test_the_word_softmax_in_strings_and_names_is_not_code():
    assert codes(
        '''
        import torch
        from torch import nn

        softmax = "softmax"  # we do not use softmax here: CrossEntropyLoss applies it
        model = nn.Sequential(nn.Linear(4, 3))
        criterion = nn.CrossEntropyLoss()
        loss = criterion(model(x), y)

        def softmax_note():
            """Apply softmax only at inference."""
            return softmax
        '''
    ) == []


def test_moving_to_a_device_keeps_the_model_and_the_loss():
    assert codes(
        """
        import torch
        from torch import nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 4)
                self.out = nn.Softmax(dim=1)

            def forward(self, x):
                return self.out(self.fc(x))

        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model = Net().to(device)
        criterion = nn.CrossEntropyLoss().to(device)
        model.train()
        for x, y in loader:
            loss = criterion(model(x.to(device)), y.to(device))
        """
    ) == ["HL001"]


def test_a_no_grad_decorated_evaluation_function_is_not_training_but_its_loss_is_judged():
    assert codes(
        """
        import torch
        from torch import nn
        import torch.nn.functional as F

        model = nn.Sequential(nn.Linear(10, 4))
        criterion = nn.CrossEntropyLoss()

        @torch.no_grad()
        def evaluate(model, loader):
            for x, y in loader:
                probs = F.softmax(model(x), dim=1)
                total = criterion(probs, y)
        """
    ) == ["HL001"]


def test_an_unknown_star_argument_hides_what_comes_after_it():
    assert codes(
        """
        from torch import nn

        head = [nn.Linear(10, 4)]
        model = nn.Sequential(nn.Softmax(dim=1), *build_rest())
        loss = nn.CrossEntropyLoss()(model(x), y)
        """
    ) == []


def test_a_reshape_after_a_one_unit_layer_hides_its_unit_count():
    # Multiple choice: one score per (example, choice), viewed as (batch, 4 choices).
    # The softmax then runs over the 4 choices (HL001 with the cross-entropy), not one unit.
    assert lint(
        """
        import torch
        from torch import nn

        class MultipleChoice(nn.Module):
            def __init__(self):
                super().__init__()
                self.score = nn.Linear(64, 1)

            def forward(self, h):
                return self.score(h).view(-1, 4).softmax(-1)

        model = MultipleChoice()
        loss = nn.CrossEntropyLoss()(model(h), y)
        """
    ) == [("HL001", 11)]
    for reshape in ("squeeze(-1)", "flatten(1)", "permute(0, 2, 1)"):
        assert codes(
            f"""
            import torch.nn.functional as F
            from torch import nn

            scorer = nn.Linear(64, 1)
            weights = F.softmax(scorer(h).{reshape}, dim=-1)
            model = nn.Sequential(nn.Linear(64, 1), nn.Flatten(0), nn.Softmax(dim=-1))
            """
        ) == []


def test_sigmoid_applied_outside_the_model_meets_a_logits_loss():
    assert codes(
        """
        import torch
        from torch import nn

        model = nn.Sequential(nn.Linear(10, 1))
        criterion = nn.BCEWithLogitsLoss()
        loss = criterion(torch.sigmoid(model(x)), y)
        fine = nn.BCELoss()(model(x).sigmoid(), y)
        """
    ) == ["HL005"]


def test_a_raw_output_stays_raw_through_shape_methods_but_not_through_a_clamp():
    assert lint(
        """
        import torch
        from torch import nn

        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
        bce = nn.BCELoss()
        loss = bce(model(x).squeeze(1), y)
        clamped = bce(model(x).clamp(0, 1), y)
        """
    ) == [("HL007", 5)]


def test_an_unknown_last_module_is_never_a_raw_output():
    assert codes(
        """
        import torch
        from torch import nn

        model = nn.Sequential(nn.Linear(10, 1), make_head())
        loss = nn.BCELoss()(model(x), y) + nn.NLLLoss()(model(x), c) + nn.CrossEntropyLoss()(model(x), c)
        """
    ) == []


def test_softmax_written_into_the_nll_call():
    assert lint(
        """
        import torch.nn.functional as F
        from torch import nn

        net = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 5))
        loss = F.nll_loss(F.softmax(net(x), dim=1), y)
        ok = F.nll_loss(F.log_softmax(net(x), dim=1), y)
        """
    ) == [("HL006", 6)]


def test_a_one_unit_score_is_fine_once_viewed_as_choices_but_not_squeezed_into_nothing():
    assert codes(
        """
        import torch
        from torch import nn

        scorer = nn.Sequential(nn.Linear(64, 1))
        loss = nn.CrossEntropyLoss()(scorer(pairs).view(-1, 4), answer)
        ranker = nn.Sequential(nn.Linear(64, 1))
        listwise = nn.CrossEntropyLoss()(ranker(candidates).T, best)  # (1, candidates)
        one = nn.CrossEntropyLoss()(scorer(pairs), answer)
        """
    ) == ["HL010"]


def test_a_cast_to_a_float_tensor_type_keeps_the_output_and_an_integer_one_does_not():
    code = """
        import torch
        import torch.nn as nn

        model = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())
        criterion = nn.BCEWithLogitsLoss()
        for x, y in loader:
            criterion(model(x).type(TYPE), y).backward()
    """
    assert lint(code.replace("TYPE", "torch.cuda.FloatTensor")) == [("HL005", 5)]
    assert lint(code.replace("TYPE", "torch.float32")) == [("HL005", 5)]
    assert lint(code.replace("TYPE", "torch.LongTensor")) == []


def test_a_validation_step_loss_on_a_sigmoid_with_a_logits_loss_is_reported_as_an_evaluation_number():
    findings = check_text(textwrap.dedent(
        """
        import torch
        import torch.nn as nn
        import pytorch_lightning as pl

        class Detector(pl.LightningModule):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(32, 1)
                self.criterion = nn.BCEWithLogitsLoss()

            def training_step(self, batch, batch_idx):
                x, y = batch
                return self.criterion(self.fc(x), y)

            def validation_step(self, batch, batch_idx):
                x, y = batch
                self.log("val_loss", self.criterion(torch.sigmoid(self.fc(x)), y))
        """), "snippet.py").findings
    assert [(f.code, f.span.line) for f in findings] == [("HL005", 18)]
    assert "on this evaluation path" in findings[0].message and "gradients" not in findings[0].message


def test_resampling_keeps_a_sigmoid_map_what_it_is():
    # F.interpolate / nn.Upsample average neighbouring values: the map stays in (0, 1)
    source = """
        import torch.nn as nn
        import torch.nn.functional as F

        class Seg(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(16, 1, 1)
                self.up = nn.Upsample(scale_factor=4, mode="bilinear")

            def forward(self, x):
                score = self.conv(x).sigmoid()
                return RESAMPLE

        model, criterion = Seg(), nn.BCEWithLogitsLoss()
        for x, mask in loader:
            criterion(model(x), mask).backward()
        """
    assert codes(source.replace("RESAMPLE", 'F.interpolate(score, scale_factor=4, mode="bilinear")')) == ["HL005"]
    assert codes(source.replace("RESAMPLE", "self.up(score)")) == ["HL005"]
    assert codes(source.replace(".sigmoid()", "").replace("RESAMPLE", "F.interpolate(score, size=(64, 64))")) == []


def test_hl006_a_sigmoid_output_into_nll_is_probabilities_not_log_probabilities():
    assert lint(
        """
        import torch
        import torch.nn as nn

        class Recommender(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(64, 1)

            def forward(self, x):
                return torch.sigmoid(self.fc(x))

        model, criterion = Recommender(), nn.NLLLoss()
        for x, label in loader:
            criterion(model(x), label).backward()
        """
    ) == [("HL006", 11)]


NLL_EVALUATED = """
import torch
import torch.nn.functional as F
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        return F.softmax(self.fc(x.view(x.size(0), -1)), dim=1)

def train(model, loader, optimizer):
    for data, target in loader:
        loss = F.nll_loss(torch.log(model(data)), target)
        loss.backward()

def test(model, loader):
    with torch.no_grad():
        for data, target in loader:
            total = F.nll_loss(EVALUATED, target, reduction="sum").item()

model = Net()
train(model, train_loader, optimizer)
test(model, test_loader)
"""


def test_a_test_loop_that_forgets_the_log_reports_no_log_loss():
    (finding,) = check_text(textwrap.dedent(NLL_EVALUATED.replace("EVALUATED", "model(data)")), "m.py").findings
    assert (finding.code, finding.span.line) == ("HL006", 12)
    assert "on this evaluation path the loss it reports is -p[target]" in finding.message
    assert finding.fix is None  # log_softmax in the model would break the training path's torch.log
    assert lint(NLL_EVALUATED.replace("EVALUATED", "torch.log(model(data))")) == []


RELATIVISTIC = """
import torch
from torch import nn

class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 64, 3), nn.LeakyReLU(0.2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(64, 1)

    def forward(self, x):
        return self.classifier(self.features(x))

discriminator = Discriminator()
criterion = LOSS
for hr, sr in loader:
    hr_output, sr_output = discriminator(hr), discriminator(sr)
    d_loss = criterion(hr_output - torch.mean(sr_output), torch.ones_like(hr_output))
    d_loss.backward()
"""


def test_a_raw_score_less_another_is_still_raw():
    """A relativistic GAN's discriminator score (ESRGAN): ``d(real) - mean(d(fake))`` is
    no probability, so BCELoss on it is HL007; BCEWithLogitsLoss is the right pair."""
    assert lint(RELATIVISTIC.replace("LOSS", "nn.BCELoss()")) == [("HL007", 9)]
    assert lint(RELATIVISTIC.replace("LOSS", "nn.BCEWithLogitsLoss()")) == []


LAYER_LIST = """
import torch.nn as nn

def make_layers(sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    {trim}
    layers.append({last})
    return nn.Sequential(*layers)

model = make_layers([784, 256, 10])
criterion = nn.CrossEntropyLoss()
for x, y in train_loader:
    loss = criterion(model(x), y)
    loss.backward()
"""


def test_a_layer_list_grown_with_plus_equals_and_sliced_keeps_its_last_module():
    assert codes(LAYER_LIST.format(trim="layers = layers[:-1]", last="nn.Softmax(dim=1)")) == ["HL001"]
    assert codes(LAYER_LIST.format(trim="layers = layers[0:-1:1]", last="nn.Softmax(dim=1)")) == ["HL001"]
    assert codes(LAYER_LIST.format(trim="layers = layers[:-1]", last="nn.Identity()")) == []
    # a bound that is not a literal: which modules are left is not known
    assert codes(LAYER_LIST.format(trim="layers = layers[:keep]", last="nn.Softmax(dim=1)")) == []


def test_a_loss_or_model_named_by_a_literal_through_getattr():
    head = "import torch\nfrom torch import nn\nnet = nn.Sequential(nn.Linear(16, 4), nn.Softmax(dim=1))\n"
    assert codes(head + 'crit = getattr(nn, "CrossEntropyLoss")()\nloss = crit(net(x), y)\n') == ["HL001"]
    assert codes(head + 'def build(name):\n    return getattr(nn, name)()\n'
                 'loss = build("CrossEntropyLoss")(net(x), y)\n') == ["HL001"]
    assert codes(head + 'crit = getattr(nn, "NLLLoss")()\nloss = crit(torch.log(net(x)), y)\n') == []
    # a name not known: nothing to judge, and a default stands in for a missing attribute
    assert codes(head + 'crit = getattr(nn, args.loss)()\nloss = crit(net(x), y)\n') == []
    assert codes(head + 'class Options:\n    pass\n'
                 'crit = getattr(Options, "loss", nn.CrossEntropyLoss)()\nloss = crit(net(x), y)\n') == ["HL001"]
    # of a module not known, the attribute may well exist: neither it nor the default is assumed
    assert codes(head + 'crit = getattr(losses, "Focal", nn.CrossEntropyLoss)()\nloss = crit(net(x), y)\n') == []


def test_a_sequential_filled_by_add_module_or_attribute_assignment():
    # d2l's fine-tuning nets: ``net = nn.Sequential(); net.features = ...; net.output_new = ...``
    start = "import torch\nfrom torch import nn\nnet = nn.Sequential()\n"
    train = "loss = nn.CrossEntropyLoss()(net(torch.randn(8, 4)), torch.randint(0, 3, (8,)))\n"
    assigned = "net.features = nn.Linear(4, 16)\nnet.output_new = nn.Sequential(nn.Linear(16, 3), nn.Softmax(dim=1))\n"
    assert codes(start + assigned + train) == ["HL001"]
    assert codes(start + 'net.add_module("fc", nn.Linear(4, 3))\nnet.add_module("sm", nn.Softmax(dim=1))\n' + train) == ["HL001"]
    # a plain attribute is not a layer of the stack
    assert codes(start + assigned.replace(", nn.Softmax(dim=1)", "") + "net.name = 'dogs'\n" + train) == []
