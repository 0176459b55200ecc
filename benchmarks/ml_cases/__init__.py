"""Benchmark cases for the classical-ML suite (see groundup.journey.ml_compare).

Each module ``benchmarks/ml_cases/<family>.py`` defines ``CASES: list[Case]``; the lead moves
them into ``src/groundup/journey/cases/`` so the stage-2 journey runs the same cases.
"""

from groundup.journey.ml_compare import DATASETS, Case

__all__ = ["DATASETS", "Case"]
