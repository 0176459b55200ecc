"""Naive Bayes classifiers (scikit-learn API). See docs/notes/generative-classifiers.md."""

from groundup.ml.naive_bayes._naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

__all__ = ["BernoulliNB", "GaussianNB", "MultinomialNB"]
