"""The segmentation models segmentation_models_pytorch (smp) builds (``smp.Unet(classes=1,
activation="sigmoid")``): a Conv2d head of ``classes`` channels (default 1) on (N, C, H, W), class
axis 1, then ``activation`` (default None: raw logits), which runs in forward() during training too,
not only in predict(). Also smp's losses, whose activation depends on ``mode`` and ``from_logits``.
With ``aux_params`` the models return a tuple (masks, labels); the rows describe the masks.
"""

from __future__ import annotations

from typing import Optional

from .rows import TORCH, LibraryHead, LibraryLoss

READ_FROM = "segmentation_models_pytorch 0.6.0: segmentation_models_pytorch/decoders/, base/, losses/, utils/losses.py"

# The activation values smp.base.modules.Activation builds as written ("softmax" is nn.Softmax()
# with no dim: torch picks 1 on 4-D masks). argmax, argmax2d, clamp and callables are left out: unknown.
_ACTIVATIONS = (
    ("None", "identity", None),
    ("identity", "identity", None),
    ("sigmoid", "sigmoid", None),
    ("softmax2d", "softmax", 1),
    ("softmax", "softmax", 1),
    ("logsoftmax", "log_softmax", 1),
    ("tanh", "tanh", None),
)


def _segmenter(read_from: str, units_pos: int, activation_pos: Optional[int]) -> LibraryHead:
    """A model's Conv2d head of ``classes`` channels (default 1), class axis 1, then ``activation``."""
    return LibraryHead(
        framework=TORCH,
        read_from=read_from,
        layer="conv",
        units_param="classes",
        units_pos=units_pos,
        default_units=1,
        activation_param="activation",
        activation_pos=activation_pos,
        activations=_ACTIVATIONS,
        axis=1,
    )


_FAMILIES = (
    # DeepLabV3: (encoder_name, encoder_depth, encoder_weights, encoder_output_stride, decoder_channels,
    # decoder_atrous_rates, decoder_aspp_separable, decoder_aspp_dropout, in_channels, classes, activation,
    # upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.DeepLabV3", "segmentation_models_pytorch.decoders.deeplabv3.DeepLabV3",
            "segmentation_models_pytorch.decoders.deeplabv3.model.DeepLabV3",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/deeplabv3/model.py:59", units_pos=9, activation_pos=10
        ),
    ),
    # DeepLabV3Plus: (encoder_name, encoder_depth, encoder_weights, encoder_output_stride, decoder_channels,
    # decoder_atrous_rates, decoder_aspp_separable, decoder_aspp_dropout, in_channels, classes, activation,
    # upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.DeepLabV3Plus",
            "segmentation_models_pytorch.decoders.deeplabv3.DeepLabV3Plus",
            "segmentation_models_pytorch.decoders.deeplabv3.model.DeepLabV3Plus",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/deeplabv3/model.py:185", units_pos=9, activation_pos=10
        ),
    ),
    # DPT: (encoder_name, encoder_depth, encoder_weights, encoder_output_indices, decoder_readout,
    # decoder_intermediate_channels, decoder_fusion_channels, in_channels, classes, activation, aux_params).
    (
        (
            "segmentation_models_pytorch.DPT", "segmentation_models_pytorch.decoders.dpt.DPT",
            "segmentation_models_pytorch.decoders.dpt.model.DPT",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/decoders/dpt/model.py:81", units_pos=8, activation_pos=9),
    ),
    # FPN: (encoder_name, encoder_depth, encoder_weights, decoder_pyramid_channels, decoder_segmentation_channels,
    # decoder_merge_policy, decoder_dropout, decoder_interpolation, in_channels, classes, activation, upsampling,
    # aux_params).
    (
        (
            "segmentation_models_pytorch.FPN", "segmentation_models_pytorch.decoders.fpn.FPN",
            "segmentation_models_pytorch.decoders.fpn.model.FPN",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/decoders/fpn/model.py:58", units_pos=9, activation_pos=10),
    ),
    # Linknet: (encoder_name, encoder_depth, encoder_weights, decoder_use_norm, in_channels, classes, activation,
    # aux_params).
    (
        (
            "segmentation_models_pytorch.Linknet", "segmentation_models_pytorch.decoders.linknet.Linknet",
            "segmentation_models_pytorch.decoders.linknet.model.Linknet",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/linknet/model.py:74", units_pos=5, activation_pos=6
        ),
    ),
    # MAnet: (encoder_name, encoder_depth, encoder_weights, decoder_use_norm, decoder_channels,
    # decoder_pab_channels, decoder_interpolation, in_channels, classes, activation, aux_params).
    (
        (
            "segmentation_models_pytorch.MAnet", "segmentation_models_pytorch.decoders.manet.MAnet",
            "segmentation_models_pytorch.decoders.manet.model.MAnet",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/decoders/manet/model.py:79", units_pos=8, activation_pos=9),
    ),
    # PAN: (encoder_name, encoder_depth, encoder_weights, encoder_output_stride, decoder_channels,
    # decoder_interpolation, in_channels, classes, activation, upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.PAN", "segmentation_models_pytorch.decoders.pan.PAN",
            "segmentation_models_pytorch.decoders.pan.model.PAN",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/decoders/pan/model.py:61", units_pos=7, activation_pos=8),
    ),
    # PSPNet: (encoder_name, encoder_weights, encoder_depth, psp_out_channels, decoder_use_norm, psp_dropout,
    # in_channels, classes, activation, upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.PSPNet", "segmentation_models_pytorch.decoders.pspnet.PSPNet",
            "segmentation_models_pytorch.decoders.pspnet.model.PSPNet",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/pspnet/model.py:75", units_pos=7, activation_pos=8
        ),
    ),
    # Segformer: (encoder_name, encoder_depth, encoder_weights, decoder_segmentation_channels, in_channels, classes,
    # activation, upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.Segformer", "segmentation_models_pytorch.decoders.segformer.Segformer",
            "segmentation_models_pytorch.decoders.segformer.model.Segformer",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/segformer/model.py:52", units_pos=5, activation_pos=6
        ),
    ),
    # Unet: (encoder_name, encoder_depth, encoder_weights, decoder_use_norm, decoder_channels,
    # decoder_attention_type, decoder_interpolation, in_channels, classes, activation, aux_params).
    (
        (
            "segmentation_models_pytorch.Unet", "segmentation_models_pytorch.decoders.unet.Unet",
            "segmentation_models_pytorch.decoders.unet.model.Unet",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/decoders/unet/model.py:108", units_pos=8, activation_pos=9),
    ),
    # UnetPlusPlus: (encoder_name, encoder_depth, encoder_weights, decoder_use_norm, decoder_channels,
    # decoder_attention_type, decoder_interpolation, in_channels, classes, activation, aux_params).
    (
        (
            "segmentation_models_pytorch.UnetPlusPlus",
            "segmentation_models_pytorch.decoders.unetplusplus.UnetPlusPlus",
            "segmentation_models_pytorch.decoders.unetplusplus.model.UnetPlusPlus",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/unetplusplus/model.py:79", units_pos=8, activation_pos=9
        ),
    ),
    # UPerNet: (encoder_name, encoder_depth, encoder_weights, decoder_channels, decoder_use_norm, in_channels,
    # classes, activation, upsampling, aux_params).
    (
        (
            "segmentation_models_pytorch.UPerNet", "segmentation_models_pytorch.decoders.upernet.UPerNet",
            "segmentation_models_pytorch.decoders.upernet.model.UPerNet",
        ),
        _segmenter(
            "smp 0.6.0: segmentation_models_pytorch/decoders/upernet/model.py:69", units_pos=6, activation_pos=7
        ),
    ),
    # create_model(arch, encoder_name, encoder_weights, in_channels, classes, **kwargs): activation
    # travels by keyword to the architecture's class.
    (
        (
            "segmentation_models_pytorch.create_model",
        ),
        _segmenter("smp 0.6.0: segmentation_models_pytorch/__init__.py:43", units_pos=4, activation_pos=None),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}

_LOSS_FAMILIES = (
    # DiceLoss(mode, classes, log_loss, from_logits=True, ...): with from_logits, sigmoid (binary,
    # multilabel) or softmax over axis 1 (multiclass) on the prediction; without, it takes probabilities.
    (
        (
            "segmentation_models_pytorch.losses.DiceLoss", "segmentation_models_pytorch.losses.dice.DiceLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/dice.py:12",
            display="smp.losses.DiceLoss",
            kind="dice",
            mode_param="mode",
            mode_pos=0,
            applies=(("binary", "sigmoid"), ("multilabel", "sigmoid"), ("multiclass", "softmax")),
            from_logits_param="from_logits",
            from_logits_pos=3,
        ),
    ),
    # JaccardLoss: the same parameters and activations as DiceLoss.
    (
        (
            "segmentation_models_pytorch.losses.JaccardLoss",
            "segmentation_models_pytorch.losses.jaccard.JaccardLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/jaccard.py:12",
            display="smp.losses.JaccardLoss",
            kind="jaccard",
            mode_param="mode",
            mode_pos=0,
            applies=(("binary", "sigmoid"), ("multilabel", "sigmoid"), ("multiclass", "softmax")),
            from_logits_param="from_logits",
            from_logits_pos=3,
        ),
    ),
    # TverskyLoss subclasses DiceLoss: the same parameters first, the same activations.
    (
        (
            "segmentation_models_pytorch.losses.TverskyLoss",
            "segmentation_models_pytorch.losses.tversky.TverskyLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/tversky.py:11",
            display="smp.losses.TverskyLoss",
            kind="tversky",
            mode_param="mode",
            mode_pos=0,
            applies=(("binary", "sigmoid"), ("multilabel", "sigmoid"), ("multiclass", "softmax")),
            from_logits_param="from_logits",
            from_logits_pos=3,
        ),
    ),
    # FocalLoss(mode, alpha, gamma, ignore_index, from_logits=True, ...): always a sigmoid focal loss per
    # channel, one-vs-rest even for mode="multiclass" (no softmax). from_logits is new in 0.6.0; before,
    # it always took logits.
    (
        (
            "segmentation_models_pytorch.losses.FocalLoss", "segmentation_models_pytorch.losses.focal.FocalLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/focal.py:12",
            display="smp.losses.FocalLoss",
            kind="focal",
            mode_param="mode",
            mode_pos=0,
            applies=(("binary", "sigmoid"), ("multilabel", "sigmoid"), ("multiclass", "sigmoid")),
            from_logits_param="from_logits",
            from_logits_pos=4,
        ),
    ),
    # LovaszLoss(mode, per_image, ignore_index, from_logits): from_logits is accepted and never read.
    # multiclass: softmax over axis 1, always; binary/multilabel: a hinge on the raw logits, no activation
    # (not listed: what it takes there is left unknown).
    (
        (
            "segmentation_models_pytorch.losses.LovaszLoss", "segmentation_models_pytorch.losses.lovasz.LovaszLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/lovasz.py:193",
            display="smp.losses.LovaszLoss",
            kind="lovasz",
            mode_param="mode",
            mode_pos=0,
            applies=(("multiclass", "softmax"),),
        ),
    ),
    # SoftBCEWithLogitsLoss: no mode, no from_logits: binary_cross_entropy_with_logits, always.
    (
        (
            "segmentation_models_pytorch.losses.SoftBCEWithLogitsLoss",
            "segmentation_models_pytorch.losses.soft_bce.SoftBCEWithLogitsLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/soft_bce.py:10",
            display="smp.losses.SoftBCEWithLogitsLoss",
            kind="bce_with_logits",
            applies=(("*", "sigmoid"),),
        ),
    ),
    # SoftCrossEntropyLoss: no from_logits: log_softmax over dim (default 1), always.
    (
        (
            "segmentation_models_pytorch.losses.SoftCrossEntropyLoss",
            "segmentation_models_pytorch.losses.soft_ce.SoftCrossEntropyLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/soft_ce.py:10",
            display="smp.losses.SoftCrossEntropyLoss",
            kind="cross_entropy",
            applies=(("*", "softmax"),),
        ),
    ),
    # MCCLoss: no activation and no from_logits: it takes probabilities (binary only).
    (
        (
            "segmentation_models_pytorch.losses.MCCLoss", "segmentation_models_pytorch.losses.mcc.MCCLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/losses/mcc.py:5",
            display="smp.losses.MCCLoss",
            kind="mcc",
            from_logits_default=False,
        ),
    ),
    # Legacy smp.utils.losses (deprecated, still shipped): DiceLoss(eps, beta, activation=None,
    # ignore_channels) applies Activation(activation), identity by default: it takes probabilities.
    # Its activation= argument, when given, is what the loss applies (activation_param).
    (
        (
            "segmentation_models_pytorch.utils.losses.DiceLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/utils/losses.py:26",
            display="smp.utils.losses.DiceLoss",
            kind="dice",
            from_logits_default=False,
            pred=("y_pr", 0),
            target=("y_gt", 1),
            activation_param="activation",
            activation_pos=None,
        ),
    ),
    # JaccardLoss(eps, activation=None, ignore_channels): the same.
    (
        (
            "segmentation_models_pytorch.utils.losses.JaccardLoss",
        ),
        LibraryLoss(
            framework=TORCH,
            read_from="smp 0.6.0: segmentation_models_pytorch/utils/losses.py:26",
            display="smp.utils.losses.JaccardLoss",
            kind="jaccard",
            from_logits_default=False,
            pred=("y_pr", 0),
            target=("y_gt", 1),
            activation_param="activation",
            activation_pos=None,
        ),
    ),
)

LOSSES = {name: row for names, row in _LOSS_FAMILIES for name in names}
