"""Benchmark cases: k-means, mini-batch k-means, DBSCAN, Gaussian mixtures, agglomerative."""

from sklearn import cluster as sk
from sklearn import mixture as skm

from groundup.journey.ml_compare import Case
from groundup.ml import cluster as ours

CASES: list[Case] = [
    Case(
        "KMeans",
        "iris",
        lambda: ours.KMeans(3, random_state=0),
        lambda: sk.KMeans(3, random_state=0),
        "clustering",
    ),
    Case(
        "KMeans",
        "digits",
        lambda: ours.KMeans(10, random_state=0),
        lambda: sk.KMeans(10, random_state=0),
        "clustering",
    ),
    Case(
        "KMeans",
        "synthetic20k",
        lambda: ours.KMeans(2, n_init=3, random_state=0),
        lambda: sk.KMeans(2, n_init=3, random_state=0),
        "clustering",
    ),
    Case(
        "MiniBatchKMeans",
        "digits",
        lambda: ours.MiniBatchKMeans(10, random_state=0),
        lambda: sk.MiniBatchKMeans(10, random_state=0),
        "clustering",
    ),
    Case(
        "DBSCAN",
        "iris",
        lambda: ours.DBSCAN(eps=0.5, min_samples=5),
        lambda: sk.DBSCAN(eps=0.5, min_samples=5),
        "clustering",
    ),
    Case(
        "DBSCAN",
        "digits",
        lambda: ours.DBSCAN(eps=20.0, min_samples=5),
        lambda: sk.DBSCAN(eps=20.0, min_samples=5),
        "clustering",
    ),
    Case(
        "GaussianMixture",
        "iris",
        lambda: ours.GaussianMixture(3, random_state=0),
        lambda: skm.GaussianMixture(3, random_state=0),
        "clustering",
    ),
    Case(
        "GaussianMixture",
        "digits",
        lambda: ours.GaussianMixture(10, covariance_type="diag", reg_covar=1e-2, random_state=0),
        lambda: skm.GaussianMixture(10, covariance_type="diag", reg_covar=1e-2, random_state=0),
        "clustering",
    ),
    Case(
        "AgglomerativeClustering",
        "iris",
        lambda: ours.AgglomerativeClustering(3),
        lambda: sk.AgglomerativeClustering(3),
        "clustering",
    ),
    Case(
        "AgglomerativeClustering",
        "digits",
        lambda: ours.AgglomerativeClustering(10),
        lambda: sk.AgglomerativeClustering(10),
        "clustering",
    ),
    Case(
        "AgglomerativeClustering",
        "wine",
        lambda: ours.AgglomerativeClustering(3, linkage="average"),
        lambda: sk.AgglomerativeClustering(3, linkage="average"),
        "clustering",
        scale=True,
    ),
]
