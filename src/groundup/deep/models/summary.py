"""Layer-by-layer summary of a model: names, output shapes, parameter counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Number of scalar parameters (each shared tensor counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@dataclass
class ModelSummary:
    """Rows of (layer name, layer type, output shape, own parameter count) and the totals."""

    rows: list[tuple[str, str, tuple[int, ...], int]] = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0

    def __str__(self) -> str:
        width = max([len(r[0]) for r in self.rows] + [5])
        lines = [f"{'layer':<{width}}  {'type':<18} {'output shape':<22} {'params':>12}"]
        lines += [f"{n:<{width}}  {t:<18} {str(list(s)):<22} {p:>12,}" for n, t, s, p in self.rows]
        lines.append(
            f"total parameters {self.total_params:,} (trainable {self.trainable_params:,})"
        )
        return "\n".join(lines)


def summary(
    model: nn.Module, input_shape: Sequence[int], *, print_: bool = True, console: Any = None
) -> ModelSummary:
    """Run one forward pass on zeros of ``input_shape`` and record every leaf layer's output.

    Parameters
    ----------
    model : nn.Module
        The model (left in the train/eval mode it was in).
    input_shape : sequence of int
        Full input shape including the batch dimension, e.g. ``(1, 3, 32, 32)``.
    print_ : bool
        Print the table (with ``console`` if given, a rich Console).

    Returns
    -------
    ModelSummary
    """
    shape = tuple(int(s) for s in input_shape)
    if len(shape) < 2 or any(s < 1 for s in shape):
        raise ValueError(
            f"input_shape must include the batch dimension and be positive, got {shape}"
        )
    result = ModelSummary()
    hooks = []

    def record(name: str):  # noqa: ANN202 - closure used as a forward hook
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            out = output[0] if isinstance(output, tuple) else output
            own = sum(p.numel() for p in module.parameters(recurse=False))
            result.rows.append((name, type(module).__name__, tuple(out.shape), own))

        return hook

    for name, module in model.named_modules():
        if (
            name
            and not any(True for _ in module.children())
            or (name and any(True for _ in module.parameters(recurse=False)))
        ):
            hooks.append(module.register_forward_hook(record(name)))
    was_training = model.training
    model.eval()
    try:
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        with torch.no_grad():
            model(torch.zeros(shape, device=device))
    finally:
        model.train(was_training)
        for h in hooks:
            h.remove()
    # layers that own parameters but are never called (none in our models) would be missed
    result.total_params = count_parameters(model)
    result.trainable_params = count_parameters(model, trainable_only=True)
    if print_:
        if console is not None:
            console.print(str(result), markup=False, highlight=False)
        else:
            print(result)
    return result
