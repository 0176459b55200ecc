"""Symmetry check shared by cholesky and eigh."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg._errors import LinAlgError

# Relative asymmetry max|A − Aᵀ| / max|A| above which input is refused as not symmetric.
# Round-off in forming a symmetric matrix (e.g. XᵀX + λI) is orders of magnitude below this.
SYM_RTOL = 1e-10


def check_symmetric(M: NDArray[Any], func: str) -> None:
    """Raise LinAlgError naming the asymmetry if M is not symmetric to SYM_RTOL."""
    scale = float(np.max(np.abs(M)))
    asym = float(np.max(np.abs(M - M.T)))
    if asym > SYM_RTOL * scale:
        raise LinAlgError(
            f"{func}: matrix is not symmetric (max |A - A^T| is {asym:.2e}, max |A| is {scale:.2e})"
        )
