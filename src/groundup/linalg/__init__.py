"""Linear algebra from scratch in NumPy: LU, Cholesky, Householder QR, divide-and-conquer eigh/SVD.

Every routine validates its input with :mod:`groundup._checks`, raises
:class:`LinAlgError` (a :class:`numpy.linalg.LinAlgError`) naming the cause when a matrix
defeats it, and follows NumPy's return conventions (SciPy's for ``lu``). Only NumPy array
operations are used — no ``numpy.linalg`` or SciPy solver. The maths is derived in
docs/notes/linear-algebra.md.
"""

from groundup.linalg._errors import LinAlgError
from groundup.linalg.cholesky import cho_solve, cholesky
from groundup.linalg.eigen import eigh, power_iteration
from groundup.linalg.lstsq import lstsq, matrix_rank, pinv
from groundup.linalg.lu import det, inv, lu, lu_factor, solve
from groundup.linalg.norms import cond, norm
from groundup.linalg.qr import qr
from groundup.linalg.svd import svd
from groundup.linalg.triangular import solve_triangular

__all__ = [
    "LinAlgError",
    "cho_solve",
    "cholesky",
    "cond",
    "det",
    "eigh",
    "inv",
    "lstsq",
    "lu",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "power_iteration",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]
