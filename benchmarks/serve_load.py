"""Alias of bench_serve.py under the name issue 7 gives it: ``python benchmarks/serve_load.py``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_serve import main  # noqa: E402

__all__ = ["main"]

if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
