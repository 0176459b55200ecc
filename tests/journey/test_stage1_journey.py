"""The stage-1 journey runs end to end and its numbers agree with the references."""

import re
from pathlib import Path

from rich.console import Console

from groundup.journey import run_journey


def _rows(report: str, title: str) -> list[list[str]]:
    section = report.split(f"### {title}")[1].split("###")[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("|")][2:]
    cells = (re.split(r"(?<!\\)\|", ln.strip()[1:-1]) for ln in lines)  # escaped pipes stay
    return [[c.strip() for c in row] for row in cells]


def test_stage1_quick_journey_writes_report_with_reference_agreement(tmp_path: Path):
    status = run_journey([1], quick=True, reports_dir=tmp_path, console=Console(quiet=True))
    assert status == {1: "ok"}
    report = (tmp_path / "stage-1.md").read_text()
    assert (tmp_path / "index.md").exists()
    assert (tmp_path / "figures" / "stage-1-optimisers.png").stat().st_size > 10_000

    for op, matrix, err, _ in _rows(report, "Linear algebra vs numpy.linalg (LAPACK)"):
        # the 8×8 Hilbert matrix has condition number ~1.5e10: allow cond·eps there
        limit = 1e-5 if "Hilbert" in matrix else 1e-8
        assert float(err) < limit, f"{op} on {matrix}: relative error {err}"

    for model, dataset, ours, ref, *_ in _rows(
        report, "Linear models vs scikit-learn (held-out 25%)"
    ):
        assert abs(float(ours) - float(ref)) <= 0.01, f"{model} on {dataset}: {ours} vs {ref}"
