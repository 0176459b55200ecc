"""Stage 4 (sequences and generative models): the adding problem, DDPM, VAE and GANs, judged.

- Adding problem (T = 50 full, 20 quick): LSTM and vanilla RNN test MSE beside the 1/6 baseline.
- DDPM on 2-D two moons: energy distance of 1,000 samples to fresh real data, beside the
  distance between two real samples of the same size (ancestral sampler and DDIM), both the
  mean over several independent draws of 1,000 i.i.d. points.
- Class-conditional DDPM on 8×8 digits with classifier-free guidance; VAE and DCGAN on 16×16
  digits; all judged by a cached digits CNN (accuracy on the intended class, Fréchet distance
  on its penultimate features, real-vs-real beside).
- MLP GAN on a ring of 8 Gaussians: modes covered and the share of high-quality samples.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from groundup.journey.registry import JourneyContext, StageReport, Table, stage

FULL: dict[str, Any] = dict(
    adding_T=50, adding_steps=600, moons_steps=15000, moons_draws=10, ddpm_steps=1200, ddpm_width=16,
    vae_epochs=20, ring_steps=1500, dcgan_steps=500, judge_epochs=15,
)  # fmt: skip
QUICK: dict[str, Any] = dict(
    adding_T=10, adding_steps=120, moons_steps=200, moons_draws=1, ddpm_steps=60, ddpm_width=16,
    vae_epochs=2, ring_steps=200, dcgan_steps=40, judge_epochs=3,
)  # fmt: skip


MOONS_T = 1000  # the paper's T; at T = 200 DDIM-50 was worse on one of three seeds
MOONS_N = 1000  # points per generated or real sample compared by the energy distance


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _grid(images: Any, rows: int) -> np.ndarray:
    """Tile (N, 1, S, S) images into one (rows·S, cols·S) array."""
    x = np.asarray(images)[:, 0]
    n, s, _ = x.shape
    cols = n // rows
    return (
        x[: rows * cols].reshape(rows, cols, s, s).transpose(0, 2, 1, 3).reshape(rows * s, cols * s)
    )


def iid_moons(n_batches: int, seed: int) -> np.ndarray:
    """``n_batches`` independent samples of ``MOONS_N`` i.i.d. two-moons points (noise 0.1).

    ``make_moons(n)`` puts its n points at evenly spaced angles and draws only the noise, so
    two of its samples are far closer than two i.i.d. samples of the law: energy distance
    ≈ 0.00035 against ≈ 0.0025 at n = 1,000, and a perfect sampler of i.i.d. points would
    score ≈ 4× that "real vs real". Drawing without replacement from a 1,000,000-point
    ``make_moons`` pool gives i.i.d. points of the same law, like the generated ones.

    Returns
    -------
    ndarray (n_batches, MOONS_N, 2)
    """
    from sklearn.datasets import make_moons

    pool = make_moons(1_000_000, noise=0.1, random_state=seed)[0]
    pick = np.random.default_rng(seed).choice(len(pool), n_batches * MOONS_N, replace=False)
    return pool[pick].reshape(n_batches, MOONS_N, 2)


def moons_ddpm(cfg: dict[str, Any], seed: int) -> dict[str, Any]:
    """Train the 2-D DDPM on two moons and score both samplers against real data.

    Energy distances are means over ``cfg["moons_draws"]`` = k draws: generated sample i
    against fresh real sample i, and real-vs-real over k further pairs (one pair of 1,000
    points is a noisy estimate: its standard deviation is about half its mean).

    Returns
    -------
    dict
        ``anc``, ``ddim``, ``real`` (first samples, data units), ``ed_anc``, ``ed_ddim``,
        ``ed_real`` (means) and ``seconds``.
    """
    import torch
    from sklearn.datasets import make_moons

    from groundup.deep.judge import energy_distance
    from groundup.deep.models.diffusion import DDPM, MLPDenoiser, train_diffusion

    t0 = time.perf_counter()
    raw = make_moons(20_000, noise=0.1, random_state=seed)[0]
    mean, std = raw.mean(0), raw.std(0)
    X2 = torch.tensor((raw - mean) / std, dtype=torch.float32)
    torch.manual_seed(seed)
    model = DDPM(MLPDenoiser(2, 128, 3), steps=MOONS_T, schedule="linear")
    train_diffusion(model, X2, steps=cfg["moons_steps"], batch_size=256, lr=5e-3, seed=seed)
    k = cfg["moons_draws"]
    gen = torch.Generator().manual_seed(seed)
    # one call draws k·n i.i.d. points; splitting them gives k independent samples of n
    anc = model.sample((k * MOONS_N, 2), generator=gen).numpy() * std + mean
    ddim = model.ddim_sample((k * MOONS_N, 2), 50, generator=gen, clip=4.0).numpy() * std + mean
    anc, ddim = anc.reshape(k, MOONS_N, 2), ddim.reshape(k, MOONS_N, 2)
    real = iid_moons(3 * k, seed + 1)
    return dict(
        anc=anc[0], ddim=ddim[0], real=real[0],
        ed_anc=float(np.mean([energy_distance(anc[i], real[i]) for i in range(k)])),
        ed_ddim=float(np.mean([energy_distance(ddim[i], real[i]) for i in range(k)])),
        ed_real=float(np.mean([energy_distance(real[k + i], real[2 * k + i]) for i in range(k)])),
        seconds=time.perf_counter() - t0,
    )  # fmt: skip


@stage(4, "Modern deep learning", part="generative")
def run(ctx: JourneyContext) -> StageReport:
    import torch

    from groundup.datasets import splits
    from groundup.deep.judge import (
        frechet_distance,
        judge_accuracy,
        judge_features,
        load_or_train_judge,
    )
    from groundup.deep.models.diffusion import DDPM, ConvDenoiser, train_diffusion
    from groundup.deep.models.gan import (
        DCGANDiscriminator,
        DCGANGenerator,
        MLPDiscriminator,
        MLPGenerator,
        mode_coverage,
        ring_of_gaussians,
        train_gan,
    )
    from groundup.deep.models.rnn import fit_adding
    from groundup.deep.models.vae import ConvVAE, train_vae

    cfg = QUICK if ctx.quick else FULL
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small kernels: one thread avoids contention on a shared machine
    plt = _plt()
    timings: dict[str, float] = {}
    log = ctx.console.log
    try:
        # -- adding problem ------------------------------------------------------------------
        t0 = time.perf_counter()
        T = cfg["adding_T"]
        adding = {k: fit_adding(k, T, steps=cfg["adding_steps"], hidden_size=32, lr=1e-2,
                                n_test=500, seed=ctx.seed) for k in ("lstm", "rnn")}  # fmt: skip
        timings["adding"] = time.perf_counter() - t0
        log(f"adding T={T}: " + ", ".join(f"{k} {v[0]:.4f}" for k, v in adding.items()))

        # -- 2-D DDPM on two moons --------------------------------------------------------------
        m2 = moons_ddpm(cfg, ctx.seed)
        timings["ddpm-2d"] = m2["seconds"]
        ed_anc, ed_ddim, ed_real = m2["ed_anc"], m2["ed_ddim"], m2["ed_real"]
        log(f"2-D DDPM: energy distance ancestral {ed_anc:.5f}, DDIM {ed_ddim:.5f}, "
            f"real {ed_real:.5f} ({m2['seconds']:.0f} s)")  # fmt: skip
        gen = torch.Generator().manual_seed(ctx.seed)  # latent draws of the GANs below

        # -- judges (cached) ---------------------------------------------------------------------
        cache = ctx.reports_dir / "cache"
        judge8, judge8_acc = load_or_train_judge(cache, 8, ctx.seed, cfg["judge_epochs"])
        judge16, judge16_acc = load_or_train_judge(cache, 16, ctx.seed, cfg["judge_epochs"])
        d8, d16 = splits("digits", image_size=8), splits("digits", image_size=16)
        test8, test16 = torch.from_numpy(d8.X_test), torch.from_numpy(d16.X_test)
        f8_test, f16_test = judge_features(judge8, test8), judge_features(judge16, test16)
        fd8_real = frechet_distance(judge_features(judge8, torch.from_numpy(d8.X_train)), f8_test)
        fd16_real = frechet_distance(
            judge_features(judge16, torch.from_numpy(d16.X_train)), f16_test
        )

        # -- class-conditional DDPM on 8×8 digits -------------------------------------------------
        t0 = time.perf_counter()
        torch.manual_seed(ctx.seed)
        digits = DDPM(ConvDenoiser(1, cfg["ddpm_width"], 10), steps=500, schedule="cosine",
                      num_classes=10)  # fmt: skip
        X8 = torch.from_numpy(d8.X_train) * 2 - 1
        y8 = torch.from_numpy(d8.y_train).long()
        train_diffusion(digits, X8, y8, steps=cfg["ddpm_steps"], batch_size=128, lr=2e-3,
                        seed=ctx.seed)  # fmt: skip
        labels = torch.arange(10).repeat(50)
        ddpm_rows = []
        for w in (0.0, 1.0):
            s = digits.ddim_sample((500, 1, 8, 8), 50, y=labels, guidance=w,
                                   generator=torch.Generator().manual_seed(ctx.seed), clip=1.0)  # fmt: skip
            s = ((s + 1) / 2).clamp(0, 1)
            ddpm_rows.append((w, judge_accuracy(judge8, s, labels),
                              frechet_distance(judge_features(judge8, s), f8_test), s))  # fmt: skip
        timings["ddpm-digits"] = time.perf_counter() - t0

        # -- VAE and DCGAN on 16×16 digits ----------------------------------------------------------
        X16 = torch.from_numpy(d16.X_train)
        t0 = time.perf_counter()
        torch.manual_seed(ctx.seed)
        vae = ConvVAE(16, 8)
        train_vae(vae, X16, epochs=cfg["vae_epochs"], seed=ctx.seed)
        with torch.no_grad():
            vae_elbo = float(vae.elbo(test16, torch.Generator().manual_seed(ctx.seed)).mean())
        vae_samples = vae.sample(500, torch.Generator().manual_seed(ctx.seed))
        fd_vae = frechet_distance(judge_features(judge16, vae_samples), f16_test)
        interp = torch.cat([vae.interpolate(test16[i], test16[i + 1], 10) for i in range(0, 8, 2)])
        timings["vae"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        torch.manual_seed(ctx.seed)
        G, D = DCGANGenerator(32, 16, 32), DCGANDiscriminator(16, 32)
        Xs = X16 * 2 - 1
        train_gan(G, D, lambda n, g: Xs[torch.randint(0, len(Xs), (n,), generator=g)],
                  steps=cfg["dcgan_steps"], batch_size=64, seed=ctx.seed)  # fmt: skip
        with torch.no_grad():
            gan_samples = (G(torch.randn(500, 32, generator=gen)) + 1) / 2
        fd_gan = frechet_distance(judge_features(judge16, gan_samples), f16_test)
        timings["dcgan"] = time.perf_counter() - t0

        # -- MLP GAN on the ring of 8 Gaussians -------------------------------------------------------
        t0 = time.perf_counter()
        torch.manual_seed(ctx.seed)
        Gr, Dr = MLPGenerator(), MLPDiscriminator()
        train_gan(Gr, Dr, lambda n, g: ring_of_gaussians(n, generator=g), steps=cfg["ring_steps"],
                  lr=1e-3, seed=ctx.seed)  # fmt: skip
        with torch.no_grad():
            ring = Gr(torch.randn(2000, 8, generator=gen))
        covered, quality = mode_coverage(ring)
        timings["ring-gan"] = time.perf_counter() - t0
    finally:
        torch.set_num_threads(threads)

    # -- tables ---------------------------------------------------------------------------------------
    seq = Table(f"Adding problem, T = {T} (baseline MSE 1/6 = 0.1667)",
                ["model", "test MSE", "beats baseline", "steps", "time (s)"])  # fmt: skip
    for k, (mse, _) in adding.items():
        seq.add(k, mse, "yes" if mse < 1 / 6 else "no", cfg["adding_steps"], timings["adding"] / 2)
    gen_t = Table("Generative models, judged",
                  ["model", "data", "metric", "value", "real vs real", "time (s)"])  # fmt: skip
    gen_t.add(f"DDPM ancestral (T={MOONS_T})", "two moons 2-D", "energy distance", ed_anc,
              ed_real, timings["ddpm-2d"])  # fmt: skip
    gen_t.add("DDPM → DDIM 50 steps", "two moons 2-D", "energy distance", ed_ddim, ed_real,
              timings["ddpm-2d"])  # fmt: skip
    for w, acc, fd, _ in ddpm_rows:
        gen_t.add(f"DDPM cond. DDIM-50, w={w:g}", "digits 8×8", "judge accuracy", acc,
                  judge8_acc, timings["ddpm-digits"])  # fmt: skip
        gen_t.add(f"DDPM cond. DDIM-50, w={w:g}", "digits 8×8", "Fréchet distance", fd, fd8_real,
                  timings["ddpm-digits"])  # fmt: skip
    gen_t.add("conv VAE", "digits 16×16", "test ELBO (nats)", vae_elbo, "", timings["vae"])
    gen_t.add("conv VAE", "digits 16×16", "Fréchet distance", fd_vae, fd16_real, timings["vae"])
    gen_t.add("DCGAN", "digits 16×16", "Fréchet distance", fd_gan, fd16_real, timings["dcgan"])
    gen_t.add("MLP GAN", "ring of 8", "modes covered (of 8)", covered, 8, timings["ring-gan"])
    gen_t.add("MLP GAN", "ring of 8", "high-quality share", quality, 0.989, timings["ring-gan"])

    # -- figures ---------------------------------------------------------------------------------------
    fig2d = ctx.figure_path("stage-4-generative-2d.png")
    fig, ax = plt.subplots(1, 3, figsize=(12, 4))
    ax[0].scatter(*m2["real"].T, s=2, alpha=0.5, label="real")
    ax[0].scatter(*m2["anc"].T, s=2, alpha=0.5, label="DDPM")
    ax[0].set_title(f"DDPM ancestral, ED {ed_anc:.4f} (real {ed_real:.4f})")
    ax[0].legend()
    ax[1].scatter(*m2["real"].T, s=2, alpha=0.5, label="real")
    ax[1].scatter(*m2["ddim"].T, s=2, alpha=0.5, label="DDIM-50")
    ax[1].set_title(f"DDIM 50 steps, ED {ed_ddim:.4f} (real {ed_real:.4f})")
    ring_real = ring_of_gaussians(2000, generator=torch.Generator().manual_seed(0)).numpy()
    ax[2].scatter(*ring_real.T, s=2, alpha=0.5, label="real")
    ax[2].scatter(*ring.numpy().T, s=2, alpha=0.5, label="GAN")
    ax[2].set_title(f"GAN on ring: {covered}/8 modes, quality {quality:.2f}")
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(fig2d, dpi=90)
    plt.close(fig)

    figd = ctx.figure_path("stage-4-generative-digits.png")
    fig, ax = plt.subplots(1, 4, figsize=(16, 4.5))
    cls_grid = ddpm_rows[-1][3][:50].view(5, 10, 1, 8, 8).transpose(0, 1).reshape(50, 1, 8, 8)
    panels = [
        (_grid(cls_grid.numpy(), 10), f"DDPM w=1 (row = class), judge {ddpm_rows[-1][1]:.2f}"),
        (_grid(vae_samples[:64].numpy(), 8), f"VAE samples, FD {fd_vae:.1f}"),
        (_grid(interp.numpy(), 4), "VAE latent interpolation"),
        (_grid(gan_samples[:64].numpy(), 8), f"DCGAN samples, FD {fd_gan:.1f}"),
    ]
    for a, (img, title) in zip(ax, panels, strict=True):
        a.imshow(img, cmap="gray_r")
        a.set_title(title)
        a.axis("off")
    fig.tight_layout()
    fig.savefig(figd, dpi=90)
    plt.close(fig)

    figa = ctx.figure_path("stage-4-adding.png")
    fig, a = plt.subplots(figsize=(6, 4))
    for k, (_, losses) in adding.items():
        smooth = np.convolve(losses, np.ones(20) / 20, mode="valid")
        a.plot(smooth, label=k.upper())
    a.axhline(1 / 6, color="k", ls="--", label="baseline 1/6")
    a.set(xlabel="step", ylabel="train MSE", title=f"Adding problem, T = {T}", yscale="log")
    a.legend()
    fig.tight_layout()
    fig.savefig(figa, dpi=90)
    plt.close(fig)

    notes = [
        f"Judges: digits CNN test accuracy {judge8_acc:.3f} (8×8) and {judge16_acc:.3f} (16×16), "
        f"cached as safetensors in {cache.name}/.",
        f"2-D DDPM energy distance / real-vs-real: ancestral {ed_anc / ed_real:.2f}×, "
        f"DDIM {ed_ddim / ed_real:.2f}× (goal ≤ 2×); means over {cfg['moons_draws']} draws of "
        f"{MOONS_N:,} i.i.d. points each (make_moons' own samples are evenly spaced in angle, "
        "not i.i.d., so real batches come from a 1,000,000-point pool).",
    ]
    if ctx.quick:
        notes.append("Quick mode: a few hundred steps each; the numbers show the pipeline, not "
                     "the models' quality.")  # fmt: skip
    return StageReport(
        tables=[seq, gen_t],
        figures=[str(p.relative_to(ctx.reports_dir)) for p in (fig2d, figd, figa)],
        notes=notes,
    )
