"""A text corpus built from the Python standard library's own ``.py`` source files.

Every machine with Python has it, so language models can train on real text offline. The file
list is sorted (deterministic); test directories and installed third-party packages are left
out; a seeded ~5 % of the files are held out for validation, whole files at a time, so that
validation text is never a neighbour of training text.
"""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import Literal

import numpy as np

__all__ = ["stdlib_corpus", "stdlib_files"]

_EXCLUDED_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"}


def _all_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(p in _EXCLUDED_DIRS or p.startswith("test_") for p in parts[:-1]):
            continue
        files.append(path)
    return files


def stdlib_files(
    split: Literal["train", "val", "all"] = "train",
    *,
    val_fraction: float = 0.05,
    seed: int = 0,
    root: Path | None = None,
) -> list[Path]:
    """The sorted standard-library ``.py`` files of one split.

    Parameters
    ----------
    split : {"train", "val", "all"}
        Which files.
    val_fraction : float
        Share of the files held out for validation (at least one file).
    seed : int
        Seed choosing the held-out files.
    root : Path, optional
        Library folder; defaults to ``sysconfig.get_paths()["stdlib"]``.
    """
    if split not in ("train", "val", "all"):
        raise ValueError(f"split must be 'train', 'val' or 'all', got {split!r}")
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction!r}")
    base = Path(root) if root is not None else Path(sysconfig.get_paths()["stdlib"])
    if not base.is_dir():
        raise FileNotFoundError(f"standard library folder {base} does not exist")
    files = _all_files(base)
    if len(files) < 2:
        raise ValueError(f"found {len(files)} .py files under {base}; need at least 2 to split")
    if split == "all":
        return files
    n_val = max(1, int(round(val_fraction * len(files))))
    val = set(np.random.default_rng(seed).choice(len(files), size=n_val, replace=False).tolist())
    return [f for i, f in enumerate(files) if (i in val) == (split == "val")]


def stdlib_corpus(
    split: Literal["train", "val", "all"] = "train",
    *,
    val_fraction: float = 0.05,
    seed: int = 0,
    root: Path | None = None,
) -> str:
    """The text of one split of the standard-library corpus, files joined by blank lines.

    Bytes that are not UTF-8 (a few files declare Latin-1) are replaced, so the text is the
    same on every run. Parameters as in :func:`stdlib_files`.
    """
    files = stdlib_files(split, val_fraction=val_fraction, seed=seed, root=root)
    return "\n\n".join(f.read_bytes().decode("utf-8", errors="replace") for f in files)
