"""Private input checks shared by the metric functions.

Labels may be strings, so the numeric helpers in ``groundup._checks`` do not fit; these
helpers refuse the same bad inputs (wrong rank, empty, NaN, mismatched lengths) with
messages that name the argument and the value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import check_same_length


def column(y: ArrayLike, name: str) -> NDArray[Any]:
    """Return ``y`` as a 1-D array (a single column is flattened), refusing NaN and empties."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        bad = int(np.argwhere(~np.isfinite(arr))[0, 0])
        raise ValueError(f"{name} contains NaN or infinity ({arr[bad]!r} at index {bad})")
    if arr.dtype == object:
        arr = arr.astype(str) if all(isinstance(v, str) for v in arr) else arr
    return arr


def float_array(y: ArrayLike, name: str, ndim: tuple[int, ...] = (1, 2)) -> NDArray[np.float64]:
    """Return ``y`` as a finite float array of an allowed rank."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {np.asarray(y).dtype}") from None
    if arr.ndim not in ndim:
        raise ValueError(f"{name} must be {' or '.join(map(str, ndim))}-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{name} contains NaN or infinity ({arr[bad]!r} at index {bad})")
    return arr


def weights(sample_weight: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    """Validate optional per-sample weights against ``n`` samples."""
    if sample_weight is None:
        return None
    w = float_array(sample_weight, "sample_weight", ndim=(1,))
    check_same_length(("sample_weight", w), ("y", np.empty(n)))
    return w


def target_type(y: NDArray[Any]) -> str:
    """'binary', 'multiclass' or 'continuous' for a 1-D target (scikit-learn's names)."""
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        return "continuous"
    return "binary" if np.unique(y).size <= 2 else "multiclass"


def check_targets(
    y_true: ArrayLike, y_pred: ArrayLike
) -> tuple[str, NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Validate a pair of label vectors; return (type, y_true, y_pred, sorted labels)."""
    yt, yp = column(y_true, "y_true"), column(y_pred, "y_pred")
    check_same_length(("y_true", yt), ("y_pred", yp))
    types = {target_type(yt), target_type(yp)}
    if "continuous" in types:
        raise ValueError(
            f"Classification metrics can't handle continuous targets (got types {sorted(types)})"
        )
    if (yt.dtype.kind in "USO") != (yp.dtype.kind in "USO"):
        raise ValueError(f"Mix of label input types (string and number): {yt.dtype} and {yp.dtype}")
    labels = np.union1d(yt, yp)
    kind = "binary" if labels.size <= 2 else "multiclass"
    return kind, yt, yp, labels


def pos_label_default(classes: NDArray[Any], pos_label: Any) -> Any:
    """scikit-learn's rule: with no ``pos_label``, the classes must look like {0,1} or {-1,1}."""
    if pos_label is not None:
        return pos_label
    ok = classes.dtype.kind not in "USO" and (
        np.array_equal(classes, [0, 1])
        or np.array_equal(classes, [-1, 1])
        or np.array_equal(classes, [0])
        or np.array_equal(classes, [-1])
        or np.array_equal(classes, [1])
    )
    if not ok:
        raise ValueError(
            f"y_true takes value in {classes.tolist()} and pos_label is not specified: either "
            "make y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly."
        )
    return 1


def average(values: NDArray[np.float64], w: NDArray[np.float64] | None) -> float:
    """Mean of ``values`` with optional weights (scikit-learn's ``_average``)."""
    return float(np.average(values, weights=w)) if w is not None else float(np.mean(values))
