"""Data pipeline proofs: row-by-row schema reports, a content hash that tracks content only,
seeded stratified splits, and features fitted on the training split alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris

from groundup.mlops.pipeline import (
    DataValidationError,
    Field,
    Schema,
    dataset_hash,
    ingest,
    prepare,
    schema_from_frame,
    split,
    validate,
)

SCHEMA = Schema(
    (
        Field("length", "float", min=0.0, max=10.0),
        Field("colour", "str", allowed=("red", "green")),
        Field("count", "int", min=0),
        Field("target", "int", allowed=(0, 1)),
    )
)


def _good_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "length": [1.0, 2.5, 3.0, 9.5, 0.0, 4.0],
            "colour": ["red", "green", "red", "red", "green", "green"],
            "count": [1, 2, 3, 4, 5, 6],
            "target": [0, 1, 0, 1, 0, 1],
        }
    )


def test_valid_frame_passes():
    report = validate(_good_frame(), SCHEMA)
    assert report.ok and report.failures == [] and report.n_rows == 6


def test_every_violation_is_reported_row_by_row(tmp_path: Path):
    df = _good_frame()
    df.loc[1, "length"] = 12.0  # above max
    df.loc[3, "length"] = np.nan  # missing
    df.loc[2, "colour"] = "blue"  # not an allowed category
    df.loc[4, "count"] = -3  # below min
    df.loc[5, "target"] = 7  # unknown class
    df.to_csv(tmp_path / "bad.csv", index=False)
    report = validate(ingest(tmp_path / "bad.csv"), SCHEMA)
    assert report.failing_rows == [1, 2, 3, 4, 5]
    found = {(f.row, f.column, f.rule.split("(")[0]) for f in report.failures}
    assert found == {
        (1, "length", "less_than_or_equal_to"),
        (3, "length", "not_nullable"),
        (2, "colour", "isin"),
        (4, "count", "greater_than_or_equal_to"),
        (5, "target", "isin"),
    }
    text = report.summary()
    assert "5 of 6 rows fail" in text
    assert "row 2: colour: isin(['red', 'green']) (got 'blue')" in text
    with pytest.raises(DataValidationError, match="row 1: length") as info:
        report.raise_if_failed()
    assert info.value.report is report


def test_text_in_a_numeric_column_and_schema_drift_are_reported():
    df = _good_frame().astype({"length": object})
    df.loc[2, "length"] = "three"
    df["extra"] = 1.0  # undeclared column
    df = df.drop(columns="count")  # declared column missing
    report = validate(df, SCHEMA)
    rules = {(f.row, f.column, f.rule.split("(")[0]) for f in report.failures}
    assert (2, "length", "coerce_dtype") in rules
    table = {f.value for f in report.failures if f.row is None}
    assert {"extra", "count"} <= table  # both table-level problems named


def test_prepare_refuses_invalid_data_and_drops_nothing():
    df = _good_frame()
    df.loc[0, "length"] = -1.0
    with pytest.raises(DataValidationError, match="1 of 6 rows fail"):
        prepare(df, SCHEMA)


def test_hash_changes_with_one_value_and_only_with_content(rng):
    X = rng.standard_normal((50, 4))
    y = rng.integers(0, 3, 50)
    h = dataset_hash(X, y)
    assert len(h) == 64
    assert dataset_hash(X.copy(), y.copy()) == h
    assert dataset_hash(np.asfortranarray(X), y) == h  # layout is not content
    X2 = X.copy()
    X2[17, 2] = np.nextafter(X2[17, 2], np.inf)  # one ulp in one value
    assert dataset_hash(X2, y) != h
    y2 = y.copy()
    y2[0] = (y2[0] + 1) % 3
    assert dataset_hash(X, y2) != h
    assert dataset_hash(X.astype(np.float32), y) != h  # dtype is content
    assert dataset_hash(X[:, :2], y) != dataset_hash(X[:, 2:], y)
    frame = _good_frame()
    assert dataset_hash(frame) == dataset_hash(_good_frame())
    changed = _good_frame()
    changed.loc[4, "colour"] = "red"
    assert dataset_hash(changed) != dataset_hash(frame)
    renamed = frame.rename(columns={"count": "n"})
    assert dataset_hash(renamed) != dataset_hash(frame)


def test_csv_and_parquet_ingest_to_the_same_hash(tmp_path: Path):
    df = _good_frame()
    df.to_csv(tmp_path / "d.csv", index=False)
    df.to_parquet(tmp_path / "d.parquet", index=False)
    a, b = ingest(tmp_path / "d.csv"), ingest(tmp_path / "d.parquet")
    assert dataset_hash(a) == dataset_hash(b) == dataset_hash(df)
    with pytest.raises(ValueError, match=r"unsupported table format '.txt'"):
        (tmp_path / "d.txt").write_text("x")
        ingest(tmp_path / "d.txt")
    with pytest.raises(ValueError, match="target column 'label' not in"):
        ingest(tmp_path / "d.csv", target="label")
    with pytest.raises(FileNotFoundError, match="neither a bundled dataset"):
        ingest("no-such-thing")


def test_bundled_digits_ingest_matches_scikit_learn():
    from sklearn.datasets import load_digits

    df = ingest("digits")
    X, y = load_digits(return_X_y=True)
    np.testing.assert_array_equal(df.drop(columns="target").to_numpy(), X)
    np.testing.assert_array_equal(df["target"].to_numpy(), y)


def test_split_is_seeded_stratified_and_disjoint():
    X, y = load_iris(return_X_y=True)
    tr, va, te = split(X, y, seed=3)
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(150))
    assert (len(tr), len(va), len(te)) == (105, 15, 30)
    for idx, per_class in ((tr, 35), (va, 5), (te, 10)):
        assert np.bincount(y[idx]).tolist() == [per_class] * 3
    again = split(X, y, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((tr, va, te), again, strict=True))
    assert not np.array_equal(split(X, y, seed=4)[0], tr)
    with pytest.raises(ValueError, match="X has 150 rows but y has 149"):
        split(X, y[:-1])


def test_prepare_fits_features_on_training_split_only():
    df = ingest("wine")
    data = prepare(df, schema_from_frame(df), seed=0)
    scaler = data.features.named_steps["scale"]
    np.testing.assert_allclose(scaler.mean_, data.X_train.mean(axis=0), rtol=1e-12)
    Z = data.features.transform(data.X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    assert data.dataset_hash == dataset_hash(df)
    assert len(data.X_train) + len(data.X_val) + len(data.X_test) == len(df)
    assert data.report.ok


def test_real_penguins_missing_values_are_reported_cell_by_cell(tmp_path: Path):
    from palmerpenguins import load_penguins

    raw = load_penguins()
    raw.to_parquet(tmp_path / "penguins.parquet", index=False)
    schema = Schema(
        (
            Field("species", "str", allowed=("Adelie", "Chinstrap", "Gentoo")),
            Field("island", "str", allowed=("Biscoe", "Dream", "Torgersen")),
            Field("bill_length_mm", "float", min=30, max=60),
            Field("bill_depth_mm", "float", min=13, max=22),
            Field("flipper_length_mm", "float", min=170, max=235),
            Field("body_mass_g", "float", min=2700, max=6300),
            Field("sex", "str", allowed=("female", "male")),
            Field("year", "int", min=2007, max=2009),
        )
    )
    report = validate(ingest(tmp_path / "penguins.parquet", target="species"), schema)
    # pandas' own count of missing cells is the reference: one failure per missing cell
    missing = raw.isna()
    expected = {(r, raw.columns[c]) for r, c in zip(*np.nonzero(missing.to_numpy()), strict=True)}
    found = {(f.row, f.column) for f in report.failures}
    assert found == expected and len(report.failures) == int(missing.to_numpy().sum()) == 19
    assert all(f.rule == "not_nullable" for f in report.failures)
    assert report.failing_rows == sorted(np.flatnonzero(missing.any(axis=1).to_numpy()).tolist())
