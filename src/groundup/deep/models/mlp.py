"""Multi-layer perceptron: flatten, then (Linear → ReLU → Dropout)* → Linear.

h₀ = flatten(x), h_{k+1} = dropout(ReLU(W_k h_k + b_k)), logits = W_L h_L + b_L.
See docs/notes/training-at-scale.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


class MLP(nn.Module):
    """A fully connected classifier on flattened input.

    Parameters
    ----------
    in_features : int
        Number of input features after flattening (c·h·w for images).
    num_classes : int
        Number of output logits.
    hidden : sequence of int
        Widths of the hidden layers.
    dropout : float
        Dropout probability after each hidden activation.
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int = 10,
        hidden: Sequence[int] = (256, 128),
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if in_features < 1 or num_classes < 1 or any(h < 1 for h in hidden):
            raise ValueError(
                f"in_features, num_classes and hidden widths must be >= 1, got "
                f"{in_features}, {num_classes}, {list(hidden)}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {dropout}")
        layers: list[nn.Module] = [nn.Flatten()]
        width = in_features
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
