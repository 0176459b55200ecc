"""The data pipeline: ingest → validate → split → features, with a content hash per dataset version.

- **ingest** a bundled dataset by name, or a CSV / Parquet file, into a DataFrame;
- **validate** it against a declared :class:`Schema` (columns, dtypes, ranges, allowed
  categories, missing values) with pandera, lazily, so the :class:`ValidationReport` names
  *every* failing row and rule — nothing is dropped or coerced away silently;
- **split** it stratified and seeded (70 / 10 / 20 by default);
- **features**: a groundup preprocessing pipeline fitted on the training split only and saved
  with the model (it is the first step of the served Pipeline).

The dataset version is identified by a SHA-256 over a canonical encoding of the data:

    h = SHA-256( Σ over columns of  name ‖ dtype ‖ shape ‖ C-order bytes )

so it changes when a single value (or a name, dtype or shape) changes and not otherwise —
not with memory layout, copies or the object holding the data. Every tracked run records it.
See docs/notes/ml-system-design.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

TARGET = "target"
DType = Literal["float", "int", "bool", "str", "category"]


class DataValidationError(ValueError):
    """A dataset failed its schema; ``.report`` holds every failing row and rule."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.summary())
        self.report = report


# ============================================================================ hashing
def _update(h: Any, name: str, arr: NDArray[Any]) -> None:
    if arr.dtype == object:
        # object columns (text): hash each value's repr with its type, in order
        text = "\x1f".join(f"{type(v).__name__}:{v!r}" for v in arr.ravel().tolist())
        payload = text.encode()
    else:
        payload = np.ascontiguousarray(arr).tobytes()
    h.update(f"{name}|{arr.dtype.str}|{arr.shape}|{len(payload)}|".encode())
    h.update(payload)


def dataset_hash(*data: Any) -> str:
    """SHA-256 content hash of arrays and/or DataFrames (hex, 64 characters).

    h = SHA-256(‖ₖ nameₖ ‖ dtypeₖ ‖ shapeₖ ‖ bytesₖ) over the given arrays in order (a
    DataFrame contributes one entry per column, named by the column). Identical content gives
    the same hash whatever the memory layout; changing one value changes it.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    *data : array-like or pandas.DataFrame
        What identifies the dataset version (for example ``X, y`` or one frame).

    Returns
    -------
    str
        The hex digest.
    """
    if not data:
        raise ValueError("dataset_hash needs at least one array or DataFrame")
    h = hashlib.sha256()
    for i, item in enumerate(data):
        if hasattr(item, "columns") and hasattr(item, "dtypes"):
            h.update(f"frame{i}|{item.shape}|".encode())
            for col in item.columns:
                _update(h, f"{i}.{col}", item[col].to_numpy())
        else:
            _update(h, f"{i}", np.asarray(item))
    return h.hexdigest()


# ============================================================================ ingest
def ingest(source: str | Path, *, target: str = TARGET) -> Any:
    """Read a dataset into a pandas DataFrame with its label in column ``target``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    source : str or Path
        A bundled dataset name (``groundup.datasets.DATASETS``: digits, iris, wine,
        breast_cancer, diabetes, penguins) or a ``.csv`` / ``.parquet`` file.
    target : str
        Name of the label column (for files it must already exist).

    Returns
    -------
    pandas.DataFrame
        Features first, the target last. File data is returned exactly as read: validation,
        not ingestion, decides what is acceptable.
    """
    import pandas as pd

    from groundup.datasets import DATASETS

    text = str(source)
    if text in DATASETS:
        from groundup.datasets.bundled import _loaders  # raw, unsplit arrays

        raw = _loaders()[text]()
        frame = pd.DataFrame(raw.X, columns=raw.feature_names)
        frame[target] = raw.y
        return frame
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(
            f"{text!r} is neither a bundled dataset ({', '.join(DATASETS)}) nor an existing file"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = pd.read_csv(path)
    elif suffix in (".parquet", ".pq"):
        frame = pd.read_parquet(path)
    else:
        raise ValueError(f"unsupported table format {suffix!r} for {path}; use .csv or .parquet")
    if target not in frame.columns:
        raise ValueError(f"target column {target!r} not in {path}; columns are {list(frame)}")
    return frame


# ============================================================================ schema
@dataclass(frozen=True)
class Field:
    """One declared column: dtype, optional range [min, max], allowed values, nullability."""

    name: str
    dtype: DType = "float"
    min: float | None = None
    max: float | None = None
    allowed: tuple[Any, ...] | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Schema:
    """A declared table schema; ``strict`` refuses columns that are not declared."""

    fields: tuple[Field, ...]
    strict: bool = True

    def to_pandera(self) -> Any:
        """The equivalent ``pandera.DataFrameSchema``."""
        import pandera.pandas as pa

        kinds: dict[str, Any] = {"float": float, "int": int, "bool": bool, "str": str}
        columns = {}
        for f in self.fields:
            checks = []
            if f.min is not None:
                checks.append(pa.Check.ge(f.min))
            if f.max is not None:
                checks.append(pa.Check.le(f.max))
            if f.allowed is not None:
                checks.append(pa.Check.isin(list(f.allowed)))
            dtype = None if f.dtype == "category" else kinds[f.dtype]
            # float columns accept integer input (coerced losslessly); text fails coercion and
            # is reported per row rather than silently turned into NaN
            columns[f.name] = pa.Column(
                dtype, checks, nullable=f.nullable, coerce=f.dtype == "float"
            )
        return pa.DataFrameSchema(columns, strict=self.strict)

    @property
    def names(self) -> list[str]:
        """Declared column names in order."""
        return [f.name for f in self.fields]


def schema_from_frame(frame: Any, *, target: str = TARGET, categories: int = 20) -> Schema:
    """Declare a schema from trusted reference data: observed ranges, categories, no missing.

    Numeric columns get [min, max] of the reference; an integer target with at most
    ``categories`` values gets those values as its allowed set.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    frame : pandas.DataFrame
        Reference data the schema describes.
    target : str
        Label column.
    categories : int
        Largest number of distinct labels declared as an allowed set.

    Returns
    -------
    Schema
    """
    fields = []
    for col in frame.columns:
        values = frame[col]
        if np.issubdtype(values.dtype, np.integer) and col == target:
            uniq = np.unique(values.to_numpy())
            classes = tuple(int(v) for v in uniq) if len(uniq) <= categories else None
            fields.append(Field(str(col), "int", allowed=classes))
        elif np.issubdtype(values.dtype, np.number):
            fields.append(Field(str(col), "float", float(values.min()), float(values.max())))
        else:
            labels = tuple(sorted(str(v) for v in values.dropna().unique()))
            fields.append(Field(str(col), "str", allowed=labels))
    return Schema(tuple(fields))


@dataclass(frozen=True)
class Failure:
    """One failed rule: the row (None for a table-level rule), column, rule and offending value."""

    row: int | None
    column: str | None
    rule: str
    value: Any


@dataclass
class ValidationReport:
    """Every failure found by :func:`validate`; empty when the data passes."""

    n_rows: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    @property
    def failing_rows(self) -> list[int]:
        """Sorted indices of the rows that broke at least one rule."""
        return sorted({f.row for f in self.failures if f.row is not None})

    def by_row(self) -> dict[int | None, list[Failure]]:
        """Failures grouped by row (None: rules about the whole table, like a missing column)."""
        out: dict[int | None, list[Failure]] = {}
        for f in self.failures:
            out.setdefault(f.row, []).append(f)
        return out

    def summary(self, limit: int = 50) -> str:
        """A readable report: one line per failing row with each rule it broke."""
        if self.ok:
            return f"all {self.n_rows} rows pass the schema"
        groups = self.by_row()
        lines = [
            f"{len(self.failing_rows)} of {self.n_rows} rows fail the schema "
            f"({len(self.failures)} failures):"
        ]
        for row in sorted(groups, key=lambda r: -1 if r is None else r)[:limit]:
            where = "table" if row is None else f"row {row}"
            rules = "; ".join(
                f"{f.column}: {f.rule} (got {f.value!r})" if f.column else f"{f.rule} ({f.value!r})"
                for f in groups[row]
            )
            lines.append(f"  {where}: {rules}")
        if len(groups) > limit:
            lines.append(f"  … and {len(groups) - limit} more rows")
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`DataValidationError` carrying this report unless it is empty."""
        if not self.ok:
            raise DataValidationError(self)


def validate(frame: Any, schema: Schema) -> ValidationReport:
    """Check ``frame`` against ``schema`` and report every failing row and rule.

    pandera runs lazily (all checks, not only up to the first failure). Nothing is dropped:
    the caller decides, and :func:`prepare` refuses data with any failure.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    frame : pandas.DataFrame
        The ingested data.
    schema : Schema
        The declared schema.

    Returns
    -------
    ValidationReport
    """
    import pandera.pandas as pa

    if not isinstance(schema, Schema):
        raise TypeError(f"schema must be a groundup Schema, got {type(schema).__name__}")
    report = ValidationReport(n_rows=len(frame))
    try:
        schema.to_pandera().validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for rec in cases.to_dict("records"):
            idx = rec.get("index")
            column = rec.get("column")
            has_row = idx is not None and not (isinstance(idx, float) and np.isnan(idx))
            has_col = isinstance(column, str)
            value = rec.get("failure_case")
            if not has_row and has_col and isinstance(value, str) and "Error(" in value:
                continue  # a follow-on error of a column whose dtype already failed per row
            report.failures.append(
                Failure(
                    row=int(idx) if has_row else None,
                    column=column if has_col else None,
                    rule=str(rec.get("check")),
                    value=value.item() if isinstance(value, np.generic) else value,
                )
            )
    return report


# ============================================================================ split + features
@dataclass
class PreparedData:
    """What :func:`prepare` returns: the three splits, the fitted features and the hash."""

    X_train: NDArray[np.float64]
    y_train: NDArray[Any]
    X_val: NDArray[np.float64]
    y_val: NDArray[Any]
    X_test: NDArray[np.float64]
    y_test: NDArray[Any]
    feature_names: list[str]
    dataset_hash: str
    features: Any
    report: ValidationReport


def split(
    X: Any,
    y: Any,
    *,
    seed: int = 0,
    stratify: bool = True,
    fractions: tuple[float, float] = (0.7, 0.1),
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Seeded (stratified) train / validation / test index arrays.

    Within each class c with n_c samples, round(f_train·n_c) go to train, round(f_val·n_c) to
    validation and the rest to test, after a seeded permutation — so class proportions are
    kept in every split and the same seed gives the same cut.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    X, y : array-like
        Features (only their length is used) and labels.
    seed : int
        Seed of the permutations.
    stratify : bool
        Cut each class separately.
    fractions : (float, float)
        Train and validation fractions; test takes the rest.

    Returns
    -------
    (train, val, test) : index arrays
    """
    y = np.asarray(y)
    f_train, f_val = fractions
    if not (0 < f_train < 1 and 0 <= f_val < 1 and f_train + f_val < 1):
        raise ValueError(f"fractions must be in (0, 1) with a positive remainder, got {fractions}")
    if len(y) != len(np.asarray(X)):
        raise ValueError(f"X has {len(np.asarray(X))} rows but y has {len(y)}")
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    parts: list[list[NDArray[np.intp]]] = [[], [], []]
    for idx in groups:  # one pass per class, not per sample
        idx = rng.permutation(idx)
        a = int(round(f_train * len(idx)))
        b = a + int(round(f_val * len(idx)))
        parts[0].append(idx[:a])
        parts[1].append(idx[a:b])
        parts[2].append(idx[b:])
    train, val, test = (rng.permutation(np.concatenate(p)) for p in parts)
    return train, val, test


def make_features(scale: str = "standard") -> Any:
    """The feature pipeline: impute missing with the median, then scale (groundup estimators).

    ``scale``: "standard" (z = (x − μ)/σ), "minmax" ((x − min)/(max − min)) or "none".

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    scale : {"standard", "minmax", "none"}
        The scaling step.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Unfitted; its steps are groundup estimators.
    """
    from sklearn.pipeline import Pipeline

    from groundup.ml.preprocessing import MinMaxScaler, SimpleImputer, StandardScaler

    steps: list[tuple[str, Any]] = [("impute", SimpleImputer(strategy="median"))]
    if scale == "standard":
        steps.append(("scale", StandardScaler()))
    elif scale == "minmax":
        steps.append(("scale", MinMaxScaler()))
    elif scale != "none":
        raise ValueError(f"scale must be 'standard', 'minmax' or 'none', got {scale!r}")
    return Pipeline(steps)


def prepare(
    source: str | Path | Any,
    schema: Schema | None = None,
    *,
    target: str = TARGET,
    seed: int = 0,
    stratify: bool = True,
    scale: str = "standard",
) -> PreparedData:
    """Run the whole pipeline: ingest → validate → split → fit features on the training split.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    source : str, Path or DataFrame
        A bundled name, a CSV/Parquet path or an already ingested frame.
    schema : Schema, optional
        Declared schema; by default one is declared from the data itself (types, no missing
        values, no undeclared columns).
    target : str
        Label column.
    seed, stratify : int, bool
        The split.
    scale : str
        See :func:`make_features`.

    Returns
    -------
    PreparedData
        Raises :class:`DataValidationError` (with the full report) if any row fails.
    """
    frame: Any = source if hasattr(source, "columns") else ingest(source, target=target)
    if schema is None:
        schema = schema_from_frame(frame, target=target)
    report = validate(frame, schema)
    report.raise_if_failed()
    names = [str(c) for c in frame.columns if c != target]
    X = frame[names].to_numpy(np.float64)
    y = frame[target].to_numpy()
    train, val, test = split(X, y, seed=seed, stratify=stratify)
    features = make_features(scale).fit(X[train])
    return PreparedData(
        X[train],
        y[train],
        X[val],
        y[val],
        X[test],
        y[test],
        names,
        dataset_hash(frame),
        features,
        report,
    )


__all__ = [
    "DataValidationError",
    "Failure",
    "Field",
    "PreparedData",
    "Schema",
    "ValidationReport",
    "dataset_hash",
    "ingest",
    "make_features",
    "prepare",
    "schema_from_frame",
    "split",
    "validate",
]
