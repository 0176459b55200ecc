"""Stage 4's quick journey writes its report and figures and its models learn."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from groundup.journey.registry import run_journey

FIGURES = ("curves", "confusion", "misclassified", "lenet-filters", "vit-attention")
# quick mode trains 1–4 epochs (measured: lenet 0.80, resnet20 0.81, vit-tiny 0.39); chance is 0.10
FLOORS = {"lenet": 0.6, "resnet20": 0.5, "vit-tiny": 0.2}


def test_stage4_quick_journey(tmp_path: Path) -> None:
    # only the vision part: the language and generative parts of stage 4 have their own tests
    status = run_journey(
        [4], quick=True, reports_dir=tmp_path, console=Console(quiet=True), parts=["vision"]
    )
    assert status == {4: "ok"}
    report = (tmp_path / "stage-4.md").read_text()
    for name in FIGURES:
        assert (tmp_path / "figures" / f"stage-4-{name}.png").stat().st_size > 1000, name
        assert f"stage-4-{name}.png" in report
    for model, floor in FLOORS.items():
        row = re.search(rf"^\| {re.escape(model)} \| (\d+) \| (\d+) \| ([0-9.]+) \|", report, re.M)
        assert row is not None, model
        assert float(row.group(3)) > floor, (model, row.group(3))
