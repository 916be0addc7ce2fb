"""The tasks keras_hub builds on a backbone (ImageClassifier, BertTextClassifier,
DeepLabV3ImageSegmenter, ...): a Dense or 1x1 Conv2D head of ``num_classes`` units (no default)
with ``activation=None`` (logits) unless told otherwise. Each is usually built with
``X.from_preset(preset, num_classes=..., activation=...)``: those keys (derived below) read both
arguments by keyword only, the first positional being the preset. keras_hub also compiles the task
itself with a crossentropy whose from_logits follows the activation; the rows do not model that.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from .rows import KERAS, LibraryHead

READ_FROM = "keras_hub 0.32.0: keras_hub/src/models/"

# The activation values Task heads accept as written (keras.activations.get; None: no activation).
_ACTIVATIONS = (
    ("None", "identity", None),
    ("softmax", "softmax", -1),
    ("sigmoid", "sigmoid", None),
    ("linear", "identity", None),
    ("log_softmax", "log_softmax", -1),
)


def _classifier(
    read_from: str, units_pos: int, activation_pos: Optional[int] = None, layer: str = "dense"
) -> LibraryHead:
    """A Task head of ``num_classes`` units (no default) with ``activation`` at activation_pos;
    activation_pos None: the task takes no activation argument, its head always returns logits."""
    activation = (
        {}
        if activation_pos is None
        else dict(activation_param="activation", activation_pos=activation_pos, activations=_ACTIVATIONS)
    )
    return LibraryHead(
        framework=KERAS,
        read_from=read_from,
        layer=layer,
        units_param="num_classes",
        units_pos=units_pos,
        default_units=None,
        **activation,
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
        _classifier("keras_hub 0.32.0: keras_hub/src/models/image_classifier.py:91", units_pos=1, activation_pos=4),
    ),
    # DeiTImageClassifier: the same order (pooling defaults to "token").
    (
        (
            "keras_hub.models.DeiTImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/deit/deit_image_classifier.py:107", units_pos=1, activation_pos=4
        ),
    ),
    # ViTImageClassifier: (backbone, num_classes, preprocessor, pooling, intermediate_dim, activation, ...).
    (
        (
            "keras_hub.models.ViTImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/vit/vit_image_classifier.py:110", units_pos=1, activation_pos=5
        ),
    ),
    # SwinTransformerImageClassifier: (backbone, num_classes, preprocessor, activation, ...).
    (
        (
            "keras_hub.models.SwinTransformerImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/swin_transformer/swin_transformer_image_classifier.py:88",
            units_pos=1, activation_pos=3,
        ),
    ),
    # VGGImageClassifier: (backbone, num_classes, preprocessor, pooling, pooling_hidden_dim, activation, ...).
    (
        (
            "keras_hub.models.VGGImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/vgg/vgg_image_classifier.py:105", units_pos=1, activation_pos=5
        ),
    ),
    # HGNetV2ImageClassifier: (backbone, preprocessor, num_classes, head_filters, pooling, activation, ...):
    # num_classes comes after preprocessor.
    (
        (
            "keras_hub.models.HGNetV2ImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/hgnetv2/hgnetv2_image_classifier.py:106",
            units_pos=2, activation_pos=5,
        ),
    ),
    # MobileNetImageClassifier: no activation argument, Dense(num_classes): always logits.
    (
        (
            "keras_hub.models.MobileNetImageClassifier",
        ),
        _classifier("keras_hub 0.32.0: keras_hub/src/models/mobilenet/mobilenet_image_classifier.py:17", units_pos=1),
    ),
    # MobileNetV5ImageClassifier: no activation argument, Dense(num_classes): always logits.
    (
        (
            "keras_hub.models.MobileNetV5ImageClassifier",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/mobilenetv5/mobilenetv5_image_classifier.py:79", units_pos=1
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
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/bert/bert_text_classifier.py:126", units_pos=1, activation_pos=3
        ),
    ),
    # DeepLabV3ImageSegmenter: (backbone, num_classes, activation, preprocessor); a 1x1
    # Conv2D(num_classes, activation=activation), channels_last: the class axis is -1.
    (
        (
            "keras_hub.models.DeepLabV3ImageSegmenter",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/deeplab_v3/deeplab_v3_segmenter.py:66",
            units_pos=1, activation_pos=2, layer="conv",
        ),
    ),
    # SegFormerImageSegmenter: (backbone, num_classes, preprocessor); a 1x1 Conv2D with no activation.
    (
        (
            "keras_hub.models.SegFormerImageSegmenter",
        ),
        _classifier(
            "keras_hub 0.32.0: keras_hub/src/models/segformer/segformer_image_segmenter.py:119",
            units_pos=1, layer="conv",
        ),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}
# ``X.from_preset(preset, num_classes=..., activation=...)``: keyword arguments only.
HEADS.update(
    {f"{name}.from_preset": replace(row, units_pos=None, activation_pos=None) for name, row in list(HEADS.items())}
)
