"""PCA, TruncatedSVD, NMF and KernelPCA against their scikit-learn twins on real data."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.decomposition as skd
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import NotFittedError
from threadpoolctl import threadpool_limits

from groundup.ml.decomposition import NMF, PCA, KernelPCA, TruncatedSVD


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    with threadpool_limits(limits=1):
        yield


def _data(name):
    return {
        "iris": load_iris().data,
        "wine": load_wine().data,
        "cancer": load_breast_cancer().data,
        "digits": load_digits().data,
    }[name]


@pytest.mark.parametrize("name", ["iris", "wine", "cancer", "digits"])
@pytest.mark.parametrize(
    "kw",
    [
        {"n_components": 3},
        {"n_components": 0.95},
        {"n_components": 3, "whiten": True},
        {"n_components": 3, "svd_solver": "full"},
        {"n_components": 3, "svd_solver": "covariance_eigh"},
    ],
)
def test_pca_matches_sklearn(name, kw):
    X = _data(name)
    ours, ref = PCA(**kw).fit(X), skd.PCA(**kw).fit(X)
    assert ours.n_components_ == ref.n_components_
    # same sign convention, so equal outright (no sign fixing), 1e-6 relative to the unit-norm axes
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-6)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-9
    )
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-9)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-8, atol=1e-12)
    scale = np.abs(X).max()
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-8 * scale)
    np.testing.assert_allclose(ours.fit_transform(X), ref.fit_transform(X), atol=1e-8 * scale)
    Z = ours.transform(X)
    np.testing.assert_allclose(
        ours.inverse_transform(Z), ref.inverse_transform(Z), atol=1e-8 * scale
    )


def test_pca_all_components_and_wide_data(rng):
    X = load_wine().data
    ours, ref = PCA().fit(X), skd.PCA().fit(X)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-6)
    np.testing.assert_allclose(
        ours.inverse_transform(ours.transform(X)), X, atol=1e-9 * np.abs(X).max()
    )
    W = rng.standard_normal((20, 40))  # wide: the 'full' SVD path
    o, r = PCA(5).fit(W), skd.PCA(5).fit(W)
    np.testing.assert_allclose(o.components_, r.components_, atol=1e-6)
    np.testing.assert_allclose(o.get_covariance(), r.get_covariance(), atol=1e-10)


def test_pca_randomized_agrees_with_exact():
    X = load_digits().data
    ours = PCA(8, svd_solver="randomized", random_state=0).fit(X)
    exact = skd.PCA(8, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.explained_variance_, exact.explained_variance_, rtol=1e-6)
    np.testing.assert_allclose(ours.components_, exact.components_, atol=1e-4)


@pytest.mark.parametrize("algorithm", ["randomized", "exact"])
def test_truncated_svd_matches_sklearn(algorithm):
    X = load_digits().data
    ours = TruncatedSVD(10, algorithm=algorithm, random_state=0).fit(X)
    ref = skd.TruncatedSVD(
        10, algorithm="randomized" if algorithm == "randomized" else "arpack", random_state=0
    ).fit(X)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-9)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-6)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-7
    )
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-6)


@pytest.mark.parametrize(
    "kw",
    [
        {"n_components": 5},
        {"n_components": 5, "solver": "mu"},
        {"n_components": 5, "init": "random", "random_state": 0},
        {"n_components": 5, "init": "nndsvd"},
        {"n_components": 5, "alpha_W": 0.01, "l1_ratio": 0.5},
    ],
)
def test_nmf_reconstruction_error_matches_sklearn(kw):
    X = load_digits().data
    ours, ref = NMF(**kw, max_iter=300).fit(X), skd.NMF(**kw, max_iter=300).fit(X)
    rel = ours.reconstruction_err_ / ref.reconstruction_err_ - 1
    assert abs(rel) <= 0.05, f"reconstruction error ours/sklearn − 1 = {rel:.2e}"
    # the updates are the same maths, so in fact they agree far more closely
    assert abs(rel) <= 1e-6, f"reconstruction error ours/sklearn − 1 = {rel:.2e}"
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.transform(X[:50]), ref.transform(X[:50]), rtol=1e-3, atol=1e-3)
    assert (ours.components_ >= 0).all()


@pytest.mark.parametrize(
    "kw",
    [
        {"n_components": 3, "kernel": "rbf", "gamma": 0.5},
        {"n_components": 4, "kernel": "poly", "degree": 2},
        {"n_components": 2, "kernel": "linear"},
        {"n_components": 2, "kernel": "cosine"},
        {"kernel": "rbf"},
    ],
)
def test_kernel_pca_projections_equal(kw):
    X = load_iris().data
    ours, ref = KernelPCA(**kw).fit(X), skd.KernelPCA(**kw, eigen_solver="dense").fit(X)
    assert ours.eigenvalues_.size == ref.eigenvalues_.size
    np.testing.assert_allclose(
        ours.eigenvalues_, ref.eigenvalues_, rtol=1e-9, atol=1e-12 * ref.eigenvalues_[0]
    )
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-8)
    np.testing.assert_allclose(ours.fit_transform(X), ref.fit_transform(X), atol=1e-8)


def test_kernel_pca_inverse_and_randomized_solver():
    X = load_iris().data
    ours = KernelPCA(3, kernel="rbf", fit_inverse_transform=True).fit(X)
    ref = skd.KernelPCA(3, kernel="rbf", fit_inverse_transform=True, eigen_solver="dense").fit(X)
    np.testing.assert_allclose(
        ours.inverse_transform(ours.transform(X)),
        ref.inverse_transform(ref.transform(X)),
        atol=1e-8,
    )
    Xd = load_digits().data[:400]
    o = KernelPCA(5, kernel="rbf", gamma=1e-3, eigen_solver="randomized", random_state=0).fit(Xd)
    r = skd.KernelPCA(5, kernel="rbf", gamma=1e-3, eigen_solver="dense").fit(Xd)
    np.testing.assert_allclose(o.eigenvalues_, r.eigenvalues_, rtol=1e-9)
    np.testing.assert_allclose(o.transform(Xd[:50]), r.transform(Xd[:50]), atol=1e-6)


def test_bad_inputs_are_refused():
    X = load_iris().data
    with pytest.raises(NotFittedError):
        PCA(2).transform(X)
    with pytest.raises(ValueError, match="n_components=5 must be between 0 and min"):
        PCA(5).fit(X)
    with pytest.raises(ValueError, match="svd_solver must be one of"):
        PCA(2, svd_solver="lapack").fit(X)
    with pytest.raises(ValueError, match="NaN"):
        PCA(2).fit(np.where(X > 7, np.nan, X))
    with pytest.raises(ValueError, match="features"):
        PCA(2).fit(X).transform(X[:, :3])
    with pytest.raises(ValueError, match="Negative values in data passed to NMF"):
        NMF(2).fit(X - 5)
    with pytest.raises(ValueError, match="n_components\\(5\\) must be an integer in"):
        TruncatedSVD(5).fit(X)
    with pytest.raises(ValueError, match="kernel must be one of"):
        KernelPCA(2, kernel="gauss").fit(X)
    with pytest.raises(ValueError, match="inverse transform is not available"):
        KernelPCA(2).fit(X).inverse_transform(np.zeros((1, 2)))


def test_pca_probabilistic_score_matches_sklearn():
    X = load_wine().data
    X = (X - X.mean(0)) / X.std(0)
    for k in (2, 5, 9):
        ours, ref = PCA(k).fit(X), skd.PCA(k).fit(X)
        np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-9)
        np.testing.assert_allclose(ours.get_precision(), ref.get_precision(), rtol=1e-8, atol=1e-10)
        assert abs(ours.score(X) - ref.score(X)) <= 1e-9 * abs(ref.score(X))


@pytest.mark.parametrize("name", ["iris", "wine", "cancer", "digits"])
def test_pca_mle_dimension_matches_sklearn(name):
    from sklearn.decomposition._pca import _assess_dimension

    from groundup.ml.decomposition.pca import assess_dimension

    X = _data(name)
    X = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0)
    ours, ref = PCA("mle").fit(X), skd.PCA("mle").fit(X)
    assert ours.n_components_ == ref.n_components_
    spectrum = (
        ref.explained_variance_
        if ref.n_components_ == X.shape[1]
        else skd.PCA().fit(X).explained_variance_
    )
    for rank in (1, 2, X.shape[1] // 2):
        np.testing.assert_allclose(
            assess_dimension(spectrum, rank, X.shape[0]),
            _assess_dimension(spectrum, rank, X.shape[0]),
            rtol=1e-10,
        )
