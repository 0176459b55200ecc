"""Naive Bayes classifiers: Gaussian, multinomial and Bernoulli likelihoods.

All three score a class by its joint log-likelihood
    log p(c) + Σⱼ log p(xⱼ | c)
(the features are independent given the class) and normalise with log-sum-exp.
See docs/notes/generative-classifiers.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def _logsumexp(a: NDArray[Any]) -> NDArray[Any]:
    """log Σ exp(a) along the last axis, shifted by the row maximum to avoid overflow."""
    m = a.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=1, keepdims=True)))[:, 0]


def _one_hot(y: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.float64]]:
    """Sorted classes and the (n_samples, n_classes) indicator matrix of ``y``."""
    classes, codes = np.unique(y, return_inverse=True)
    Y = np.zeros((len(y), len(classes)))
    Y[np.arange(len(y)), codes] = 1.0
    return classes, Y


def _class_sums(X: NDArray[Any], Y: NDArray[Any]) -> NDArray[Any]:
    """Σ_{i∈c} xᵢ for every class c, i.e. Yᵀ X, by a segmented sum over the class-sorted rows.

    A (k × n)·(n × d) product with tiny k is a thin GEMM that multithreaded BLAS handles
    badly on a busy machine; ``add.reduceat`` is one pass over the data.
    """
    codes = np.argmax(Y, axis=1)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=Y.shape[1])
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sums = np.zeros((Y.shape[1], X.shape[1]))
    present = counts > 0
    sums[present] = np.add.reduceat(X[order], starts[present], axis=0)
    return sums


class _BaseNB(ClassifierMixin, BaseEstimator):
    """Prediction shared by all naive Bayes models: argmax and softmax of the joint log-likelihood."""

    def _joint_log_likelihood(self, X: NDArray[Any]) -> NDArray[Any]:
        raise NotImplementedError

    def _check_X(self, X: ArrayLike) -> NDArray[Any]:
        return validate_data(self, X, reset=False, dtype=np.float64)

    def predict_log_proba(self, X: ArrayLike) -> NDArray[Any]:
        """log p(c | x) for every class: the joint log-likelihood minus its log-sum-exp."""
        check_is_fitted(self)
        jll = self._joint_log_likelihood(self._check_X(X))
        return jll - _logsumexp(jll)[:, None]

    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """p(c | x) for every class."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest joint log-likelihood."""
        check_is_fitted(self)
        jll = self._joint_log_likelihood(self._check_X(X))
        return self.classes_[np.argmax(jll, axis=1)]


class GaussianNB(_BaseNB):
    """Naive Bayes with a normal likelihood per feature and class.

    log p(x | c) = −½ Σⱼ [log(2π σ²_cj) + (xⱼ − μ_cj)² / σ²_cj], with μ_cj and σ²_cj the
    maximum-likelihood mean and variance of feature j in class c, every variance increased by
    ε = var_smoothing · maxⱼ Var(xⱼ) for stability. See docs/notes/generative-classifiers.md.

    Parameters
    ----------
    priors : array-like of shape (n_classes,) or None
        Fixed class priors; by default the class frequencies.
    var_smoothing : float
        Fraction of the largest feature variance added to every variance.

    Attributes
    ----------
    classes_, class_count_, class_prior_ : ndarray of shape (n_classes,)
    theta_, var_ : ndarray of shape (n_classes, n_features)
    epsilon_ : float
    """

    def __init__(self, *, priors: ArrayLike | None = None, var_smoothing: float = 1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X: ArrayLike, y: ArrayLike) -> GaussianNB:
        """Estimate per-class means, variances and priors."""
        if not isinstance(self.var_smoothing, int | float) or self.var_smoothing < 0:
            raise ValueError(f"var_smoothing must be a float >= 0, got {self.var_smoothing!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        self.classes_, Y = _one_hot(yv)
        counts = Y.sum(axis=0)
        self.epsilon_ = float(self.var_smoothing * np.var(Xv, axis=0).max())
        # class means and variances in two matrix products instead of a loop over classes
        self.theta_ = _class_sums(Xv, Y) / counts[:, None]
        # centred second moment (not E[x²] − E[x]², which cancels badly on large features)
        codes = np.argmax(Y, axis=1)
        resid = Xv - self.theta_[codes]
        sq = _class_sums(resid**2, Y) / counts[:, None]
        self.var_ = sq + self.epsilon_
        self.class_count_ = counts
        if self.priors is not None:
            priors = np.asarray(self.priors, dtype=np.float64)
            if priors.shape != (len(self.classes_),):
                raise ValueError(
                    f"Number of priors must match number of classes: got {priors.shape[0]} "
                    f"priors for {len(self.classes_)} classes"
                )
            if not np.isclose(priors.sum(), 1.0):
                raise ValueError(f"The sum of the priors should be 1, got {priors.sum()}")
            if (priors < 0).any():
                raise ValueError(f"Priors must be non-negative, got {priors!r}")
            self.class_prior_ = priors
        else:
            self.class_prior_ = counts / counts.sum()
        return self

    def _joint_log_likelihood(self, X: NDArray[Any]) -> NDArray[Any]:
        log_norm = -0.5 * np.log(2.0 * np.pi * self.var_).sum(axis=1)  # (n_classes,)
        # Σⱼ (x−μ)²/σ² in the centred form, one class at a time (classes are few): expanding
        # the square into matrix products loses digits when σ is tiny relative to x
        maha = np.column_stack(
            [(((X - mu) ** 2) / var).sum(axis=1) for mu, var in zip(self.theta_, self.var_)]
        )
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return log_prior + log_norm - 0.5 * maha


class _DiscreteNB(_BaseNB):
    """Shared fitting of the count-based models: smoothed feature counts and class priors."""

    alpha: float
    fit_prior: bool
    class_prior: ArrayLike | None
    force_alpha: bool

    def _prepare(self, X: ArrayLike, y: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
        if not isinstance(self.alpha, int | float | np.number) or self.alpha < 0:
            raise ValueError(f"alpha must be a float >= 0, got {self.alpha!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        self.classes_, Y = _one_hot(yv)
        return self._transform_X(Xv), Y

    def _transform_X(self, X: NDArray[Any]) -> NDArray[Any]:
        return X

    def _check_X(self, X: ArrayLike) -> NDArray[Any]:
        return self._transform_X(validate_data(self, X, reset=False, dtype=np.float64))

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        # count models score poorly on the checks' continuous blobs — scikit-learn says the same
        tags.classifier_tags.poor_score = True
        return tags

    def _alpha(self) -> float:
        # scikit-learn clips a tiny alpha to 1e-10 unless force_alpha, to keep log() finite
        return float(self.alpha) if self.force_alpha else max(float(self.alpha), 1e-10)

    def _fit_prior(self, Y: NDArray[Any]) -> None:
        self.class_count_ = Y.sum(axis=0)
        n_classes = len(self.classes_)
        if self.class_prior is not None:
            prior = np.asarray(self.class_prior, dtype=np.float64)
            if prior.shape != (n_classes,):
                raise ValueError(
                    f"Number of priors must match number of classes, got {prior.shape}"
                )
            self.class_log_prior_ = np.log(prior)
        elif self.fit_prior:
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(n_classes, -np.log(n_classes))


class MultinomialNB(_DiscreteNB):
    """Naive Bayes for counts: a multinomial over the features per class.

    θ_cj = (N_cj + α) / (N_c + α·n_features), N_cj = Σ_{i∈c} x_ij; then
    log p(c | x) ∝ log p(c) + Σⱼ xⱼ log θ_cj (Lidstone smoothing with α).
    See docs/notes/generative-classifiers.md.

    Parameters
    ----------
    alpha : float
    force_alpha : bool
    fit_prior : bool
    class_prior : array-like or None

    Attributes
    ----------
    classes_, class_count_, class_log_prior_ : ndarray of shape (n_classes,)
    feature_count_, feature_log_prob_ : ndarray of shape (n_classes, n_features)
    """

    def __init__(
        self,
        *,
        alpha: float = 1.0,
        force_alpha: bool = True,
        fit_prior: bool = True,
        class_prior: ArrayLike | None = None,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _transform_X(self, X: NDArray[Any]) -> NDArray[Any]:
        if (X < 0).any():
            raise ValueError(
                f"Negative values in data passed to MultinomialNB (input X): min {X.min()}"
            )
        return X

    def fit(self, X: ArrayLike, y: ArrayLike) -> MultinomialNB:
        """Count features per class and smooth them into log-probabilities."""
        Xv, Y = self._prepare(X, y)
        self.feature_count_ = _class_sums(Xv, Y)
        smoothed = self.feature_count_ + self._alpha()
        self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
        self._fit_prior(Y)
        return self

    def _joint_log_likelihood(self, X: NDArray[Any]) -> NDArray[Any]:
        return X @ self.feature_log_prob_.T + self.class_log_prior_

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags


class BernoulliNB(_DiscreteNB):
    """Naive Bayes for binary features: a Bernoulli per feature and class.

    p_cj = (N_cj + α) / (N_c + 2α) with N_cj the count of class-c samples with xⱼ = 1; then
    log p(x | c) = Σⱼ [xⱼ log p_cj + (1 − xⱼ) log(1 − p_cj)] — absent features count too.
    Inputs are first binarised at ``binarize`` (x > threshold). See
    docs/notes/generative-classifiers.md.

    Parameters
    ----------
    alpha : float
    force_alpha : bool
    binarize : float or None
        Threshold; None means the input is already binary.
    fit_prior : bool
    class_prior : array-like or None

    Attributes
    ----------
    classes_, class_count_, class_log_prior_ : ndarray of shape (n_classes,)
    feature_count_, feature_log_prob_ : ndarray of shape (n_classes, n_features)
    """

    def __init__(
        self,
        *,
        alpha: float = 1.0,
        force_alpha: bool = True,
        binarize: float | None = 0.0,
        fit_prior: bool = True,
        class_prior: ArrayLike | None = None,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _transform_X(self, X: NDArray[Any]) -> NDArray[Any]:
        return X if self.binarize is None else (X > self.binarize).astype(np.float64)

    def fit(self, X: ArrayLike, y: ArrayLike) -> BernoulliNB:
        """Count active features per class and smooth them into probabilities."""
        Xv, Y = self._prepare(X, y)
        self.feature_count_ = _class_sums(Xv, Y)
        self._fit_prior(Y)
        a = self._alpha()
        self.feature_log_prob_ = (
            np.log(self.feature_count_ + a) - np.log(self.class_count_ + 2.0 * a)[:, None]
        )
        return self

    def _joint_log_likelihood(self, X: NDArray[Any]) -> NDArray[Any]:
        # Σ x log p + (1−x) log(1−p) = x·(log p − log(1−p)) + Σ log(1−p)
        neg = np.log1p(-np.exp(self.feature_log_prob_))
        return X @ (self.feature_log_prob_ - neg).T + (self.class_log_prior_ + neg.sum(axis=1))
