"""Decision trees (CART) from scratch: level-wise, vectorised growth and traversal.

See docs/notes/trees-and-ensembles.md.
"""

from ._classes import DecisionTreeClassifier, DecisionTreeRegressor

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor"]
