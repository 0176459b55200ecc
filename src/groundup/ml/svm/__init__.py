"""Support vector machines: SVC, SVR (SMO) and LinearSVC (dual coordinate descent).

See docs/notes/svm.md.
"""

from groundup.ml.svm._classes import SVC, SVR
from groundup.ml.svm._linear import LinearSVC

__all__ = ["SVC", "SVR", "LinearSVC"]
