"""Lasso and ElasticNet against scikit-learn's coordinate descent on diabetes."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as skl
from sklearn.datasets import load_diabetes

from groundup.ml.linear_model import ElasticNet, Lasso
from groundup.ml.linear_model.coordinate_descent import duality_gap, soft_threshold

X_DIA, Y_DIA = load_diabetes(return_X_y=True)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0])
@pytest.mark.parametrize("l1_ratio", [0.2, 0.5, 0.9])
def test_elastic_net_matches_sklearn(alpha, l1_ratio):
    kw = {"alpha": alpha, "l1_ratio": l1_ratio, "tol": 1e-10, "max_iter": 100_000}
    ref = skl.ElasticNet(**kw).fit(X_DIA, Y_DIA)
    ours = ElasticNet(**kw).fit(X_DIA, Y_DIA)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-4)
    np.testing.assert_allclose(ours.predict(X_DIA), ref.predict(X_DIA), atol=1e-4)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_matches_sklearn_and_is_sparse(alpha, fit_intercept):
    kw = {"alpha": alpha, "fit_intercept": fit_intercept, "tol": 1e-10, "max_iter": 100_000}
    ref = skl.Lasso(**kw).fit(X_DIA, Y_DIA)
    ours = Lasso(**kw).fit(X_DIA, Y_DIA)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)  # the same support
    assert ours.intercept_ == pytest.approx(ref.intercept_, abs=1e-4)


def test_default_tolerance_same_predictions_as_sklearn():
    ref = skl.Lasso(alpha=0.05).fit(X_DIA, Y_DIA)
    ours = Lasso(alpha=0.05).fit(X_DIA, Y_DIA)
    # both stop at duality gap <= 1e-4·‖y‖²/n with the same sweeps: the same iterate
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)


def test_kkt_conditions_at_solution():
    # optimality of 1/(2n)‖y − Xw‖² + α‖w‖₁: |X_jᵀr/n| <= α, with equality and matching sign
    # wherever w_j ≠ 0 (r = centred residual)
    alpha = 0.3
    m = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X_DIA, Y_DIA)
    Xc = X_DIA - X_DIA.mean(0)
    r = Y_DIA - m.predict(X_DIA)
    corr = Xc.T @ r / len(Y_DIA)
    assert np.all(np.abs(corr) <= alpha + 1e-8)
    active = m.coef_ != 0
    np.testing.assert_allclose(corr[active], alpha * np.sign(m.coef_[active]), atol=1e-8)


def test_duality_gap_vanishes_at_optimum_and_is_positive_elsewhere(rng):
    Xc = X_DIA - X_DIA.mean(0)
    yc = Y_DIA - Y_DIA.mean()
    n = len(yc)
    m = ElasticNet(alpha=0.1, l1_ratio=0.5, tol=1e-12, max_iter=100_000).fit(X_DIA, Y_DIA)
    l1, l2 = n * 0.1 * 0.5, n * 0.1 * 0.5
    assert duality_gap(Xc, yc, m.coef_, l1, l2) <= 1e-8 * float(yc @ yc)
    assert duality_gap(Xc, yc, m.coef_ + rng.normal(size=10), l1, l2) > 1.0


def test_soft_threshold():
    assert [soft_threshold(z, 1.0) for z in (-3.0, -1.0, 0.5, 2.5)] == [-2.0, 0.0, 0.0, 1.5]
