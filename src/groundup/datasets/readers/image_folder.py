"""Image folders: one sub-folder per class, images inside (PNG/JPEG via Pillow, else matplotlib).

``root/cat/001.png``, ``root/dog/7.png`` … → classes sorted by folder name, labels 0..k-1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["load_image_folder"]

_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif"}


def _read_image(path: Path) -> NDArray[np.float32]:
    """One image as float32 (h, w, c) in [0, 1]."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            arr = np.asarray(im.convert("RGB" if im.mode not in ("L", "I;16") else "L"), np.float32)
        arr = arr / (65535.0 if arr.max() > 255 else 255.0)
    except ImportError:  # Pillow is optional: matplotlib reads PNG by itself
        import matplotlib.image as mpimg

        arr = np.asarray(mpimg.imread(path), np.float32)
        if arr.dtype.kind == "u":
            arr = arr / 255.0
    except Exception as exc:  # a damaged file: say which one
        raise ValueError(f"cannot read image {path}: {exc}") from None
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return arr[:, :, :3]


def load_image_folder(
    root: str | Path, *, grayscale: bool = False
) -> tuple[NDArray[np.float32], NDArray[np.int64], list[str]]:
    """Load every image under ``root/<class>/`` into one array.

    Parameters
    ----------
    root : str or Path
        Folder whose sub-folders are the classes.
    grayscale : bool
        Average the colour channels to one channel.

    Returns
    -------
    images : ndarray float32, shape (n, c, h, w), values in [0, 1]
    labels : ndarray int64, shape (n,)
    classes : list of str
        Class names (folder names) in label order.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist")
    classes = sorted(d.name for d in root.iterdir() if d.is_dir())
    if not classes:
        raise ValueError(f"{root} has no class sub-folders")
    images: list[NDArray[Any]] = []
    labels: list[int] = []
    for label, name in enumerate(classes):
        files = sorted(p for p in (root / name).iterdir() if p.suffix.lower() in _EXTENSIONS)
        if not files:
            raise ValueError(
                f"class folder {root / name} holds no images ({', '.join(sorted(_EXTENSIONS))})"
            )
        for path in files:
            img = _read_image(path)
            images.append(img.mean(axis=2, keepdims=True) if grayscale else img)
            labels.append(label)
    shapes = {im.shape for im in images}
    if len(shapes) > 1:
        raise ValueError(
            f"images under {root} differ in shape: {sorted(shapes)}; resize them first"
        )
    stacked = np.stack(images).transpose(0, 3, 1, 2).astype(np.float32)
    return stacked, np.asarray(labels, np.int64), classes
