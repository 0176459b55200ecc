"""Kernel support vector machines: SVC (one-vs-one) and ε-SVR, both solved by SMO.

See docs/notes/svm.md.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from groundup.ml.linear_model._base import encode_classes
from groundup.ml.svm._kernels import KERNELS, KernelRows, kernel_matrix, resolve_gamma
from groundup.ml.svm._smo import smo, smo_batch


class _KernelSVM(BaseEstimator):
    """Hyper-parameter checks and kernel evaluation shared by SVC and SVR."""

    C: float
    kernel: str
    degree: int
    gamma: Any
    coef0: float
    tol: float
    max_iter: int
    _gamma: float
    support_vectors_: NDArray[Any]
    dual_coef_: NDArray[Any]
    intercept_: NDArray[Any]

    def _check_params(self, X: NDArray[Any]) -> None:
        if self.kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {self.kernel!r}")
        if not isinstance(self.C, numbers.Real) or self.C <= 0:
            raise ValueError(f"C must be a float > 0, got {self.C!r}")
        if not isinstance(self.degree, numbers.Integral) or self.degree < 0:
            raise ValueError(f"degree must be an int >= 0, got {self.degree!r}")
        if not isinstance(self.tol, numbers.Real) or self.tol <= 0:
            raise ValueError(f"tol must be a float > 0, got {self.tol!r}")
        if not isinstance(self.max_iter, numbers.Integral) or (
            self.max_iter < 1 and self.max_iter != -1
        ):
            raise ValueError(f"max_iter must be -1 or an int >= 1, got {self.max_iter!r}")
        self._gamma = resolve_gamma(self.gamma, X)

    def _kernel(self, A: NDArray[Any], B: NDArray[Any]) -> NDArray[Any]:
        return kernel_matrix(A, B, self.kernel, self._gamma, int(self.degree), float(self.coef0))

    def _rows(self, X: NDArray[Any]) -> Any:
        return KernelRows(X, self.kernel, self._gamma, int(self.degree), float(self.coef0))

    def _warn_unconverged(self, converged: bool) -> None:
        if not converged:
            warnings.warn(
                f"Solver terminated early (max_iter={self.max_iter}). Consider pre-processing "
                f"your data with StandardScaler or MinMaxScaler.",
                ConvergenceWarning,
                stacklevel=3,
            )


class SVC(ClassifierMixin, _KernelSVM):
    """Soft-margin kernel support vector classifier (C-SVC), one-vs-one for many classes.

    Primal: min_{w,b,ξ} ½‖w‖² + C Σ ξᵢ s.t. yᵢ(wᵀφ(xᵢ) + b) ≥ 1 − ξᵢ, ξᵢ ≥ 0.
    Dual: min_α ½ αᵀQα − 1ᵀα s.t. yᵀα = 0, 0 ≤ αᵢ ≤ C, Q_ij = yᵢyⱼK(xᵢ, xⱼ), solved by SMO
    with second-order working-set selection (libsvm's WSS2). Up to 8000 samples one Gram
    matrix serves every class pair, and with ten or more pairs all of them iterate together
    (``smo_batch``); beyond 8000 kernel rows are computed on demand through an LRU cache.
    f(x) = Σᵢ αᵢyᵢK(xᵢ, x) − ρ. With k classes, k(k−1)/2 pairwise machines vote (ties to
    the smaller class); ``decision_function`` is one-vs-rest shaped by default, as scikit-learn.
    See docs/notes/svm.md.

    Parameters
    ----------
    C : float > 0
    kernel : "linear", "poly", "rbf" or "sigmoid"
    degree : int (poly)
    gamma : "scale", "auto" or float
    coef0 : float (poly, sigmoid)
    tol : float
        Stop when the maximal KKT violation is below tol.
    max_iter : int (−1: no limit), per pairwise problem
    decision_function_shape : "ovr" or "ovo"

    Attributes
    ----------
    classes_, support_, support_vectors_, n_support_, dual_coef_, intercept_, n_iter_
    """

    def __init__(
        self,
        *,
        C: float = 1.0,
        kernel: str = "rbf",
        degree: int = 3,
        gamma: Any = "scale",
        coef0: float = 0.0,
        tol: float = 1e-3,
        max_iter: int = -1,
        decision_function_shape: str = "ovr",
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape

    def fit(self, X: ArrayLike, y: ArrayLike) -> SVC:
        """Train one binary SVM per pair of classes."""
        if self.decision_function_shape not in ("ovr", "ovo"):
            raise ValueError(
                f"decision_function_shape must be 'ovr' or 'ovo', got {self.decision_function_shape!r}"
            )
        Xv, yv = validate_data(self, X, y, dtype=np.float64, order="C")
        self.classes_, codes = encode_classes(yv)
        k = len(self.classes_)
        self._check_params(Xv)
        members = [np.flatnonzero(codes == c) for c in range(k)]
        pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
        index_sets = [np.concatenate([members[a], members[b]]) for a, b in pairs]
        labels = [
            np.concatenate([np.ones(len(members[a])), -np.ones(len(members[b]))]) for a, b in pairs
        ]
        ones = [-np.ones(len(yb)) for yb in labels]
        bounds = [np.full(len(yb), float(self.C)) for yb in labels]
        tol, max_iter = float(self.tol), int(self.max_iter)
        if Xv.shape[0] <= 8000:
            K = self._kernel(Xv, Xv)
            if len(pairs) >= 10:
                # many pairs: all of them iterate together, one set of array ops per step
                results = smo_batch(K, index_sets, labels, ones, bounds, tol=tol, max_iter=max_iter)
            else:  # a few pairs: the lock-step overhead outweighs it; one SMO per pair
                results = [
                    smo(K[np.ix_(ix, ix)], yb, pb, Cb, tol=tol, max_iter=max_iter)
                    for ix, yb, pb, Cb in zip(index_sets, labels, ones, bounds)
                ]
        else:  # too big for a Gram matrix: kernel rows on demand, one pair at a time
            results = [
                smo(self._rows(Xv[ix]), yb, pb, Cb, tol=tol, max_iter=max_iter)
                for ix, yb, pb, Cb in zip(index_sets, labels, ones, bounds)
            ]
        pair_alpha = [(ix, res.alpha * yb) for ix, res, yb in zip(index_sets, results, labels)]
        rhos = [res.rho for res in results]
        n_iter = [res.n_iter for res in results]
        all_converged = all(res.converged for res in results)
        self._warn_unconverged(all_converged)
        self._store(Xv, codes, members, pair_alpha, np.asarray(rhos))
        self.n_iter_ = np.asarray(n_iter)
        return self

    def _store(
        self,
        X: NDArray[Any],
        codes: NDArray[np.intp],
        members: list[NDArray[np.intp]],
        pair_alpha: list[tuple[NDArray[np.intp], NDArray[Any]]],
        rhos: NDArray[Any],
    ) -> None:
        """Lay the solution out like libsvm: SVs grouped by class, dual_coef_ (k−1, n_SV)."""
        k = len(self.classes_)
        n = X.shape[0]
        is_sv = np.zeros(n, dtype=bool)
        for idx, coef in pair_alpha:
            is_sv[idx[coef != 0]] = True
        support = np.concatenate([m[is_sv[m]] for m in members])
        self.support_ = support.astype(np.int32)
        self.support_vectors_ = X[support]
        self.n_support_ = np.array([int(is_sv[m].sum()) for m in members], dtype=np.int32)
        position = np.full(n, -1)
        position[support] = np.arange(len(support))
        dual = np.zeros((k - 1, len(support)))
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                idx, coef = pair_alpha[p]
                p += 1
                # libsvm's layout: class a's coefficients in row b−1, class b's in row a
                in_a = codes[idx] == a
                sv = coef != 0
                dual[b - 1, position[idx[in_a & sv]]] = coef[in_a & sv]
                dual[a, position[idx[~in_a & sv]]] = coef[~in_a & sv]
        self._pair_rows = [(a, b) for a in range(k) for b in range(a + 1, k)]
        if k == 2:
            # scikit-learn reports the binary machine with the positive side = classes_[1]
            self.dual_coef_ = -dual
            self.intercept_ = rhos.copy()
        else:
            self.dual_coef_ = dual
            self.intercept_ = -rhos

    def _ovo_decision(self, X: NDArray[Any]) -> NDArray[Any]:
        """f_ab(x) for every pair (a < b), positive meaning class a, like libsvm."""
        Kx = self._kernel(X, self.support_vectors_)
        starts = np.concatenate([[0], np.cumsum(self.n_support_)])
        k = len(self.classes_)
        dual = -self.dual_coef_ if k == 2 else self.dual_coef_
        rho = self.intercept_ if k == 2 else -self.intercept_
        out = np.empty((X.shape[0], len(self._pair_rows)))
        for p, (a, b) in enumerate(self._pair_rows):
            sa = slice(starts[a], starts[a + 1])
            sb = slice(starts[b], starts[b + 1])
            out[:, p] = Kx[:, sa] @ dual[b - 1, sa] + Kx[:, sb] @ dual[a, sb] - rho[p]
        return out

    def decision_function(self, X: ArrayLike) -> NDArray[Any]:
        """Binary: f(x) (positive → classes_[1]). Multiclass: votes + scaled confidences ("ovr")."""
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        dec = self._ovo_decision(Xv)
        k = len(self.classes_)
        if k == 2:
            return -dec[:, 0]
        if self.decision_function_shape == "ovo":
            return dec
        return _ovr_decision(dec, k, self._pair_rows)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """One-vs-one vote; ties go to the smaller class index (libsvm's rule)."""
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        dec = self._ovo_decision(Xv)
        k = len(self.classes_)
        votes = np.zeros((Xv.shape[0], k), dtype=np.int64)
        for p, (a, b) in enumerate(self._pair_rows):
            win_a = dec[:, p] > 0
            votes[:, a] += win_a
            votes[:, b] += ~win_a
        return self.classes_[np.argmax(votes, axis=1)]


def _ovr_decision(dec: NDArray[Any], k: int, pairs: list[tuple[int, int]]) -> NDArray[Any]:
    """scikit-learn's one-vs-rest view of one-vs-one: votes plus confidences squashed into (−⅓, ⅓)."""
    votes = np.zeros((dec.shape[0], k))
    conf = np.zeros((dec.shape[0], k))
    for p, (a, b) in enumerate(pairs):
        conf[:, a] += dec[:, p]
        conf[:, b] -= dec[:, p]
        votes[:, a] += dec[:, p] > 0
        votes[:, b] += dec[:, p] <= 0
    return votes + conf / (3.0 * (np.abs(conf) + 1.0))


class SVR(RegressorMixin, _KernelSVM):
    """ε-insensitive support vector regression.

    Primal: min ½‖w‖² + C Σ (ξᵢ + ξᵢ*) s.t. −ε − ξᵢ* ≤ yᵢ − wᵀφ(xᵢ) − b ≤ ε + ξᵢ.
    Dual over 2n variables (α, α*): min ½(α − α*)ᵀK(α − α*) + ε Σ(α + α*) − yᵀ(α − α*)
    s.t. Σ(α − α*) = 0, 0 ≤ α, α* ≤ C — the SMO problem with labels (+1…, −1…) and linear
    term (ε − y, ε + y). f(x) = Σ (αᵢ − αᵢ*) K(xᵢ, x) − ρ. See docs/notes/svm.md#svr.

    Parameters
    ----------
    kernel, degree, gamma, coef0, tol, C, max_iter : as SVC
    epsilon : float >= 0
        Half-width of the tube inside which errors cost nothing.

    Attributes
    ----------
    support_, support_vectors_, dual_coef_ (1, n_SV), intercept_ (1,), n_iter_
    """

    def __init__(
        self,
        *,
        kernel: str = "rbf",
        degree: int = 3,
        gamma: Any = "scale",
        coef0: float = 0.0,
        tol: float = 1e-3,
        C: float = 1.0,
        epsilon: float = 0.1,
        max_iter: int = -1,
    ):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.max_iter = max_iter

    def fit(self, X: ArrayLike, y: ArrayLike) -> SVR:
        """Solve the 2n-variable dual by SMO."""
        Xv, yv = validate_data(self, X, y, dtype=np.float64, y_numeric=True, order="C")
        self._check_params(Xv)
        if not isinstance(self.epsilon, numbers.Real) or self.epsilon < 0:
            raise ValueError(f"epsilon must be a float >= 0, got {self.epsilon!r}")
        n = Xv.shape[0]
        K: Any = self._kernel(Xv, Xv) if n <= 8000 else self._rows(Xv)
        ylab = np.concatenate([np.ones(n), -np.ones(n)])
        lin = np.concatenate([self.epsilon - yv, self.epsilon + yv])
        rows: NDArray[np.intp] | None = np.concatenate([np.arange(n), np.arange(n)])
        if n <= 3000:
            # α and α* share kernel rows: the (2n)² block matrix makes each row a plain view
            K = np.block([[K, K], [K, K]])
            rows = None
        res = smo(
            K,
            ylab,
            lin,
            np.full(2 * n, float(self.C)),
            float(self.tol),
            int(self.max_iter),
            rows=rows,
        )
        self._warn_unconverged(res.converged)
        coef = res.alpha[:n] - res.alpha[n:]
        sv = np.flatnonzero(coef != 0)
        self.support_ = sv.astype(np.int32)
        self.support_vectors_ = Xv[sv]
        self.n_support_ = np.array([len(sv)], dtype=np.int32)
        self.dual_coef_ = coef[sv][None, :]
        self.intercept_ = np.array([-res.rho])
        self.n_iter_ = res.n_iter
        return self

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """f(x) = Σ (αᵢ − αᵢ*) K(xᵢ, x) + intercept_."""
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        return self._kernel(Xv, self.support_vectors_) @ self.dual_coef_[0] + self.intercept_[0]
