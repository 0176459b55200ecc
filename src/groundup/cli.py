"""The ``groundup`` command line: the journey, the roadmap, benchmarks and training.

Heavy imports (torch, scikit-learn, the journey) happen inside the commands so that
``groundup --help`` stays instant.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    name="groundup",
    help="Machine learning from the ground up, carried all the way to production.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
console = Console()

_STATUS_STYLE = {"planned": "dim", "built": "yellow", "verified": "green", "failing": "red"}


@app.command()
def roadmap(
    verify: Annotated[bool, typer.Option("--verify", help="Run each deliverable's tests.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the roadmap table for the README.")
    ] = False,
) -> None:
    """Show every stage's deliverables and whether each is planned, built or verified."""
    from groundup.roadmap import (
        check_built,
        check_verified,
        load_roadmap,
        repo_root,
        to_json,
        to_markdown,
    )

    stages = load_roadmap()
    if markdown:
        print(to_markdown(stages))
        return
    if verify:
        spinner = console.status("running the mapped tests…") if not as_json else nullcontext()
        with spinner:
            check_verified(stages, repo_root())
    else:
        check_built(stages)
    if as_json:
        print(json.dumps(to_json(stages), indent=2))
        return
    table = Table(title="groundup roadmap", show_lines=False)
    for col in ("stage", "topic", "deliverable", "module", "status"):
        table.add_column(col, overflow="fold")
    for s in stages:
        for i, d in enumerate(s.deliverables):
            style = _STATUS_STYLE.get(d.status, "")
            table.add_row(
                f"{s.number}. {s.title}" if i == 0 else "",
                d.topic,
                d.name,
                d.module,
                f"[{style}]{d.status}[/]",
            )
        table.add_section()
    console.print(table)
    counts = {k: sum(d.status == k for s in stages for d in s.deliverables) for k in _STATUS_STYLE}
    console.print(", ".join(f"{v} {k}" for k, v in counts.items() if v))


@app.command()
def run(
    quick: Annotated[bool, typer.Option("--quick", help="Short version of every stage.")] = False,
    stage: Annotated[
        list[int] | None, typer.Option("--stage", "-s", help="Stage number(s) to run.")
    ] = None,
    reports: Annotated[Path, typer.Option(help="Folder for the reports.")] = Path("reports"),
    part: Annotated[
        list[str] | None,
        typer.Option(
            "--part",
            "-p",
            help="Only these parts of a stage (stage 4: vision, language, generative).",
        ),
    ] = None,
) -> None:
    """Run the journey: every built stage beside its references, reports in reports/."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    from groundup.journey import run_journey
    from groundup.roadmap import load_roadmap

    titles = [(s.number, s.title) for s in load_roadmap()]
    known = {n for n, _ in titles}
    for n in stage or []:
        if n not in known:
            raise typer.BadParameter(
                f"no stage {n}; stages are {sorted(known)}", param_hint="--stage"
            )
    try:
        status = run_journey(
            stage, quick=quick, reports_dir=reports, console=console, all_stages=titles, parts=part
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--part") from exc
    console.print(f"reports written to {reports / 'index.md'}")
    if any(v.startswith("failed") for v in status.values()):
        raise typer.Exit(1)


def _benchmark_dir() -> Path:
    from groundup.roadmap import repo_root

    return repo_root() / "benchmarks"


@app.command()
def bench(
    names: Annotated[
        list[str] | None, typer.Argument(help="Benchmarks to run (default: all).")
    ] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Fewer repeats, smaller sizes.")] = False,
) -> None:
    """Run the side-by-side benchmarks in benchmarks/ and print their tables."""
    folder = _benchmark_dir()
    available = {p.stem.removeprefix("bench_"): p for p in sorted(folder.glob("bench_*.py"))}
    wanted = names or list(available)
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise typer.BadParameter(
            f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}"
        )
    sys.path.insert(0, str(folder))
    for name in wanted:
        console.rule(f"benchmark: {name}")
        spec = importlib.util.spec_from_file_location(f"bench_{name}", available[name])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # registered before it runs: dataclasses (and pickling) look their module up here
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        module.main(quick=quick)


@app.command()
def train(
    model: Annotated[str, typer.Argument(help="Model name (groundup.deep.models.list_models()).")],
    dataset: Annotated[str, typer.Option(help="Bundled dataset to train on.")] = "digits",
    epochs: Annotated[
        int | None, typer.Option(help="Epochs (default: the model's recipe).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Run folder (default runs/<name>).")] = None,
    resume: Annotated[
        Path | None, typer.Option(help="Continue this run folder from its last checkpoint.")
    ] = None,
    nproc: Annotated[int, typer.Option(help="Processes (DDP under torchrun).")] = 1,
    corpus: Annotated[str, typer.Option(help="Text corpus for language models.")] = "stdlib",
    tokenizer: Annotated[
        str, typer.Option(help="Tokenizer for language models: char or bpe.")
    ] = "char",
    max_minutes: Annotated[
        float | None, typer.Option(help="Wall-clock training budget (language models).")
    ] = None,
    max_steps: Annotated[int | None, typer.Option(help="Step budget (language models).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Train a model with the groundup Trainer; the run folder is the last line printed."""
    from groundup.deep.models import list_models

    if nproc < 1:
        raise typer.BadParameter(f"--nproc must be >= 1, got {nproc}")
    if model == "gpt":
        from groundup.deep.lm import train_gpt_run

        if tokenizer not in ("char", "bpe"):
            raise typer.BadParameter(f"--tokenizer must be char or bpe, got {tokenizer!r}")
        run_dir = train_gpt_run(
            corpus=corpus,
            tokenizer=tokenizer,
            out=out,
            max_minutes=max_minutes,
            max_steps=max_steps,
            seed=seed,
            quiet=quiet,
        )
        print(run_dir)
        return
    if model not in list_models():
        raise typer.BadParameter(
            f"unknown model {model!r}; available: {', '.join(list_models())}", param_hint="MODEL"
        )
    from groundup.deep.runs import train_run

    run_dir = train_run(
        model,
        dataset=dataset,
        epochs=epochs,
        seed=seed,
        out=out,
        resume=resume,
        nproc=nproc,
        quiet=quiet,
    )
    print(run_dir)


@app.command()
def generate(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `groundup train gpt`.")],
    prompt: Annotated[str, typer.Option(help="Text to continue.")] = "def ",
    max_new_tokens: Annotated[int, typer.Option(help="Tokens to generate.")] = 200,
    temperature: Annotated[float, typer.Option(help="Sampling temperature (> 0).")] = 0.8,
    top_k: Annotated[int | None, typer.Option(help="Keep the k most likely tokens.")] = None,
    top_p: Annotated[float | None, typer.Option(help="Nucleus sampling mass.")] = None,
    seed: Annotated[
        int | None, typer.Option(help="Sampling seed (fresh randomness if unset).")
    ] = None,
) -> None:
    """Continue a prompt with a trained GPT, streaming the tokens to the terminal."""
    from groundup.deep.lm import generate as lm_generate

    if not run_dir.is_dir():
        raise typer.BadParameter(f"{run_dir} is not a run folder", param_hint="RUN_DIR")
    if temperature <= 0:
        raise typer.BadParameter(f"--temperature must be > 0, got {temperature}")

    def stream(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    sys.stdout.write(prompt)
    lm_generate(
        run_dir,
        prompt,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        stream=stream,
        seed=seed,
    )
    sys.stdout.write("\n")


@app.command()
def evaluate(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `groundup train`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Test accuracy and loss of a trained run; writes confusion.png into the run folder."""
    from groundup.deep.runs import evaluate_run

    if not run_dir.is_dir():
        raise typer.BadParameter(f"{run_dir} is not a run folder", param_hint="RUN_DIR")
    result = evaluate_run(run_dir)
    if as_json:
        print(json.dumps(result, indent=2, default=float))
        return
    table = Table(title=f"evaluation of {run_dir}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        if isinstance(value, (int, float, str)):
            table.add_row(key, f"{value:.4f}" if isinstance(value, float) else str(value))
    console.print(table)


@app.command()
def runs(
    limit: Annotated[int, typer.Option(help="How many recent runs to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """List recent runs from the MLflow store (MLFLOW_TRACKING_URI or sqlite:///mlruns.db)."""
    from groundup.mlops.tracking import list_runs

    if limit < 1:
        raise typer.BadParameter(f"--limit must be >= 1, got {limit}")
    rows = list_runs(limit)
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table(title="recent MLflow runs")
    for col in ("experiment", "run", "status", "start", "dataset hash", "metrics"):
        table.add_column(col, overflow="fold")
    for r in rows:
        metrics = ", ".join(f"{k}={v:.4g}" for k, v in sorted(r.get("metrics", {}).items())[:4])
        table.add_row(
            str(r.get("experiment", "")),
            str(r.get("name") or r.get("run_id", ""))[:40],
            str(r.get("status", "")),
            str(r.get("start", "")),
            str(r.get("dataset_hash") or "")[:12],
            metrics,
        )
    console.print(table)
    if not rows:
        console.print("no runs yet: `groundup run` records the journey's runs")


@app.command()
def ui(port: Annotated[int, typer.Option(help="Port for the MLflow UI.")] = 5000) -> None:
    """Start the MLflow UI on the same store (127.0.0.1)."""
    import subprocess

    from groundup.mlops.tracking import ui_command, ui_env

    console.print(f"MLflow UI on http://127.0.0.1:{port} (Ctrl-C to stop)")
    raise typer.Exit(subprocess.run(ui_command(port), env=ui_env(), check=False).returncode)


@app.command()
def serve(
    model_uri: Annotated[
        str, typer.Argument(help="models:/NAME@ALIAS, or a .onnx / groundup estimator file.")
    ],
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
    batching: Annotated[
        bool, typer.Option("--batching/--no-batching", help="Dynamic micro-batching.")
    ] = True,
    max_batch_size: Annotated[int, typer.Option(help="Largest batch the model sees.")] = 64,
    max_wait_ms: Annotated[
        float, typer.Option(help="Longest a request waits for a batch to fill (under load).")
    ] = 2.0,
    max_queue: Annotated[int, typer.Option(help="Queued requests before 503s.")] = 1024,
    max_payload_bytes: Annotated[int, typer.Option(help="Largest request body.")] = 1_000_000,
) -> None:
    """Serve a model over HTTP with FastAPI + uvicorn (POST /v1/predict)."""
    from groundup.mlops.serve.server import run_server

    if workers < 1:
        raise typer.BadParameter(f"--workers must be >= 1, got {workers}")
    run_server(
        model_uri,
        host=host,
        port=port,
        workers=workers,
        batching=batching,
        max_batch_size=max_batch_size,
        max_wait_ms=max_wait_ms,
        max_queue=max_queue,
        max_payload_bytes=max_payload_bytes,
    )


def main() -> None:  # pragma: no cover - console-script shim
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
