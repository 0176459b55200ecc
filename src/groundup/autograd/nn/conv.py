"""Convolution and pooling layers on (N, C, H, W) tensors.

See docs/notes/backpropagation.md for the im2col forward and col2im backward.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import DTypeLike

from groundup import autograd as ag
from groundup.autograd.nn import init
from groundup.autograd.nn.module import Module, Parameter, resolve_rng
from groundup.autograd.ops.conv import _pair
from groundup.autograd.tensor import Tensor

__all__ = ["AvgPool2d", "Conv2d", "MaxPool2d"]

Rng = np.random.Generator | int | None


class Conv2d(Module):
    """2-D convolution layer (cross-correlation, as PyTorch), weight (out, in/groups, kh, kw).

    Parameters
    ----------
    in_channels, out_channels : int
        Channel counts (both divisible by ``groups``).
    kernel_size, stride, padding, dilation : int or pair
        As ``torch.nn.Conv2d``; ``padding`` may be ``"same"`` or ``"valid"``.
    groups : int
        Independent channel groups.
    bias : bool
        Learn a per-output-channel bias.
    rng : Generator or int, optional
        Seed for the initialisation.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if in_channels <= 0 or out_channels <= 0 or groups <= 0:
            raise ValueError(
                f"channels and groups must be positive, got in={in_channels}, "
                f"out={out_channels}, groups={groups}"
            )
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"in_channels ({in_channels}) and out_channels ({out_channels}) must be "
                f"divisible by groups ({groups})"
            )
        kh, kw = _pair(kernel_size, "kernel_size")
        if kh <= 0 or kw <= 0:
            raise ValueError(f"kernel_size must be positive, got {(kh, kw)}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.padding, self.dilation = (
            (kh, kw),
            stride,
            padding,
            dilation,
        )
        g = resolve_rng(rng)
        self.weight = Parameter(
            np.zeros((out_channels, in_channels // groups, kh, kw)), dtype=dtype
        )
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=g)
        if bias:
            bound = 1 / math.sqrt(in_channels // groups * kh * kw)
            self.bias: Parameter | None = Parameter(
                g.uniform(-bound, bound, out_channels), dtype=dtype
            )
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return ag.conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}"
        )


class _Pool2d(Module):
    """The window hyper-parameters shared by the pooling layers (stride defaults to the kernel)."""

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding


class MaxPool2d(_Pool2d):
    """Max over kh×kw windows (stride defaults to the kernel size)."""

    def forward(self, x: Tensor) -> Tensor:
        return ag.max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean over kh×kw windows (stride defaults to the kernel size)."""

    def forward(self, x: Tensor) -> Tensor:
        return ag.avg_pool2d(x, self.kernel_size, self.stride, self.padding)
