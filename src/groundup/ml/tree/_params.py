"""Hyper-parameter checks shared by trees and tree ensembles (scikit-learn's meanings)."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._builder import GrowParams

_BIG_DEPTH = np.iinfo(np.int32).max


def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_real(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def check_int(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int >= minimum, else ValueError naming the parameter."""
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_real(value: Any, name: str, low: float, high: float | None = None) -> float:
    """``value`` as a float in [low, high] (high optional), else ValueError."""
    if not _is_real(value) or value < low or (high is not None and value > high):
        bound = f"in [{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be a number {bound}, got {value!r}")
    return float(value)


def resolve_max_features(max_features: Any, n_features: int) -> int:
    """Number of features tried per split: int, fraction, "sqrt", "log2" or None (all)."""
    if max_features is None:
        return n_features
    if isinstance(max_features, str):
        if max_features == "sqrt":
            return max(1, int(math.sqrt(n_features)))
        if max_features == "log2":
            return max(1, int(math.log2(n_features)))
    elif _is_int(max_features):
        if 1 <= max_features <= n_features:
            return int(max_features)
    elif _is_real(max_features) and 0.0 < max_features <= 1.0:
        return max(1, int(max_features * n_features))
    raise ValueError(
        "max_features must be None, 'sqrt', 'log2', an int in [1, n_features="
        f"{n_features}] or a float in (0, 1], got {max_features!r}"
    )


def resolve_min_samples(value: Any, name: str, n_samples: int, int_min: int) -> int:
    """min_samples_split / min_samples_leaf: an int, or a fraction of n_samples (ceil)."""
    if _is_int(value):
        return check_int(value, name, int_min)
    if _is_real(value) and 0.0 < value <= 1.0 and not (name == "min_samples_leaf" and value == 1):
        return max(int_min, math.ceil(value * n_samples))
    raise ValueError(f"{name} must be an int >= {int_min} or a float in (0, 1], got {value!r}")


def grow_params(
    est: Any,
    criterion: str,
    allowed: tuple[str, ...],
    n_samples: int,
    n_features: int,
    sample_weight: NDArray[np.float64],
    splitter: str = "best",
) -> GrowParams:
    """Validate a tree-like estimator's stopping rules and resolve them for ``grow``."""
    if criterion not in allowed:
        raise ValueError(f"criterion must be one of {allowed}, got {criterion!r}")
    if splitter not in ("best", "random"):
        raise ValueError(f"splitter must be 'best' or 'random', got {splitter!r}")
    max_depth = _BIG_DEPTH if est.max_depth is None else check_int(est.max_depth, "max_depth", 1)
    mwf = check_real(est.min_weight_fraction_leaf, "min_weight_fraction_leaf", 0.0, 0.5)
    return GrowParams(
        criterion="squared_error" if criterion == "friedman_mse" else criterion,
        max_depth=max_depth,
        min_samples_split=resolve_min_samples(
            est.min_samples_split, "min_samples_split", n_samples, 2
        ),
        min_samples_leaf=resolve_min_samples(
            est.min_samples_leaf, "min_samples_leaf", n_samples, 1
        ),
        min_weight_leaf=mwf * float(np.sum(sample_weight)),
        max_features=resolve_max_features(est.max_features, n_features),
        splitter=splitter,
    )


def rng_from(random_state: Any) -> np.random.Generator:
    """A NumPy Generator seeded from an int, None or a RandomState (sklearn's convention)."""
    from sklearn.utils import check_random_state

    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)
