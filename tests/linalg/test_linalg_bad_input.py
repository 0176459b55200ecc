"""Every linalg function refuses bad input with a clear exception naming the problem."""

import numpy as np
import pytest

from groundup.linalg import (
    LinAlgError,
    cho_solve,
    cholesky,
    cond,
    det,
    eigh,
    inv,
    lstsq,
    lu,
    matrix_rank,
    norm,
    pinv,
    power_iteration,
    qr,
    solve,
    solve_triangular,
    svd,
)

GOOD = np.array([[4.0, 1.0], [1.0, 3.0]])
NAN = np.array([[1.0, np.nan], [0.0, 1.0]])
INF = np.array([[1.0, 0.0], [np.inf, 1.0]])
RECT = np.ones((2, 3))

MATRIX_FUNCS = {
    "lu": lu,
    "det": det,
    "inv": inv,
    "cholesky": cholesky,
    "eigh": eigh,
    "qr": qr,
    "svd": svd,
    "pinv": pinv,
    "matrix_rank": matrix_rank,
    "cond": cond,
    "power_iteration": power_iteration,
    "solve": lambda A: solve(A, np.ones(2)),
    "solve_triangular": lambda A: solve_triangular(A, np.ones(2)),
    "cho_solve": lambda A: cho_solve(A, np.ones(2)),
    "lstsq": lambda A: lstsq(A, np.ones(2)),
}
SQUARE_ONLY = ["lu", "det", "inv", "cholesky", "eigh", "power_iteration", "solve"]
SQUARE_ONLY += ["solve_triangular", "cho_solve"]


def test_linalg_error_is_numpys():
    assert issubclass(LinAlgError, np.linalg.LinAlgError)


@pytest.mark.parametrize("name", sorted(MATRIX_FUNCS))
@pytest.mark.parametrize("bad", [NAN, INF], ids=["nan", "inf"])
def test_non_finite_matrix_refused(name, bad):
    with pytest.raises(ValueError, match="A contains NaN or infinity|T contains|L contains"):
        MATRIX_FUNCS[name](bad)


@pytest.mark.parametrize("name", sorted(MATRIX_FUNCS))
@pytest.mark.parametrize("bad", [np.ones(3), np.ones((2, 2, 2))], ids=["1d", "3d"])
def test_wrong_ndim_refused(name, bad):
    with pytest.raises(ValueError, match="must be 2-dimensional"):
        MATRIX_FUNCS[name](bad)


@pytest.mark.parametrize("name", sorted(MATRIX_FUNCS))
def test_empty_refused(name):
    with pytest.raises(ValueError, match="is empty"):
        MATRIX_FUNCS[name](np.empty((0, 0)))


@pytest.mark.parametrize("name", SQUARE_ONLY)
def test_non_square_refused(name):
    with pytest.raises(ValueError, match=r"must be square, got shape \(2, 3\)"):
        MATRIX_FUNCS[name](RECT)


def test_object_and_complex_input_refused():
    with pytest.raises(TypeError, match="must be real"):
        svd(np.eye(2) * 1j)
    with pytest.raises((TypeError, ValueError)):
        det([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda b: solve(GOOD, b),
        lambda b: solve_triangular(GOOD, b),
        lambda b: cho_solve(np.tril(GOOD), b),
        lambda b: lstsq(GOOD, b),
    ],
    ids=["solve", "solve_triangular", "cho_solve", "lstsq"],
)
def test_rhs_checked(call):
    with pytest.raises(ValueError, match="b has 3 rows"):
        call(np.ones(3))
    with pytest.raises(ValueError, match="b must be 1 or 2-dimensional"):
        call(np.ones((2, 1, 1)))
    with pytest.raises(ValueError, match="b contains NaN"):
        call(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="b is empty"):
        call(np.empty(0))


def test_singular_matrix_refused_naming_the_column():
    A = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    with pytest.raises(LinAlgError, match=r"solve: matrix is singular \(zero pivot in column 2\)"):
        solve(A, np.ones(3))
    with pytest.raises(LinAlgError, match="inv: matrix is singular"):
        inv(np.zeros((2, 2)))
    with pytest.raises(LinAlgError, match="zero diagonal entry at index 1"):
        solve_triangular(np.array([[1.0, 0.0], [1.0, 0.0]]), np.ones(2))
    with pytest.raises(LinAlgError, match="zero diagonal entry at index 0"):
        cho_solve(np.array([[0.0, 0.0], [1.0, 1.0]]), np.ones(2))


def test_cholesky_non_pd_names_pivot_and_value():
    A = np.diag([4.0, 1.0, -2.0, 3.0])
    with pytest.raises(LinAlgError, match=r"not positive definite \(pivot 2 is -2\.00e\+00\)"):
        cholesky(A)
    with pytest.raises(LinAlgError, match=r"pivot 1 is -3\.00e\+00"):
        cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("func", [cholesky, eigh])
def test_non_symmetric_refused(func):
    with pytest.raises(LinAlgError, match="not symmetric"):
        func(np.array([[1.0, 2.0], [0.0, 1.0]]))


def test_cho_solve_refuses_a_full_matrix_in_place_of_its_factor():
    with pytest.raises(ValueError, match="lower Cholesky factor"):
        cho_solve(GOOD, np.ones(2))


def test_invalid_options_refused():
    with pytest.raises(ValueError, match="mode must be"):
        qr(GOOD, mode="economic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rcond must be finite and >= 0"):
        lstsq(GOOD, np.ones(2), rcond=-1.0)
    with pytest.raises(ValueError, match="rcond must be finite"):
        pinv(GOOD, rcond=np.nan)
    with pytest.raises(ValueError, match="tol must be finite"):
        matrix_rank(GOOD, tol=-1.0)
    with pytest.raises(ValueError, match="num_iter must be a positive integer"):
        power_iteration(GOOD, num_iter=0)
    with pytest.raises(ValueError, match="tol must be finite and > 0"):
        power_iteration(GOOD, tol=0.0)
    with pytest.raises(ValueError, match="invalid ord 'nuc'|only defined for matrices"):
        norm(np.ones(3), "nuc")
    with pytest.raises(ValueError, match="invalid ord 3"):
        norm(GOOD, 3)
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        norm(GOOD, axis=2)
    with pytest.raises(ValueError, match="invalid norm order"):
        cond(GOOD, 3)


def test_norm_refuses_bad_vectors():
    with pytest.raises(ValueError, match="x contains NaN"):
        norm(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="x is empty"):
        norm(np.empty(0))
    with pytest.raises(ValueError, match="x must be 1 or 2-dimensional"):
        norm(np.ones((2, 2, 2)))
