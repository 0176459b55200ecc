"""Real data, offline: bundled datasets as seeded splits, the standard-library text corpus and
readers for MNIST IDX, CIFAR binary, image folders and CSV/Parquet.

NumPy-level on purpose — importing this package does not import torch, so the classical-ML
stages use it too. Torch image transforms live in :mod:`groundup.datasets.transforms`.
"""

from groundup.datasets.bundled import DATASETS, Splits, load, splits, upsample_images
from groundup.datasets.corpus import stdlib_corpus, stdlib_files
from groundup.datasets.readers import (
    load_cifar,
    load_image_folder,
    load_mnist,
    read_cifar_binary,
    read_idx,
    read_table,
    write_cifar_binary,
    write_idx,
)

__all__ = [
    "DATASETS",
    "Splits",
    "load",
    "load_cifar",
    "load_image_folder",
    "load_mnist",
    "read_cifar_binary",
    "read_idx",
    "read_table",
    "splits",
    "stdlib_corpus",
    "stdlib_files",
    "upsample_images",
    "write_cifar_binary",
    "write_idx",
]
