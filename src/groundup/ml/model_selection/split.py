"""Data splitters: train_test_split, KFold and StratifiedKFold.

Same index arithmetic and the same random-number calls as scikit-learn's splitters, so one
``random_state`` gives identical folds in both libraries. See docs/notes/evaluation.md.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_random_state

Split = tuple[NDArray[np.intp], NDArray[np.intp]]


def num_samples(x: Any) -> int:
    """Number of rows of an array-like (refusing scalars). See docs/notes/evaluation.md.

    Parameters
    ----------
    x : array-like
        Array, list, DataFrame or sparse matrix.

    Returns
    -------
    int
    """
    if hasattr(x, "shape") and len(x.shape) > 0:
        return int(x.shape[0])
    if hasattr(x, "__len__") and not isinstance(x, str):
        return len(x)
    if hasattr(x, "__array__"):
        return num_samples(np.asarray(x))
    raise TypeError(
        f"Expected an array-like with samples along the first axis, got {type(x).__name__}"
    )


def safe_index(x: Any, idx: NDArray[np.intp]) -> Any:
    """Rows ``idx`` of an array, a DataFrame/Series, a sparse matrix or a list (keeping its type).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    x : array-like or None
        Container to index.
    idx : ndarray of int
        Row indices.

    Returns
    -------
    The selected rows, same kind of container (None stays None).
    """
    if x is None:
        return None
    if hasattr(x, "iloc"):
        return x.iloc[idx]
    if hasattr(x, "tocsr"):  # scipy sparse: only CSR/CSC support row indexing
        return x.tocsr()[idx]
    if hasattr(x, "shape"):
        return x[idx]
    if not hasattr(x, "__getitem__") and hasattr(x, "__array__"):
        return np.asarray(x)[idx]
    return [x[i] for i in idx]


class _BaseKFold:
    """Shared validation and ``split`` for the k-fold splitters."""

    n_splits: int
    shuffle: bool
    random_state: Any

    def __init__(self, n_splits: int, shuffle: bool, random_state: Any) -> None:
        if not isinstance(n_splits, numbers.Integral) or isinstance(n_splits, bool):
            raise ValueError(f"n_splits must be an integer, got {n_splits!r}")
        if n_splits <= 1:
            raise ValueError(
                f"k-fold cross-validation requires at least n_splits=2, got {n_splits}"
            )
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False; got {shuffle!r}")
        if not shuffle and random_state is not None:
            raise ValueError(
                "Setting a random_state has no effect since shuffle is False. You should leave "
                "random_state to its default (None), or set shuffle=True."
            )
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds."""
        return self.n_splits

    def _test_folds(self, n: int, y: Any) -> NDArray[np.intp]:
        raise NotImplementedError

    def split(
        self, X: ArrayLike, y: ArrayLike | None = None, groups: Any = None
    ) -> Iterator[Split]:
        """Yield (train indices, test indices) for each fold."""
        n = num_samples(X)
        if self.n_splits > n:
            raise ValueError(
                f"Cannot have number of splits n_splits={self.n_splits} greater than the number "
                f"of samples: n_samples={n}."
            )
        folds = self._test_folds(n, y)
        indices = np.arange(n)
        for k in range(self.n_splits):
            mask = folds == k
            yield indices[~mask], indices[mask]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_splits={self.n_splits}, random_state={self.random_state!r}, "
            f"shuffle={self.shuffle})"
        )


class KFold(_BaseKFold):
    """K consecutive folds (optionally after one shuffle); each fold is the test set once.

    Fold sizes are ⌊n/k⌋ + 1 for the first n mod k folds and ⌊n/k⌋ for the rest.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    n_splits : int
        Number of folds, at least 2.
    shuffle : bool
        Shuffle the indices once before cutting the folds.
    random_state : int, RandomState or None
        Seed of the shuffle.
    """

    def __init__(self, n_splits: int = 5, *, shuffle: bool = False, random_state: Any = None):
        super().__init__(n_splits, shuffle, random_state)

    def _test_folds(self, n: int, y: Any) -> NDArray[np.intp]:
        order = np.arange(n)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(order)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        folds = np.empty(n, dtype=np.intp)
        folds[order] = np.repeat(np.arange(self.n_splits), sizes)
        return folds


class StratifiedKFold(_BaseKFold):
    """K folds that keep each class's proportion in every fold.

    The classes (numbered by first appearance) are dealt round-robin over the folds in
    sorted order, which fixes how many samples of class c each fold receives; the samples
    of a class then fill their folds in blocks (shuffled when ``shuffle``).
    See docs/notes/evaluation.md.

    Parameters
    ----------
    n_splits : int
        Number of folds, at least 2.
    shuffle : bool
        Shuffle each class's fold assignment.
    random_state : int, RandomState or None
        Seed of the shuffle.
    """

    def __init__(self, n_splits: int = 5, *, shuffle: bool = False, random_state: Any = None):
        super().__init__(n_splits, shuffle, random_state)

    def _test_folds(self, n: int, y: Any) -> NDArray[np.intp]:
        if y is None:
            raise ValueError("StratifiedKFold needs y to stratify on")
        yy = np.asarray(y)
        if yy.ndim == 2 and yy.shape[1] == 1:
            yy = yy.ravel()
        if yy.ndim != 1:
            raise ValueError(
                f"Supported target types are binary or multiclass; got y of shape {yy.shape}"
            )
        if yy.shape[0] != n:
            raise ValueError(f"inconsistent numbers of samples: X has {n}, y has {yy.shape[0]}")
        rng = check_random_state(self.random_state)
        _, first, inverse = np.unique(yy, return_index=True, return_inverse=True)
        _, by_appearance = np.unique(first, return_inverse=True)
        codes = by_appearance[inverse.ravel()]
        n_classes = first.size
        counts = np.bincount(codes)
        if np.all(self.n_splits > counts):
            raise ValueError(
                f"n_splits={self.n_splits} cannot be greater than the number of members in each class."
            )
        if self.n_splits > counts.min():
            warnings.warn(
                f"The least populated class in y has only {counts.min()} members, which is less "
                f"than n_splits={self.n_splits}.",
                UserWarning,
                stacklevel=3,
            )
        ordered = np.sort(codes)
        allocation = np.stack(
            [
                np.bincount(ordered[i :: self.n_splits], minlength=n_classes)
                for i in range(self.n_splits)
            ]
        )
        folds = np.empty(n, dtype=np.intp)
        for c in range(n_classes):  # a loop over classes, not samples
            fold_of = np.repeat(np.arange(self.n_splits), allocation[:, c])
            if self.shuffle:
                rng.shuffle(fold_of)
            folds[codes == c] = fold_of
        return folds


def _split_sizes(n: int, test_size: Any, train_size: Any) -> tuple[int, int]:
    """(n_train, n_test) from int counts or float fractions, default test fraction 0.25."""
    if test_size is None and train_size is None:
        test_size = 0.25
    for name, size in (("test_size", test_size), ("train_size", train_size)):
        if size is None:
            continue
        if isinstance(size, numbers.Integral) and not isinstance(size, bool):
            if not 0 < int(size) < n:
                raise ValueError(
                    f"{name}={size} should be either positive and smaller than the number of "
                    f"samples {n} or a float in the (0, 1) range"
                )
        elif isinstance(size, numbers.Real):
            if not 0 < float(size) < 1:
                raise ValueError(f"{name}={size} should be a float in the (0, 1) range or an int")
        else:
            raise ValueError(f"Invalid value for {name}: {size!r}")
    n_test = (
        None
        if test_size is None
        else (math.ceil(test_size * n) if isinstance(test_size, float) else int(test_size))
    )
    n_train = (
        None
        if train_size is None
        else (math.floor(train_size * n) if isinstance(train_size, float) else int(train_size))
    )
    if n_train is None:
        n_train = n - n_test  # type: ignore[operator]
    if n_test is None:
        n_test = n - n_train
    if n_train + n_test > n:
        raise ValueError(
            f"The sum of train_size and test_size = {n_train + n_test}, should be smaller than "
            f"the number of samples {n}. Reduce test_size and/or train_size."
        )
    if n_train == 0:
        raise ValueError(
            f"With n_samples={n}, test_size={test_size} and train_size={train_size}, the "
            "resulting train set will be empty. Adjust any of the aforementioned parameters."
        )
    return n_train, n_test


def _approximate_mode(
    counts: NDArray[np.int64], n_draws: int, rng: np.random.RandomState
) -> NDArray[np.int64]:
    """Per-class draw counts closest to proportional, ties in the remainders broken at random."""
    continuous = counts / counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add = min(len(inds), need)
            floored[rng.choice(inds, size=add, replace=False)] += 1
            need -= add
            if need == 0:
                break
    return floored.astype(np.int64)


def _stratified_indices(
    y: ArrayLike, n_train: int, n_test: int, rng: np.random.RandomState
) -> Split:
    """One stratified shuffle split (scikit-learn's StratifiedShuffleSplit draw order)."""
    yy = np.asarray(y)
    if yy.ndim == 2:
        yy = np.array([" ".join(row.astype(str)) for row in yy])
    classes, codes = np.unique(yy, return_inverse=True)
    counts = np.bincount(codes)
    if counts.min() < 2:
        raise ValueError(
            "The least populated class in y has only 1 member, which is too few. The minimum "
            "number of groups for any class cannot be less than 2."
        )
    if n_train < classes.size or n_test < classes.size:
        raise ValueError(
            f"The train_size = {n_train} and test_size = {n_test} should each be greater or "
            f"equal to the number of classes = {classes.size}"
        )
    members = np.split(np.argsort(codes, kind="mergesort"), np.cumsum(counts)[:-1])
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train: list[int] = []
    test: list[int] = []
    for c in range(classes.size):
        perm = members[c].take(rng.permutation(counts[c]), mode="clip")
        train.extend(perm[: n_i[c]])
        test.extend(perm[n_i[c] : n_i[c] + t_i[c]])
    return rng.permutation(train), rng.permutation(test)


def train_test_split(
    *arrays: Any,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    random_state: Any = None,
    shuffle: bool = True,
    stratify: ArrayLike | None = None,
) -> list[Any]:
    """Split arrays into random train and test subsets (stratified on request).

    n_test = ⌈test_size·n⌉ for a fraction (default 0.25), n_train = n − n_test unless given.
    Stratified splits draw from each class in proportion to its frequency.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    *arrays : array-likes of equal length
        Arrays, lists or DataFrames to split the same way.
    test_size, train_size : float, int or None
        Fraction in (0, 1) or absolute count.
    random_state : int, RandomState or None
        Seed of the shuffle.
    shuffle : bool
        Shuffle before splitting (required for stratify).
    stratify : array-like, optional
        Labels to stratify on.

    Returns
    -------
    list
        train/test pairs: [a_train, a_test, b_train, b_test, ...].
    """
    if not arrays:
        raise ValueError("At least one array required as input")
    lengths = [num_samples(a) for a in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    n = lengths[0]
    n_train, n_test = _split_sizes(n, test_size, train_size)
    if not shuffle:
        if stratify is not None:
            raise ValueError("Stratified train/test split is not implemented for shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    elif stratify is not None:
        train, test = _stratified_indices(
            stratify, n_train, n_test, check_random_state(random_state)
        )
    else:
        perm = check_random_state(random_state).permutation(n)
        test, train = perm[:n_test], perm[n_test : n_test + n_train]
    out: list[Any] = []
    for a in arrays:
        out.extend([safe_index(a, train), safe_index(a, test)])
    return out


def check_cv(cv: Any = 5, y: ArrayLike | None = None, *, classifier: bool = False) -> Any:
    """A splitter for ``cv``: an int gives StratifiedKFold for classifiers, KFold otherwise.

    See docs/notes/evaluation.md.

    Parameters
    ----------
    cv : int, splitter object, iterable of (train, test) or None
        The cross-validation strategy (None means 5 folds).
    y : array-like, optional
        Targets (decide stratification).
    classifier : bool
        Whether the estimator is a classifier.

    Returns
    -------
    splitter with ``split`` and ``get_n_splits``
    """
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if classifier and y is not None:
            yy = np.asarray(y)
            discrete = yy.ndim == 1 and (yy.dtype.kind in "iubUSO" or np.all(yy == np.round(yy)))
            if discrete:
                return StratifiedKFold(int(cv))
        return KFold(int(cv))
    if hasattr(cv, "split") and hasattr(cv, "get_n_splits"):
        return cv
    if hasattr(cv, "__iter__") and not isinstance(cv, str):
        return _FixedSplits(list(cv))
    raise ValueError(
        f"Expected cv as an integer, cross-validation object or an iterable, got {cv!r}"
    )


class _FixedSplits:
    """A list of (train, test) index pairs behaving like a splitter."""

    def __init__(self, splits: list[Any]) -> None:
        self.splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splits]

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        return len(self.splits)

    def split(self, X: Any = None, y: Any = None, groups: Any = None) -> Iterator[Split]:
        yield from self.splits
