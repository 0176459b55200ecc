"""Linear models from scratch with scikit-learn's API.

Least squares (``LinearRegression``, ``Ridge``) on groundup.linalg; ``LogisticRegression``
(binary and softmax) on groundup.optimize; ``Lasso``/``ElasticNet`` by coordinate descent;
``SGDClassifier``, ``SGDRegressor`` and ``Perceptron`` by mini-batch SGD.
See docs/notes/linear-models.md.
"""

from groundup.ml.linear_model.coordinate_descent import ElasticNet, Lasso
from groundup.ml.linear_model.least_squares import LinearRegression, Ridge
from groundup.ml.linear_model.logistic import LogisticRegression
from groundup.ml.linear_model.stochastic_gradient import Perceptron, SGDClassifier, SGDRegressor

__all__ = [
    "ElasticNet",
    "Lasso",
    "LinearRegression",
    "LogisticRegression",
    "Perceptron",
    "Ridge",
    "SGDClassifier",
    "SGDRegressor",
]
