"""Matrix decompositions for dimensionality reduction: PCA, TruncatedSVD, NMF, KernelPCA.

All SVDs and eigendecompositions go through groundup.linalg. See
docs/notes/dimensionality-reduction.md.
"""

from groundup.ml.decomposition.kernel_pca import KernelPCA
from groundup.ml.decomposition.nmf import NMF
from groundup.ml.decomposition.pca import PCA
from groundup.ml.decomposition.truncated_svd import TruncatedSVD

__all__ = ["NMF", "PCA", "KernelPCA", "TruncatedSVD"]
