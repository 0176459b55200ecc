"""LinearRegression and Ridge against scikit-learn on real data (deterministic: same numbers)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as skl
from sklearn.datasets import load_diabetes, load_linnerud

from groundup.ml.linear_model import LinearRegression, Ridge

X_DIA, Y_DIA = load_diabetes(return_X_y=True)


@pytest.mark.parametrize("solver", ["cholesky", "qr", "svd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_matches_sklearn_on_diabetes(solver, fit_intercept):
    ref = skl.LinearRegression(fit_intercept=fit_intercept).fit(X_DIA, Y_DIA)
    ours = LinearRegression(fit_intercept=fit_intercept, solver=solver).fit(X_DIA, Y_DIA)
    # coefficients are O(100–800): rtol 1e-9 is ~1e-7 absolute
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ours.predict(X_DIA), ref.predict(X_DIA), rtol=1e-10)
    assert ours.score(X_DIA, Y_DIA) == pytest.approx(ref.score(X_DIA, Y_DIA), abs=1e-12)


def test_linear_regression_gd_solver_reaches_least_squares():
    ref = skl.LinearRegression().fit(X_DIA, Y_DIA)
    ours = LinearRegression(solver="gd").fit(X_DIA, Y_DIA)
    # gradient descent stops at max|∇| <= 1e-10 on ½n⁻¹‖Xw − y‖²; with λ_min(XᵀX/n) ≈ 6e-4
    # that bounds the coefficient error by ~1e-6 relative — asserted at 1e-6 relative
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X_DIA), ref.predict(X_DIA), rtol=1e-7)


@pytest.mark.parametrize("solver", ["cholesky", "qr", "svd"])
def test_linear_regression_multi_output_linnerud(solver):
    X, Y = load_linnerud(return_X_y=True)
    ref = skl.LinearRegression().fit(X, Y)
    ours = LinearRegression(solver=solver).fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (3, 3)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10)


@pytest.mark.parametrize("solver", ["cholesky", "qr", "svd"])
def test_rank_deficient_gives_minimum_norm_solution(solver):
    # a duplicated column makes XᵀX singular: sklearn's lstsq returns the minimum-norm w
    X = np.hstack([X_DIA, X_DIA[:, :1]])
    ref = skl.LinearRegression().fit(X, Y_DIA)
    ours = LinearRegression(solver=solver).fit(X, Y_DIA)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-6)
    assert ours.coef_[0] == pytest.approx(ours.coef_[-1], rel=1e-8)  # the two copies share


@pytest.mark.parametrize("alpha", [1e-3, 0.1, 1.0, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_sklearn_on_diabetes(alpha, fit_intercept):
    ref = skl.Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X_DIA, Y_DIA)
    ours = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X_DIA, Y_DIA)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(ours.predict(X_DIA), ref.predict(X_DIA), rtol=1e-10)


def test_ridge_multi_output_and_zero_alpha():
    X, Y = load_linnerud(return_X_y=True)
    ref = skl.Ridge(alpha=3.0).fit(X, Y)
    np.testing.assert_allclose(Ridge(alpha=3.0).fit(X, Y).coef_, ref.coef_, rtol=1e-9)
    ols = LinearRegression().fit(X_DIA, Y_DIA)
    np.testing.assert_allclose(Ridge(alpha=0.0).fit(X_DIA, Y_DIA).coef_, ols.coef_, rtol=1e-9)


def test_ridge_shrinks_coefficients_monotonically():
    norms = [np.linalg.norm(Ridge(alpha=a).fit(X_DIA, Y_DIA).coef_) for a in (0.01, 0.1, 1, 10)]
    assert all(a > b for a, b in zip(norms, norms[1:])), norms
