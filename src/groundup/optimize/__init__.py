"""Stage 1 — numerical optimisation from scratch (NumPy only).

``minimize`` drives fixed-step first-order methods (GD, momentum, Nesterov, AdaGrad, RMSProp,
Adam), damped Newton, BFGS and L-BFGS; ``backtracking`` and ``strong_wolfe`` are the line
searches. See docs/notes/optimization.md.
"""

from groundup.optimize._result import OptimizeResult
from groundup.optimize.line_search import LineSearchResult, backtracking, strong_wolfe
from groundup.optimize.minimize import METHODS, minimize

__all__ = [
    "METHODS",
    "LineSearchResult",
    "OptimizeResult",
    "backtracking",
    "minimize",
    "strong_wolfe",
]
