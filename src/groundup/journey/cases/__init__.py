"""Comparison cases for the classical-ML suite, one module per estimator family.

Each module defines ``CASES: list[Case]`` (see :class:`groundup.journey.ml_compare.Case`).
The stage-2 journey and ``benchmarks/bench_ml.py`` both run them through
:func:`groundup.journey.ml_compare.compare`.
"""
