"""Stage 5 (MLOps and production): the digits models tracked, registered, exported and served.

Runs :func:`groundup.mlops.champion.run_champion` on the MLflow store of
:func:`groundup.mlops.tracking.tracking_uri` (``sqlite:///mlruns.db`` in the current folder by
default) and reports the candidates with their promotion decisions, the run table read back
from MLflow, the ONNX parity of the served champion and the answer to a real request.
"""

from __future__ import annotations

from groundup.journey.registry import JourneyContext, StageReport, Table, stage


@stage(5, "MLOps and production")
def run(ctx: JourneyContext) -> StageReport:
    from groundup.mlops.champion import CLASSIC_NAME, CNN_NAME, run_champion

    result = run_champion(quick=ctx.quick, seed=ctx.seed, log=ctx.console.print)

    candidates = Table(
        "Candidates and promotions (held-out metric: validation accuracy)",
        ["registered model", "candidate", "version", "val acc", "test acc", "promoted", "champion"],
    )
    for c in result.candidates:
        candidates.add(
            c["family"],
            c["candidate"],
            c["version"],
            c["val_accuracy"],
            c["test_accuracy"],
            "yes" if c["promoted"] else "no",
            f"v{c['champion']}",
        )

    runs = Table(
        "Runs, read back from MLflow",
        ["run", "status", "val", "test", "dataset hash", "git commit", "run id"],
    )
    for r in result.runs:
        m = r["metrics"]
        runs.add(
            r["name"],
            r["status"],
            m.get("val_acc", m.get("val_score", float("nan"))),
            m.get("test_accuracy", m.get("test_score", float("nan"))),
            (r["dataset_hash"] or "")[:12],
            (r["git_commit"] or "")[:8],
            r["run_id"][:8],
        )

    served = Table(
        f"Served answer: models:/{CNN_NAME}@champion via {result.served_via}",
        ["example", "true digit", f"{CNN_NAME} says", f"{CLASSIC_NAME}@champion says"],
    )
    for row in result.served:
        served.add(row["example"], row["true"], row[CNN_NAME], row[CLASSIC_NAME])

    info = result.model_info
    notes = [
        f"Tracking store: {result.tracking_uri} (open it with `groundup ui`).",
        f"Dataset digits validated against its declared schema; content hash "
        f"{result.dataset_hash}.",
        f"Champions: {CNN_NAME} v{result.champions[CNN_NAME]}, "
        f"{CLASSIC_NAME} v{result.champions[CLASSIC_NAME]}.",
        f"ONNX Runtime vs PyTorch on the test split ({CNN_NAME} v{result.parity_version}, this "
        f"session's best): max |Δlogit| = {result.onnx_parity:.2e}.",
        f"Champion {CNN_NAME} v{result.champions[CNN_NAME]} served through ONNX Runtime: "
        f"served test accuracy {result.onnx_test_accuracy:.3f}.",
        f"GET /v1/model → name {info.get('name')}, version {info.get('version')}, "
        f"input_shape {info.get('input_shape')}.",
        f"Stage 5 took {result.seconds:.1f} s.",
    ]
    return StageReport(tables=[candidates, runs, served], notes=notes)
