"""The roadmap file is complete and the status logic tells planned, built, verified, failing apart."""

import json
from pathlib import Path

from typer.testing import CliRunner

from groundup.cli import app
from groundup.roadmap import check_built, check_verified, load_roadmap, to_json

TOY = """
[[stage]]
number = 1
title = "Toy"
[[stage.topic]]
name = "t"
[[stage.topic.deliverable]]
name = "passes"
module = "json"
tests = ["tests/test_good.py"]
[[stage.topic.deliverable]]
name = "fails"
module = "json"
tests = ["tests/test_bad.py"]
[[stage.topic.deliverable]]
name = "untested"
module = "json"
tests = ["tests/test_missing"]
[[stage.topic.deliverable]]
name = "absent"
module = "groundup.no_such_module"
tests = ["tests/test_good.py"]
"""


def test_roadmap_has_all_seven_stages_with_mapped_deliverables():
    stages = load_roadmap()
    assert [s.number for s in stages] == [1, 2, 3, 4, 5, 6, 7]
    for s in stages:
        assert s.deliverables, f"stage {s.number} has no deliverables"
        for d in s.deliverables:
            assert d.module.startswith("groundup."), d
            assert d.tests and all(t.startswith("tests/") for t in d.tests), d
    names = {d.module for s in stages for d in s.deliverables}
    for module in ("groundup.linalg", "groundup.stats", "groundup.graphs", "groundup.optimize"):
        assert module in names


def test_status_distinguishes_planned_built_verified_failing(tmp_path: Path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_good.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    (tests / "test_bad.py").write_text("def test_two():\n    assert 1 + 1 == 3\n")
    stages = load_roadmap(TOY)
    check_built(stages)
    assert [d.status for d in stages[0].deliverables] == ["built", "built", "built", "planned"]
    check_verified(stages, tmp_path, workers=1)
    status = {d.name: d.status for d in stages[0].deliverables}
    assert status == {
        "passes": "verified",
        "fails": "failing",
        "untested": "failing",
        "absent": "planned",
    }


def test_json_shape():
    stages = load_roadmap(TOY)
    check_built(stages)
    data = to_json(stages)
    assert data[0]["number"] == 1 and data[0]["title"] == "Toy"
    assert set(data[0]["deliverables"][0]) >= {"name", "module", "tests", "status"}


def test_cli_roadmap_json_lists_seven_stages():
    result = CliRunner().invoke(app, ["roadmap", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 7
    statuses = {d["status"] for s in data for d in s["deliverables"]}
    assert statuses <= {"planned", "built"}
    # stages 6 and 7 have no code yet and must say so honestly
    assert all(
        d["status"] == "planned" for s in data if s["number"] >= 6 for d in s["deliverables"]
    )


def test_cli_rejects_unknown_stage_and_benchmark():
    runner = CliRunner()
    result = runner.invoke(app, ["run", "--stage", "99"])
    assert result.exit_code != 0 and "no stage 99" in result.output
    result = runner.invoke(app, ["bench", "no-such-benchmark"])
    assert result.exit_code != 0 and "unknown benchmark" in result.output
    result = runner.invoke(app, ["run", "--stage", "1", "--part", "nope"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "no part(s) ['nope']" in result.output


def test_readme_roadmap_table_is_generated_from_the_roadmap_file():
    from groundup.roadmap import repo_root, to_markdown

    readme = (repo_root() / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- roadmap:start -->\n", "\n<!-- roadmap:end -->"
    table = readme[readme.index(start) + len(start) : readme.index(end)]
    assert table == to_markdown(load_roadmap()), "README roadmap is stale: regenerate it"


def test_bench_runs_a_benchmark_module_that_defines_dataclasses(tmp_path, monkeypatch):
    import groundup.cli as cli

    (tmp_path / "bench_toy.py").write_text(
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n\n"
        "@dataclass\nclass Row:\n    name: str\n    ratio: float\n\n"
        "def main(quick: bool = False) -> None:\n"
        "    print(Row('toy', 1.5 if quick else 2.0))\n"
    )
    monkeypatch.setattr(cli, "_benchmark_dir", lambda: tmp_path)
    result = CliRunner().invoke(app, ["bench", "toy", "--quick"])
    assert result.exit_code == 0, result.output
    assert "Row(name='toy', ratio=1.5)" in result.output
