"""The tasks keras_hub builds on a backbone (ImageClassifier, BertTextClassifier,
DeepLabV3ImageSegmenter, ...): a Dense or 1x1 Conv2D head of ``num_classes`` units (no default)
with ``activation=None`` (logits) unless told otherwise. Each is usually built with
``X.from_preset(preset, num_classes=..., activation=...)``: those keys (derived below) read both
arguments by keyword only, the first positional being the preset. keras_hub also compiles the task
itself with a crossentropy whose from_logits follows the activation; the rows do not model that.
"""

from __future__ import annotations

from dataclasses import replace

from ..rows import KERAS, LibraryHead

READ_FROM = "keras_hub 0.32.0: keras_hub/src/models/"

# The activation values Task heads accept as written (keras.activations.get; None: no activation).
_ACTIVATIONS = (
    ("None", "identity", None),
    ("softmax", "softmax", -1),
    ("sigmoid", "sigmoid", None),
    ("linear", "identity", None),
    ("log_softmax", "log_softmax", -1),
)

_FAMILIES = (
    # ImageClassifier and the image classifiers that keep its __init__ (CSPNet, DenseNet, EfficientNet, MiT,
    # ResNet, Xception): (backbone, num_classes, preprocessor, pooling, activation, dropout, head_dtype).
    (
        (
            "keras_hub.models.ImageClassifier", "keras_hub.models.CSPNetImageClassifier",
            "keras_hub.models.DenseNetImageClassifier", "keras_hub.models.EfficientNetImageClassifier",
            "keras_hub.models.MiTImageClassifier", "keras_hub.models.ResNetImageClassifier",
            "keras_hub.models.XceptionImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/image_classifier.py:91",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=4,
            activations=_ACTIVATIONS,
        ),
    ),
    # DeiTImageClassifier: the same order (pooling defaults to "token").
    (
        (
            "keras_hub.models.DeiTImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/deit/deit_image_classifier.py:107",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=4,
            activations=_ACTIVATIONS,
        ),
    ),
    # ViTImageClassifier: (backbone, num_classes, preprocessor, pooling, intermediate_dim, activation, ...).
    (
        (
            "keras_hub.models.ViTImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/vit/vit_image_classifier.py:110",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=5,
            activations=_ACTIVATIONS,
        ),
    ),
    # SwinTransformerImageClassifier: (backbone, num_classes, preprocessor, activation, ...).
    (
        (
            "keras_hub.models.SwinTransformerImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/swin_transformer/swin_transformer_image_classifier.py:88",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=3,
            activations=_ACTIVATIONS,
        ),
    ),
    # VGGImageClassifier: (backbone, num_classes, preprocessor, pooling, pooling_hidden_dim, activation, ...).
    (
        (
            "keras_hub.models.VGGImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/vgg/vgg_image_classifier.py:105",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=5,
            activations=_ACTIVATIONS,
        ),
    ),
    # HGNetV2ImageClassifier: (backbone, preprocessor, num_classes, head_filters, pooling, activation, ...):
    # num_classes comes after preprocessor.
    (
        (
            "keras_hub.models.HGNetV2ImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/hgnetv2/hgnetv2_image_classifier.py:106",
            layer="dense",
            units_param="num_classes",
            units_pos=2,
            default_units=None,
            activation_param="activation",
            activation_pos=5,
            activations=_ACTIVATIONS,
        ),
    ),
    # MobileNetImageClassifier: no activation argument, Dense(num_classes): always logits.
    (
        (
            "keras_hub.models.MobileNetImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/mobilenet/mobilenet_image_classifier.py:17",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
        ),
    ),
    # MobileNetV5ImageClassifier: no activation argument, Dense(num_classes): always logits.
    (
        (
            "keras_hub.models.MobileNetV5ImageClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/mobilenetv5/mobilenetv5_image_classifier.py:79",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
        ),
    ),
    # Text classifiers (TextClassifier, alias Classifier, and Bert/Albert/FNet/DebertaV3/DistilBert/Roberta/
    # RoformerV2/XLMRoberta/ESMProtein): (backbone, num_classes, preprocessor, activation, ...).
    (
        (
            "keras_hub.models.Classifier", "keras_hub.models.TextClassifier", "keras_hub.models.BertClassifier",
            "keras_hub.models.BertTextClassifier", "keras_hub.models.AlbertClassifier",
            "keras_hub.models.AlbertTextClassifier", "keras_hub.models.FNetClassifier",
            "keras_hub.models.FNetTextClassifier", "keras_hub.models.DebertaV3Classifier",
            "keras_hub.models.DebertaV3TextClassifier", "keras_hub.models.DistilBertClassifier",
            "keras_hub.models.DistilBertTextClassifier", "keras_hub.models.RobertaClassifier",
            "keras_hub.models.RobertaTextClassifier", "keras_hub.models.RoformerV2TextClassifier",
            "keras_hub.models.XLMRobertaClassifier", "keras_hub.models.XLMRobertaTextClassifier",
            "keras_hub.models.ESMProteinClassifier",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/bert/bert_text_classifier.py:126",
            layer="dense",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=3,
            activations=_ACTIVATIONS,
        ),
    ),
    # DeepLabV3ImageSegmenter: (backbone, num_classes, activation, preprocessor); a 1x1
    # Conv2D(num_classes, activation=activation), channels_last: the class axis is -1.
    (
        (
            "keras_hub.models.DeepLabV3ImageSegmenter",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/deeplab_v3/deeplab_v3_segmenter.py:66",
            layer="conv",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
            activation_param="activation",
            activation_pos=2,
            activations=_ACTIVATIONS,
        ),
    ),
    # SegFormerImageSegmenter: (backbone, num_classes, preprocessor); a 1x1 Conv2D with no activation.
    (
        (
            "keras_hub.models.SegFormerImageSegmenter",
        ),
        LibraryHead(
            framework=KERAS,
            read_from="keras_hub 0.32.0: keras_hub/src/models/segformer/segformer_image_segmenter.py:119",
            layer="conv",
            units_param="num_classes",
            units_pos=1,
            default_units=None,
        ),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}
# ``X.from_preset(preset, num_classes=..., activation=...)``: keyword arguments only.
HEADS.update(
    {f"{name}.from_preset": replace(row, units_pos=None, activation_pos=None) for name, row in list(HEADS.items())}
)
