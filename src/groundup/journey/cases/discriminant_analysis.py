"""Benchmark cases: linear and quadratic discriminant analysis."""

from sklearn import discriminant_analysis as sk

from groundup.journey.ml_compare import Case
from groundup.ml import discriminant_analysis as ours

CASES: list[Case] = [
    *(
        Case(
            "LinearDiscriminantAnalysis",
            ds,
            lambda: ours.LinearDiscriminantAnalysis(),
            lambda: sk.LinearDiscriminantAnalysis(),
            "classification",
        )
        for ds in ("wine", "digits", "synthetic20k")
    ),
    Case(
        "LinearDiscriminantAnalysis(lsqr, auto shrinkage)",
        "breast_cancer",
        lambda: ours.LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
        lambda: sk.LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto"),
        "classification",
    ),
    *(
        Case(
            "QuadraticDiscriminantAnalysis",
            ds,
            lambda: ours.QuadraticDiscriminantAnalysis(reg_param=0.01),
            lambda: sk.QuadraticDiscriminantAnalysis(reg_param=0.01),
            "classification",
            scale=True,
        )
        for ds in ("iris", "wine")
    ),
]
