"""LinearSVC's primal Newton path lands on the same optimum as liblinear run to convergence."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVC as SkLinearSVC

from groundup.ml.svm import LinearSVC
from groundup.ml.svm._primal import primal_newton


def _standardised(loader):
    X, y = loader(return_X_y=True)
    std = X.std(0)
    return (X - X.mean(0)) / np.where(std > 0, std, 1.0), y


@pytest.mark.parametrize("loader", [load_wine, load_breast_cancer, load_digits])
def test_primal_newton_matches_converged_liblinear(loader):
    X, y = _standardised(loader)
    ours = LinearSVC(C=1.0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SkLinearSVC(C=1.0, tol=1e-10, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_primal_objective_is_no_worse_than_liblinear_default():
    X, y = _standardised(load_breast_cancer)
    signs = np.where(y == 1, 1.0, -1.0)
    Xh = np.hstack([X, np.ones((len(X), 1))])
    w, n_iter = primal_newton(Xh, signs, C=1.0, tol=1e-8, max_iter=100)
    ref = SkLinearSVC(C=1.0).fit(X, y)
    w_ref = np.append(ref.coef_[0], ref.intercept_[0])

    def objective(v):
        slack = np.maximum(0.0, 1.0 - signs * (Xh @ v))
        return 0.5 * v @ v + slack @ slack

    assert n_iter < 30
    assert objective(w) <= objective(w_ref) + 1e-12
    # optimality: the gradient of the primal vanishes at our solution
    slack = np.maximum(0.0, 1.0 - signs * (Xh @ w))
    grad = w - 2.0 * Xh.T @ (slack * signs)
    assert np.linalg.norm(grad) < 1e-6
