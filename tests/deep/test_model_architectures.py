"""Architecture facts: parameter counts against torchvision's published numbers, output shapes."""

from __future__ import annotations

import pytest
import torch

from groundup.deep.models import count_parameters, create, list_models, summary

# torchvision.models.resnet18/34/50(num_classes=1000) parameter counts
TORCHVISION_COUNTS = {"resnet18": 11_689_512, "resnet34": 21_797_672, "resnet50": 25_557_032}


@pytest.mark.parametrize("name", sorted(TORCHVISION_COUNTS))
def test_imagenet_resnet_parameter_counts_match_torchvision(name: str) -> None:
    model = create(name, in_channels=3, num_classes=1000)
    assert count_parameters(model) == TORCHVISION_COUNTS[name]


def test_cifar_resnets_match_the_paper_sizes() -> None:
    # He et al. 2015, Table 6: resnet20 0.27M, resnet32 0.46M, resnet56 0.85M (option A)
    for name, millions in (("resnet20", 0.27), ("resnet32", 0.46), ("resnet56", 0.85)):
        n = count_parameters(create(name, in_channels=3, num_classes=10))
        assert abs(n / 1e6 - millions) < 0.005, (name, n)


def test_resnet50_downsampling_halves_the_grid_five_times() -> None:
    model = create("resnet50", in_channels=3, num_classes=1000).eval()
    rows = summary(model, (1, 3, 224, 224), print_=False).rows
    shapes = {name: shape for name, _, shape, _ in rows}
    assert shapes["stem.3"] == (1, 64, 56, 56)  # 7×7/2 conv then 3×3/2 max-pool
    assert shapes["stages.0.2.bn3"] == (1, 256, 56, 56)
    assert shapes["stages.1.0.conv2"] == (1, 128, 28, 28)  # stride on the 3×3 (v1.5)
    assert shapes["stages.3.2.bn3"] == (1, 2048, 7, 7)
    assert shapes["fc"] == (1, 1000)


VISION_MODELS = [
    "mlp",
    "lenet",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet20",
    "resnet32",
    "resnet56",
    "vit-tiny",
    "vit-small",
]


def test_registry_lists_the_vision_models() -> None:
    assert set(VISION_MODELS) <= set(list_models())


@pytest.mark.parametrize("name", [m for m in VISION_MODELS if m != "resnet34"])  # 34: count only
@pytest.mark.parametrize("channels", [1, 3])
def test_every_model_maps_images_to_logits(name: str, channels: int) -> None:
    size = 32 if name in ("resnet18", "resnet34", "resnet50") else 16
    torch.manual_seed(0)
    model = create(name, in_channels=channels, num_classes=7, image_size=size).eval()
    with torch.no_grad():
        out = model(torch.randn(3, channels, size, size))
    assert out.shape == (3, 7)
    assert torch.isfinite(out).all()


def test_vit_sequence_has_cls_plus_patches() -> None:
    model = create("vit-tiny", in_channels=1, num_classes=10, image_size=16, patch_size=4)
    rows = summary(model, (2, 1, 16, 16), print_=False).rows
    shapes = {name: shape for name, _, shape, _ in rows}
    assert shapes["blocks.0.attn.qkv"] == (2, 1 + 16, 3 * 64)
    assert shapes["head"] == (2, 10)
    # the summary's per-layer counts plus the CLS token and position table are the total
    own = sum(p for *_, p in rows)
    assert own + model.cls.numel() + model.pos.numel() == count_parameters(model)


def test_vit_attention_rows_are_distributions() -> None:
    model = create("vit-tiny", in_channels=1, num_classes=10, image_size=8).eval()
    attn = model.blocks[0].attn
    attn.keep_attention = True
    x = torch.randn(2, 1, 8, 8)
    with torch.no_grad():
        explicit = model(x)
        attn.keep_attention = False
        fused = model(x)
    torch.testing.assert_close(explicit, fused, atol=1e-5, rtol=1e-5)  # same maths both paths
    assert attn.attention is not None and attn.attention.shape == (2, 4, 17, 17)
    torch.testing.assert_close(attn.attention.sum(-1), torch.ones(2, 4, 17))


def test_bad_arguments_are_refused_with_the_value() -> None:
    with pytest.raises(ValueError, match="unknown model 'resnet999'"):
        create("resnet999")
    with pytest.raises(ValueError, match="patch_size 3 must divide image_size 16"):
        create("vit-tiny", image_size=16, patch_size=3)
    with pytest.raises(ValueError, match="LeNet needs image_size >= 12, got 8"):
        create("lenet", image_size=8)
    with pytest.raises(TypeError, match="bad arguments for model 'resnet20'"):
        create("resnet20", depth=3)
    model = create("vit-tiny", image_size=16)
    with pytest.raises(ValueError, match=r"built for 16×16 images, got \(8, 8\)"):
        model(torch.zeros(1, 3, 8, 8))
