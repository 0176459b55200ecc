"""Benchmark cases: PCA, TruncatedSVD, NMF, KernelPCA (transform) and t-SNE (exact)."""

from sklearn import decomposition as sk
from sklearn import manifold as skmf

from groundup.journey.ml_compare import Case
from groundup.ml import decomposition as ours
from groundup.ml import manifold as oursmf

CASES: list[Case] = [
    Case("PCA", "iris", lambda: ours.PCA(2), lambda: sk.PCA(2), "transform"),
    Case("PCA", "digits", lambda: ours.PCA(10), lambda: sk.PCA(10), "transform"),
    Case("PCA", "breast_cancer", lambda: ours.PCA(10), lambda: sk.PCA(10), "transform", scale=True),
    Case("PCA", "synthetic20k", lambda: ours.PCA(10), lambda: sk.PCA(10), "transform"),
    Case(
        "TruncatedSVD",
        "digits",
        lambda: ours.TruncatedSVD(10, random_state=0),
        lambda: sk.TruncatedSVD(10, random_state=0),
        "transform",
    ),
    # digits are non-negative pixel counts: NMF's natural input
    Case(
        "NMF",
        "digits",
        lambda: ours.NMF(10, max_iter=300),
        lambda: sk.NMF(10, max_iter=300),
        "transform",
    ),
    Case(
        "KernelPCA",
        "iris",
        lambda: ours.KernelPCA(3, kernel="rbf"),
        lambda: sk.KernelPCA(3, kernel="rbf"),
        "transform",
    ),
    Case(
        "KernelPCA",
        "digits",
        lambda: ours.KernelPCA(5, kernel="rbf", gamma=1e-3, random_state=0),
        lambda: sk.KernelPCA(5, kernel="rbf", gamma=1e-3, random_state=0),
        "transform",
    ),
    Case(
        "TSNE",
        "iris",
        lambda: oursmf.TSNE(max_iter=500, random_state=0),
        lambda: skmf.TSNE(method="exact", max_iter=500, random_state=0),
        "transform",
    ),
]
