"""The functional interface (``torch.nn.functional``): stateless layers, activations, losses.

Everything here is a plain function of tensors; the modules in ``groundup.autograd.nn`` hold
parameters and call these. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from groundup.autograd.nn.attention import scaled_dot_product_attention
from groundup.autograd.nn.loss import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from groundup.autograd.nn.norm import layer_norm
from groundup.autograd.ops import (
    avg_pool2d,
    batch_norm,
    conv2d,
    dropout,
    embedding,
    gelu,
    leaky_relu,
    linear,
    log_softmax,
    logsumexp,
    max_pool2d,
    pad,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)

__all__ = [
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "embedding",
    "gelu",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsumexp",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "pad",
    "relu",
    "scaled_dot_product_attention",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]
