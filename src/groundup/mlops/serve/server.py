"""Run the prediction app on uvicorn: what ``groundup serve MODEL_URI`` calls.

The model URI and the app's options travel to the worker processes through environment
variables and uvicorn builds the app with the :func:`app_from_env` factory, so one worker and
N workers start the same way (each worker loads the model once in its lifespan). Scaling past
one process is uvicorn's job (``--workers``), past one machine a load balancer's.
See docs/notes/serving-and-batching.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from groundup.mlops.serve.app import create_app

ENV_MODEL = "GROUNDUP_SERVE_MODEL"
ENV_OPTIONS = "GROUNDUP_SERVE_OPTIONS"


def app_from_env() -> FastAPI:
    """uvicorn factory: the app for ``$GROUNDUP_SERVE_MODEL`` with ``$GROUNDUP_SERVE_OPTIONS``.

    Each worker process calls it once, so each loads its own model in its lifespan.
    See docs/notes/serving-and-batching.md.

    Returns
    -------
    fastapi.FastAPI
        From :func:`groundup.mlops.serve.app.create_app`.
    """
    uri = os.environ.get(ENV_MODEL)
    if not uri:
        raise RuntimeError(f"{ENV_MODEL} is not set: which model should be served?")
    options = json.loads(os.environ.get(ENV_OPTIONS, "{}"))
    return create_app(uri, **options)


def run_server(
    model_uri: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    *,
    batching: bool = True,
    max_batch_size: int = 64,
    max_wait_ms: float = 2.0,
    max_queue: int = 1024,
    max_payload_bytes: int = 1_000_000,
    threads: int | None = None,
    log_level: str = "info",
) -> None:
    """Serve ``model_uri`` over HTTP until interrupted (blocks).

    Each of the ``workers`` processes holds its own copy of the model and its own batcher;
    throughput scales with processes while the model fits in memory w times.

    Parameters
    ----------
    model_uri : str or Path
        An ``.onnx`` file, a groundup estimator folder or ``models:/NAME@ALIAS``.
    host, port : str, int
        Where to listen (loopback by default; ``0.0.0.0`` inside a container).
    workers : int
        uvicorn worker processes.
    batching, max_batch_size, max_wait_ms, max_queue, max_payload_bytes, threads
        Passed to :func:`groundup.mlops.serve.app.create_app`.
    log_level : str
        uvicorn's log level.
    """
    import uvicorn

    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in [0, 65535], got {port!r}")
    options: dict[str, Any] = {
        "batching": batching,
        "max_batch_size": max_batch_size,
        "max_wait_ms": max_wait_ms,
        "max_queue": max_queue,
        "max_payload_bytes": max_payload_bytes,
        "threads": threads,
    }
    create_app(str(model_uri), **options)  # refuse bad options here, not in every worker
    os.environ[ENV_MODEL] = str(model_uri)
    os.environ[ENV_OPTIONS] = json.dumps(options)
    uvicorn.run(
        "groundup.mlops.serve.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,  # a log line per request costs ~10% of throughput; /metrics counts
        timeout_graceful_shutdown=5,
    )


__all__ = ["ENV_MODEL", "ENV_OPTIONS", "app_from_env", "run_server"]
