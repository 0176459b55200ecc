"""The journey registry gathers parts, reports broken parts and never fakes a planned stage."""

from pathlib import Path

import pytest
from rich.console import Console

from groundup.journey import registry
from groundup.journey.registry import StageReport, Table, run_journey, stage


@pytest.fixture
def clean_registry():
    # import every real stage first: their registrations happen once, at import, and must
    # survive this test's toy stages
    registry.discover()
    saved = {n: dict(p) for n, p in registry._REGISTRY.items()}
    yield
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def test_parts_are_merged_and_a_broken_part_is_reported(tmp_path: Path, clean_registry):
    @stage(90, "Toy stage", part="a")
    def part_a(ctx):
        t = Table("numbers", ["name", "value"])
        t.add("pi", 3.14159)
        return StageReport(tables=[t], notes=["from a"])

    @stage(90, "Toy stage", part="b")
    def part_b(ctx):
        raise RuntimeError("boom")

    status = run_journey(
        [90, 91],
        quick=True,
        reports_dir=tmp_path,
        console=Console(quiet=True),
        all_stages=[(90, "Toy stage"), (91, "Not built")],
    )
    assert status[90].startswith("failed: b: RuntimeError: boom")
    assert status[91] == "planned"
    page = (tmp_path / "stage-90.md").read_text()
    assert "| pi | 3.142 |" in page and "from a" in page and "part 'b' failed" in page
    assert not (tmp_path / "stage-91.md").exists()
    index = (tmp_path / "index.md").read_text()
    assert "Stage 91 — Not built: planned" in index


def test_table_rejects_rows_of_the_wrong_width():
    t = Table("t", ["a", "b"])
    with pytest.raises(ValueError, match="row has 3 cells; table 't' has 2 columns"):
        t.add(1, 2, 3)


def test_markdown_escapes_pipes_inside_cells():
    t = Table("t", ["op", "value"])
    t.add("qr (|R|)", 1.0)
    assert "| qr (\\|R\\|) | 1 |" in t.to_markdown()


def test_parts_runs_only_the_named_parts_and_refuses_unknown_ones(tmp_path: Path, clean_registry):
    ran: list[str] = []

    @stage(92, "Toy stage", part="a")
    def part_a(ctx):
        ran.append("a")
        return StageReport(notes=["from a"])

    @stage(92, "Toy stage", part="b")
    def part_b(ctx):
        ran.append("b")
        return StageReport(notes=["from b"])

    status = run_journey(
        [92], quick=True, reports_dir=tmp_path, console=Console(quiet=True), parts=["b"]
    )
    assert status == {92: "ok"} and ran == ["b"]
    page = (tmp_path / "stage-92.md").read_text()
    assert "from b" in page and "from a" not in page
    with pytest.raises(ValueError, match=r"no part\(s\) \['c'\] in the requested stages"):
        run_journey(
            [92], quick=True, reports_dir=tmp_path, console=Console(quiet=True), parts=["c"]
        )
