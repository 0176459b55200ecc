"""Numerical calculus from scratch: central-difference derivatives, gradients, Jacobians,
Hessians and gradient checking.

Every routine validates its input (finite point, callable f, positive steps) and refuses a
function that returns NaN or infinity with a ValueError naming the point. The error
analysis behind the default steps is in docs/notes/calculus.md.
"""

from groundup.calculus.derivative import derivative
from groundup.calculus.gradcheck import gradcheck
from groundup.calculus.multivariate import gradient, hessian, jacobian

__all__ = ["derivative", "gradcheck", "gradient", "hessian", "jacobian"]
