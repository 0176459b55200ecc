"""Bias-variance decomposition of a learner's expected loss by bootstrap resampling.

See docs/notes/bias-variance.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import clone
from sklearn.utils.validation import check_random_state

from groundup._checks import check_same_length


def bias_variance_decomposition(
    estimator: Any,
    X_train: ArrayLike,
    y_train: ArrayLike,
    X_test: ArrayLike,
    y_test: ArrayLike,
    *,
    loss: str = "mse",
    num_rounds: int = 200,
    random_state: Any = None,
) -> tuple[float, float, float]:
    """Average expected loss, bias and variance over the test points (mlxtend's definitions).

    Fit the estimator on ``num_rounds`` bootstrap samples of the training set; with the
    predictions ŷ_r(x) and the main prediction ȳ(x) (mean for 'mse', mode for '0-1'):

    * mse: loss = E_r[(ŷ_r − y)²], bias = (ȳ − y)², var = E_r[(ŷ_r − ȳ)²], and exactly
      loss = bias + var (the cross term vanishes because ȳ is the mean);
    * 0-1: loss = E_r[ŷ_r ≠ y], bias = [ȳ ≠ y], var = E_r[ŷ_r ≠ ȳ].

    Each is averaged over the test points. See docs/notes/bias-variance.md.

    Parameters
    ----------
    estimator : estimator
        Unfitted estimator (cloned each round).
    X_train, y_train, X_test, y_test : array-likes
        Training data to resample and fixed test data.
    loss : {'mse', '0-1'}
        Squared loss (regression) or zero-one loss (classification).
    num_rounds : int
        Number of bootstrap rounds.
    random_state : int, RandomState or None
        Seed of the bootstrap draws.

    Returns
    -------
    avg_expected_loss, avg_bias, avg_var : float
    """
    if loss not in ("mse", "0-1"):
        raise ValueError(f"loss must be 'mse' or '0-1', got {loss!r}")
    if not isinstance(num_rounds, (int, np.integer)) or num_rounds < 1:
        raise ValueError(f"num_rounds must be a positive integer, got {num_rounds!r}")
    Xtr, ytr = np.asarray(X_train), np.asarray(y_train)
    Xte, yte = np.asarray(X_test), np.asarray(y_test)
    check_same_length(("X_train", Xtr), ("y_train", ytr))
    check_same_length(("X_test", Xte), ("y_test", yte))
    rng = check_random_state(random_state)
    n = Xtr.shape[0]
    preds = []
    for _ in range(num_rounds):  # each round is a full model fit: the loop is over models
        idx = rng.choice(np.arange(n), size=n, replace=True)
        preds.append(clone(estimator).fit(Xtr[idx], ytr[idx]).predict(Xte))
    P = np.asarray(preds)  # (num_rounds, n_test)
    if loss == "mse":
        P = P.astype(np.float64)
        main = P.mean(axis=0)
        expected = float(((P - yte) ** 2).mean())
        bias = float(((main - yte) ** 2).mean())
        var = float(((P - main) ** 2).mean())
        return expected, bias, var
    classes, codes = np.unique(np.concatenate([P.ravel(), yte.ravel()]), return_inverse=True)
    codes_p = codes[: P.size].reshape(P.shape)
    # mode per test point: count votes per class with one bincount on (point, class) codes
    n_test, k = P.shape[1], classes.size
    votes = np.bincount((np.arange(n_test)[None, :] * k + codes_p).ravel(), minlength=n_test * k)
    main = classes[votes.reshape(n_test, k).argmax(axis=1)]
    expected = float((P != yte).mean())
    bias = float((main != yte).mean())
    var = float((P != main).mean())
    return expected, bias, var
