"""Clustering: k-means (+ mini-batch), DBSCAN, Gaussian mixtures and agglomerative clustering.

See docs/notes/clustering.md.
"""

from groundup.ml.cluster.agglomerative import AgglomerativeClustering
from groundup.ml.cluster.dbscan import DBSCAN
from groundup.ml.cluster.gaussian_mixture import GaussianMixture
from groundup.ml.cluster.kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = [
    "DBSCAN",
    "AgglomerativeClustering",
    "GaussianMixture",
    "KMeans",
    "MiniBatchKMeans",
    "kmeans_plusplus",
]
