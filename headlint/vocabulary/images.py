"""torchvision's image datasets and transforms: what the images and labels they
give hold, so that a loss on them knows its targets (a decoder trained on images
normalised to [-1, 1], a classifier on class indices).

Keys are canonical names (``names.canonical``: ``torchvision.datasets.mnist.MNIST``
and ``torchvision.transforms.v2.Normalize`` are these)."""

from __future__ import annotations

READ_FROM = "torchvision 0.29.1 and 0.2-0.28 (torchvision/datasets/, torchvision/transforms/: public API names)"

# Datasets whose items are (image, class index): the position of ``transform`` among
# the positional parameters, where every version admitted puts it there; None where
# only ``transform=`` is sure (EMNIST and QMNIST take it through **kwargs; STL10 put
# ``folds`` before it in 0.3). ``target_transform`` makes the labels unknown.
IMAGE_DATASETS = {
    **{f"torchvision.datasets.{name}": 2 for name in (
        "MNIST", "FashionMNIST", "KMNIST", "CIFAR10", "CIFAR100", "SVHN", "USPS", "Omniglot",
    )},
    "torchvision.datasets.ImageFolder": 1,
    "torchvision.datasets.DatasetFolder": 3,
    **{f"torchvision.datasets.{name}": None for name in ("EMNIST", "QMNIST", "STL10")},
}

# What a transform does to an image's values: "nonneg" makes a tensor of it, in
# [0, 1] (``ToTensor``) or 0..255 (``PILToTensor``, v2's ``ToImage``), "normalize" subtracts a mean and divides
# by a std (signed when a literal mean is above 0), "keep" leaves the range as it
# was (crops, flips, resizes, colour changes clamped to the range), "compose" applies
# its list in order. Any other transform (``Lambda``) leaves nothing known.
IMAGE_TRANSFORMS = {
    "torchvision.transforms.ToTensor": "nonneg",
    "torchvision.transforms.PILToTensor": "nonneg",
    "torchvision.transforms.ToImage": "nonneg",
    "torchvision.transforms.Normalize": "normalize",
    "torchvision.transforms.Compose": "compose",
    **{f"torchvision.transforms.{name}": "keep" for name in (
        "Resize", "Scale", "CenterCrop", "RandomCrop", "RandomResizedCrop", "RandomSizedCrop", "FiveCrop",
        "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine", "RandomPerspective",
        "Grayscale", "RandomGrayscale", "Pad", "ColorJitter", "GaussianBlur", "ToDtype", "ConvertImageDtype",
        "ToPILImage", "AutoAugment", "RandAugment", "TrivialAugmentWide",
    )},
}
