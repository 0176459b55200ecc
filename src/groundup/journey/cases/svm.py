"""Benchmark cases: kernel and linear SVMs beside libsvm/liblinear (standardised features)."""

from sklearn import svm as sk

from groundup.journey.ml_compare import Case
from groundup.ml import svm as ours

CASES: list[Case] = [
    *(
        Case("SVC", ds, lambda: ours.SVC(), lambda: sk.SVC(), "classification", scale=True)
        for ds in ("iris", "breast_cancer", "digits")
    ),
    *(
        Case(
            "LinearSVC",
            ds,
            lambda: ours.LinearSVC(random_state=0),
            # same algorithm on both sides: liblinear's dual coordinate descent
            lambda: sk.LinearSVC(dual=True, random_state=0),
            "classification",
            scale=True,
        )
        for ds in ("wine", "breast_cancer")
    ),
    Case(
        "SVR",
        "diabetes",
        lambda: ours.SVR(C=100.0, epsilon=5.0),
        lambda: sk.SVR(C=100.0, epsilon=5.0),
        "regression",
        scale=True,
    ),
]
