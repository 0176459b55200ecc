"""Vector and matrix norms, and the condition number.

See docs/notes/linear-algebra.md#norms-and-conditioning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array, as_square_matrix
from groundup.linalg.lu import inv
from groundup.linalg.svd import svd

__all__ = ["norm", "cond"]

_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)


def _vector_norm(x: NDArray[Any], ord: Any, axis: int | None) -> Any:
    """‖x‖_p along ``axis`` (all of x if None)."""
    a = np.abs(x)
    if ord is None or ord == 2:
        return np.sqrt(np.sum(a * a, axis=axis))
    if isinstance(ord, str):
        raise ValueError(f"norm: ord {ord!r} is only defined for matrices")
    p = float(ord)
    if p == np.inf:
        return np.max(a, axis=axis)
    if p == -np.inf:
        return np.min(a, axis=axis)
    if p == 0:
        return np.sum(a != 0, axis=axis).astype(np.float64)
    if p == 1:
        return np.sum(a, axis=axis)
    return np.sum(a**p, axis=axis) ** (1.0 / p)


def _matrix_norm(M: NDArray[Any], ord: Any) -> float:
    """Matrix norm of a 2-D array."""
    if ord is None or ord == "fro":
        return float(np.sqrt(np.sum(M * M)))
    if ord == "nuc":
        return float(np.sum(svd(M, compute_uv=False)))
    if ord in (2, -2):
        S = svd(M, compute_uv=False)
        assert isinstance(S, np.ndarray)
        return float(S[0] if ord == 2 else S[-1])
    a = np.abs(M)
    if ord in (1, -1):
        col = np.sum(a, axis=0)
        return float(col.max() if ord == 1 else col.min())
    if ord in (np.inf, -np.inf):
        row = np.sum(a, axis=1)
        return float(row.max() if ord == np.inf else row.min())
    raise ValueError(
        f"norm: invalid ord {ord!r} for a matrix; use one of None, 'fro', 'nuc', 1, -1, 2, "
        "-2, inf, -inf"
    )


def norm(x: ArrayLike, ord: Any = None, axis: int | tuple[int, int] | None = None) -> Any:
    """Vector or matrix norm, with NumPy's ``ord``/``axis`` conventions.

    Vectors: ‖x‖_p = (Σ|x_i|^p)^{1/p} (p = 2 by default), ‖x‖_∞ = max|x_i|,
    ‖x‖_{−∞} = min|x_i|, ‖x‖₀ = #{x_i ≠ 0}. Matrices: Frobenius √(Σ a_ij²) (default),
    1 = max column sum, ∞ = max row sum, 2 = σ_max, −2 = σ_min, 'nuc' = Σσ_i (−1/−∞: min).
    See docs/notes/linear-algebra.md#norms-and-conditioning.

    Parameters
    ----------
    x : array_like, 1-D or 2-D
        Input.
    ord : {None, int, float, inf, -inf, 'fro', 'nuc'}
        Order of the norm.
    axis : int or (int, int), optional
        None: vector norm for 1-D, matrix norm for 2-D. An int: vector norms along it.
        A pair: matrix norm over those axes (transposed if reversed).

    Returns
    -------
    float or ndarray
        The norm (an array of vector norms when ``axis`` is an int on a 2-D input).
    """
    a = as_array(x, "x", ndim=(1, 2))
    if axis is None:
        if a.ndim == 1:
            return float(_vector_norm(a, ord, None))
        return _matrix_norm(a, ord)
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        ax = int(axis)
        if not -a.ndim <= ax < a.ndim:
            raise ValueError(f"norm: axis {axis} is out of bounds for a {a.ndim}-D input")
        out = _vector_norm(a, ord, ax)
        return float(out) if a.ndim == 1 else out
    if isinstance(axis, tuple) and len(axis) == 2 and a.ndim == 2:
        ax0, ax1 = (int(i) % 2 for i in axis)
        if ax0 == ax1:
            raise ValueError(f"norm: duplicate axes {axis}")
        return _matrix_norm(a if ax0 == 0 else a.T, ord)
    raise ValueError(f"norm: invalid axis {axis!r} for a {a.ndim}-D input")


def cond(A: ArrayLike, p: Any = None) -> float:
    """Condition number κ(A) = ‖A‖ ‖A⁻¹‖; for the 2-norm (default) κ = σ_max/σ_min.

    κ bounds how much relative error in b or A can grow in the solution of A x = b:
    ‖δx‖/‖x‖ ≲ κ(A)·(‖δA‖/‖A‖ + ‖δb‖/‖b‖). Singular A gives inf.
    See docs/notes/linear-algebra.md#norms-and-conditioning.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square matrix (any shape for p in {None, 2, -2}).
    p : {None, 1, -1, 2, -2, inf, -inf, 'fro', 'nuc'}
        Norm; None means 2.

    Returns
    -------
    float
        κ_p(A).
    """
    if p is None or p in (2, -2):
        M = as_array(A, "A", ndim=2)
        S = svd(M, compute_uv=False)
        assert isinstance(S, np.ndarray)
        big, small = S[0], S[-1]
        if p == -2:
            big, small = small, big
        return float(big / small) if small != 0 else float(np.inf)
    if p not in _MATRIX_ORDS:
        raise ValueError(f"cond: invalid norm order p={p!r}")
    M = as_square_matrix(A, "A")
    try:
        Ainv = inv(M)
    except np.linalg.LinAlgError:
        return float(np.inf)
    return _matrix_norm(M, p) * _matrix_norm(Ainv, p)
