"""LogisticRegression against scikit-learn at matched C, and its loss against first principles."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
import sklearn.linear_model as skl
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from groundup.ml.linear_model import LogisticRegression
from groundup.ml.linear_model._logistic_loss import (
    binary_hess,
    binary_loss_grad,
    multinomial_hess,
    multinomial_loss_grad,
)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # 2 shared cores: scikit-learn's OpenMP loss threads slow its lbfgs ~50× under contention
    with threadpool_limits(1):
        yield


LOADERS = {"breast_cancer": load_breast_cancer, "iris": load_iris, "digits": load_digits}


def standardised(name):
    X, y = LOADERS[name](return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize(
    ("name", "solver", "C"),
    [
        ("breast_cancer", "lbfgs", 1.0),
        ("breast_cancer", "lbfgs", 0.1),
        ("breast_cancer", "newton", 1.0),
        ("iris", "lbfgs", 1.0),
        ("iris", "lbfgs", 10.0),
        ("iris", "newton", 1.0),
        ("digits", "lbfgs", 1.0),
        ("digits", "lbfgs", 0.1),
        ("digits", "newton", 1.0),
    ],
)
def test_coefficients_match_sklearn(name, solver, C):
    X, y = standardised(name)
    ref = skl.LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
    # tol 1e-8 on max|∇f|: the mean loss's gradient has a rounding floor near 1e-10
    ours = LogisticRegression(C=C, solver=solver, tol=1e-8, max_iter=10_000).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape and ours.intercept_.shape == ref.intercept_.shape
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    # log p = z − logsumexp(z) inherits the score error Σⱼ|Δwⱼ||xⱼ| (standardised |x| up to
    # ~40 on digits), so its bound is the coefficient bound times that: 1e-3
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X), atol=1e-3)


def test_no_intercept_matches_sklearn():
    X, y = standardised("iris")
    ref = skl.LogisticRegression(fit_intercept=False, tol=1e-10, max_iter=10_000).fit(X, y)
    ours = LogisticRegression(fit_intercept=False, tol=1e-8, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_array_equal(ours.intercept_, np.zeros(3))


@pytest.mark.parametrize("name", ["breast_cancer", "digits"])
def test_default_settings_held_out_accuracy(name):
    # defaults (lbfgs, max_iter=100, tol=1e-4) on both sides: same held-out predictions count
    X, y = standardised(name)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ref = skl.LogisticRegression().fit(Xtr, ytr).score(Xte, yte)
    ours = LogisticRegression().fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - ref) <= 0.005, f"held-out accuracy ours {ours:.4f} vs sklearn {ref:.4f}"


def test_gd_solver_close_to_sklearn():
    X, y = standardised("breast_cancer")
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ref = skl.LogisticRegression().fit(Xtr, ytr).score(Xte, yte)
    ours = LogisticRegression(solver="gd", max_iter=3000).fit(Xtr, ytr).score(Xte, yte)
    diff = 100 * (ours - ref)
    assert abs(diff) <= 1.5, f"gd held-out accuracy differs by {diff:+.2f} points"


def test_loss_is_sklearn_log_loss_and_gradient_is_exact(rng):
    X, y = standardised("iris")
    n, K = X.shape[0], 3
    Xa = np.hstack([X, np.ones((n, 1))])
    Y = np.eye(K)[y]
    w = rng.standard_normal(Xa.shape[1] * K)
    lam = 0.3
    f, g = multinomial_loss_grad(w, Xa, Y, lam, True)
    W = w.reshape(-1, K)
    Z = Xa @ W
    P = np.exp(Z - Z.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    penalty = 0.5 * lam * np.sum(W[:-1] ** 2)  # the intercept row is not penalised
    assert f == pytest.approx(log_loss(y, P) + penalty, rel=1e-12)
    fd = so.approx_fprime(w, lambda v: multinomial_loss_grad(v, Xa, Y, lam, True)[0], 1e-7)
    np.testing.assert_allclose(g, fd, atol=1e-6)


def test_hessians_are_derivatives_of_gradients(rng):
    X, y = standardised("iris")
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    Y = np.eye(3)[y]
    w = 0.3 * rng.standard_normal(Xa.shape[1] * 3)
    H = multinomial_hess(w, Xa, 3, 0.2, True)
    fd = so.approx_fprime(w, lambda v: multinomial_loss_grad(v, Xa, Y, 0.2, True)[1], 1e-7)
    np.testing.assert_allclose(H, fd, atol=1e-6)
    yb = (y == 1).astype(float)
    wb = w[: Xa.shape[1]]
    Hb = binary_hess(wb, Xa, 0.2, True)
    fdb = so.approx_fprime(wb, lambda v: binary_loss_grad(v, Xa, yb, 0.2, True)[1], 1e-7)
    np.testing.assert_allclose(Hb, fdb, atol=1e-6)


def test_loss_is_stable_for_huge_scores():
    # scores of ±1e6 would overflow a naive exp: the loss must stay finite and exact
    Xa = np.array([[1e6, 1.0], [-1e6, 1.0]])
    f, g = binary_loss_grad(np.array([1.0, 0.0]), Xa, np.array([0.0, 0.0]), 0.0, True)
    assert f == pytest.approx(0.5e6) and np.isfinite(g).all()
    Y = np.array([[1.0, 0.0], [1.0, 0.0]])
    f, g = multinomial_loss_grad(np.array([0.0, 1.0, 0.0, 0.0]), Xa, Y, 0.0, True)
    assert f == pytest.approx(0.5e6) and np.isfinite(g).all()


def test_string_labels_and_two_class_shapes():
    X, y = standardised("breast_cancer")
    labels = np.array(["malignant", "benign"])[y]
    ours = LogisticRegression().fit(X, labels)
    assert list(ours.classes_) == ["benign", "malignant"]
    assert ours.coef_.shape == (1, X.shape[1]) and ours.decision_function(X).shape == (len(y),)
    assert set(ours.predict(X)) == {"benign", "malignant"}
