"""The models torchvision's builders make (``resnet18(num_classes=10)``, ``deeplabv3_resnet50(...)``):
a Linear or 1x1 Conv2d head of ``num_classes`` units with no activation (raw logits). The builders
take everything by keyword (``def resnet18(*, weights=None, progress=True, **kwargs)``); with
weights, num_classes must equal the weights' class count (1000, 400 or 21) or they raise.
"""

from __future__ import annotations

from .rows import TORCH, LibraryHead

READ_FROM = "torchvision 0.29.1: torchvision/models/"


def _builder(read_from: str, layer: str, default_units: int, **other) -> LibraryHead:
    """A builder's head of ``num_classes`` units, a keyword only, with no activation."""
    return LibraryHead(
        framework=TORCH,
        read_from=read_from,
        layer=layer,
        units_param="num_classes",
        units_pos=None,
        default_units=default_units,
        **other,
    )


_FAMILIES = (
    # Image classifiers: Linear(..., num_classes) with no activation (sometimes inside
    # Sequential(Dropout, Linear), or after norm and flatten).
    (
        (
            "torchvision.models.alexnet", "torchvision.models.alexnet.alexnet",
            "torchvision.models.convnext.convnext_base", "torchvision.models.convnext.convnext_large",
            "torchvision.models.convnext.convnext_small", "torchvision.models.convnext.convnext_tiny",
            "torchvision.models.convnext_base", "torchvision.models.convnext_large",
            "torchvision.models.convnext_small", "torchvision.models.convnext_tiny",
            "torchvision.models.densenet.densenet121", "torchvision.models.densenet.densenet161",
            "torchvision.models.densenet.densenet169", "torchvision.models.densenet.densenet201",
            "torchvision.models.densenet121", "torchvision.models.densenet161", "torchvision.models.densenet169",
            "torchvision.models.densenet201", "torchvision.models.efficientnet.efficientnet_b0",
            "torchvision.models.efficientnet.efficientnet_b1", "torchvision.models.efficientnet.efficientnet_b2",
            "torchvision.models.efficientnet.efficientnet_b3", "torchvision.models.efficientnet.efficientnet_b4",
            "torchvision.models.efficientnet.efficientnet_b5", "torchvision.models.efficientnet.efficientnet_b6",
            "torchvision.models.efficientnet.efficientnet_b7", "torchvision.models.efficientnet.efficientnet_v2_l",
            "torchvision.models.efficientnet.efficientnet_v2_m", "torchvision.models.efficientnet.efficientnet_v2_s",
            "torchvision.models.efficientnet_b0", "torchvision.models.efficientnet_b1",
            "torchvision.models.efficientnet_b2", "torchvision.models.efficientnet_b3",
            "torchvision.models.efficientnet_b4", "torchvision.models.efficientnet_b5",
            "torchvision.models.efficientnet_b6", "torchvision.models.efficientnet_b7",
            "torchvision.models.efficientnet_v2_l", "torchvision.models.efficientnet_v2_m",
            "torchvision.models.efficientnet_v2_s", "torchvision.models.maxvit.maxvit_t",
            "torchvision.models.maxvit_t", "torchvision.models.mnasnet.mnasnet0_5",
            "torchvision.models.mnasnet.mnasnet0_75", "torchvision.models.mnasnet.mnasnet1_0",
            "torchvision.models.mnasnet.mnasnet1_3", "torchvision.models.mnasnet0_5",
            "torchvision.models.mnasnet0_75", "torchvision.models.mnasnet1_0", "torchvision.models.mnasnet1_3",
            "torchvision.models.mobilenet_v2", "torchvision.models.mobilenet_v3_large",
            "torchvision.models.mobilenet_v3_small", "torchvision.models.mobilenetv2.mobilenet_v2",
            "torchvision.models.mobilenetv3.mobilenet_v3_large", "torchvision.models.mobilenetv3.mobilenet_v3_small",
            "torchvision.models.regnet.regnet_x_16gf", "torchvision.models.regnet.regnet_x_1_6gf",
            "torchvision.models.regnet.regnet_x_32gf", "torchvision.models.regnet.regnet_x_3_2gf",
            "torchvision.models.regnet.regnet_x_400mf", "torchvision.models.regnet.regnet_x_800mf",
            "torchvision.models.regnet.regnet_x_8gf", "torchvision.models.regnet.regnet_y_128gf",
            "torchvision.models.regnet.regnet_y_16gf", "torchvision.models.regnet.regnet_y_1_6gf",
            "torchvision.models.regnet.regnet_y_32gf", "torchvision.models.regnet.regnet_y_3_2gf",
            "torchvision.models.regnet.regnet_y_400mf", "torchvision.models.regnet.regnet_y_800mf",
            "torchvision.models.regnet.regnet_y_8gf", "torchvision.models.regnet_x_16gf",
            "torchvision.models.regnet_x_1_6gf", "torchvision.models.regnet_x_32gf",
            "torchvision.models.regnet_x_3_2gf", "torchvision.models.regnet_x_400mf",
            "torchvision.models.regnet_x_800mf", "torchvision.models.regnet_x_8gf",
            "torchvision.models.regnet_y_128gf", "torchvision.models.regnet_y_16gf",
            "torchvision.models.regnet_y_1_6gf", "torchvision.models.regnet_y_32gf",
            "torchvision.models.regnet_y_3_2gf", "torchvision.models.regnet_y_400mf",
            "torchvision.models.regnet_y_800mf", "torchvision.models.regnet_y_8gf",
            "torchvision.models.resnet.resnet101", "torchvision.models.resnet.resnet152",
            "torchvision.models.resnet.resnet18", "torchvision.models.resnet.resnet34",
            "torchvision.models.resnet.resnet50", "torchvision.models.resnet.resnext101_32x8d",
            "torchvision.models.resnet.resnext101_64x4d", "torchvision.models.resnet.resnext50_32x4d",
            "torchvision.models.resnet.wide_resnet101_2", "torchvision.models.resnet.wide_resnet50_2",
            "torchvision.models.resnet101", "torchvision.models.resnet152", "torchvision.models.resnet18",
            "torchvision.models.resnet34", "torchvision.models.resnet50", "torchvision.models.resnext101_32x8d",
            "torchvision.models.resnext101_64x4d", "torchvision.models.resnext50_32x4d",
            "torchvision.models.shufflenet_v2_x0_5", "torchvision.models.shufflenet_v2_x1_0",
            "torchvision.models.shufflenet_v2_x1_5", "torchvision.models.shufflenet_v2_x2_0",
            "torchvision.models.shufflenetv2.shufflenet_v2_x0_5",
            "torchvision.models.shufflenetv2.shufflenet_v2_x1_0",
            "torchvision.models.shufflenetv2.shufflenet_v2_x1_5",
            "torchvision.models.shufflenetv2.shufflenet_v2_x2_0", "torchvision.models.swin_b",
            "torchvision.models.swin_s", "torchvision.models.swin_t", "torchvision.models.swin_transformer.swin_b",
            "torchvision.models.swin_transformer.swin_s", "torchvision.models.swin_transformer.swin_t",
            "torchvision.models.swin_transformer.swin_v2_b", "torchvision.models.swin_transformer.swin_v2_s",
            "torchvision.models.swin_transformer.swin_v2_t", "torchvision.models.swin_v2_b",
            "torchvision.models.swin_v2_s", "torchvision.models.swin_v2_t", "torchvision.models.vgg.vgg11",
            "torchvision.models.vgg.vgg11_bn", "torchvision.models.vgg.vgg13", "torchvision.models.vgg.vgg13_bn",
            "torchvision.models.vgg.vgg16", "torchvision.models.vgg.vgg16_bn", "torchvision.models.vgg.vgg19",
            "torchvision.models.vgg.vgg19_bn", "torchvision.models.vgg11", "torchvision.models.vgg11_bn",
            "torchvision.models.vgg13", "torchvision.models.vgg13_bn", "torchvision.models.vgg16",
            "torchvision.models.vgg16_bn", "torchvision.models.vgg19", "torchvision.models.vgg19_bn",
            "torchvision.models.vision_transformer.vit_b_16", "torchvision.models.vision_transformer.vit_b_32",
            "torchvision.models.vision_transformer.vit_h_14", "torchvision.models.vision_transformer.vit_l_16",
            "torchvision.models.vision_transformer.vit_l_32", "torchvision.models.vit_b_16",
            "torchvision.models.vit_b_32", "torchvision.models.vit_h_14", "torchvision.models.vit_l_16",
            "torchvision.models.vit_l_32", "torchvision.models.wide_resnet101_2",
            "torchvision.models.wide_resnet50_2",
        ),
        _builder("torchvision 0.29.1: torchvision/models/resnet.py:684", layer="linear", default_units=1000),
    ),
    # SqueezeNet: Conv2d(512, num_classes, 1), ReLU, pooling, flatten: the scores are non-negative,
    # but no softmax; the facts call it identity, which is also the quieter choice.
    (
        (
            "torchvision.models.squeezenet.squeezenet1_0", "torchvision.models.squeezenet.squeezenet1_1",
            "torchvision.models.squeezenet1_0", "torchvision.models.squeezenet1_1",
        ),
        _builder("torchvision 0.29.1: torchvision/models/squeezenet.py:168", layer="conv", default_units=1000),
    ),
    # GoogLeNet: in training mode with aux_logits (the default without weights) it returns
    # GoogLeNetOutputs(logits, aux_logits2, aux_logits1), in eval mode the logits; the row describes the logits.
    (
        (
            "torchvision.models.googlenet", "torchvision.models.googlenet.googlenet",
        ),
        _builder("torchvision 0.29.1: torchvision/models/googlenet.py:303", layer="linear", default_units=1000),
    ),
    # Inception3: aux_logits=True by default, so in training mode it returns InceptionOutputs(logits,
    # aux_logits); the row describes the logits.
    (
        (
            "torchvision.models.inception.inception_v3", "torchvision.models.inception_v3",
        ),
        _builder("torchvision 0.29.1: torchvision/models/inception.py:435", layer="linear", default_units=1000),
    ),
    # Video classifiers: num_classes defaults to 400 (Kinetics-400); s3d's head is a Conv3d(1024,
    # num_classes, 1), the others a Linear.
    (
        (
            "torchvision.models.video.mc3_18", "torchvision.models.video.mvit.mvit_v1_b",
            "torchvision.models.video.mvit.mvit_v2_s", "torchvision.models.video.mvit_v1_b",
            "torchvision.models.video.mvit_v2_s", "torchvision.models.video.r2plus1d_18",
            "torchvision.models.video.r3d_18", "torchvision.models.video.resnet.mc3_18",
            "torchvision.models.video.resnet.r2plus1d_18", "torchvision.models.video.resnet.r3d_18",
            "torchvision.models.video.s3d", "torchvision.models.video.s3d.s3d", "torchvision.models.video.swin3d_b",
            "torchvision.models.video.swin3d_s", "torchvision.models.video.swin3d_t",
            "torchvision.models.video.swin_transformer.swin3d_b",
            "torchvision.models.video.swin_transformer.swin3d_s",
            "torchvision.models.video.swin_transformer.swin3d_t",
        ),
        _builder("torchvision 0.29.1: torchvision/models/video/resnet.py:385", layer="linear", default_units=400),
    ),
    # Segmentation (DeepLabV3, FCN): num_classes=None means 21 without weights (with weights it must be
    # 21); forward returns {"out": (N, num_classes, H, W) logits, "aux": ...}: class axis 1.
    (
        (
            "torchvision.models.segmentation.deeplabv3.deeplabv3_mobilenet_v3_large",
            "torchvision.models.segmentation.deeplabv3.deeplabv3_resnet101",
            "torchvision.models.segmentation.deeplabv3.deeplabv3_resnet50",
            "torchvision.models.segmentation.deeplabv3_mobilenet_v3_large",
            "torchvision.models.segmentation.deeplabv3_resnet101",
            "torchvision.models.segmentation.deeplabv3_resnet50", "torchvision.models.segmentation.fcn.fcn_resnet101",
            "torchvision.models.segmentation.fcn.fcn_resnet50", "torchvision.models.segmentation.fcn_resnet101",
            "torchvision.models.segmentation.fcn_resnet50",
        ),
        _builder(
            "torchvision 0.29.1: torchvision/models/segmentation/deeplabv3.py:233",
            layer="conv", default_units=21, axis=1, output="dict",
        ),
    ),
    # LR-ASPP: the same, and it returns only {"out": ...}.
    (
        (
            "torchvision.models.segmentation.lraspp.lraspp_mobilenet_v3_large",
            "torchvision.models.segmentation.lraspp_mobilenet_v3_large",
        ),
        _builder(
            "torchvision 0.29.1: torchvision/models/segmentation/lraspp.py:127",
            layer="conv", default_units=21, axis=1, output="dict",
        ),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}

# The nn.Module subclasses torchvision's model modules define (``class Net(vgg.VGG)``,
# ``class Features(resnet.ResNet)``): a user's subclass of one is a module, evaluated
# through its own ``forward``. Read from torchvision 0.29.1's torchvision/models/ (every
# public class deriving from nn.Module there, directly or through another), under the
# module that defines it and the packages that re-export it (``torchvision.models.VGG``).
_MODULE_CLASSES = {
    "torchvision.models": (
        "AlexNet", "ConvNeXt", "DenseNet", "EfficientNet", "GoogLeNet", "Inception3", "MNASNet", "MaxVit",
        "MobileNetV2", "MobileNetV3", "RegNet", "ResNet", "ShuffleNetV2", "SqueezeNet", "SwinTransformer", "VGG",
        "VisionTransformer",
    ),
    "torchvision.models.alexnet": ("AlexNet",),
    "torchvision.models.convnext": ("CNBlock", "ConvNeXt",),
    "torchvision.models.densenet": ("DenseNet",),
    "torchvision.models.detection": ("FCOS", "FasterRCNN", "KeypointRCNN", "MaskRCNN", "RetinaNet",),
    "torchvision.models.detection.anchor_utils": ("AnchorGenerator", "DefaultBoxGenerator",),
    "torchvision.models.detection.backbone_utils": ("BackboneWithFPN",),
    "torchvision.models.detection.faster_rcnn": ("FastRCNNPredictor", "FasterRCNN", "TwoMLPHead",),
    "torchvision.models.detection.fcos": ("FCOS", "FCOSClassificationHead", "FCOSHead", "FCOSRegressionHead",),
    "torchvision.models.detection.generalized_rcnn": ("GeneralizedRCNN",),
    "torchvision.models.detection.keypoint_rcnn": ("KeypointRCNN", "KeypointRCNNPredictor",),
    "torchvision.models.detection.mask_rcnn": ("MaskRCNN",),
    "torchvision.models.detection.retinanet": (
        "RetinaNet", "RetinaNetClassificationHead", "RetinaNetHead", "RetinaNetRegressionHead",
    ),
    "torchvision.models.detection.roi_heads": ("RoIHeads",),
    "torchvision.models.detection.rpn": ("RPNHead", "RegionProposalNetwork",),
    "torchvision.models.detection.ssd": (
        "SSD", "SSDClassificationHead", "SSDFeatureExtractorVGG", "SSDHead", "SSDRegressionHead", "SSDScoringHead",
    ),
    "torchvision.models.detection.ssdlite": (
        "SSDLiteClassificationHead", "SSDLiteFeatureExtractorMobileNet", "SSDLiteHead", "SSDLiteRegressionHead",
    ),
    "torchvision.models.detection.transform": ("GeneralizedRCNNTransform",),
    "torchvision.models.efficientnet": ("EfficientNet", "FusedMBConv", "MBConv",),
    "torchvision.models.googlenet": ("BasicConv2d", "GoogLeNet", "Inception", "InceptionAux",),
    "torchvision.models.inception": (
        "BasicConv2d", "Inception3", "InceptionA", "InceptionAux", "InceptionB", "InceptionC", "InceptionD",
        "InceptionE",
    ),
    "torchvision.models.maxvit": (
        "MBConv", "MaxVit", "MaxVitBlock", "MaxVitLayer", "PartitionAttentionLayer",
        "RelativePositionalMultiHeadAttention", "SwapAxes", "WindowDepartition", "WindowPartition",
    ),
    "torchvision.models.mnasnet": ("MNASNet",),
    "torchvision.models.mobilenet": ("MobileNetV2", "MobileNetV3",),
    "torchvision.models.mobilenetv2": ("InvertedResidual", "MobileNetV2",),
    "torchvision.models.mobilenetv3": ("InvertedResidual", "MobileNetV3",),
    "torchvision.models.optical_flow": ("RAFT",),
    "torchvision.models.optical_flow.raft": (
        "BottleneckBlock", "ConvGRU", "CorrBlock", "FeatureEncoder", "FlowHead", "MaskPredictor", "MotionEncoder",
        "RAFT", "RecurrentBlock", "ResidualBlock", "UpdateBlock",
    ),
    "torchvision.models.quantization": (
        "QuantizableGoogLeNet", "QuantizableInception3", "QuantizableMobileNetV2", "QuantizableMobileNetV3",
        "QuantizableResNet", "QuantizableShuffleNetV2",
    ),
    "torchvision.models.quantization.googlenet": (
        "QuantizableBasicConv2d", "QuantizableGoogLeNet", "QuantizableInception", "QuantizableInceptionAux",
    ),
    "torchvision.models.quantization.inception": (
        "QuantizableBasicConv2d", "QuantizableInception3", "QuantizableInceptionA", "QuantizableInceptionAux",
        "QuantizableInceptionB", "QuantizableInceptionC", "QuantizableInceptionD", "QuantizableInceptionE",
    ),
    "torchvision.models.quantization.mobilenet": ("QuantizableMobileNetV2", "QuantizableMobileNetV3",),
    "torchvision.models.quantization.mobilenetv2": ("QuantizableInvertedResidual", "QuantizableMobileNetV2",),
    "torchvision.models.quantization.mobilenetv3": ("QuantizableInvertedResidual", "QuantizableMobileNetV3",),
    "torchvision.models.quantization.resnet": (
        "QuantizableBasicBlock", "QuantizableBottleneck", "QuantizableResNet",
    ),
    "torchvision.models.quantization.shufflenetv2": ("QuantizableInvertedResidual", "QuantizableShuffleNetV2",),
    "torchvision.models.regnet": ("RegNet", "ResBottleneckBlock",),
    "torchvision.models.resnet": ("BasicBlock", "Bottleneck", "ResNet",),
    "torchvision.models.segmentation": ("DeepLabV3", "FCN", "LRASPP",),
    "torchvision.models.segmentation.deeplabv3": ("ASPP", "DeepLabV3",),
    "torchvision.models.segmentation.fcn": ("FCN",),
    "torchvision.models.segmentation.lraspp": ("LRASPP", "LRASPPHead",),
    "torchvision.models.shufflenetv2": ("InvertedResidual", "ShuffleNetV2",),
    "torchvision.models.squeezenet": ("Fire", "SqueezeNet",),
    "torchvision.models.swin_transformer": (
        "PatchMerging", "PatchMergingV2", "ShiftedWindowAttention", "ShiftedWindowAttentionV2", "SwinTransformer",
        "SwinTransformerBlock", "SwinTransformerBlockV2",
    ),
    "torchvision.models.vgg": ("VGG",),
    "torchvision.models.video": ("MViT", "S3D", "SwinTransformer3d", "VideoResNet",),
    "torchvision.models.video.mvit": (
        "MViT", "MultiscaleAttention", "MultiscaleBlock", "Pool", "PositionalEncoding",
    ),
    "torchvision.models.video.resnet": ("BasicBlock", "Bottleneck", "VideoResNet",),
    "torchvision.models.video.s3d": ("S3D", "SepInceptionBlock3D",),
    "torchvision.models.video.swin_transformer": ("PatchEmbed3d", "ShiftedWindowAttention3d", "SwinTransformer3d",),
    "torchvision.models.vision_transformer": ("Encoder", "EncoderBlock", "VisionTransformer",),
}
MODULE_BASES = {f"{module}.{name}": TORCH for module, names in _MODULE_CLASSES.items() for name in names}

# The attributes that hold a model's head, which transfer learning replaces
# (``model.fc = nn.Linear(512, 2)``, ``model.classifier[6] = ...``): ``fc`` (resnet,
# resnext, wide_resnet, regnet, googlenet, inception_v3, shufflenet), ``classifier``
# (alexnet, vgg, densenet, efficientnet, mobilenet, mnasnet, convnext, maxvit,
# squeezenet, the segmentation models), ``heads`` (vit), ``head`` (swin).
HEAD_ATTRIBUTES = frozenset({"fc", "classifier", "heads", "head"})
