"""The library tables (headlint/vocabulary/libraries/) pinned to the facts they encode,
read from each library's source at the version its module names (issue #14). The facts
are written here as literals: a row that drifts from them fails here."""

import re

import pytest

from headlint.names import canonical
from headlint.records import Framework
from headlint.vocabulary import libraries as L
from headlint import vocabulary as V

HEADS, LOSSES, NETS = L.HEADS, L.LOSSES, L.NETS
ALL_ROWS = {**HEADS, **LOSSES, **NETS}


# --- keras.applications (Keras 3.15.1, tf_keras 2.21.0) ------------------------------


def test_keras_resnet50_classes_at_5_default_1000_softmax():
    row = HEADS["keras.applications.ResNet50"]
    assert (row.framework, row.layer) == (Framework.KERAS, "dense")
    assert (row.units_param, row.units_pos, row.default_units) == ("classes", 5, 1000)
    assert (row.activation_param, row.default_activation) == ("classifier_activation", "softmax")
    assert row.top_param == "include_top"
    # Keras 3 takes classifier_activation at 6, tf_keras ResNet50 only by keyword
    assert row.activation_pos is None


def test_tf_keras_spellings_are_the_keras_rows():
    for spelling in ("tensorflow.keras.applications.ResNet50", "tf_keras.applications.ResNet50",
                     "tensorflow.keras.applications.resnet50.ResNet50"):
        assert canonical(spelling) in HEADS


def test_keras_vgg16_positions_agree_in_both_versions():
    row = HEADS["keras.applications.VGG16"]
    assert (row.units_pos, row.activation_pos) == (5, 6)


def test_keras_convnext_positions_disagree_so_are_left_out():
    # Keras 3: classes 6, classifier_activation 7; tf_keras (model_name first): 7 and 8
    row = HEADS["keras.applications.ConvNeXtTiny"]
    assert (row.units_pos, row.activation_pos) == (None, None)
    assert row.default_activation == "softmax"


def test_keras_mobilenet_v3_classes_before_pooling():
    row = HEADS["keras.applications.MobileNetV3Small"]
    assert (row.units_pos, row.activation_pos, row.layer) == (6, 9, "conv")
    assert (HEADS["keras.applications.MobileNet"].units_pos, HEADS["keras.applications.MobileNet"].activation_pos) == (8, 9)


def test_keras_regnet_ignores_classifier_activation():
    row = HEADS["keras.applications.RegNetX002"]
    assert row.default_activation == "identity"
    assert {kind for _, kind, _ in row.activations} == {"identity"}
    assert (row.units_pos, row.activation_pos) == (7, 8)


def test_keras_resnet_rs_classes_at_2():
    assert HEADS["keras.applications.ResNetRS50"].units_pos == 2


def test_keras_activation_values():
    acts = {value: (kind, axis) for value, kind, axis in HEADS["keras.applications.ResNet50"].activations}
    assert acts["softmax"] == ("softmax", -1)
    assert acts["None"] == acts["linear"] == ("identity", None)
    assert acts["sigmoid"] == ("sigmoid", None)
    assert "log_softmax" not in acts  # Keras 3 only: unknown, the quieter choice


# --- keras_hub 0.32.0 ------------------------------------------------------------------


def test_keras_hub_classifier_and_its_from_preset():
    row = HEADS["keras_hub.models.ResNetImageClassifier"]
    assert (row.units_param, row.units_pos, row.default_units) == ("num_classes", 1, None)
    assert (row.activation_param, row.activation_pos, row.default_activation) == ("activation", 4, "identity")
    preset = HEADS["keras_hub.models.ResNetImageClassifier.from_preset"]
    assert (preset.units_pos, preset.activation_pos) == (None, None)
    assert preset.units_param == "num_classes"
    assert HEADS["keras_hub.models.HGNetV2ImageClassifier"].units_pos == 2
    assert HEADS["keras_hub.models.MobileNetImageClassifier"].activation_param is None


# --- torchvision 0.29.1 ----------------------------------------------------------------


def test_torchvision_resnet18_num_classes_keyword_default_1000():
    row = HEADS["torchvision.models.resnet18"]
    assert (row.units_param, row.units_pos, row.default_units) == ("num_classes", None, 1000)
    assert (row.layer, row.default_activation, row.output) == ("linear", "identity", "tensor")
    assert HEADS["torchvision.models.video.r3d_18"].default_units == 400


def test_torchvision_segmentation_returns_a_dict_of_21_classes_on_axis_1():
    row = HEADS["torchvision.models.segmentation.deeplabv3_resnet50"]
    assert (row.default_units, row.output, row.axis, row.layer) == (21, "dict", 1, "conv")
    assert HEADS["torchvision.models.segmentation.lraspp_mobilenet_v3_large"].output == "dict"


# --- timm 1.0.31 -----------------------------------------------------------------------


def test_timm_create_model_num_classes_has_no_known_default():
    row = HEADS["timm.create_model"]
    assert (row.units_param, row.units_pos, row.default_units) == ("num_classes", None, None)
    assert (row.layer, row.default_activation, row.activation_param) == ("linear", "identity", None)


# --- segmentation_models_pytorch 0.6.0 -------------------------------------------------


def test_smp_unet_classes_and_activation_positions():
    row = HEADS["segmentation_models_pytorch.Unet"]
    assert (row.units_param, row.units_pos, row.default_units) == ("classes", 8, 1)
    assert (row.activation_param, row.activation_pos, row.default_activation) == ("activation", 9, "identity")
    assert (row.layer, row.axis) == ("conv", 1)
    assert HEADS["segmentation_models_pytorch.create_model"].activation_pos is None


def test_smp_activation_values():
    acts = {value: (kind, axis) for value, kind, axis in HEADS["segmentation_models_pytorch.Unet"].activations}
    assert acts["sigmoid"] == ("sigmoid", None)
    assert acts["softmax2d"] == acts["softmax"] == ("softmax", 1)
    assert acts["None"] == ("identity", None)
    assert not {"argmax", "argmax2d", "clamp"} & set(acts)  # no such kind: unknown


def test_smp_dice_loss_takes_logits_by_default():
    row = LOSSES["segmentation_models_pytorch.losses.DiceLoss"]
    assert row.from_logits_default is True
    assert (row.from_logits_param, row.from_logits_pos) == ("from_logits", 3)
    assert (row.mode_param, row.mode_pos) == ("mode", 0)
    applies = dict(row.applies)
    assert applies["binary"] == "sigmoid" and applies["multiclass"] == "softmax"


def test_smp_focal_is_sigmoid_even_for_multiclass():
    row = LOSSES["segmentation_models_pytorch.losses.FocalLoss"]
    assert dict(row.applies)["multiclass"] == "sigmoid"
    assert row.from_logits_pos == 4


def test_smp_lovasz_never_reads_from_logits():
    row = LOSSES["segmentation_models_pytorch.losses.LovaszLoss"]
    assert row.from_logits_param is None
    assert dict(row.applies) == {"multiclass": "softmax"}


def test_smp_losses_that_always_take_logits_or_probabilities():
    assert LOSSES["segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss"].applies == (("*", "sigmoid"),)
    assert LOSSES["segmentation_models_pytorch.losses.SoftCrossEntropyLoss"].applies == (("*", "softmax"),)
    for name in ("segmentation_models_pytorch.utils.losses.DiceLoss", "segmentation_models_pytorch.losses.MCCLoss"):
        row = LOSSES[name]
        assert (row.applies, row.from_logits_param, row.from_logits_default) == ((), None, False)


# --- transformers 5.25.0 (and 4.57.6 for TensorFlow) -----------------------------------


def test_transformers_sequence_classification():
    for name in ("transformers.AutoModelForSequenceClassification.from_pretrained",
                 "transformers.BertForSequenceClassification"):
        row = HEADS[name]
        # num_labels defaults to 2 in a fresh config, but a fine-tuned checkpoint keeps its
        # own count (an MNLI model has 3): without num_labels= the count is unknown
        assert (row.units_param, row.units_pos, row.default_units) == ("num_labels", None, None)
        assert (row.output, row.library_loss, row.framework) == ("hf", "hf_sequence", Framework.TORCH)


def test_transformers_token_audio_image_and_tf_losses():
    assert HEADS["transformers.AutoModelForTokenClassification.from_pretrained"].library_loss == "hf_token"
    assert HEADS["transformers.Wav2Vec2ForSequenceClassification"].library_loss == "hf_token"
    assert HEADS["transformers.ViTForImageClassification"].library_loss == "hf_sequence"
    tf = HEADS["transformers.TFAutoModelForSequenceClassification.from_pretrained"]
    assert (tf.framework, tf.layer, tf.library_loss, tf.output) == (Framework.KERAS, "dense", "hf_sequence", "hf")


# --- skorch 1.4.0 ----------------------------------------------------------------------


def test_skorch_default_criteria():
    classifier = NETS["skorch.NeuralNetClassifier"]
    assert (classifier.module_pos, classifier.criterion_pos) == (0, None)
    assert classifier.default_criterion == classifier.log_before == "torch.nn.NLLLoss"
    assert NETS["skorch.NeuralNetBinaryClassifier"].default_criterion == "torch.nn.BCEWithLogitsLoss"
    assert NETS["skorch.NeuralNetRegressor"].default_criterion == "torch.nn.MSELoss"
    net = NETS["skorch.NeuralNet"]
    assert (net.criterion_pos, net.default_criterion) == (1, None)


def test_ray_skorch_takes_the_criterion_second_with_no_default():
    # RayTrainNeuralNet(module, criterion, num_workers, ...) (ray_skorch 0.0.3, base.py:422)
    ray = NETS["ray_skorch.RayTrainNeuralNet"]
    assert (ray.module_pos, ray.criterion_pos, ray.default_criterion, ray.log_before) == (0, 1, None, None)
    assert NETS["ray_skorch.base.RayTrainNeuralNet"] == ray


# --- every row ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", L.TABLES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_module_names_what_it_was_read_from(module):
    assert re.search(r"\d+\.\d+", module.READ_FROM)
    assert isinstance(module.HEADS, dict)


def test_every_row_names_a_version():
    missing = [name for name, row in ALL_ROWS.items() if not re.search(r"\d+\.\d+", row.read_from)]
    assert not missing


def test_every_key_is_canonical():
    assert [name for name in ALL_ROWS if canonical(name) != name] == []


def test_every_activation_is_a_known_kind():
    kinds = {"softmax", "log_softmax", "sigmoid", "tanh", "identity", "relu", "softplus", "exp"}
    for name, row in HEADS.items():
        assert row.default_activation in kinds, name
        for value, kind, axis in row.activations:
            assert kind in kinds and isinstance(value, str), name
            assert (axis is None) == (kind not in ("softmax", "log_softmax")), name


def test_every_row_is_under_a_prefix_the_engine_loads_the_tables_for():
    from headlint.frameworks.libraries import PREFIXES

    for table in (HEADS, LOSSES, NETS):
        assert all(name.startswith(PREFIXES) for name in table)



# --- training loops: pytorch-ignite 0.5.5, poutyne 1.19.0, torchbearer 0.5.5 ----------------


def test_ignite_steps_take_model_first_and_loss_third_and_train_when_built():
    for name in ("create_supervised_trainer", "supervised_training_step", "supervised_training_step_amp",
                 "supervised_training_step_apex", "supervised_training_step_tpu"):
        row = NETS[f"ignite.engine.{name}"]
        assert (row.module_param, row.module_pos, row.criterion_param, row.criterion_pos) == ("model", 0, "loss_fn", 2)
        assert row.trains_on == () and row.default_criterion is None


def test_poutyne_names_its_losses_as_its_registry_does():
    from headlint.vocabulary.libraries.trainers import poutyne_key

    row = NETS["poutyne.Model"]
    names = dict(row.criterion_names)
    assert names[poutyne_key("cross_entropy")] == "torch.nn.functional.cross_entropy"
    assert names[poutyne_key("BCEWithLogitsLoss")] == "torch.nn.functional.binary_cross_entropy_with_logits"
    assert names[poutyne_key("bce")] == "torch.nn.functional.binary_cross_entropy"
    # the names of losses headlint has rows for resolve to those rows; the others stay unknown
    assert {"crossentropy", "nll", "mse", "l1", "smoothl1", "bce", "bcewithlogits", "kldiv"} <= {
        key for key, function in names.items() if function in V.LOSS_FUNCTIONS}
    assert NETS["poutyne.framework.model.Model"] == row and "fit_generator" in row.trains_on


def test_torchbearer_trial_trains_on_run_and_its_builders_return_the_trial():
    row = NETS["torchbearer.Trial"]
    assert (row.criterion_param, row.criterion_pos, row.trains_on) == ("criterion", 2, ("run",))
    assert {"with_generators", "with_train_data", "to"} <= set(row.chains)


def test_torchvision_module_classes_are_bases_under_their_module_and_their_re_exports():
    bases = L.MODULE_BASES
    for name in ("torchvision.models.vgg.VGG", "torchvision.models.VGG", "torchvision.models.resnet.ResNet",
                 "torchvision.models.ResNet", "torchvision.models.resnet.BasicBlock",
                 "torchvision.models.detection.FasterRCNN"):
        assert bases[name] is Framework.TORCH, name
    assert "torchvision.models.vgg.VGG16_Weights" not in bases  # an enum, not a module
    from headlint.frameworks.libraries import PREFIXES

    assert all(name.startswith(PREFIXES) and canonical(name) == name for name in bases)
