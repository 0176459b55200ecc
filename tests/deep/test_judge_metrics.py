"""Judge metrics equal their references; the cached digits judge is accurate and reloads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
import torch
from sklearn.metrics.pairwise import rbf_kernel

from groundup.deep.judge import (
    energy_distance,
    frechet_distance,
    judge_accuracy,
    judge_features,
    load_or_train_judge,
    mmd_rbf,
)


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    # small kernels: extra threads only add contention on a shared 2-core machine
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _fid_reference(a: np.ndarray, b: np.ndarray) -> float:
    # the formula as published implementations write it, with SciPy's general sqrtm
    sa, sb = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    covmean = scipy.linalg.sqrtm(sa @ sb).real
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(sa + sb - 2 * covmean))


@pytest.mark.parametrize("d", [1, 3, 16])
def test_frechet_distance_equals_the_sqrtm_formula(d: int, rng: np.random.Generator) -> None:
    a = rng.standard_normal((300, d)) @ rng.standard_normal((d, d))
    b = rng.standard_normal((200, d)) * 2 + 1
    assert frechet_distance(a, b) == pytest.approx(_fid_reference(a, b), rel=1e-6, abs=1e-9)
    assert abs(frechet_distance(a, a)) < 1e-8


def test_frechet_distance_of_gaussians_in_closed_form(rng: np.random.Generator) -> None:
    # N(0, I) vs N(m, 4I) in d dims: d² = ‖m‖² + d(1 + 4 − 2·2) = ‖m‖² + d
    d, n = 4, 400_000
    a = rng.standard_normal((n, d))
    b = rng.standard_normal((n, d)) * 2 + 0.5
    assert frechet_distance(a, b) == pytest.approx(0.25 * d + d, rel=0.01)


def test_energy_distance_is_scipys_squared_in_one_dimension(rng: np.random.Generator) -> None:
    x, y = rng.standard_normal(300), rng.standard_normal(250) + 0.4
    expected = scipy.stats.energy_distance(x, y) ** 2
    assert energy_distance(x[:, None], y[:, None]) == pytest.approx(expected, rel=1e-10)


def test_mmd_equals_kernel_means(rng: np.random.Generator) -> None:
    x, y = rng.standard_normal((120, 2)), rng.standard_normal((90, 2)) + 0.3
    g = 1 / (2 * 0.7**2)
    expected = rbf_kernel(x, x, gamma=g).mean() + rbf_kernel(y, y, gamma=g).mean()
    expected -= 2 * rbf_kernel(x, y, gamma=g).mean()
    assert mmd_rbf(x, y, 0.7) == pytest.approx(expected, rel=1e-10)


def test_bad_input_is_refused(rng: np.random.Generator) -> None:
    x = rng.standard_normal((5, 2))
    with pytest.raises(ValueError, match="features"):
        frechet_distance(x, rng.standard_normal((5, 3)))
    with pytest.raises(ValueError, match="at least 2"):
        frechet_distance(x[:1], x)
    with pytest.raises(ValueError, match="bandwidth"):
        mmd_rbf(x, x, 0.0)
    with pytest.raises(ValueError, match="NaN|finite"):
        energy_distance(np.full((3, 2), np.nan), x)


def test_cached_judge_is_accurate_and_reloads(tmp_path: Path) -> None:
    net, acc = load_or_train_judge(tmp_path, image_size=8)
    # measured 0.95 on the digits test split (8×8); a broken judge is near 0.1
    assert acc > 0.9, acc
    again, acc2 = load_or_train_judge(tmp_path, image_size=8)
    assert acc2 == acc
    from groundup.datasets import splits

    s = splits("digits", image_size=8)
    X, y = torch.from_numpy(s.X_test), torch.from_numpy(s.y_test)
    assert judge_accuracy(again, X, y) == pytest.approx(acc)
    np.testing.assert_allclose(judge_features(again, X), judge_features(net, X), atol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        net.features(torch.zeros(2, 1, 16, 16))
