"""Stage 5 — production: data pipeline, tracking, registry, export and serving.

- :mod:`groundup.mlops.pipeline` — ingest → validate (pandera) → split → features, hashed
- :mod:`groundup.mlops.tracking` — MLflow 3 on ``sqlite:///mlruns.db``; Trainer callback,
  estimator wrapper, ``list_runs``/``ui_command`` for the CLI
- :mod:`groundup.mlops.registry` — versions, ``champion``/``challenger`` aliases, guarded promotion
- :mod:`groundup.mlops.export` — PyTorch → ONNX, estimators → ``.npz`` + JSON, ``load_model``
- :mod:`groundup.mlops.champion` — the end-of-journey flow (train, register, export, serve)
- :mod:`groundup.mlops.serve` — the FastAPI app

Submodules are imported on first use, so ``import groundup.mlops`` stays light (no MLflow,
no torch). See docs/notes/ml-system-design.md.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "LoadedModel": "export",
    "ModelLoadError": "export",
    "export_onnx": "export",
    "load_model": "export",
    "save_estimator": "export",
    "load_estimator": "export",
    "setup_tracking": "tracking",
    "tracking_uri": "tracking",
    "start_run": "tracking",
    "list_runs": "tracking",
    "ui_command": "tracking",
    "MLflowCallback": "tracking",
    "track_estimator": "tracking",
    "register_model": "registry",
    "promote_if_better": "registry",
    "dataset_hash": "pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"groundup.mlops.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'groundup.mlops' has no attribute {name!r}")


__all__ = sorted(_LAZY)
