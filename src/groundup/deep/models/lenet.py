"""LeNet-5 (LeCun et al., 1998) with ReLU and max-pooling, sized from the input.

conv 5×5 (pad 2) → ReLU → pool 2 → conv 5×5 → ReLU → pool 2 → FC 120 → FC 84 → FC classes.
A 28×28 input gives the classic 16·5·5 feature map; 16×16 gives 16·2·2, 32×32 gives 16·6·6.
Each conv computes y[o, i, j] = b_o + Σ_{c,u,v} w[o, c, u, v] · x[c, i+u, j+v].
See docs/notes/convolution.md.
"""

from __future__ import annotations

import torch
from torch import nn


class LeNet(nn.Module):
    """LeNet-5 for ``in_channels``×``image_size``×``image_size`` inputs.

    Parameters
    ----------
    in_channels : int
        Input channels (1 for digits/MNIST, 3 for CIFAR).
    num_classes : int
        Number of output logits.
    image_size : int
        Side of the square input; at least 12 so the second conv has something to see.
    width : int
        Multiplier on the channel counts (6 and 16 at width 1).
    """

    def __init__(
        self, in_channels: int = 1, num_classes: int = 10, image_size: int = 32, width: int = 1
    ) -> None:
        super().__init__()
        if image_size < 12:
            raise ValueError(f"LeNet needs image_size >= 12, got {image_size}")
        if in_channels < 1 or num_classes < 1 or width < 1:
            raise ValueError(
                f"in_channels, num_classes and width must be >= 1, got {in_channels}, {num_classes}, {width}"
            )
        c1, c2 = 6 * width, 16 * width
        side = ((image_size // 2) - 4) // 2  # pool(conv5(pool(conv5_pad2(x))))
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, c1, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(c1, c2, 5),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c2 * side * side, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
