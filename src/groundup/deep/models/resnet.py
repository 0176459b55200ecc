"""Residual networks (He et al., 2015): ImageNet-style resnet18/34/50 and CIFAR-style resnet20/32/56.

A residual block learns the change to its input rather than the whole map:
    y = ReLU(F(x) + S(x)),
with F two 3×3 convs (BasicBlock) or 1×1 → 3×3 → 1×1 (Bottleneck, 4× expansion), and S the
identity — or, where the shape changes, a strided 1×1 conv + BN (ImageNet "option B") or a
parameter-free subsample-and-zero-pad (CIFAR "option A"). The ImageNet layout matches
torchvision's exactly (stride on the 3×3 conv of Bottleneck, "ResNet v1.5"), so resnet18 has
11,689,512 parameters and resnet50 25,557,032 at 1000 classes; resnet20 has 0.27 M.
See docs/notes/residual-learning.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


def conv3x3(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    """3×3 convolution with padding 1 and no bias (a BatchNorm follows)."""
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    """Two 3×3 conv–BN layers and a shortcut: y = ReLU(BN(W₂ ReLU(BN(W₁ x))) + S(x))."""

    expansion = 1

    def __init__(self, cin: int, planes: int, stride: int = 1, shortcut: nn.Module | None = None):
        super().__init__()
        self.conv1 = conv3x3(cin, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = shortcut if shortcut is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class Bottleneck(nn.Module):
    """1×1 reduce → 3×3 (strided) → 1×1 expand (×4), each with BN, plus the shortcut."""

    expansion = 4

    def __init__(self, cin: int, planes: int, stride: int = 1, shortcut: nn.Module | None = None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.shortcut = shortcut if shortcut is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + self.shortcut(x))


class PadShortcut(nn.Module):
    """CIFAR option A: S(x) = x subsampled by ``stride`` with zero channels appended (no weights)."""

    def __init__(self, extra_channels: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = extra_channels, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, self.extra))


def _init_weights(model: nn.Module) -> None:
    # He initialisation keeps activations' variance through ReLU stacks (torchvision's choice)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


class ResNet(nn.Module):
    """ImageNet-style ResNet: 7×7/2 stem, 3×3/2 max-pool, four stages (64…512), global pool, FC.

    Parameters
    ----------
    block : BasicBlock or Bottleneck
        Residual block type.
    layers : sequence of 4 int
        Blocks per stage ([2, 2, 2, 2] is resnet18, [3, 4, 6, 3] resnet34/50).
    in_channels, num_classes : int
        Input channels and output logits.
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: Sequence[int],
        in_channels: int = 3,
        num_classes: int = 1000,
    ) -> None:
        super().__init__()
        _check_sizes(in_channels, num_classes)
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, 64, 7, stride=2, padding=3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
        )
        cin = 64
        stages = []
        for i, (planes, n) in enumerate(zip((64, 128, 256, 512), layers)):
            blocks = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                cout = planes * block.expansion
                shortcut = None
                if stride != 1 or cin != cout:  # option B: projection where the shape changes
                    shortcut = nn.Sequential(
                        nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout)
                    )
                blocks.append(block(cin, planes, stride, shortcut))
                cin = cout
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)
        _init_weights(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.stages(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


class CifarResNet(nn.Module):
    """CIFAR-style ResNet-(6n+2): 3×3 stem (16), three stages of n BasicBlocks (16, 32, 64).

    Stride 2 opens stages 2 and 3; their shortcuts are parameter-free (option A), as in the
    paper's CIFAR experiments.
    """

    def __init__(self, n: int, in_channels: int = 3, num_classes: int = 10) -> None:
        super().__init__()
        _check_sizes(in_channels, num_classes)
        if n < 1:
            raise ValueError(f"blocks per stage n must be >= 1, got {n}")
        self.stem = nn.Sequential(
            conv3x3(in_channels, 16), nn.BatchNorm2d(16), nn.ReLU(inplace=True)
        )
        cin = 16
        stages = []
        for i, planes in enumerate((16, 32, 64)):
            blocks = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                shortcut = (
                    PadShortcut(planes - cin, stride) if (stride != 1 or cin != planes) else None
                )
                blocks.append(BasicBlock(cin, planes, stride, shortcut))
                cin = planes
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)
        _init_weights(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.stages(self.stem(x)))
        return self.fc(torch.flatten(x, 1))


def _check_sizes(in_channels: int, num_classes: int) -> None:
    if in_channels < 1 or num_classes < 1:
        raise ValueError(
            f"in_channels and num_classes must be >= 1, got {in_channels}, {num_classes}"
        )


def resnet18(in_channels: int = 3, num_classes: int = 1000) -> ResNet:
    """ResNet-18 (BasicBlock ×[2, 2, 2, 2])."""
    return ResNet(BasicBlock, [2, 2, 2, 2], in_channels, num_classes)


def resnet34(in_channels: int = 3, num_classes: int = 1000) -> ResNet:
    """ResNet-34 (BasicBlock ×[3, 4, 6, 3])."""
    return ResNet(BasicBlock, [3, 4, 6, 3], in_channels, num_classes)


def resnet50(in_channels: int = 3, num_classes: int = 1000) -> ResNet:
    """ResNet-50 (Bottleneck ×[3, 4, 6, 3])."""
    return ResNet(Bottleneck, [3, 4, 6, 3], in_channels, num_classes)


def resnet20(in_channels: int = 3, num_classes: int = 10) -> CifarResNet:
    """CIFAR ResNet-20 (n = 3, 0.27 M parameters)."""
    return CifarResNet(3, in_channels, num_classes)


def resnet32(in_channels: int = 3, num_classes: int = 10) -> CifarResNet:
    """CIFAR ResNet-32 (n = 5)."""
    return CifarResNet(5, in_channels, num_classes)


def resnet56(in_channels: int = 3, num_classes: int = 10) -> CifarResNet:
    """CIFAR ResNet-56 (n = 9)."""
    return CifarResNet(9, in_channels, num_classes)
