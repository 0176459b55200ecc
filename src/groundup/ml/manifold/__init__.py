"""Manifold learning: t-SNE. See docs/notes/dimensionality-reduction.md."""

from groundup.ml.manifold.tsne import TSNE

__all__ = ["TSNE"]
