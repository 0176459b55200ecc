"""Registry of stage runners and the machinery that renders their results.

A runner is a function ``(ctx: JourneyContext) -> StageReport`` registered with::

    @stage(1, "Foundations")
    def run(ctx: JourneyContext) -> StageReport: ...

It computes its results beside the references, saves figures under ``ctx.reports_dir`` and
returns tables; the registry prints them with rich and writes ``reports/stage-N.md``.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable


@dataclass
class Table:
    """A result table: a title, column names and rows of already formatted cells."""

    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(
                f"row has {len(cells)} cells; table {self.title!r} has {len(self.columns)} columns"
            )
        self.rows.append(list(cells))

    def to_markdown(self) -> str:
        head = "| " + " | ".join(self.columns) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        # a literal pipe would end the Markdown cell early: escape it
        body = [
            "| " + " | ".join(_fmt(c).replace("|", "\\|") for c in row) + " |" for row in self.rows
        ]
        return "\n".join([f"### {self.title}", "", head, rule, *body, ""])

    def to_rich(self) -> RichTable:
        table = RichTable(title=self.title, show_lines=False)
        for col in self.columns:
            table.add_column(col, overflow="fold")
        for row in self.rows:
            table.add_row(*(_fmt(c) for c in row))
        return table


def _fmt(cell: Any) -> str:
    if isinstance(cell, float):
        if cell != 0 and (abs(cell) < 1e-3 or abs(cell) >= 1e5):
            return f"{cell:.2e}"
        return f"{cell:.4g}"
    return str(cell)


@dataclass
class StageReport:
    """What a runner returns: tables, figure paths (relative to the reports folder) and notes."""

    tables: list[Table] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class JourneyContext:
    """What a runner gets: whether to run the quick version, where to write, and a console."""

    quick: bool
    reports_dir: Path
    console: Console
    seed: int = 0

    def figure_path(self, name: str) -> Path:
        """Absolute path for a figure file under the reports folder (created if needed)."""
        path = self.reports_dir / "figures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


Runner = Callable[[JourneyContext], StageReport]


@dataclass(frozen=True)
class StageEntry:
    number: int
    title: str
    runner: Runner
    part: str = "main"


_REGISTRY: dict[int, dict[str, StageEntry]] = {}


def stage(number: int, title: str, part: str = "main") -> Callable[[Runner], Runner]:
    """Decorator registering ``runner`` as (one part of) the journey of stage ``number``.

    A stage built by several issues registers one runner per ``part`` (say ``"vision"`` and
    ``"language"``); their tables and figures are gathered into one stage report.
    """

    def decorate(runner: Runner) -> Runner:
        _REGISTRY.setdefault(number, {})[part] = StageEntry(number, title, runner, part)
        return runner

    return decorate


def discover() -> dict[int, list[StageEntry]]:
    """Import every ``groundup.journey.stage*`` module and return the registered runners.

    A stage module whose dependencies are missing (say, torch not installed) is reported as
    unavailable rather than breaking the other stages.
    """
    import groundup.journey as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("stage"):
            importlib.import_module(f"groundup.journey.{info.name}")
    return {n: list(parts.values()) for n, parts in sorted(_REGISTRY.items())}


def run_journey(
    stages: Sequence[int] | None,
    *,
    quick: bool,
    reports_dir: Path,
    console: Console,
    all_stages: Sequence[tuple[int, str]] = (),
    parts: Sequence[str] | None = None,
) -> dict[int, str]:
    """Run the requested stages (all registered ones if ``stages`` is None).

    ``parts`` keeps only the runners of those names (stage 4 has "vision", "language" and
    "generative"); a name no requested stage has is a ValueError naming the known ones.
    Returns a status per stage number: ``"ok"``, ``"planned"`` or ``"failed: ..."``. Stages
    without a runner are printed as planned and skipped — never faked.
    """
    registry = discover()
    titles = {n: entries[0].title for n, entries in registry.items()} | dict(all_stages)
    if parts:
        known = {e.part for n, es in registry.items() if not stages or n in stages for e in es}
        unknown = sorted(set(parts) - known)
        if unknown:
            raise ValueError(
                f"no part(s) {unknown} in the requested stages; parts are {sorted(known)}"
            )
        registry = {n: [e for e in es if e.part in parts] for n, es in registry.items()}
    reports_dir.mkdir(parents=True, exist_ok=True)
    wanted = sorted(stages) if stages else sorted(titles)
    if parts:  # stages without any of the named parts were not asked for
        wanted = [n for n in wanted if registry.get(n)]
    status: dict[int, str] = {}
    for number in wanted:
        entries = registry.get(number)
        title = titles.get(number, f"Stage {number}")
        if not entries:
            console.print(f"[yellow]Stage {number} — {title}: planned (not built yet), skipped[/]")
            status[number] = "planned"
            continue
        console.rule(f"Stage {number} — {title}")
        ctx = JourneyContext(quick=quick, reports_dir=reports_dir, console=console)
        start = time.perf_counter()
        report = StageReport()
        for entry in entries:
            try:
                part = entry.runner(ctx)
            except Exception as exc:  # a broken part is reported, and the others still run
                console.print_exception(max_frames=8)
                status[number] = f"failed: {entry.part}: {type(exc).__name__}: {exc}"
                report.notes.append(f"part {entry.part!r} failed: {type(exc).__name__}: {exc}")
                continue
            report.tables += part.tables
            report.figures += part.figures
            report.notes += part.notes
        elapsed = time.perf_counter() - start
        for table in report.tables:
            console.print(table.to_rich())
        for note in report.notes:
            console.print(f"• {note}")
        _write_stage_markdown(reports_dir, number, title, report, elapsed, quick)
        page = reports_dir / f"stage-{number}.md"
        console.print(f"[green]Stage {number} done in {elapsed:.1f} s → {page}[/]")
        status.setdefault(number, "ok")
    _write_index(reports_dir, titles, status)
    return status


def _write_stage_markdown(
    reports_dir: Path, number: int, title: str, report: StageReport, elapsed: float, quick: bool
) -> None:
    lines = [
        f"# Stage {number} — {title}",
        "",
        f"Run time {elapsed:.1f} s{' (quick)' if quick else ''}.",
        "",
    ]
    lines += [t.to_markdown() for t in report.tables]
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    if report.figures:
        lines += ["## Figures", ""] + [f"![{Path(f).stem}]({f})" for f in report.figures] + [""]
    (reports_dir / f"stage-{number}.md").write_text("\n".join(lines), encoding="utf-8")


def _write_index(reports_dir: Path, titles: dict[int, str], status: dict[int, str]) -> None:
    lines = ["# groundup journey", ""]
    for number, title in sorted(titles.items()):
        page = reports_dir / f"stage-{number}.md"
        if page.exists():
            state = status.get(number, "earlier run")
            lines.append(f"- [Stage {number} — {title}](stage-{number}.md) ({state})")
        else:
            lines.append(f"- Stage {number} — {title}: planned")
    (reports_dir / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
