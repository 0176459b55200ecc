"""Every differentiable op, one ``Function`` subclass each, grouped by kind.

- ``elementwise``: + - * / neg pow exp log sqrt abs, maximum minimum where clip, cast
- ``activation``: tanh sigmoid relu leaky_relu gelu softplus
- ``reduction``: sum mean max min var logsumexp softmax log_softmax
- ``shape``: reshape flatten transpose permute expand squeeze unsqueeze, indexing,
  concat stack split pad
- ``linalg``: matmul, linear
- ``conv``: conv2d max_pool2d avg_pool2d
- ``nn``: dropout batch_norm embedding binary_cross_entropy_with_logits
"""

from groundup.autograd.ops.activation import (
    erf,
    erfc,
    gelu,
    leaky_relu,
    relu,
    sigmoid,
    softplus,
    tanh,
)
from groundup.autograd.ops.conv import avg_pool2d, conv2d, max_pool2d
from groundup.autograd.ops.elementwise import (
    abs,
    add,
    cast,
    clip,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    sqrt,
    sub,
    where,
)
from groundup.autograd.ops.linalg import linear, matmul
from groundup.autograd.ops.nn import (
    batch_norm,
    binary_cross_entropy_with_logits_elementwise,
    dropout,
    embedding,
    lstm_cell,
)
from groundup.autograd.ops.reduction import (
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    sum,
    var,
)
from groundup.autograd.ops.shape import (
    cat,
    concat,
    expand,
    flatten,
    getitem,
    pad,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)

clamp = clip

__all__ = [
    "abs",
    "add",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy_with_logits_elementwise",
    "cast",
    "cat",
    "clamp",
    "clip",
    "concat",
    "conv2d",
    "div",
    "dropout",
    "embedding",
    "erf",
    "erfc",
    "exp",
    "expand",
    "flatten",
    "gelu",
    "getitem",
    "leaky_relu",
    "linear",
    "log",
    "lstm_cell",
    "log_softmax",
    "logsumexp",
    "matmul",
    "max",
    "max_pool2d",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mul",
    "neg",
    "pad",
    "permute",
    "pow",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "softplus",
    "split",
    "sqrt",
    "squeeze",
    "stack",
    "sub",
    "sum",
    "tanh",
    "transpose",
    "unsqueeze",
    "var",
    "where",
]
