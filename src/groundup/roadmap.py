"""The roadmap as data: read ``roadmap.toml``, check each deliverable, render the progress table.

A deliverable is

* ``planned``  — its module cannot be found;
* ``built``    — its module imports (and, without ``--verify``, that is all we claim);
* ``verified`` — with ``verify=True``, every test prefix it names matched at least one test in a
  pytest run and every matched test passed;
* ``failing``  — with ``verify=True``, a matched test failed or a named prefix matched no test.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

STATUSES = ("planned", "built", "verified", "failing")


@dataclass
class Deliverable:
    name: str
    module: str
    tests: list[str]
    topic: str
    experiment: str = ""
    status: str = "planned"
    detail: str = ""


@dataclass
class Stage:
    number: int
    title: str
    deliverables: list[Deliverable] = field(default_factory=list)

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(d.topic for d in self.deliverables))


def load_roadmap(text: str | None = None) -> list[Stage]:
    """Parse the roadmap (the packaged ``roadmap.toml`` unless ``text`` is given)."""
    if text is None:
        text = resources.files("groundup").joinpath("roadmap.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    stages = []
    for raw in data.get("stage", []):
        stage = Stage(number=int(raw["number"]), title=str(raw["title"]))
        for topic in raw.get("topic", []):
            for d in topic.get("deliverable", []):
                stage.deliverables.append(
                    Deliverable(
                        name=d["name"],
                        module=d["module"],
                        tests=list(d.get("tests", [])),
                        topic=topic["name"],
                        experiment=d.get("experiment", ""),
                    )
                )
        stages.append(stage)
    return sorted(stages, key=lambda s: s.number)


def module_exists(name: str) -> bool:
    """True if ``name`` can be imported (a missing parent package counts as missing)."""
    try:
        if importlib.util.find_spec(name) is None:
            return False
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any import failure means "not built"
        return False
    return True


def check_built(stages: list[Stage]) -> None:
    """Set each deliverable to ``built`` or ``planned`` by whether its module imports."""
    for stage in stages:
        for d in stage.deliverables:
            d.status = "built" if module_exists(d.module) else "planned"
            d.detail = "" if d.status == "built" else f"module {d.module} not found"


_OUTCOME = re.compile(r"^(PASSED|FAILED|ERROR|XFAIL|XPASS|SKIPPED)\s+(\S+)")


def run_tests(paths: list[str], root: Path, *, workers: int = 2) -> dict[str, str]:
    """Run pytest on ``paths`` (relative to ``root``); return ``{node id: outcome}``."""
    if not paths:
        return {}
    cmd = [sys.executable, "-m", "pytest", "-q", "-rA", "--no-header", "-p", "no:cacheprovider"]
    if workers > 1 and importlib.util.find_spec("xdist") is not None:
        cmd += ["-n", str(workers), "--dist", "loadfile"]
    proc = subprocess.run(cmd + sorted(set(paths)), cwd=root, capture_output=True, text=True)
    outcomes: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = _OUTCOME.match(line)
        if m:
            outcomes[m.group(2)] = m.group(1)
    return outcomes


def resolve_test_paths(prefix: str, root: Path) -> list[str]:
    """The existing test files or folders a node-id prefix refers to (may be empty)."""
    base = prefix.split("::")[0]
    if (root / base).exists():
        return [base]
    found = sorted(root.glob(base + "*"))
    return [str(c.relative_to(root)) for c in found if c.suffix == ".py" or c.is_dir()]


def check_verified(stages: list[Stage], root: Path, *, workers: int = 2) -> None:
    """Run the mapped tests of every built deliverable and mark it verified or failing."""
    check_built(stages)
    built = [d for s in stages for d in s.deliverables if d.status == "built"]
    paths = [path for d in built for p in d.tests for path in resolve_test_paths(p, root)]
    outcomes = run_tests(paths, root, workers=workers)
    for d in built:
        matched = {n: o for n, o in outcomes.items() if any(_matches(n, p) for p in d.tests)}
        missing = [p for p in d.tests if not any(_matches(n, p) for n in outcomes)]
        bad = [n for n, o in matched.items() if o in ("FAILED", "ERROR", "XPASS", "SKIPPED")]
        if missing:
            d.status, d.detail = "failing", f"no tests found for {', '.join(missing)}"
        elif bad:
            d.status, d.detail = "failing", f"{len(bad)} of {len(matched)} tests not passing"
        else:
            d.status, d.detail = "verified", f"{len(matched)} tests passed"


def _matches(node_id: str, prefix: str) -> bool:
    return fnmatch.fnmatchcase(node_id, prefix + "*")


def to_json(stages: list[Stage]) -> list[dict[str, Any]]:
    """The machine-readable form: stages with number, title and deliverables."""
    out = []
    for s in stages:
        delivs = [asdict(d) for d in s.deliverables]
        out.append({"number": s.number, "title": s.title, "deliverables": delivs})
    return out


def to_markdown(stages: list[Stage]) -> str:
    """The roadmap as a Markdown table (stage, topic, deliverable, module) for the README."""
    lines = ["| stage | topic | deliverable | module |", "|---|---|---|---|"]
    for s in stages:
        for i, d in enumerate(s.deliverables):
            label = f"{s.number}. {s.title}" if i == 0 else ""
            lines.append(f"| {label} | {d.topic} | {d.name} | `{d.module}` |")
    return "\n".join(lines)


def repo_root() -> Path:
    """The checkout this package is installed from (where ``tests/`` lives)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "tests").is_dir():
            return parent
    return Path.cwd()
