"""Crash-safe checkpoints: safetensors for tensors, JSON for the rest, and a hashed manifest.

A checkpoint is a directory ``step-00000123/`` holding ``model.safetensors``,
``optimizer.safetensors``, ``rng.safetensors``, ``state.json`` and ``manifest.json`` (byte
size and SHA-256 of each file). It is written into a hidden temporary directory, every file
fsync'ed, the manifest last, and only then renamed into place with ``os.replace`` — so a crash
leaves either the whole checkpoint or none of it. Loading checks every file against the
manifest first and refuses a truncated or altered one with a ``CheckpointError`` naming it;
nothing is half-loaded, and nothing is unpickled. See docs/notes/training-at-scale.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

FORMAT = "groundup-checkpoint-v1"
_NAME = re.compile(r"^step-(\d{8})$")


class CheckpointError(RuntimeError):
    """A checkpoint is missing, incomplete, truncated or does not match its manifest."""


@dataclass
class Checkpoint:
    """A loaded checkpoint: tensor groups by file stem and the JSON state."""

    path: Path
    tensors: dict[str, dict[str, torch.Tensor]]
    state: dict[str, Any]


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories; the rename is still atomic
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file, fsync and ``os.replace``."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _write(folder: Path, name: str, data: bytes) -> dict[str, Any]:
    with open(folder / name, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _contiguous(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    # safetensors refuses views and shared storage: store independent contiguous copies
    return {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}


def save_checkpoint(
    directory: Path,
    step: int,
    tensors: dict[str, dict[str, torch.Tensor]],
    state: dict[str, Any],
    *,
    keep: int | None = None,
) -> Path:
    """Write checkpoint ``directory/step-<step>`` atomically and return its path.

    Parameters
    ----------
    directory : Path
        Folder of checkpoints (created if needed).
    step : int
        Optimiser step; names the checkpoint.
    tensors : dict
        File stem → flat ``{name: tensor}`` dict, each written as ``<stem>.safetensors``.
    state : dict
        JSON-serialisable rest (counters, config, RNG states, history …).
    keep : int, optional
        Delete all but the newest ``keep`` checkpoints afterwards.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"step-{step:08d}"
    tmp = directory / f".tmp-step-{step:08d}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    files = {}
    for stem, group in tensors.items():
        files[f"{stem}.safetensors"] = _write(
            tmp, f"{stem}.safetensors", st_save(_contiguous(group))
        )
    files["state.json"] = _write(tmp, "state.json", json.dumps(state, indent=1).encode())
    manifest = {"format": FORMAT, "step": step, "files": files}
    _write(tmp, "manifest.json", json.dumps(manifest, indent=1).encode())
    _fsync_dir(tmp)
    if final.exists():  # an earlier run reached this step: replace it whole
        shutil.rmtree(final)
    os.replace(tmp, final)
    _fsync_dir(directory)
    if keep is not None:
        for old in list_checkpoints(directory)[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(directory: Path) -> list[Path]:
    """Complete-looking checkpoints in ``directory``, oldest first (temporaries ignored)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_dir() and _NAME.match(p.name)]
    return sorted(found, key=lambda p: p.name)


def latest_checkpoint(directory: Path) -> Path:
    """The newest checkpoint in ``directory``; ``CheckpointError`` if there is none."""
    found = list_checkpoints(directory)
    if not found:
        raise CheckpointError(f"no checkpoint (step-XXXXXXXX folder) in {directory}")
    return found[-1]


def load_checkpoint(path: Path) -> Checkpoint:
    """Verify ``path`` against its manifest, then load it.

    Raises
    ------
    CheckpointError
        The folder or its manifest is missing, or a file's size or SHA-256 differs from the
        manifest (truncated, partly written or altered).
    """
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        manifest = json.loads((path / "manifest.json").read_bytes())
    except FileNotFoundError:
        raise CheckpointError(
            f"checkpoint {path} is incomplete: manifest.json is missing"
        ) from None
    except json.JSONDecodeError as exc:
        raise CheckpointError(f"checkpoint {path} has a corrupt manifest.json: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise CheckpointError(
            f"checkpoint {path} has format {manifest.get('format')!r}, expected {FORMAT!r}"
        )
    blobs: dict[str, bytes] = {}
    for name, meta in manifest["files"].items():
        file = path / name
        if not file.is_file():
            raise CheckpointError(f"checkpoint {path} is incomplete: {name} is missing")
        data = file.read_bytes()
        if len(data) != meta["bytes"]:
            raise CheckpointError(
                f"checkpoint file {file} is truncated or altered: {len(data)} bytes on disk, "
                f"manifest says {meta['bytes']}; refusing to load it"
            )
        if hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise CheckpointError(
                f"checkpoint file {file} does not match its SHA-256 in the manifest; refusing to load it"
            )
        blobs[name] = data
    tensors = {
        n.removesuffix(".safetensors"): st_load(b)
        for n, b in blobs.items()
        if n.endswith(".safetensors")
    }
    return Checkpoint(path, tensors, json.loads(blobs["state.json"]))


def load_model_weights(model: torch.nn.Module, path: Path) -> Path:
    """Load only the model weights of checkpoint ``path`` (verified) into ``model``."""
    ckpt = load_checkpoint(path)
    model.load_state_dict(ckpt.tensors["model"])
    return ckpt.path
