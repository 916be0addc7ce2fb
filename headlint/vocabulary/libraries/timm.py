"""The classifiers timm builds with ``timm.create_model(name, num_classes=N)``: a Linear head of
``num_classes`` units and no activation (raw logits), whatever the architecture.
"""

from __future__ import annotations

from .rows import TORCH, LibraryHead

READ_FROM = "timm 1.0.31: timm/models/_factory.py, timm/models/_builder.py, timm/layers/classifier.py"

_FAMILIES = (
    # create_model(model_name, pretrained=False, ...; **kwargs): num_classes travels by keyword to the
    # model class. Its default is the pretrained config's class count (1000 for ImageNet-1k tags, 21843 or
    # 11821 for in21k/in12k ones), so the row gives none. num_classes=0 replaces the classifier with
    # Identity (pooled features); use_conv heads are a 1x1 Conv2d. No activation is ever applied.
    (
        (
            "timm.create_model", "timm.models.create_model", "timm.models._factory.create_model",
        ),
        LibraryHead(
            framework=TORCH,
            read_from="timm 1.0.31: timm/models/_factory.py:162",
            layer="linear",
            units_param="num_classes",
            units_pos=None,
            default_units=None,
        ),
    ),
)

HEADS = {name: row for names, row in _FAMILIES for name in names}

# The attributes that hold a timm model's head (its ``get_classifier()``): ``head``
# (vit, swin, convnext: a ClassifierHead or a Linear), ``fc`` (resnet), ``classifier``
# (efficientnet, mobilenet), ``head.fc`` reached through ``head``.
HEAD_ATTRIBUTES = frozenset({"head", "fc", "classifier"})
