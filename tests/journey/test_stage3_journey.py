"""The stage-3 (autograd) journey runs end to end: report, figures, and sane numbers."""

from pathlib import Path

from rich.console import Console

from groundup.journey import run_journey


def _rows(report: str, title: str) -> list[list[str]]:
    section = report.split(f"### {title}")[1].split("###")[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")][2:]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]


def test_stage3_quick_journey_trains_digits_beside_torch(tmp_path: Path):
    status = run_journey([3], quick=True, reports_dir=tmp_path, console=Console(quiet=True))
    assert status == {3: "ok"}
    report = (tmp_path / "stage-3.md").read_text()
    for name in ("digits-loss", "optimisers", "gradient-flow", "regularisation"):
        assert (tmp_path / "figures" / f"stage-3-{name}.png").stat().st_size > 10_000, name

    rows = _rows(report, "Digits: from-scratch autograd vs PyTorch")
    assert [r[0].split()[0] for r in rows] == ["MLP", "CNN"]
    for model, _, ours, theirs, *_ in rows:
        # quick mode trains a few epochs only; the full run reaches >= 97 % / 98 %
        assert float(ours) >= 0.90, f"{model}: accuracy {ours}"
        assert abs(float(ours) - float(theirs)) <= 0.03, f"{model}: {ours} vs torch {theirs}"

    flow = {(r[0], r[1]): float(r[4]) for r in _rows(report, "Gradient flow in a 20-layer MLP")}
    assert flow[("sigmoid", "xavier")] < 1e-6  # vanishing gradient at the input layer
    assert flow[("relu", "kaiming")] > 0.1  # kept within an order of magnitude

    reg = {r[0]: float(r[1]) for r in _rows(report, "Regularisation on 150 training images")}
    assert reg["none"] >= reg["dropout 0.5"] - 0.02  # training fit: dropout never fits better
