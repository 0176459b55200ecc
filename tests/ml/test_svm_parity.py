"""SVC, SVR and LinearSVC against scikit-learn (libsvm / liblinear)."""

import numpy as np
import pytest
import sklearn.svm as sks
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from groundup.ml import svm as gs
from groundup.ml.svm._kernels import kernel_matrix
from groundup.ml.svm._smo import smo

LOADERS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def _split(loader):
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


@pytest.mark.parametrize("dataset", list(LOADERS))
def test_svc_rbf_held_out_accuracy_matches_sklearn(dataset):
    Xtr, Xte, ytr, yte = _split(LOADERS[dataset])
    ours = gs.SVC().fit(Xtr, ytr).score(Xte, yte)
    ref = sks.SVC().fit(Xtr, ytr).score(Xte, yte)
    diff = 100 * (ours - ref)
    assert abs(diff) <= 1.5, f"{dataset}: ours {ours:.4f} vs sklearn {ref:.4f} ({diff:+.2f} points)"


@pytest.mark.parametrize(
    "kernel, params",
    [
        ("linear", {}),
        ("poly", {"degree": 2, "coef0": 1.0}),
        ("rbf", {"gamma": 0.2}),
        ("sigmoid", {"gamma": 0.01}),
    ],
)
def test_svc_solution_matches_libsvm_at_tight_tol(kernel, params):
    # a small multiclass problem solved to 1e-10: same decision values (libsvm caches its
    # kernel in float32, so agreement is ~1e-6, not 1e-12)
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    kw = {"kernel": kernel, "C": 2.0, "tol": 1e-10, **params}
    ours = gs.SVC(**kw).fit(X, y)
    ref = sks.SVC(**kw).fit(X, y)
    if kernel == "rbf":
        # a positive-definite kernel makes the dual solution unique: same support vectors
        np.testing.assert_array_equal(ours.support_, ref.support_)
        np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
        np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-5)
    np.testing.assert_allclose(
        ours.set_params(decision_function_shape="ovo").decision_function(X),
        ref.set_params(decision_function_shape="ovo").decision_function(X),
        atol=1e-5,
    )
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_svc_binary_layout_matches_libsvm():
    Xtr, Xte, ytr, _ = _split(load_breast_cancer)
    ours = gs.SVC(C=0.5, tol=1e-8).fit(Xtr, ytr)
    ref = sks.SVC(C=0.5, tol=1e-8).fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
    np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), atol=1e-5)


def test_smo_reaches_the_kkt_optimum(rng):
    # optimality of the dual: every free α has yᵢ∇ᵢf = ρ; at the bounds the sign conditions hold
    X = rng.standard_normal((60, 3))
    y = np.where(X[:, 0] + 0.3 * rng.standard_normal(60) > 0, 1.0, -1.0)
    K = kernel_matrix(X, X, "rbf", 0.5, 3, 0.0)
    res = smo(K, y, -np.ones(60), np.full(60, 1.0), tol=1e-10)
    assert res.converged
    assert abs(res.alpha @ y) < 1e-10
    yG = y * ((y[:, None] * y[None, :] * K) @ res.alpha - 1.0)
    free = (res.alpha > 1e-12) & (res.alpha < 1.0 - 1e-12)
    np.testing.assert_allclose(yG[free], res.rho, atol=1e-9)


def test_svr_r2_matches_sklearn_on_diabetes():
    Xtr, Xte, ytr, yte = _split(load_diabetes)
    for kw in ({"C": 100.0, "epsilon": 5.0}, {"kernel": "linear", "C": 1.0, "epsilon": 2.0}):
        ours = gs.SVR(**kw).fit(Xtr, ytr).score(Xte, yte)
        ref = sks.SVR(**kw).fit(Xtr, ytr).score(Xte, yte)
        assert abs(ours - ref) <= 0.02, (
            f"{kw}: R² ours {ours:.4f} vs sklearn {ref:.4f} ({ours - ref:+.4f})"
        )


def test_svr_solution_matches_libsvm_at_tight_tol():
    Xtr, Xte, ytr, _ = _split(load_diabetes)
    kw = {"C": 10.0, "epsilon": 10.0, "tol": 1e-9}
    ours = gs.SVR(**kw).fit(Xtr[:120], ytr[:120])
    ref = sks.SVR(**kw).fit(Xtr[:120], ytr[:120])
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-5)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), atol=1e-5)


@pytest.mark.parametrize("dataset", ["iris", "wine", "breast_cancer"])
@pytest.mark.parametrize("loss", ["squared_hinge", "hinge"])
def test_linear_svc_matches_liblinear(dataset, loss):
    Xtr, Xte, ytr, yte = _split(LOADERS[dataset])
    ours = gs.LinearSVC(loss=loss, random_state=0, max_iter=2000).fit(Xtr, ytr)
    ref = sks.LinearSVC(loss=loss, dual=True, random_state=0, max_iter=2000).fit(Xtr, ytr)
    diff = 100 * (ours.score(Xte, yte) - ref.score(Xte, yte))
    assert abs(diff) <= 1.5, f"{dataset}/{loss}: accuracy differs by {diff:+.2f} points"
    # same strictly convex problem: the weights agree up to the solvers' tolerance
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3 * np.abs(ref.coef_).max())
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-3 * np.abs(ref.coef_).max())


def test_linear_svc_same_seed_same_weights():
    Xtr, _, ytr, _ = _split(load_wine)
    a = gs.LinearSVC(random_state=3).fit(Xtr, ytr).coef_
    b = gs.LinearSVC(random_state=3).fit(Xtr, ytr).coef_
    np.testing.assert_array_equal(a, b)


def test_invalid_hyper_parameters_are_named():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="kernel.*'cubic'"):
        gs.SVC(kernel="cubic").fit(X, y)
    with pytest.raises(ValueError, match="C must be.*-1"):
        gs.SVC(C=-1).fit(X, y)
    with pytest.raises(ValueError, match="gamma.*'big'"):
        gs.SVR(gamma="big").fit(X, y.astype(float))
    with pytest.raises(ValueError, match="epsilon.*-0.5"):
        gs.SVR(epsilon=-0.5).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="loss.*'log'"):
        gs.LinearSVC(loss="log").fit(X, y)


def test_max_iter_warns():
    Xtr, _, ytr, _ = _split(load_wine)
    with pytest.warns(ConvergenceWarning):
        gs.SVC(max_iter=3).fit(Xtr, ytr)


def test_batched_smo_follows_the_single_problem_path_exactly(rng):
    from groundup.ml.svm._smo import smo_batch

    X = rng.standard_normal((200, 3))
    K = kernel_matrix(X, X, "poly", 0.5, 3, 1.0)
    sets = [np.sort(rng.choice(200, m, replace=False)) for m in (40, 55, 30, 61, 25) * 4]
    ys = [np.where(X[ix, 0] + 0.5 * rng.standard_normal(len(ix)) > 0, 1.0, -1.0) for ix in sets]
    ps = [-np.ones(len(ix)) for ix in sets]
    Cs = [np.full(len(ix), 1.0) for ix in sets]
    for max_iter in (-1, 7):
        batch = smo_batch(K, sets, ys, ps, Cs, tol=1e-3, max_iter=max_iter)
        for ix, yb, pb, Cb, got in zip(sets, ys, ps, Cs, batch):
            want = smo(K[np.ix_(ix, ix)], yb, pb, Cb, tol=1e-3, max_iter=max_iter)
            assert (got.n_iter, got.converged, got.rho) == (want.n_iter, want.converged, want.rho)
            np.testing.assert_array_equal(got.alpha, want.alpha)


def test_kernel_row_cache_gives_the_same_solution(rng):
    from groundup.ml.svm._kernels import KernelRows

    X = rng.standard_normal((150, 4))
    y = np.where(X[:, 1] - X[:, 2] > 0, 1.0, -1.0)
    for kernel in ("rbf", "poly", "linear"):
        K = kernel_matrix(X, X, kernel, 0.3, 2, 1.0)
        full = smo(K, y, -np.ones(150), np.full(150, 2.0), tol=1e-10)
        rows = KernelRows(X, kernel, 0.3, 2, 1.0, cache_bytes=8 * 150 * 10)  # 10 cached rows
        lazy = smo(rows, y, -np.ones(150), np.full(150, 2.0), tol=1e-10)
        # row-wise products round differently from the full GEMM, so the paths differ; the
        # optimum does not: compare the decision values it defines
        f_full = K @ (full.alpha * y) - full.rho
        f_lazy = K @ (lazy.alpha * y) - lazy.rho
        np.testing.assert_allclose(f_lazy, f_full, atol=1e-7)
