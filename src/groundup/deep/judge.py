"""Judges of generated samples: a digits classifier, the Fréchet distance, MMD and energy distance.

- The judge is a small CNN trained once on the digits training split and cached (safetensors +
  JSON) in a folder; generated class-conditional digits are scored by its accuracy on them.
- Fréchet distance between Gaussians fitted to two feature sets (FID, Heusel et al., 2017, with
  the judge's penultimate layer in place of Inception):
      d² = ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}).
- For low-dimensional samples, the squared MMD with a Gaussian kernel k(x, y) = exp(−‖x − y‖²/2h²)
      MMD² = E k(x, x') + E k(y, y') − 2 E k(x, y)   (biased V-statistic),
  and the energy distance  E = 2 E‖x − y‖ − E‖x − x'‖ − E‖y − y'‖.
See docs/notes/diffusion.md (evaluation).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray
from torch import nn

from groundup._checks import as_matrix

__all__ = [
    "JudgeNet",
    "energy_distance",
    "frechet_distance",
    "judge_accuracy",
    "judge_features",
    "load_or_train_judge",
    "mmd_rbf",
    "train_judge",
]


class JudgeNet(nn.Module):
    """Digits classifier: two conv blocks, a 64-wide penultimate layer and a linear head.

    Inputs are images (N, 1, S, S) in [0, 1], S ∈ {8, 16, 32}.
    """

    def __init__(self, image_size: int = 16, feature_dim: int = 64) -> None:
        super().__init__()
        if image_size % 4:
            raise ValueError(f"image_size must be divisible by 4, got {image_size}")
        self.image_size = image_size
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )  # fmt: skip
        self.fc = nn.Linear(64 * (image_size // 4) ** 2, feature_dim)
        self.head = nn.Linear(feature_dim, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (N, feature_dim)."""
        if x.dim() != 4 or x.shape[1:] != (1, self.image_size, self.image_size):
            raise ValueError(
                f"images must have shape (N, 1, {self.image_size}, {self.image_size}), "
                f"got {tuple(x.shape)}"
            )
        return F.relu(self.fc(self.conv(x).flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def train_judge(image_size: int = 16, epochs: int = 15, seed: int = 0) -> tuple[JudgeNet, float]:
    """Train the judge on the digits train split; returns it and its test accuracy."""
    from groundup.datasets import splits

    s = splits("digits", image_size=image_size)
    X, y = torch.from_numpy(s.X_train), torch.from_numpy(s.y_train).long()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    net = JudgeNet(image_size)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(epochs):
        for idx in torch.randperm(len(X), generator=gen).split(64):
            # small random shifts make the judge robust to off-centre generated digits
            shift = torch.randint(-1, 2, (2,), generator=gen).tolist()
            xb = torch.roll(X[idx], shifts=shift, dims=(2, 3))
            loss = F.cross_entropy(net(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    return net, judge_accuracy(net, torch.from_numpy(s.X_test), torch.from_numpy(s.y_test))


def load_or_train_judge(
    folder: Path, image_size: int = 16, seed: int = 0, epochs: int = 15
) -> tuple[JudgeNet, float]:
    """The cached judge in ``folder`` (safetensors + JSON with its test accuracy), else trained."""
    from safetensors.torch import load_file, save_file

    folder = Path(folder)
    weights = folder / f"judge-{image_size}-seed{seed}-ep{epochs}.safetensors"
    meta = weights.with_suffix(".json")
    if weights.exists() and meta.exists():
        net = JudgeNet(image_size)
        net.load_state_dict(load_file(weights))
        net.eval()
        return net, float(json.loads(meta.read_text())["test_accuracy"])
    net, acc = train_judge(image_size, epochs=epochs, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, weights)
    meta.write_text(
        json.dumps({"image_size": image_size, "seed": seed, "epochs": epochs, "test_accuracy": acc})
    )
    return net, acc


@torch.no_grad()
def judge_accuracy(net: JudgeNet, X: torch.Tensor, y: torch.Tensor) -> float:
    """Share of images ``X`` whose judged class equals ``y``."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} images but y has {len(y)} labels")
    return float((net(X.float()).argmax(1) == y.long()).float().mean())


@torch.no_grad()
def judge_features(net: JudgeNet, X: torch.Tensor) -> NDArray[np.float64]:
    """Penultimate features of images ``X`` as a float64 array (N, feature_dim)."""
    return net.features(X.float()).double().numpy()


def _sqrtm_psd(A: NDArray[np.float64]) -> NDArray[np.float64]:
    w, V = np.linalg.eigh((A + A.T) / 2)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


def frechet_distance(a: ArrayLike, b: ArrayLike) -> float:
    """Squared Fréchet distance between Gaussians fitted to feature rows ``a`` and ``b``.

    d² = ‖μ_a − μ_b‖² + Tr Σ_a + Tr Σ_b − 2 Tr (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}; the last term
    equals Tr (Σ_a Σ_b)^{1/2} but is computed from symmetric PSD matrices (eigh), which stays
    real where a general sqrtm returns complex round-off.
    See docs/notes/diffusion.md.

    Parameters
    ----------
    a, b : array_like (n_a, d), (n_b, d)
        Feature rows; at least two rows each.

    Returns
    -------
    float
        The squared distance (FID's convention).
    """
    A, B = as_matrix(a, "a"), as_matrix(b, "b")
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"a has {A.shape[1]} features but b has {B.shape[1]}")
    if len(A) < 2 or len(B) < 2:
        raise ValueError(f"need at least 2 rows in each set, got {len(A)} and {len(B)}")
    mu_a, mu_b = A.mean(0), B.mean(0)
    Sa, Sb = np.cov(A, rowvar=False), np.cov(B, rowvar=False)
    ra = _sqrtm_psd(np.atleast_2d(Sa))
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(ra @ np.atleast_2d(Sb) @ ra), 0.0, None)).sum()
    return float(
        ((mu_a - mu_b) ** 2).sum()
        + np.trace(np.atleast_2d(Sa))
        + np.trace(np.atleast_2d(Sb))
        - 2 * cross
    )


def _pairwise(A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.float64]:
    sq = (A**2).sum(1)[:, None] + (B**2).sum(1)[None] - 2 * A @ B.T
    return np.clip(sq, 0.0, None)


def mmd_rbf(x: ArrayLike, y: ArrayLike, bandwidth: float = 1.0) -> float:
    """Biased squared MMD with the Gaussian kernel exp(−‖x − y‖² / (2 h²)).

    MMD² = mean k(X, X) + mean k(Y, Y) − 2 mean k(X, Y). See docs/notes/diffusion.md.

    Parameters
    ----------
    x, y : array_like (n, d), (m, d)
        Samples.
    bandwidth : float
        Kernel width h > 0.
    """
    X, Y = as_matrix(x, "x"), as_matrix(y, "y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"x has {X.shape[1]} features but y has {Y.shape[1]}")
    if not bandwidth > 0:
        raise ValueError(f"bandwidth must be > 0, got {bandwidth}")
    g = -0.5 / bandwidth**2
    kxx = np.exp(g * _pairwise(X, X)).mean()
    kyy = np.exp(g * _pairwise(Y, Y)).mean()
    kxy = np.exp(g * _pairwise(X, Y)).mean()
    return float(kxx + kyy - 2 * kxy)


def energy_distance(x: ArrayLike, y: ArrayLike) -> float:
    """Energy distance 2 E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ (V-statistic; 0 iff equal laws).

    In one dimension this is the square of ``scipy.stats.energy_distance``.
    See docs/notes/diffusion.md.

    Parameters
    ----------
    x, y : array_like (n, d), (m, d)
        Samples.
    """
    X, Y = as_matrix(x, "x"), as_matrix(y, "y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"x has {X.shape[1]} features but y has {Y.shape[1]}")
    dxy = np.sqrt(_pairwise(X, Y)).mean()
    dxx = np.sqrt(_pairwise(X, X)).mean()
    dyy = np.sqrt(_pairwise(Y, Y)).mean()
    return float(2 * dxy - dxx - dyy)
