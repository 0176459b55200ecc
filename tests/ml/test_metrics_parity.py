"""Parity of groundup.ml.metrics with sklearn.metrics on random and real inputs (1e-10)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import groundup.ml.metrics as gm

TOL = 1e-10


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """sklearn's OpenMP/BLAS threads fight over the shared cores; one thread keeps it quick."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def cancer_scores():
    """Real binary scores: a logistic model's probabilities on breast_cancer."""
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    proba = LogisticRegression(C=0.05, max_iter=500).fit(X[::2], y[::2]).predict_proba(X[1::2])
    return y[1::2], proba[:, 1]


@pytest.fixture(scope="module")
def iris_preds():
    """Real multiclass labels/probabilities: a weak logistic model on iris."""
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.02, max_iter=500).fit(X[::2], y[::2])
    return y[1::2], model.predict(X[1::2]), model.predict_proba(X[1::2])


def _close(a, b, tol=TOL):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol)


@pytest.mark.parametrize("average", [None, "binary", "micro", "macro", "weighted"])
@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0])
def test_prf_binary_random(rng, average, beta):
    y = rng.integers(0, 2, 200)
    p = np.where(rng.random(200) < 0.3, 1 - y, y)
    w = rng.random(200)
    for sw in (None, w):
        ours = gm.precision_recall_fscore_support(
            y, p, beta=beta, average=average, sample_weight=sw
        )
        ref = skm.precision_recall_fscore_support(
            y, p, beta=beta, average=average, sample_weight=sw
        )
        for o, r in zip(ours[:3], ref[:3]):
            _close(o, r)
        if average is None:
            _close(ours[3], ref[3])


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_prf_multiclass_real_and_strings(iris_preds, average):
    y, p, _ = iris_preds
    names = np.array(["setosa", "versicolor", "virginica"])
    for yt, yp in ((y, p), (names[y], names[p])):
        for fn in ("precision_score", "recall_score", "f1_score"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _close(
                    getattr(gm, fn)(yt, yp, average=average),
                    getattr(skm, fn)(yt, yp, average=average),
                )
        _close(
            gm.fbeta_score(yt, yp, beta=0.7, average=average),
            skm.fbeta_score(yt, yp, beta=0.7, average=average),
        )


@pytest.mark.parametrize("zero_division", [0.0, 1.0, np.nan])
def test_zero_division_matches(zero_division):
    # label 2 is never predicted and label 3 never true: precision/recall undefined there
    y = np.array([0, 1, 2, 2, 0, 1])
    p = np.array([0, 1, 1, 3, 0, 0])
    for avg in (None, "macro", "weighted", "micro"):
        for fn in ("precision_score", "recall_score", "f1_score"):
            o = getattr(gm, fn)(y, p, average=avg, zero_division=zero_division)
            r = getattr(skm, fn)(y, p, average=avg, zero_division=zero_division)
            np.testing.assert_allclose(np.asarray(o, float), np.asarray(r, float), atol=TOL)


def test_pos_label_and_labels_subset(rng):
    y = rng.choice(["ham", "spam"], 100)
    p = rng.choice(["ham", "spam"], 100)
    _close(gm.f1_score(y, p, pos_label="ham"), skm.f1_score(y, p, pos_label="ham"))
    ym, pm = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    for avg in ("micro", "macro", None):
        _close(
            gm.precision_score(ym, pm, labels=[3, 1], average=avg),
            skm.precision_score(ym, pm, labels=[3, 1], average=avg),
        )


def test_accuracy_and_confusion_matrix(rng, iris_preds):
    y, p, _ = iris_preds
    w = rng.random(y.size)
    _close(gm.accuracy_score(y, p), skm.accuracy_score(y, p))
    _close(gm.accuracy_score(y, p, sample_weight=w), skm.accuracy_score(y, p, sample_weight=w))
    _close(gm.accuracy_score(y, p, normalize=False), skm.accuracy_score(y, p, normalize=False))
    np.testing.assert_array_equal(gm.confusion_matrix(y, p), skm.confusion_matrix(y, p))
    iw = np.arange(y.size) % 3
    assert (
        gm.confusion_matrix(y, p, sample_weight=iw).dtype
        == skm.confusion_matrix(y, p, sample_weight=iw).dtype
    )
    np.testing.assert_array_equal(
        gm.confusion_matrix(y, p, sample_weight=iw), skm.confusion_matrix(y, p, sample_weight=iw)
    )
    for norm in ("true", "pred", "all"):
        _close(
            gm.confusion_matrix(y, p, normalize=norm), skm.confusion_matrix(y, p, normalize=norm)
        )
    _close(gm.confusion_matrix(y, p, labels=[2, 0]), skm.confusion_matrix(y, p, labels=[2, 0]))
    _close(gm.confusion_matrix(y, p, sample_weight=w), skm.confusion_matrix(y, p, sample_weight=w))


def test_classification_report_text_and_dict(iris_preds):
    y, p, _ = iris_preds
    names = ["setosa", "versicolor", "virginica"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gm.classification_report(y, p) == skm.classification_report(y, p)
        assert gm.classification_report(y, p, target_names=names, digits=4) == (
            skm.classification_report(y, p, target_names=names, digits=4)
        )
        assert gm.classification_report(y, p, labels=[0, 1]) == skm.classification_report(
            y, p, labels=[0, 1]
        )
        ours = gm.classification_report(y, p, output_dict=True)
        ref = skm.classification_report(y, p, output_dict=True)
    assert ours.keys() == ref.keys()
    for key in ref:
        if isinstance(ref[key], dict):
            for k2 in ref[key]:
                _close(ours[key][k2], ref[key][k2])
        else:
            _close(ours[key], ref[key])


@pytest.mark.parametrize("drop", [True, False])
def test_roc_and_pr_curves_real(cancer_scores, drop):
    y, s = cancer_scores
    for o, r in zip(
        gm.roc_curve(y, s, drop_intermediate=drop), skm.roc_curve(y, s, drop_intermediate=drop)
    ):
        _close(o, r)
    for o, r in zip(
        gm.precision_recall_curve(y, s, drop_intermediate=drop),
        skm.precision_recall_curve(y, s, drop_intermediate=drop),
    ):
        _close(o, r)


def test_curves_with_ties_weights_and_pos_label(rng):
    y = rng.choice(["neg", "pos"], 300)
    s = np.round(rng.random(300), 1)  # many ties
    w = rng.random(300)
    for o, r in zip(
        gm.roc_curve(y, s, pos_label="pos", sample_weight=w),
        skm.roc_curve(y, s, pos_label="pos", sample_weight=w),
    ):
        _close(o, r)
    for o, r in zip(
        gm.precision_recall_curve(y, s, pos_label="pos", sample_weight=w),
        skm.precision_recall_curve(y, s, pos_label="pos", sample_weight=w),
    ):
        _close(o, r)
    yb = (y == "pos").astype(int)
    _close(gm.roc_auc_score(yb, s, sample_weight=w), skm.roc_auc_score(yb, s, sample_weight=w))
    _close(gm.average_precision_score(yb, s), skm.average_precision_score(yb, s))


def test_auc_scores_real(cancer_scores, iris_preds):
    y, s = cancer_scores
    _close(gm.roc_auc_score(y, s), skm.roc_auc_score(y, s))
    _close(gm.average_precision_score(y, s), skm.average_precision_score(y, s))
    fpr, tpr, _ = skm.roc_curve(y, s)
    _close(gm.auc(fpr, tpr), skm.auc(fpr, tpr))
    _close(gm.auc(fpr[::-1], tpr[::-1]), skm.auc(fpr[::-1], tpr[::-1]))
    yi, _, proba = iris_preds
    for mc in ("ovr", "ovo"):
        for avg in ("macro", "weighted"):
            _close(
                gm.roc_auc_score(yi, proba, multi_class=mc, average=avg),
                skm.roc_auc_score(yi, proba, multi_class=mc, average=avg),
            )
    _close(gm.average_precision_score(yi, proba), skm.average_precision_score(yi, proba))


def test_probabilistic_losses(rng, cancer_scores, iris_preds):
    y, s = cancer_scores
    w = rng.random(y.size)
    _close(gm.log_loss(y, s), skm.log_loss(y, s))
    _close(
        gm.log_loss(y, s, sample_weight=w, normalize=False),
        skm.log_loss(y, s, sample_weight=w, normalize=False),
    )
    _close(gm.brier_score_loss(y, s), skm.brier_score_loss(y, s))
    _close(gm.brier_score_loss(y, s, sample_weight=w), skm.brier_score_loss(y, s, sample_weight=w))
    _close(
        gm.brier_score_loss(1 - y, 1 - s, pos_label=0),
        skm.brier_score_loss(1 - y, 1 - s, pos_label=0),
    )
    yi, _, proba = iris_preds
    _close(gm.log_loss(yi, proba), skm.log_loss(yi, proba))
    _close(gm.brier_score_loss(yi, proba), skm.brier_score_loss(yi, proba))
    # a confident mistake is clipped at machine epsilon, not infinite
    _close(
        gm.log_loss([0, 1], [[1.0, 0.0], [1.0, 0.0]]),
        skm.log_loss([0, 1], [[1.0, 0.0], [1.0, 0.0]]),
    )


@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average", [0.3, 0.7]])
def test_regression_metrics(rng, multioutput):
    yt = rng.standard_normal((50, 2))
    yp = yt + 0.3 * rng.standard_normal((50, 2))
    w = rng.random(50)
    for fn in ("mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score"):
        for sw in (None, w):
            _close(
                getattr(gm, fn)(yt, yp, sample_weight=sw, multioutput=multioutput),
                getattr(skm, fn)(yt, yp, sample_weight=sw, multioutput=multioutput),
            )
    _close(
        gm.r2_score(yt, yp, multioutput="variance_weighted"),
        skm.r2_score(yt, yp, multioutput="variance_weighted"),
    )
    # constant target: the undefined R² is forced to 0 / 1 like sklearn
    assert gm.r2_score([1.0, 1.0, 1.0], [1.0, 2.0, 1.0]) == skm.r2_score(
        [1.0, 1.0, 1.0], [1.0, 2.0, 1.0]
    )
    assert gm.r2_score([1.0, 1.0], [1.0, 1.0]) == skm.r2_score([1.0, 1.0], [1.0, 1.0])


def test_clustering_label_metrics(rng):
    digits_y = load_digits().target
    noisy = np.where(rng.random(digits_y.size) < 0.3, rng.integers(0, 12, digits_y.size), digits_y)
    for a, b in (
        (digits_y, noisy),
        (rng.integers(0, 3, 100), rng.integers(0, 5, 100)),
        ([0, 0, 1], [5, 5, 7]),
    ):
        _close(gm.adjusted_rand_score(a, b), skm.adjusted_rand_score(a, b))
        for method in ("arithmetic", "geometric", "min", "max"):
            _close(
                gm.normalized_mutual_info_score(a, b, average_method=method),
                skm.normalized_mutual_info_score(a, b, average_method=method),
            )
        _close(gm.mutual_info_score(a, b), skm.mutual_info_score(a, b))
        np.testing.assert_array_equal(
            gm.pair_confusion_matrix(a, b), skm.cluster.pair_confusion_matrix(a, b)
        )


def test_silhouette_against_exact_distances(rng):
    """Silhouette vs sklearn, and vs a direct (x − y)² evaluation with scipy's cdist."""
    from scipy.spatial.distance import cdist

    X = load_digits().data[:600]
    labels = load_digits().target[:600] % 4
    ours = gm.silhouette_samples(X, labels)
    # exact-arithmetic reference: no ‖a‖²+‖b‖²−2ab cancellation
    D = cdist(X, X)
    own = labels[:, None] == labels[None, :]
    a = (D * own).sum(1) / (own.sum(1) - 1)
    b = np.min(
        [D[:, labels == c].mean(1) + np.where(labels == c, np.inf, 0) for c in range(4)], axis=0
    )
    _close(ours, (b - a) / np.maximum(a, b))
    _close(ours, skm.silhouette_samples(X, labels))
    Xr = rng.standard_normal((300, 5))
    lr = rng.integers(0, 6, 300)
    _close(gm.silhouette_score(Xr, lr), skm.silhouette_score(Xr, lr))
    _close(
        gm.silhouette_score(Xr, lr, sample_size=120, random_state=4),
        skm.silhouette_score(Xr, lr, sample_size=120, random_state=4),
    )
    Dr = cdist(Xr, Xr)
    _close(
        gm.silhouette_score(Dr, lr, metric="precomputed"),
        skm.silhouette_score(Dr, lr, metric="precomputed"),
    )


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        gm.accuracy_score([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="NaN"):
        gm.accuracy_score([0.0, np.nan], [0.0, 1.0])
    with pytest.raises(ValueError, match="empty"):
        gm.f1_score([], [])
    with pytest.raises(ValueError, match="multiclass but average='binary'"):
        gm.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="pos_label=3 is not a valid label"):
        gm.f1_score([0, 1], [0, 1], pos_label=3)
    with pytest.raises(ValueError, match="average has to be one of"):
        gm.f1_score([0, 1], [0, 1], average="mean")
    with pytest.raises(ValueError, match="Mix of label input types"):
        gm.accuracy_score(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match="continuous"):
        gm.accuracy_score([0.5, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        gm.auc([0, 2, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="pos_label is not specified"):
        gm.roc_curve(["a", "b"], [0.1, 0.9])
    with pytest.raises(ValueError, match="Valid values are 2 to n_samples - 1"):
        gm.silhouette_score(np.eye(3), [0, 0, 0])
    with pytest.raises(ValueError, match="greater than 1"):
        gm.log_loss([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="not a valid scoring value"):
        gm.get_scorer("accurasy")


def test_scorers_match_sklearn(cancer_scores):
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X[::2], y[::2])
    for name in (
        "accuracy",
        "f1",
        "roc_auc",
        "neg_log_loss",
        "average_precision",
        "neg_brier_score",
        "precision",
        "recall",
    ):
        _close(
            gm.get_scorer(name)(model, X[1::2], y[1::2]),
            skm.get_scorer(name)(model, X[1::2], y[1::2]),
        )
    scorer = gm.make_scorer(gm.fbeta_score, beta=2)
    _close(
        scorer(model, X[1::2], y[1::2]),
        skm.make_scorer(skm.fbeta_score, beta=2)(model, X[1::2], y[1::2]),
    )


def test_silhouette_blocks_give_the_same_answer(rng, monkeypatch):
    """Row blocks of a few rows (forced) sum to exactly the single-block result."""
    import groundup.ml.metrics.cluster as gmc

    X = rng.standard_normal((157, 6))
    labels = rng.integers(0, 5, 157)
    whole = gm.silhouette_samples(X, labels)
    monkeypatch.setattr(gmc, "_CHUNK_BYTES", 8 * 157 * 10)  # 10 rows per block
    np.testing.assert_allclose(gm.silhouette_samples(X, labels), whole, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(whole, skm.silhouette_samples(X, labels), atol=TOL)
    D = np.abs(X[:, None, 0] - X[None, :, 0]) + 1.0
    with pytest.raises(ValueError, match="non-zero elements on the diagonal"):
        gm.silhouette_score(D, labels, metric="precomputed")
