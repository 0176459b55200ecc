"""Readers for the standard downloadable formats; they read files the user has, never download."""

from groundup.datasets.readers.cifar import load_cifar, read_cifar_binary, write_cifar_binary
from groundup.datasets.readers.idx import load_mnist, read_idx, write_idx
from groundup.datasets.readers.image_folder import load_image_folder
from groundup.datasets.readers.tabular import read_table

__all__ = [
    "load_cifar",
    "load_image_folder",
    "load_mnist",
    "read_cifar_binary",
    "read_idx",
    "read_table",
    "write_cifar_binary",
    "write_idx",
]
