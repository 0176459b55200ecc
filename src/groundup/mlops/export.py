"""Model export and loading without pickles: PyTorch → ONNX, groundup estimators → ``.npz`` + JSON.

Two artifact formats, both self-describing and both safe to load from an untrusted folder:

- **ONNX** (``model.onnx``) for PyTorch models, exported through the dynamo path with a dynamic
  batch axis. The name, version, per-example input shape and output description travel in the
  model's ``metadata_props``. ONNX Runtime reproduces PyTorch's outputs, y_ort ≈ f_θ(x) with
  max |y_ort − y_torch| ≤ 1e-5 (tested for mlp, lenet and resnet20).
- **Estimator archive** (``estimator.npz`` + ``estimator.json``) for groundup's own estimators
  (and scikit-learn ``Pipeline`` objects made of them). Every learned array goes into the
  ``.npz`` (read back with ``allow_pickle=False``); hyper-parameters and scalars go into JSON.
  At load the estimator class is looked up by name — only inside the ``groundup`` package or a
  short allow-list — rebuilt with ``cls(**params)`` and given its learned state back, so
  ``loaded.predict(X) == estimator.predict(X)`` exactly.

:func:`load_model` opens either (a path, a folder, or a registry URI ``models:/NAME@ALIAS``) as
a :class:`LoadedModel` with ``name``, ``version``, ``input_shape`` (no batch axis),
``output_description`` and ``predict(batch)``. Anything else — a pickle, a ``.pt`` file — is
refused with :class:`ModelLoadError`. See docs/notes/ml-system-design.md.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ESTIMATOR_FORMAT = "groundup-estimator-v1"
ONNX_FILE = "model.onnx"
ESTIMATOR_NPZ = "estimator.npz"
ESTIMATOR_JSON = "estimator.json"
# classes outside groundup that an archive may name (plumbing, no learned algorithm of its own)
_ALLOWED_FOREIGN = frozenset({"sklearn.pipeline:Pipeline"})


class ModelLoadError(ValueError):
    """A model artifact is missing, of a refused kind (a pickle), or does not match its format."""


# ============================================================================ loaded models
@dataclass
class LoadedModel:
    """A model ready to serve: metadata plus ``predict(batch) -> array``.

    Attributes
    ----------
    name, version : str
        Identify the model (registry name and version, or what the artifact recorded).
    input_shape : tuple of int
        Shape of one example, without the batch axis (``(1, 8, 8)`` for the digits CNN).
    input_dtype : str
        NumPy dtype name the model computes in (``"float32"`` for ONNX, ``"float64"`` else).
    output_description : dict
        JSON-ready description of what ``predict`` returns (kind, shape per example, classes).
    kind : str
        ``"onnx"`` or ``"estimator"``.
    """

    name: str
    version: str
    input_shape: tuple[int, ...]
    input_dtype: str
    output_description: dict[str, Any]
    kind: str
    source: str = ""
    _runner: Any = field(default=None, repr=False)

    def check_batch(self, batch: Any) -> np.ndarray:
        """``batch`` as an array of shape (n, *input_shape), finite, n ≥ 1; else ValueError."""
        arr = np.asarray(batch)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise ValueError(f"batch must be numeric, got dtype {arr.dtype}")
        if arr.ndim != len(self.input_shape) + 1 or arr.shape[1:] != self.input_shape:
            raise ValueError(
                f"batch has shape {list(arr.shape)}; expected [n, "
                f"{', '.join(map(str, self.input_shape))}] for model {self.name!r}"
            )
        if arr.shape[0] == 0:
            raise ValueError("batch is empty (0 examples)")
        arr = arr.astype(self.input_dtype, copy=False)
        if not np.isfinite(arr).all():
            raise ValueError("batch contains NaN or infinity")
        return arr

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """Outputs for a batch of shape (n, *input_shape); one row (or value) per example."""
        return self._runner(self.check_batch(batch))  # type: ignore[no-any-return]


# ============================================================================ ONNX
def export_onnx(
    model: Any,
    path: str | Path,
    input_shape: Sequence[int],
    *,
    name: str = "model",
    version: str = "0",
    output_description: dict[str, Any] | None = None,
    opset: int | None = None,
) -> Path:
    """Export a PyTorch module to ONNX with a dynamic batch axis and self-describing metadata.

    The graph is traced once (torch.export, dynamo path) on a batch of two examples with the
    batch dimension declared dynamic, so the file accepts any batch size n ≥ 1:
    input ``(n, *input_shape)`` float32 → output ``(n, …)``. The model is put in eval mode
    (dropout off, batch-norm running statistics). See docs/notes/ml-system-design.md.

    Parameters
    ----------
    model : torch.nn.Module
        The model to export.
    path : str or Path
        Output file (``.onnx``); a folder gets ``model.onnx`` inside it.
    input_shape : sequence of int
        Shape of one example, without the batch axis.
    name, version : str
        Stored in the metadata and reported by :func:`load_model`.
    output_description : dict, optional
        What the output means; defaults to ``{"kind": "logits"}`` plus the output shape.
    opset : int, optional
        ONNX opset version; the exporter's default when None.

    Returns
    -------
    Path
        The written ``.onnx`` file.
    """
    import torch

    shape = tuple(int(s) for s in input_shape)
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"input_shape must be non-empty positive sizes, got {list(input_shape)}")
    out_path = Path(path)
    if out_path.suffix != ".onnx":
        out_path = out_path / ONNX_FILE
    out_path.parent.mkdir(parents=True, exist_ok=True)
    was_training = model.training
    model.eval()
    try:
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        example = torch.zeros((2, *shape), dtype=torch.float32, device=device)
        with torch.no_grad():
            out_shape = list(model(example).shape[1:])
        batch = torch.export.Dim("batch", min=1, max=1 << 20)
        logging.getLogger("torch.onnx").setLevel(logging.ERROR)  # torchvision-op chatter
        program = torch.onnx.export(
            model,
            (example,),
            None,
            dynamo=True,
            input_names=["input"],
            output_names=["output"],
            dynamic_shapes=({0: batch},),
            opset_version=opset,
            verbose=False,
        )
    finally:
        model.train(was_training)
    assert program is not None
    proto = program.model_proto
    description = dict(output_description or {"kind": "logits"})
    description.setdefault("shape", out_shape)
    meta = {
        "groundup.name": name,
        "groundup.version": str(version),
        "groundup.input_shape": json.dumps(list(shape)),
        "groundup.output_description": json.dumps(description),
    }
    del proto.metadata_props[:]
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    out_path.write_bytes(proto.SerializeToString())
    return out_path


def _load_onnx(path: Path, threads: int | None) -> LoadedModel:
    import onnx
    import onnxruntime as ort

    data = path.read_bytes()
    try:
        proto = onnx.load_from_string(data)
        onnx.checker.check_model(proto)
    except Exception as exc:  # protobuf raises its own DecodeError types
        raise ModelLoadError(f"{path} is not a valid ONNX model ({exc})") from None
    meta = {p.key: p.value for p in proto.metadata_props}
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    inp = session.get_inputs()[0]
    if "groundup.input_shape" in meta:
        shape = tuple(json.loads(meta["groundup.input_shape"]))
    else:
        dims = inp.shape[1:]
        if not all(isinstance(d, int) for d in dims):
            raise ModelLoadError(f"{path}: input {inp.name} has symbolic per-example dims {dims}")
        shape = tuple(dims)
    description = json.loads(meta.get("groundup.output_description", '{"kind": "output"}'))
    input_name = inp.name

    def run(batch: np.ndarray) -> np.ndarray:
        return session.run(None, {input_name: batch})[0]  # type: ignore[no-any-return]

    return LoadedModel(
        name=meta.get("groundup.name", path.stem),
        version=meta.get("groundup.version", "0"),
        input_shape=shape,
        input_dtype="float32",
        output_description=description,
        kind="onnx",
        source=str(path),
        _runner=run,
    )


# ============================================================================ estimators
class _Encoder:
    """Turn an object graph into JSON + named arrays; refuse anything that would need pickle."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _array(self, value: np.ndarray, where: str) -> dict[str, Any]:
        if value.dtype == object:
            items = value.ravel().tolist()
            if all(isinstance(v, str) for v in items):
                key = f"a{len(self.arrays)}"
                self.arrays[key] = value.astype(str)
                return {"__array__": key, "object": True}
            raise TypeError(f"{where}: object array of non-strings cannot be saved without pickle")
        key = f"a{len(self.arrays)}"
        self.arrays[key] = value
        return {"__array__": key}

    def encode(self, value: Any, where: str) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            # JSON has no inf/nan; keep them exactly through their names
            return value if math.isfinite(value) else {"__float__": repr(value)}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, np.generic):
            return self._array(np.asarray(value), where) | {"scalar": True}
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {
                "__dict__": [
                    [self.encode(k, f"{where} key"), self.encode(v, f"{where}[{k!r}]")]
                    for k, v in value.items()
                ]
            }
        if isinstance(value, np.random.RandomState | np.random.Generator):
            return None  # a random_state consumed during fit; not needed to predict
        return self.encode_object(value, where)

    def encode_object(self, obj: Any, where: str) -> dict[str, Any]:
        cls = type(obj)
        ref = f"{cls.__module__}:{cls.__qualname__}"
        if not _class_allowed(ref):
            raise TypeError(
                f"{where}: cannot save an object of type {ref} (only groundup classes, "
                "arrays and plain values are saved; nothing is pickled)"
            )
        if hasattr(obj, "get_params"):
            params = obj.get_params(deep=False)
            state = {k: v for k, v in vars(obj).items() if k not in params}
            return {
                "__estimator__": ref,
                "params": {k: self.encode(v, f"{where}.{k}") for k, v in params.items()},
                "state": {k: self.encode(v, f"{where}.{k}") for k, v in state.items()},
            }
        if not hasattr(obj, "__dict__"):
            raise TypeError(f"{where}: object of type {ref} has no __dict__ to save")
        return {
            "__object__": ref,
            "state": {k: self.encode(v, f"{where}.{k}") for k, v in vars(obj).items()},
        }


def _class_allowed(ref: str) -> bool:
    return ref.startswith("groundup.") or ref in _ALLOWED_FOREIGN


def _resolve(ref: str) -> Any:
    if not _class_allowed(ref):
        raise ModelLoadError(f"archive names class {ref}, which is not a groundup class")
    module_name, _, qualname = ref.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ModelLoadError(f"archive names class {ref}, which cannot be found ({exc})") from None
    if not isinstance(obj, type):
        raise ModelLoadError(f"archive names {ref}, which is not a class")
    return obj


class _Decoder:
    def __init__(self, arrays: Any) -> None:
        self.arrays = arrays

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "__array__" in value:
            arr = self.arrays[value["__array__"]]
            if value.get("object"):
                arr = arr.astype(object)
            return arr[()] if value.get("scalar") else arr
        if "__float__" in value:
            return float(value["__float__"])
        if "__tuple__" in value:
            return tuple(self.decode(v) for v in value["__tuple__"])
        if "__dict__" in value:
            return {_hashable(self.decode(k)): self.decode(v) for k, v in value["__dict__"]}
        if "__estimator__" in value:
            cls = _resolve(value["__estimator__"])
            est = cls(**{k: self.decode(v) for k, v in value["params"].items()})
            for k, v in value["state"].items():
                setattr(est, k, self.decode(v))
            return est
        if "__object__" in value:
            cls = _resolve(value["__object__"])
            obj = cls.__new__(cls)
            # frozen dataclasses refuse setattr; their __dict__ is still the real state
            obj.__dict__.update({k: self.decode(v) for k, v in value["state"].items()})
            return obj
        raise ModelLoadError(f"unknown entry in estimator archive: keys {sorted(value)}")


def _hashable(key: Any) -> Any:
    return key.item() if isinstance(key, np.generic) else key


def _input_shape_of(estimator: Any) -> tuple[int, ...]:
    n = getattr(estimator, "n_features_in_", None)
    if n is None and hasattr(estimator, "steps"):
        n = getattr(estimator.steps[0][1], "n_features_in_", None)
    if n is None:
        raise ValueError(f"{type(estimator).__name__} has no n_features_in_: fit it before saving")
    return (int(n),)


def save_estimator(
    estimator: Any,
    folder: str | Path,
    *,
    name: str = "estimator",
    version: str = "0",
    extra: dict[str, Any] | None = None,
) -> Path:
    """Save a fitted groundup estimator as learned arrays (``.npz``) plus JSON, no pickle.

    The JSON holds the class (``module:qualname``), ``get_params()`` and every learned
    attribute that is a plain value; each array is an entry of ``estimator.npz`` referenced
    by key. Nested estimators (a Pipeline's steps, a forest's trees) are saved the same way.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    estimator : groundup estimator or sklearn Pipeline of them
        A fitted model (must have ``n_features_in_``).
    folder : str or Path
        Created if needed; receives ``estimator.npz`` and ``estimator.json``.
    name, version : str
        Recorded and reported by :func:`load_model`.
    extra : dict, optional
        JSON-ready facts to keep beside the model (dataset hash, metrics…).

    Returns
    -------
    Path
        The folder.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    shape = _input_shape_of(estimator)
    enc = _Encoder()
    tree = enc.encode_object(estimator, type(estimator).__name__)
    classes = getattr(estimator, "classes_", None)
    kind = "class" if classes is not None else "value"
    description: dict[str, Any] = {"kind": kind, "shape": []}
    if classes is not None:
        description["classes"] = np.asarray(classes).tolist()
    doc = {
        "format": ESTIMATOR_FORMAT,
        "name": name,
        "version": str(version),
        "input_shape": list(shape),
        "output_description": description,
        "estimator": tree,
        "extra": extra or {},
    }
    np.savez(out / ESTIMATOR_NPZ, allow_pickle=False, **enc.arrays)
    (out / ESTIMATOR_JSON).write_text(json.dumps(doc, indent=1, allow_nan=False))
    return out


def load_estimator(folder: str | Path) -> tuple[Any, dict[str, Any]]:
    """Rebuild an estimator saved by :func:`save_estimator`; returns ``(estimator, document)``.

    Arrays are read with ``allow_pickle=False``; only groundup classes (and sklearn's Pipeline)
    may be named. Raises :class:`ModelLoadError` for anything else.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    folder : str or Path
        The folder written by :func:`save_estimator` (or either file inside it).

    Returns
    -------
    (estimator, dict)
        The rebuilt estimator and the JSON document (name, version, input shape, extra).
    """
    path = Path(folder)
    if path.is_file():
        path = path.parent
    json_path, npz_path = path / ESTIMATOR_JSON, path / ESTIMATOR_NPZ
    if not json_path.is_file() or not npz_path.is_file():
        raise ModelLoadError(f"{path} lacks {ESTIMATOR_JSON} and {ESTIMATOR_NPZ}")
    try:
        doc = json.loads(json_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"{json_path} is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != ESTIMATOR_FORMAT:
        raise ModelLoadError(f"{json_path} is not a {ESTIMATOR_FORMAT} document")
    if not zipfile.is_zipfile(npz_path):
        raise ModelLoadError(f"{npz_path} is not an .npz archive")
    try:
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except ValueError as exc:  # "Object arrays cannot be loaded when allow_pickle=False"
        raise ModelLoadError(f"{npz_path} holds pickled data, which is refused ({exc})") from None
    try:
        estimator = _Decoder(arrays).decode(doc["estimator"])
    except (KeyError, TypeError) as exc:
        raise ModelLoadError(f"{json_path} does not match its arrays ({exc})") from None
    return estimator, doc


def _load_estimator_model(path: Path) -> LoadedModel:
    estimator, doc = load_estimator(path)
    description = doc["output_description"]

    def run(batch: np.ndarray) -> np.ndarray:
        return np.asarray(estimator.predict(batch))

    return LoadedModel(
        name=str(doc["name"]),
        version=str(doc["version"]),
        input_shape=tuple(int(s) for s in doc["input_shape"]),
        input_dtype="float64",
        output_description=description,
        kind="estimator",
        source=str(path),
        _runner=run,
    )


# ============================================================================ load_model
def _from_path(path: Path, threads: int | None) -> LoadedModel:
    if not path.exists():
        raise ModelLoadError(f"no model at {path}")
    if path.is_dir():
        if (path / ONNX_FILE).is_file():
            return _load_onnx(path / ONNX_FILE, threads)
        if (path / ESTIMATOR_JSON).is_file():
            return _load_estimator_model(path)
        onnx_files = sorted(path.glob("*.onnx"))
        if len(onnx_files) == 1:
            return _load_onnx(onnx_files[0], threads)
        raise ModelLoadError(
            f"{path} holds neither {ONNX_FILE} nor {ESTIMATOR_JSON}+{ESTIMATOR_NPZ}"
        )
    if path.suffix == ".onnx":
        return _load_onnx(path, threads)
    if path.name in (ESTIMATOR_JSON, ESTIMATOR_NPZ):
        return _load_estimator_model(path.parent)
    raise ModelLoadError(
        f"refusing to load {path.name}: only ONNX (.onnx) and groundup estimator archives "
        f"({ESTIMATOR_NPZ} + {ESTIMATOR_JSON}) are accepted; pickles and other formats are "
        "never loaded"
    )


def load_model(uri_or_path: str | Path, *, threads: int | None = None) -> LoadedModel:
    """Open a served model: a file, a folder, or a registry URI ``models:/NAME@ALIAS``.

    ONNX files run on ONNX Runtime (CPU); estimator archives are rebuilt as groundup
    estimators. Registry URIs (``models:/NAME@ALIAS`` or ``models:/NAME/VERSION``) resolve
    through the MLflow store of :func:`groundup.mlops.tracking.tracking_uri`; the model's
    artifacts are downloaded and opened the same way, and the registry's name and version
    replace the recorded ones. See docs/notes/ml-system-design.md.

    Parameters
    ----------
    uri_or_path : str or Path
        Where the model is.
    threads : int, optional
        ONNX Runtime intra-op threads (its default when None).

    Returns
    -------
    LoadedModel
        With ``name``, ``version``, ``input_shape``, ``output_description`` and ``predict``.

    Raises
    ------
    ModelLoadError
        Missing artifact, a refused format (pickle, ``.pt``…) or a corrupt file.
    """
    text = str(uri_or_path)
    if text.startswith("models:/"):
        from groundup.mlops.registry import resolve_model_uri

        # both loaders read everything into memory, so the download can go right after
        with tempfile.TemporaryDirectory(prefix="groundup-model-") as tmp:
            name, version, local = resolve_model_uri(text, tmp)
            model = _from_path(local, threads)
        model.name, model.version, model.source = name, version, text
        return model
    if "://" in text and not text.startswith("file://"):
        raise ModelLoadError(f"unsupported model URI {text!r}; use a path or models:/NAME@ALIAS")
    return _from_path(Path(text.removeprefix("file://")), threads)


__all__ = [
    "ESTIMATOR_FORMAT",
    "LoadedModel",
    "ModelLoadError",
    "export_onnx",
    "load_estimator",
    "load_model",
    "save_estimator",
]
