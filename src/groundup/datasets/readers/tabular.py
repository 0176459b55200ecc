"""CSV and Parquet tables (via pandas) as feature/target arrays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["read_table"]


def read_table(
    path: str | Path, target: str
) -> tuple[NDArray[np.float64], NDArray[Any], list[str]]:
    """Read a CSV or Parquet file; return numeric features, the target column and feature names.

    Text feature columns are one-hot encoded (sorted categories); rows with missing values are
    refused rather than silently dropped, naming the first offending column.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.parquet`` file.
    target : str
        Name of the target column.
    """
    import pandas as pd  # optional dependency; imported only when a table is read

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"table file {path} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            df = pd.read_csv(path)
        elif suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        else:
            raise ValueError(
                f"unsupported table format {suffix!r} for {path}; use .csv or .parquet"
            )
    except (pd.errors.ParserError, OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot parse {path}: {exc}") from None
    if target not in df.columns:
        raise ValueError(f"target column {target!r} not in {path}; columns are {list(df.columns)}")
    missing = df.columns[df.isna().any()].tolist()
    if missing:
        raise ValueError(f"{path} has missing values in column(s) {missing}")
    y = df.pop(target).to_numpy()
    features = pd.get_dummies(df, dtype=np.float64)
    return features.to_numpy(np.float64), y, [str(c) for c in features.columns]
