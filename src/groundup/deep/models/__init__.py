"""Model zoo: plain ``nn.Module`` classes, one file each, behind one registry.

``create(name, in_channels=…, num_classes=…, image_size=…)`` builds any of ``list_models()``;
``summary(model, input_shape)`` prints layers, output shapes and parameter counts.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from torch import nn

from groundup.deep.models.diffusion import ConvDenoiser
from groundup.deep.models.gpt import GPT, GPTConfig, gpt
from groundup.deep.models.lenet import LeNet
from groundup.deep.models.mlp import MLP
from groundup.deep.models.resnet import (
    BasicBlock,
    Bottleneck,
    CifarResNet,
    ResNet,
    resnet18,
    resnet20,
    resnet32,
    resnet34,
    resnet50,
    resnet56,
)
from groundup.deep.models.rnn import RecurrentLM
from groundup.deep.models.summary import count_parameters, summary
from groundup.deep.models.transformer import Seq2SeqTransformer
from groundup.deep.models.vae import ConvVAE
from groundup.deep.models.vit import VIT_CONFIGS, ViT, ViTConfig, vit


def _mlp(in_channels: int = 1, num_classes: int = 10, image_size: int = 8, **kw: Any) -> MLP:
    # images are flattened; tabular data passes in_features directly
    in_features = kw.pop("in_features", in_channels * image_size * image_size)
    return MLP(in_features, num_classes, **kw)


_REGISTRY: dict[str, Callable[..., nn.Module]] = {
    "mlp": _mlp,
    "lenet": LeNet,
    "resnet18": resnet18,
    "resnet34": resnet34,
    "resnet50": resnet50,
    "resnet20": resnet20,
    "resnet32": resnet32,
    "resnet56": resnet56,
    "vit-tiny": lambda **kw: vit("vit-tiny", **kw),
    "vit-small": lambda **kw: vit("vit-small", **kw),
    "gpt": gpt,
    "transformer": Seq2SeqTransformer,
    "rnn-lm": lambda **kw: RecurrentLM(kind="rnn", **kw),
    "lstm-lm": lambda **kw: RecurrentLM(kind="lstm", **kw),
    "gru-lm": lambda **kw: RecurrentLM(kind="gru", **kw),
    "vae": ConvVAE,
    "ddpm-unet": ConvDenoiser,
}

# models whose shape depends on the input side; the others are size-agnostic
SIZED_MODELS = frozenset({"mlp", "lenet", "vit-tiny", "vit-small", "vae"})


def list_models() -> list[str]:
    """Names accepted by :func:`create`."""
    return sorted(_REGISTRY)


def create(name: str, **kwargs: Any) -> nn.Module:
    """Build model ``name`` with keyword arguments (``in_channels``, ``num_classes``, …).

    ``image_size`` is accepted by every model and ignored by the size-agnostic ones (the
    ResNets pool globally), so callers can pass one uniform set of arguments.
    """
    if name not in _REGISTRY:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(list_models())}")
    if name not in SIZED_MODELS:
        kwargs.pop("image_size", None)
    factory = _REGISTRY[name]
    try:
        return factory(**kwargs)
    except TypeError as exc:
        params = (
            ", ".join(inspect.signature(factory).parameters)
            if name not in ("vit-tiny", "vit-small")
            else "in_channels, num_classes, image_size, patch_size, dropout"
        )
        raise TypeError(f"bad arguments for model {name!r} ({exc}); it takes {params}") from None


__all__ = [
    "GPT",
    "GPTConfig",
    "LeNet",
    "MLP",
    "BasicBlock",
    "Bottleneck",
    "CifarResNet",
    "ResNet",
    "VIT_CONFIGS",
    "ViT",
    "ViTConfig",
    "count_parameters",
    "create",
    "list_models",
    "summary",
]
