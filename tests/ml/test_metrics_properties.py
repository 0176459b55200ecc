"""Property tests: groundup metrics equal sklearn's on arbitrary small label/score vectors."""

from __future__ import annotations

import warnings

import numpy as np
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import groundup.ml.metrics as gm

labels = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        arrays(np.int64, n, elements=st.integers(0, 3)),
        arrays(np.int64, n, elements=st.integers(0, 3)),
    )
)


@settings(max_examples=60, deadline=None)
@given(labels, st.sampled_from([None, "micro", "macro", "weighted"]), st.sampled_from([0.0, 1.0]))
def test_prf_and_confusion_equal_sklearn(pair, average, zero_division):
    y, p = pair
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = gm.precision_recall_fscore_support(
            y, p, average=average, zero_division=zero_division
        )
        ref = skm.precision_recall_fscore_support(
            y, p, average=average, zero_division=zero_division
        )
    for o, r in zip(ours, ref):
        if r is None:
            assert o is None
        else:
            np.testing.assert_allclose(np.asarray(o, float), np.asarray(r, float), atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when only one label is present
        np.testing.assert_array_equal(gm.confusion_matrix(y, p), skm.confusion_matrix(y, p))
    assert gm.accuracy_score(y, p) == skm.accuracy_score(y, p)
    np.testing.assert_allclose(
        gm.adjusted_rand_score(y, p), skm.adjusted_rand_score(y, p), atol=1e-12
    )
    np.testing.assert_allclose(
        gm.normalized_mutual_info_score(y, p), skm.normalized_mutual_info_score(y, p), atol=1e-12
    )


scored = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.tuples(
        arrays(np.int64, n, elements=st.integers(0, 1)),
        arrays(np.float64, n, elements=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])),
    )
)


@settings(max_examples=60, deadline=None)
@given(scored, st.booleans())
def test_curves_equal_sklearn_with_ties(pair, drop):
    y, s = pair
    if np.unique(y).size < 2:
        y = np.r_[y[:-1], 1 - y[-1]]
    for o, r in zip(
        gm.roc_curve(y, s, drop_intermediate=drop), skm.roc_curve(y, s, drop_intermediate=drop)
    ):
        np.testing.assert_allclose(o, r, atol=1e-12)
    for o, r in zip(
        gm.precision_recall_curve(y, s, drop_intermediate=drop),
        skm.precision_recall_curve(y, s, drop_intermediate=drop),
    ):
        np.testing.assert_allclose(o, r, atol=1e-12)
    np.testing.assert_allclose(gm.roc_auc_score(y, s), skm.roc_auc_score(y, s), atol=1e-12)
    np.testing.assert_allclose(
        gm.average_precision_score(y, s), skm.average_precision_score(y, s), atol=1e-12
    )
