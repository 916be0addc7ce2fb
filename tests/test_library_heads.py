"""Heads that libraries build from arguments (frameworks/libraries.py): what the
arguments decide, and where the head stays unknown so the rules stay silent."""

import pytest

from conftest import lint


def test_keras_application_without_its_top_has_no_head_of_its_own():
    assert lint(
        """
        import keras
        base = keras.applications.ResNet50(include_top=False, weights=None, input_shape=(64, 64, 3))
        base.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        """
    ) == []


def test_keras_application_top_given_by_position_is_not_guessed():
    assert lint(
        """
        import keras
        model = keras.applications.VGG16(True, None, classes=10)
        model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        """
    ) == []


def test_classifier_activation_from_a_variable_is_unknown():
    assert lint(
        """
        import keras
        model = keras.applications.MobileNetV2(weights=None, classes=3, classifier_activation=ACTIVATION)
        model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
        """
    ) == []


def test_classifier_activation_sigmoid_with_binary_from_logits_is_a_double_sigmoid():
    assert lint(
        """
        import keras
        model = keras.applications.DenseNet121(weights=None, classes=5, classifier_activation="sigmoid")
        model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
        """
    ) == [("HL005", 3)]


def test_smp_softmax2d_into_cross_entropy_is_a_double_softmax():
    assert lint(
        """
        import torch
        import segmentation_models_pytorch as smp
        model = smp.FPN("resnet34", classes=4, activation="softmax2d")
        criterion = torch.nn.CrossEntropyLoss()
        for images, masks in loader:
            criterion(model(images), masks).backward()
        """
    ) == [("HL001", 4)]


def test_smp_dice_loss_on_probabilities_takes_a_sigmoid_output():
    assert lint(
        """
        import torch
        import segmentation_models_pytorch as smp
        model = smp.Unet("resnet34", classes=1, activation="sigmoid")
        dice = smp.losses.DiceLoss("binary", from_logits=False)
        for images, masks in loader:
            dice(model(images), masks).backward()
        """
    ) == []


def test_smp_multiclass_dice_applies_softmax():
    assert lint(
        """
        import torch
        import segmentation_models_pytorch as smp
        model = smp.Unet("resnet34", classes=3, activation="softmax2d")
        dice = smp.losses.DiceLoss(smp.losses.MULTICLASS_MODE)
        for images, masks in loader:
            dice(model(images), masks).backward()
        """
    ) == [("HL001", 4)]


def test_hugging_face_model_given_labels_trains_its_own_loss_on_its_logits():
    # two labels: the model's own cross-entropy on raw logits, nothing to report
    assert lint(
        """
        from transformers import AutoModelForSequenceClassification
        model = AutoModelForSequenceClassification.from_pretrained("bert-base-uncased", num_labels=2)
        for batch in loader:
            outputs = model(**batch, labels=batch["labels"])
            outputs.loss.backward()
            predictions = outputs.logits.argmax(dim=-1)
        """
    ) == []


def test_hugging_face_checkpoint_label_count_is_unknown_without_num_labels():
    assert lint(
        """
        from transformers import AutoModelForSequenceClassification
        model = AutoModelForSequenceClassification.from_pretrained("textattack/bert-base-uncased-MNLI")
        for batch in loader:
            predictions = model(**batch).logits.argmax(dim=-1)
        """
    ) == []


def test_skorch_binary_classifier_module_ending_in_sigmoid_is_a_double_sigmoid():
    assert lint(
        """
        import torch.nn as nn
        from skorch import NeuralNetBinaryClassifier

        class Scorer(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 1)

            def forward(self, X):
                return nn.functional.sigmoid(self.fc(X))

        NeuralNetBinaryClassifier(Scorer, max_epochs=5).fit(X, y)
        """
    ) == [("HL005", 11)]


def test_skorch_classifier_given_an_nll_instance_still_takes_the_log():
    assert lint(
        """
        import torch.nn as nn
        from skorch import NeuralNetClassifier

        class Classifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(10, 3)
                self.softmax = nn.Softmax(dim=-1)

            def forward(self, X):
                return self.softmax(self.fc(X))

        net = NeuralNetClassifier(Classifier, criterion=nn.NLLLoss())
        net.fit(X, y)
        """
    ) == []


# --- training loops a library runs: ignite, poutyne, torchbearer -------------------------


def test_ignite_trainer_given_a_softmax_model_and_cross_entropy_is_a_double_softmax():
    assert lint(
        """
        import torch
        from torch import nn
        from ignite.engine import create_supervised_trainer

        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=1))
        loss_fn = nn.CrossEntropyLoss()
        trainer = create_supervised_trainer(model, torch.optim.Adam(model.parameters()), loss_fn)
        trainer.run(train_loader, max_epochs=5)
        """
    ) == [("HL001", 6)]


def test_ignite_trainer_given_logits_is_silent():
    assert lint(
        """
        import torch
        from torch import nn
        from ignite.engine import create_supervised_trainer

        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        trainer = create_supervised_trainer(model, optimizer, nn.CrossEntropyLoss())
        """
    ) == []


def test_ignite_trainer_calls_the_users_own_loss_function_with_the_output():
    assert lint(
        """
        import torch.nn.functional as F
        from torch import nn
        from ignite.engine import supervised_training_step

        def loss_fn(y_pred, y):
            return F.nll_loss(y_pred, y)

        model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
        update = supervised_training_step(model, optimizer, loss_fn=loss_fn)
        """
    ) == [("HL006", 9)]


def test_poutyne_takes_the_loss_by_the_name_it_normalises():
    # poutyne lower-cases the name, drops a trailing "loss" and the underscores
    assert lint(
        """
        import torch.nn as nn
        from poutyne import Model

        net = nn.Sequential(nn.Linear(20, 1), nn.Sigmoid())
        model = Model(net, "adam", "BCEWithLogitsLoss")
        model.fit(x, y, epochs=5)
        """
    ) == [("HL005", 5)]


def test_poutyne_model_trains_only_when_fit():
    source = """
        import torch.nn as nn
        import poutyne

        net = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
        model = poutyne.Model(net, "sgd", "cross_entropy").to("cpu")
        {call}
        """
    assert lint(source.format(call="model.fit_generator(loader)")) == [("HL001", 5)]
    assert lint(source.format(call="model.evaluate_generator(loader)")) == []


def test_poutyne_unknown_loss_name_is_unknown():
    assert lint(
        """
        import torch.nn as nn
        from poutyne import Model

        net = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
        Model(net, "sgd", "my_registered_loss").fit(x, y)
        """
    ) == []


def test_torchbearer_trial_trains_when_run_after_its_builder_methods():
    assert lint(
        """
        import torch.nn as nn
        from torchbearer import Trial

        net = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))
        trial = Trial(net, optimizer, nn.CrossEntropyLoss(), metrics=["acc"]).with_generators(train_loader).to("cpu")
        trial.run(epochs=3)
        """
    ) == [("HL001", 5)]


# --- a user's subclass of a library's module class ---------------------------------------


def test_a_subclass_of_a_torchvision_model_class_is_a_module_evaluated_through_its_own_forward():
    source = """
        import torch
        from torch import nn
        import torch.nn.functional as F
        from torchvision.models import {base_import}

        class Features({base}):
            def __init__(self, features, num_classes=1000):
                super().__init__(features, num_classes)
                self.head = nn.Linear(4096, num_classes)

            def forward(self, x):
                x = x.view(x.size(0), -1)
                return F.softmax(self.head(x), dim=0)

        model = Features(None)
        traced = torch.jit.trace(model.eval(), torch.rand(1, 3, 224, 224))
        """
    assert lint(source.format(base_import="vgg", base="vgg.VGG")) == [("HL008", 14)]
    assert lint(source.format(base_import="VGG", base="VGG")) == [("HL008", 14)]
    # a class of the library that is not a module is not a module base
    assert lint(source.format(base_import="vgg", base="vgg.VGG16_Weights")) == []


TRANSFER = """
import torch
from torch import nn
from torchvision import models
model = models.{arch}(weights="IMAGENET1K_V1")
{replace}
loss = nn.{loss}()(model(x), y)
"""


@pytest.mark.parametrize(
    "arch, replace, loss, expected",
    [
        # transfer learning replaces the head: the new one is judged, not the library's
        ("resnet18", "model.fc = nn.Sequential(nn.Linear(512, 10), nn.LogSoftmax(dim=1))", "NLLLoss", []),
        ("resnet18", "model.fc = nn.Sequential(nn.Linear(512, 10), nn.Softmax(dim=1))", "CrossEntropyLoss", ["HL001"]),
        ("resnet18", "model.fc = nn.Linear(512, 10)", "NLLLoss", ["HL006"]),
        ("vgg19", "heads = {'final': nn.Sequential(nn.Linear(25088, 2), nn.LogSoftmax(dim=1))}\n"
                  "model.classifier = heads['final']", "NLLLoss", []),
        # an item of the classifier: a raw layer keeps the head raw; another one, not known
        ("vgg16", "model.classifier[6] = nn.Linear(4096, 2)", "NLLLoss", ["HL006"]),
        ("vgg16", "model.classifier[-1] = nn.Sequential(nn.Linear(4096, 2), nn.LogSoftmax(dim=1))", "NLLLoss", []),
        ("vgg16", "model.classifier[3] = nn.Sequential(nn.Linear(4096, 4096), nn.Sigmoid())", "NLLLoss", []),
        # a module that is not known: the library's head is no longer what is trained
        ("resnet18", "model.fc = make_head(512, 10)", "NLLLoss", []),
        # another attribute leaves the head as the library built it
        ("vgg16", "model.avgpool = nn.AdaptiveAvgPool2d(1)", "NLLLoss", ["HL006"]),
    ],
)
def test_a_torch_library_model_whose_head_attribute_is_replaced(arch, replace, loss, expected):
    assert [code for code, _ in lint(TRANSFER.format(arch=arch, replace=replace, loss=loss))] == expected
