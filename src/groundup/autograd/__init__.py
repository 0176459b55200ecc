"""A NumPy reverse-mode automatic differentiation engine, with layers, losses and optimisers.

``Tensor`` records the operations applied to it; ``loss.backward()`` fills ``.grad`` of every
leaf by the chain rule over the recorded graph. ``groundup.autograd.nn`` builds layers on it,
``groundup.autograd.optim`` updates their parameters, ``groundup.autograd.data`` feeds them
mini-batches. Names follow PyTorch; axes are spelled ``axis``/``keepdims`` as in NumPy.
See docs/notes/backpropagation.md.
"""

from groundup.autograd.ops import *  # noqa: F403
from groundup.autograd.ops import __all__ as _ops_all
from groundup.autograd.tensor import (
    Context,
    Function,
    Tensor,
    enable_grad,
    is_grad_enabled,
    manual_seed,
    no_grad,
    tensor,
    unbroadcast,
)

__all__ = [
    "Context",
    "Function",
    "Tensor",
    "enable_grad",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "tensor",
    "unbroadcast",
    *_ops_all,
]
