"""Property tests: splitters give sklearn's exact indices for arbitrary sizes and seeds."""

from __future__ import annotations

import warnings

import numpy as np
import sklearn.model_selection as sms
from hypothesis import given, settings
from hypothesis import strategies as st

import groundup.ml.model_selection as gms


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(2, 60),
    k=st.integers(2, 6),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_kfold_equals_sklearn(n, k, shuffle, seed):
    k = min(k, n)
    X = np.zeros((n, 1))
    rs = seed if shuffle else None
    ours = list(gms.KFold(k, shuffle=shuffle, random_state=rs).split(X))
    ref = list(sms.KFold(k, shuffle=shuffle, random_state=rs).split(X))
    for (a, b), (c, d) in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@settings(max_examples=80, deadline=None)
@given(
    data=st.lists(st.integers(0, 3), min_size=8, max_size=60),
    k=st.integers(2, 4),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_stratified_kfold_equals_sklearn(data, k, shuffle, seed):
    y = np.array(data)
    counts = np.bincount(y)
    if np.all(k > counts[counts > 0]):
        return  # both refuse: every class smaller than n_splits
    X = np.zeros((y.size, 1))
    rs = seed if shuffle else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "least populated class" warnings on both sides
        ours = list(gms.StratifiedKFold(k, shuffle=shuffle, random_state=rs).split(X, y))
        ref = list(sms.StratifiedKFold(k, shuffle=shuffle, random_state=rs).split(X, y))
    for (a, b), (c, d) in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@settings(max_examples=80, deadline=None)
@given(
    data=st.lists(st.integers(0, 2), min_size=12, max_size=60),
    test_size=st.one_of(st.floats(0.15, 0.6), st.integers(3, 6)),
    seed=st.integers(0, 2**31 - 1),
    stratify=st.booleans(),
)
def test_train_test_split_equals_sklearn(data, test_size, seed, stratify):
    y = np.array(data)
    if stratify and np.bincount(y)[np.bincount(y) > 0].min() < 2:
        return  # both refuse: a class with a single member cannot be stratified
    X = np.arange(2 * y.size).reshape(-1, 2)
    kw = {"test_size": test_size, "random_state": seed, "stratify": y if stratify else None}
    try:
        ref = sms.train_test_split(X, y, **kw)
    except ValueError:
        # sklearn refuses (e.g. fewer test samples than classes): so must we
        try:
            gms.train_test_split(X, y, **kw)
        except ValueError:
            return
        raise AssertionError(f"sklearn refused {kw} but groundup did not") from None
    ours = gms.train_test_split(X, y, **kw)
    for a, b in zip(ours, ref, strict=True):
        np.testing.assert_array_equal(a, b)
