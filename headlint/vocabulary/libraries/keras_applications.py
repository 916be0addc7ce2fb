"""The classifiers keras.applications builds (ResNet50, EfficientNetB0, MobileNetV3Small, ...):
with include_top=True (the default) each ends in a head of ``classes`` units (default 1000) and
``classifier_activation`` (default "softmax"). tf.keras.applications and tf_keras.applications are
keras.applications to headlint (names.canonical); where Keras 3 and tf_keras disagree on a position,
the row leaves it out (None): a positional argument is then not read, which only makes headlint quieter.
"""

from __future__ import annotations

from typing import Optional

from .rows import KERAS, LibraryHead

READ_FROM = "keras 3.15.1 and tf_keras 2.21.0: keras/src/applications/, tf_keras/src/applications/"

# The classifier_activation values both versions accept (None is keras.activations.linear). With
# pretrained weights only None and "softmax" pass validate_activation; with weights=None any activation
# does. Keras 3 also accepts "log_softmax", tf_keras does not: left out (unknown), the quieter choice.
_ACTIVATIONS = (
    ("softmax", "softmax", -1),
    ("None", "identity", None),
    ("linear", "identity", None),
    ("sigmoid", "sigmoid", None),
    ("tanh", "tanh", None),
    ("relu", "relu", None),
    ("softplus", "softplus", None),
    ("exponential", "exp", None),
)
# tf_keras RegNet* validate classifier_activation and ignore it: every value is identity.
_REGNET_ACTIVATIONS = (
    ("softmax", "identity", None),
    ("None", "identity", None),
    ("linear", "identity", None),
    ("sigmoid", "identity", None),
)


def _classifier(
    read_from: str,
    units_pos: Optional[int],
    activation_pos: Optional[int],
    layer: str = "dense",
    default_activation: str = "softmax",
    activations: tuple = _ACTIVATIONS,
) -> LibraryHead:
    """An include_top head of ``classes`` units (default 1000), then ``classifier_activation``."""
    return LibraryHead(
        framework=KERAS,
        read_from=read_from,
        layer=layer,
        units_param="classes",
        units_pos=units_pos,
        default_units=1000,
        activation_param="classifier_activation",
        activation_pos=activation_pos,
        default_activation=default_activation,
        activations=activations,
        top_param="include_top",
    )


_FAMILIES = (
    # ResNet*V2, VGG16/19, Xception, InceptionV3, InceptionResNetV2, DenseNet*, EfficientNet*,
    # EfficientNetV2*: (include_top, weights, input_tensor, input_shape, pooling, classes,
    # classifier_activation, ...) in both; the head is Dense(classes, activation=classifier_activation).
    (
        (
            "keras.applications.DenseNet121", "keras.applications.DenseNet169", "keras.applications.DenseNet201",
            "keras.applications.EfficientNetB0", "keras.applications.EfficientNetB1",
            "keras.applications.EfficientNetB2", "keras.applications.EfficientNetB3",
            "keras.applications.EfficientNetB4", "keras.applications.EfficientNetB5",
            "keras.applications.EfficientNetB6", "keras.applications.EfficientNetB7",
            "keras.applications.EfficientNetV2B0", "keras.applications.EfficientNetV2B1",
            "keras.applications.EfficientNetV2B2", "keras.applications.EfficientNetV2B3",
            "keras.applications.EfficientNetV2L", "keras.applications.EfficientNetV2M",
            "keras.applications.EfficientNetV2S", "keras.applications.InceptionResNetV2",
            "keras.applications.InceptionV3", "keras.applications.ResNet101V2", "keras.applications.ResNet152V2",
            "keras.applications.ResNet50V2", "keras.applications.VGG16", "keras.applications.VGG19",
            "keras.applications.Xception", "keras.applications.densenet.DenseNet121",
            "keras.applications.densenet.DenseNet169", "keras.applications.densenet.DenseNet201",
            "keras.applications.efficientnet.EfficientNetB0", "keras.applications.efficientnet.EfficientNetB1",
            "keras.applications.efficientnet.EfficientNetB2", "keras.applications.efficientnet.EfficientNetB3",
            "keras.applications.efficientnet.EfficientNetB4", "keras.applications.efficientnet.EfficientNetB5",
            "keras.applications.efficientnet.EfficientNetB6", "keras.applications.efficientnet.EfficientNetB7",
            "keras.applications.efficientnet_v2.EfficientNetV2B0",
            "keras.applications.efficientnet_v2.EfficientNetV2B1",
            "keras.applications.efficientnet_v2.EfficientNetV2B2",
            "keras.applications.efficientnet_v2.EfficientNetV2B3",
            "keras.applications.efficientnet_v2.EfficientNetV2L",
            "keras.applications.efficientnet_v2.EfficientNetV2M",
            "keras.applications.efficientnet_v2.EfficientNetV2S",
            "keras.applications.inception_resnet_v2.InceptionResNetV2", "keras.applications.inception_v3.InceptionV3",
            "keras.applications.resnet_v2.ResNet101V2", "keras.applications.resnet_v2.ResNet152V2",
            "keras.applications.resnet_v2.ResNet50V2", "keras.applications.vgg16.VGG16",
            "keras.applications.vgg19.VGG19", "keras.applications.xception.Xception",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/resnet.py:391; tf_keras 2.21.0: tf_keras/src/applications/resnet_v2.py:33",
            units_pos=5, activation_pos=6,
        ),
    ),
    # ResNet50/101/152: Keras 3 takes classifier_activation at 6; tf_keras only as a keyword
    # (**kwargs, default "softmax"), so its position is left out.
    (
        (
            "keras.applications.ResNet101", "keras.applications.ResNet152", "keras.applications.ResNet50",
            "keras.applications.resnet.ResNet101", "keras.applications.resnet.ResNet152",
            "keras.applications.resnet.ResNet50", "keras.applications.resnet50.ResNet50",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/resnet.py:391; tf_keras 2.21.0: tf_keras/src/applications/resnet.py:504",
            units_pos=5, activation_pos=None,
        ),
    ),
    # ConvNeXt*: Keras 3 (include_top, include_preprocessing, weights, input_tensor, input_shape, pooling,
    # classes, classifier_activation, name); tf_keras puts model_name first, so classes is 6 or 7 and
    # classifier_activation 7 or 8: both positions left out.
    (
        (
            "keras.applications.ConvNeXtBase", "keras.applications.ConvNeXtLarge", "keras.applications.ConvNeXtSmall",
            "keras.applications.ConvNeXtTiny", "keras.applications.ConvNeXtXLarge",
            "keras.applications.convnext.ConvNeXtBase", "keras.applications.convnext.ConvNeXtLarge",
            "keras.applications.convnext.ConvNeXtSmall", "keras.applications.convnext.ConvNeXtTiny",
            "keras.applications.convnext.ConvNeXtXLarge",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/convnext.py:581; tf_keras 2.21.0: tf_keras/src/applications/convnext.py:579",
            units_pos=None, activation_pos=None,
        ),
    ),
    # NASNet*: (input_shape, include_top, weights, input_tensor, pooling, classes, classifier_activation).
    (
        (
            "keras.applications.NASNetLarge", "keras.applications.NASNetMobile",
            "keras.applications.nasnet.NASNetLarge", "keras.applications.nasnet.NASNetMobile",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/nasnet.py:320; tf_keras 2.21.0: tf_keras/src/applications/nasnet.py:360",
            units_pos=5, activation_pos=6,
        ),
    ),
    # MobileNet: (input_shape, alpha, depth_multiplier, dropout, include_top, weights, input_tensor, pooling,
    # classes, classifier_activation); the head is a 1x1 Conv2D reshaped to (N, classes), then
    # Activation(classifier_activation).
    (
        (
            "keras.applications.MobileNet", "keras.applications.mobilenet.MobileNet",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/mobilenet.py:22; tf_keras 2.21.0: tf_keras/src/applications/mobilenet.py:85",
            units_pos=8, activation_pos=9, layer="conv",
        ),
    ),
    # MobileNetV2: (input_shape, alpha, include_top, weights, input_tensor, pooling, classes,
    # classifier_activation).
    (
        (
            "keras.applications.MobileNetV2", "keras.applications.mobilenet_v2.MobileNetV2",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/mobilenet_v2.py:22; tf_keras 2.21.0: tf_keras/src/applications/mobilenet_v2.py:100",
            units_pos=6, activation_pos=7,
        ),
    ),
    # MobileNetV3Small/Large: (input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes,
    # pooling, dropout_rate, classifier_activation, ...): classes comes before pooling. The head is
    # Conv2D(classes, 1), Flatten, Activation(classifier_activation).
    (
        (
            "keras.applications.MobileNetV3Large", "keras.applications.MobileNetV3Small",
        ),
        _classifier(
            "keras 3.15.1: keras/src/applications/mobilenet_v3.py:407; tf_keras 2.21.0: tf_keras/src/applications/mobilenet_v3.py:424",
            units_pos=6, activation_pos=9, layer="conv",
        ),
    ),
    # RegNetX*/RegNetY*: tf_keras only (Keras 3 has no RegNet, so no conflict). classifier_activation defaults
    # to "softmax" and is validated but never used: the head is a plain Dense(classes) (regnet.py:836-853,
    # :980), so the model outputs logits whatever the argument says.
    (
        (
            "keras.applications.RegNetX002", "keras.applications.RegNetX004", "keras.applications.RegNetX006",
            "keras.applications.RegNetX008", "keras.applications.RegNetX016", "keras.applications.RegNetX032",
            "keras.applications.RegNetX040", "keras.applications.RegNetX064", "keras.applications.RegNetX080",
            "keras.applications.RegNetX120", "keras.applications.RegNetX160", "keras.applications.RegNetX320",
            "keras.applications.RegNetY002", "keras.applications.RegNetY004", "keras.applications.RegNetY006",
            "keras.applications.RegNetY008", "keras.applications.RegNetY016", "keras.applications.RegNetY032",
            "keras.applications.RegNetY040", "keras.applications.RegNetY064", "keras.applications.RegNetY080",
            "keras.applications.RegNetY120", "keras.applications.RegNetY160", "keras.applications.RegNetY320",
            "keras.applications.regnet.RegNetX002", "keras.applications.regnet.RegNetX004",
            "keras.applications.regnet.RegNetX006", "keras.applications.regnet.RegNetX008",
            "keras.applications.regnet.RegNetX016", "keras.applications.regnet.RegNetX032",
            "keras.applications.regnet.RegNetX040", "keras.applications.regnet.RegNetX064",
            "keras.applications.regnet.RegNetX080", "keras.applications.regnet.RegNetX120",
            "keras.applications.regnet.RegNetX160", "keras.applications.regnet.RegNetX320",
            "keras.applications.regnet.RegNetY002", "keras.applications.regnet.RegNetY004",
            "keras.applications.regnet.RegNetY006", "keras.applications.regnet.RegNetY008",
            "keras.applications.regnet.RegNetY016", "keras.applications.regnet.RegNetY032",
            "keras.applications.regnet.RegNetY040", "keras.applications.regnet.RegNetY064",
            "keras.applications.regnet.RegNetY080", "keras.applications.regnet.RegNetY120",
            "keras.applications.regnet.RegNetY160", "keras.applications.regnet.RegNetY320",
        ),
        _classifier(
            "tf_keras 2.21.0: tf_keras/src/applications/regnet.py:1019",
            units_pos=7, activation_pos=8, default_activation="identity", activations=_REGNET_ACTIVATIONS,
        ),
    ),
    # ResNetRS*: tf_keras only; (include_top, weights, classes, input_shape, input_tensor, pooling,
    # classifier_activation, include_preprocessing): classes is index 2.
    (
        (
            "keras.applications.ResNetRS101", "keras.applications.ResNetRS152", "keras.applications.ResNetRS200",
            "keras.applications.ResNetRS270", "keras.applications.ResNetRS350", "keras.applications.ResNetRS420",
            "keras.applications.ResNetRS50", "keras.applications.resnet_rs.ResNetRS101",
            "keras.applications.resnet_rs.ResNetRS152", "keras.applications.resnet_rs.ResNetRS200",
            "keras.applications.resnet_rs.ResNetRS270", "keras.applications.resnet_rs.ResNetRS350",
            "keras.applications.resnet_rs.ResNetRS420", "keras.applications.resnet_rs.ResNetRS50",
        ),
        _classifier("tf_keras 2.21.0: tf_keras/src/applications/resnet_rs.py:740", units_pos=2, activation_pos=6),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}
