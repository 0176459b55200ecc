"""ml_compare times fast fits by the median of repeats and a slow fit once."""

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from groundup.journey import ml_compare
from groundup.journey.ml_compare import Case, compare


class _Counting(ClassifierMixin, BaseEstimator):
    """Predicts the majority class; counts its fits and sleeps ``pause`` seconds in each."""

    fits = 0

    def __init__(self, pause: float = 0.0):
        self.pause = pause

    def fit(self, X, y):
        type(self).fits += 1
        time.sleep(self.pause)
        values, counts = np.unique(y, return_counts=True)
        self.majority_ = values[np.argmax(counts)]
        return self

    def predict(self, X):
        return np.full(len(X), self.majority_)


def test_fast_fits_are_repeated_and_a_slow_fit_is_timed_once(monkeypatch):
    monkeypatch.setattr(ml_compare, "SLOW_FIT_S", 0.05)
    for pause, fits_per_side in ((0.0, 1 + 3), (0.06, 1)):
        _Counting.fits = 0
        case = Case("Majority", "iris", lambda p=pause: _Counting(p), lambda p=pause: _Counting(p),
                    "classification")  # fmt: skip
        result = compare(case, repeat=3)
        assert _Counting.fits == 2 * fits_per_side, (pause, _Counting.fits)
        assert result.ours_metric == result.ref_metric
        if pause:
            assert result.ours_fit_s >= pause and result.ref_fit_s >= pause
