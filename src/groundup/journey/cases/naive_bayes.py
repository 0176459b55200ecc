"""Benchmark cases: Gaussian, multinomial and Bernoulli naive Bayes."""

from sklearn import naive_bayes as sk

from groundup.journey.ml_compare import Case
from groundup.ml import naive_bayes as ours

CASES: list[Case] = [
    *(
        Case("GaussianNB", ds, lambda: ours.GaussianNB(), lambda: sk.GaussianNB(), "classification")
        for ds in ("iris", "breast_cancer", "synthetic20k")
    ),
    # digits are pixel counts 0–16: the natural input for the count models
    Case(
        "MultinomialNB",
        "digits",
        lambda: ours.MultinomialNB(),
        lambda: sk.MultinomialNB(),
        "classification",
    ),
    Case(
        "BernoulliNB",
        "digits",
        lambda: ours.BernoulliNB(binarize=8.0),
        lambda: sk.BernoulliNB(binarize=8.0),
        "classification",
    ),
]
