"""Model serving: FastAPI app, request schemas, dynamic micro-batching, Prometheus metrics.

``create_app(model_or_uri)`` builds the app; ``run_server(model_uri)`` runs it on uvicorn
(``groundup serve``). See docs/notes/serving-and-batching.md.
"""

from __future__ import annotations

from groundup.mlops.serve.app import ServableModel, create_app
from groundup.mlops.serve.batching import DirectRunner, MicroBatcher, QueueFull
from groundup.mlops.serve.server import run_server

__all__ = [
    "DirectRunner",
    "MicroBatcher",
    "QueueFull",
    "ServableModel",
    "create_app",
    "run_server",
]
