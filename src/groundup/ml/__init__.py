"""Stage 2 — classical machine learning from scratch with scikit-learn's API.

Subpackages mirror scikit-learn: ``linear_model``, ``tree``, ``ensemble``, ``svm``,
``neighbors``, ``naive_bayes``, ``discriminant_analysis``, ``cluster``, ``decomposition``,
``manifold``, ``preprocessing``, ``feature_selection``, ``metrics``, ``model_selection``.
Only NumPy and the standard library are used for the algorithms; scikit-learn's
``BaseEstimator`` and mixins provide get_params/set_params/clone/score plumbing.
"""
