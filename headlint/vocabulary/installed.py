"""The top-level names of installed libraries: an import of one is never one of the
checked project's own modules (project.py does not look for it on disk, the
interpreter does not follow it)."""

LIBRARIES = frozenset(
    {
        "torch", "torchvision", "torchaudio", "torchtext", "tensorflow", "tf_keras", "keras", "keras_core", "tflearn", "tf_slim",
        "lightning", "pytorch_lightning", "numpy", "scipy", "pandas", "sklearn", "transformers", "timm",
        "datasets", "jax", "flax", "matplotlib", "seaborn", "tqdm", "PIL", "cv2", "os", "sys", "math",
        "random", "json", "re", "typing", "collections", "functools", "itertools", "dataclasses",
        "pathlib", "logging", "argparse", "time", "copy", "warnings", "abc", "enum", "contextlib",
        "__future__", "builtins", "torchmetrics", "accelerate", "einops", "wandb", "mlflow", "hydra",
        "omegaconf", "yaml", "h5py", "albumentations", "huggingface_hub", "safetensors", "packaging",
        "segmentation_models_pytorch", "skorch", "ray_skorch", "keras_hub", "keras_cv", "ignite", "poutyne",
        "torchbearer",
    }
)
