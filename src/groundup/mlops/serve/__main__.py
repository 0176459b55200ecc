"""``python -m groundup.mlops.serve MODEL_URI [--host] [--port] [--workers] [--no-batching]``.

The same server as ``groundup serve``, without the CLI's imports; the benchmark starts its
servers this way. See docs/notes/serving-and-batching.md.
"""

from __future__ import annotations

import argparse

from groundup.mlops.serve.server import run_server


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the server (blocks)."""
    parser = argparse.ArgumentParser(prog="python -m groundup.mlops.serve")
    parser.add_argument("model_uri", help=".onnx file, estimator folder or models:/NAME@ALIAS")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-batching", action="store_true", help="one model call per request")
    parser.add_argument("--max-batch-size", type=int, default=64)
    parser.add_argument("--max-wait-ms", type=float, default=2.0)
    parser.add_argument("--max-queue", type=int, default=1024)
    parser.add_argument("--max-payload-bytes", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=None, help="ONNX Runtime intra-op threads")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    run_server(
        args.model_uri,
        host=args.host,
        port=args.port,
        workers=args.workers,
        batching=not args.no_batching,
        max_batch_size=args.max_batch_size,
        max_wait_ms=args.max_wait_ms,
        max_queue=args.max_queue,
        max_payload_bytes=args.max_payload_bytes,
        threads=args.threads,
        log_level=args.log_level,
    )


if __name__ == "__main__":
    main()
