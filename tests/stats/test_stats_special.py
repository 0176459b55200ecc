"""Special functions against scipy.special, relative error ~1e-12 across wide parameter grids."""

import numpy as np
import pytest
import scipy.special as sp

from groundup.stats import special


def _grid(rng: np.random.Generator) -> np.ndarray:
    return np.concatenate(
        [
            rng.uniform(0.01, 5, 400),
            rng.uniform(5, 300, 400),
            10 ** rng.uniform(-8, 6, 400),
            -rng.uniform(0, 30, 200),  # reflection branch
        ]
    )


def test_gammaln_matches_scipy(rng):
    x = _grid(rng)
    np.testing.assert_allclose(special.gammaln(x), sp.gammaln(x), rtol=1e-12, atol=1e-13)


def test_digamma_matches_scipy(rng):
    x = _grid(rng)
    # near the root of ψ (x ≈ 1.46) only absolute accuracy is meaningful
    np.testing.assert_allclose(special.digamma(x), sp.digamma(x), rtol=1e-12, atol=1e-12)


def test_trigamma_matches_scipy(rng):
    x = _grid(rng)
    np.testing.assert_allclose(special.trigamma(x), sp.polygamma(1, x), rtol=1e-12)


def test_scalar_in_scalar_out():
    assert isinstance(special.gammaln(3.0), float)
    assert special.gammaln(np.ones((2, 3))).shape == (2, 3)


def test_gammaln_at_integers_is_log_factorial():
    n = np.arange(1, 30)
    expected = np.array([np.log(float(np.prod(np.arange(1, k, dtype=float)))) for k in n])
    np.testing.assert_allclose(special.gammaln(n), expected, rtol=1e-13, atol=1e-14)


def test_incomplete_gamma_matches_scipy(rng):
    a = 10 ** rng.uniform(-2, 3, 3000)
    x = a * rng.uniform(0, 3, 3000)
    p, q = special.gammainc(a, x), special.gammaincc(a, x)
    rp, rq = sp.gammainc(a, x), sp.gammaincc(a, x)
    ok_p, ok_q = rp > 1e-300, rq > 1e-300
    np.testing.assert_allclose(p[ok_p], rp[ok_p], rtol=1e-11)
    np.testing.assert_allclose(q[ok_q], rq[ok_q], rtol=1e-11)


def test_incomplete_gamma_large_shape_matches_scipy(rng):
    # for a ~ 1e3..1e4 SciPy's own values drift by ~1e-11 in the deep tails (checked against
    # 30-digit mpmath); where the mass is, both agree to 1e-12
    a = 10 ** rng.uniform(3, 4, 500)
    x = a + np.sqrt(a) * rng.uniform(-6, 6, 500)
    np.testing.assert_allclose(special.gammainc(a, x), sp.gammainc(a, x), rtol=1e-12)
    np.testing.assert_allclose(special.gammaincc(a, x), sp.gammaincc(a, x), rtol=1e-12)


def test_incomplete_gamma_deep_tails_keep_relative_accuracy():
    a = np.array([0.5, 2.0, 10.0, 100.0])
    x = np.array([400.0, 300.0, 200.0, 400.0])  # Q ~ 1e-170 .. 1e-70
    np.testing.assert_allclose(special.gammaincc(a, x), sp.gammaincc(a, x), rtol=1e-12)
    small = np.array([1e-10, 1e-6, 1e-3, 0.5])
    np.testing.assert_allclose(special.gammainc(a, small), sp.gammainc(a, small), rtol=1e-12)


def test_incomplete_gamma_edges():
    assert special.gammainc(2.0, 0.0) == 0.0
    assert special.gammaincc(2.0, 0.0) == 1.0
    assert special.gammainc(2.0, np.inf) == 1.0


def test_incomplete_beta_matches_scipy(rng):
    a = 10 ** rng.uniform(-2, 3, 3000)
    b = 10 ** rng.uniform(-2, 3, 3000)
    x = rng.uniform(0, 1, 3000)
    i, ic = special.betainc(a, b, x), special.betaincc(a, b, x)
    ri, ric = sp.betainc(a, b, x), sp.betaincc(a, b, x)
    # below ~1e-200 SciPy itself drifts (by up to 1e-2 at 1e-266, checked with mpmath)
    ok, okc = ri > 1e-200, ric > 1e-200
    np.testing.assert_allclose(i[ok], ri[ok], rtol=1e-11)
    np.testing.assert_allclose(ic[okc], ric[okc], rtol=1e-11)


def test_incomplete_beta_large_shapes_near_the_mode(rng):
    # a, b up to 1e5: the prefactor x^a (1-x)^b / B(a, b) is expanded around the mode so that
    # three ~(a+b) log(a+b) terms do not cancel
    a = 10 ** rng.uniform(1, 5, 3000)
    b = 10 ** rng.uniform(1, 5, 3000)
    mode = a / (a + b)
    x = np.clip(
        mode + np.sqrt(mode * (1 - mode) / (a + b)) * rng.normal(0, 4, 3000), 1e-12, 1 - 1e-12
    )
    i, ic = special.betainc(a, b, x), special.betaincc(a, b, x)
    ri, ric = sp.betainc(a, b, x), sp.betaincc(a, b, x)
    ok, okc = ri > 1e-200, ric > 1e-200
    np.testing.assert_allclose(i[ok], ri[ok], rtol=1e-11)
    np.testing.assert_allclose(ic[okc], ric[okc], rtol=1e-11)


def test_incomplete_beta_symmetry_and_edges():
    assert special.betainc(2.0, 3.0, 0.0) == 0.0
    assert special.betainc(2.0, 3.0, 1.0) == 1.0
    x = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(
        special.betainc(2.5, 4.0, x), 1 - special.betainc(4.0, 2.5, 1 - x), rtol=1e-12
    )


def test_erf_erfc_ndtr_match_scipy():
    x = np.linspace(-26, 26, 2001)
    np.testing.assert_allclose(special.erf(x / 3), sp.erf(x / 3), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(special.erfc(x), sp.erfc(x), rtol=1e-12)
    tiny = np.concatenate([np.geomspace(1e-300, 0.5, 200), -np.geomspace(1e-300, 0.5, 200)])
    np.testing.assert_allclose(special.erf(tiny), sp.erf(tiny), rtol=1e-13)
    assert isinstance(special.erf(0.3), float) and special.erf(np.inf) == 1.0
    assert special.erfc(-np.inf) == 2.0 and special.erfc(np.inf) == 0.0
    z = np.linspace(-37, 37, 1001)
    np.testing.assert_allclose(special.ndtr(z), sp.ndtr(z), rtol=1e-12)


def test_ndtri_inverts_ndtr(rng):
    p = np.concatenate([10 ** -rng.uniform(0, 300, 500), rng.uniform(0, 1, 500)])
    p = np.concatenate([p, 1 - 10 ** -rng.uniform(1, 15, 200)])
    np.testing.assert_allclose(special.ndtri(p), sp.ndtri(p), rtol=1e-12)
    assert special.ndtri(0.0) == -np.inf and special.ndtri(1.0) == np.inf


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: special.gammainc(-1.0, 1.0), "a > 0"),
        (lambda: special.gammainc(1.0, -0.5), "x >= 0"),
        (lambda: special.betainc(0.0, 1.0, 0.5), "a > 0"),
        (lambda: special.betainc(1.0, -2.0, 0.5), "b > 0"),
        (lambda: special.betainc(1.0, 1.0, 1.5), "0 <= x <= 1"),
        (lambda: special.digamma(-2.0), "non-positive integers"),
        (lambda: special.trigamma(0.0), "non-positive integers"),
        (lambda: special.ndtri(1.2), r"\[0, 1\]"),
        (lambda: special.gammaln("abc"), "numeric"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@pytest.mark.parametrize(
    "fn", [special.gammaincc, special.betaincc, special.erf, special.erfc, special.ndtr]
)
def test_non_numeric_input_is_refused(fn):
    n_args = {special.gammaincc: 2, special.betaincc: 3}.get(fn, 1)
    with pytest.raises(TypeError, match="numeric"):
        fn(*(["x"] * n_args))


def test_complement_functions_refuse_out_of_domain():
    with pytest.raises(ValueError, match="x >= 0"):
        special.gammaincc(1.0, -1.0)
    with pytest.raises(ValueError, match="0 <= x <= 1"):
        special.betaincc(1.0, 1.0, 2.0)
