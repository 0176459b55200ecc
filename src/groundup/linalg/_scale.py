"""Power-of-two scaling that keeps squared entries inside the double range."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def pow2_scale(M: NDArray[Any]) -> float:
    """A power of two near max|M| (1.0 for a zero matrix).

    Dividing by it is exact (only exponents change) and brings the entries to ~1, so the
    squared norms inside Jacobi and Householder neither overflow (entries ~1e200) nor
    underflow (entries ~1e-200).
    """
    big = float(np.max(np.abs(M)))
    if big == 0.0:
        return 1.0
    _, exponent = np.frexp(big)
    return float(np.ldexp(1.0, int(exponent)))
