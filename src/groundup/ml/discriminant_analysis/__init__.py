"""Linear and quadratic discriminant analysis (scikit-learn API).

See docs/notes/generative-classifiers.md.
"""

from groundup.ml.discriminant_analysis._lda import LinearDiscriminantAnalysis
from groundup.ml.discriminant_analysis._qda import QuadraticDiscriminantAnalysis

__all__ = ["LinearDiscriminantAnalysis", "QuadraticDiscriminantAnalysis"]
