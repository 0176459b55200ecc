"""The exception raised when a matrix defeats a factorisation (singular, not PD, no convergence).

See docs/notes/linear-algebra.md.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LinAlgError"]


class LinAlgError(np.linalg.LinAlgError):
    """A linear-algebra failure whose message names the cause and where it happened.

    Subclasses :class:`numpy.linalg.LinAlgError`, so code written against NumPy's exception
    catches ours too. Examples of messages::

        cholesky: matrix is not positive definite (pivot 3 is -2.1e-04)
        solve: matrix is singular (zero pivot in column 4)
    """
