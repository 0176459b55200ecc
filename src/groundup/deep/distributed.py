"""The same Trainer under ``torchrun``: DistributedDataParallel, gloo on CPU, NCCL on GPU.

Launched as::

    python -m torch.distributed.run --standalone --nproc-per-node N \\
        -m groundup.deep.distributed --run-dir runs/NAME [--resume] [--quiet]

(:func:`groundup.deep.runs.train_run` does this for ``nproc > 1``). Each process trains on
its strided share of every global batch; DDP all-reduces (averages) the gradients during
backward, so all replicas take the same step — the step one process would take on the whole
global batch (see docs/notes/training-at-scale.md). Rank 0 alone logs, writes checkpoints and
figures; evaluation metrics are summed over ranks with ``all_reduce``. The script ends with
``barrier`` → ``destroy_process_group``: gloo can still abort during interpreter exit, so
callers check the run's ``COMPLETE`` marker, not only the exit code.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.distributed as dist


def init_distributed() -> tuple[int, int]:
    """Join the process group torchrun describes in the environment; return (rank, world)."""
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        raise RuntimeError("not launched by torchrun: RANK/WORLD_SIZE are not set")
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
    dist.init_process_group(backend)
    return dist.get_rank(), dist.get_world_size()


def shutdown() -> None:
    """Wait for every rank, then leave the process group."""
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of each torchrun worker."""
    from groundup.deep.runs import execute

    parser = argparse.ArgumentParser(description="one DDP worker of a groundup run")
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    init_distributed()
    try:
        execute(args.run_dir, resume=args.resume, quiet=args.quiet)
    finally:
        shutdown()


if __name__ == "__main__":
    main()
