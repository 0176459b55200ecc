"""Stage 1 journey: the foundations beside NumPy, SciPy, networkx and scikit-learn.

Every row puts a from-scratch result beside its reference on real bundled data (diabetes,
breast_cancer, iris, digits) or on a classic test problem, with the largest disagreement and the
time ratio (ours / reference). The figure shows every optimiser's loss curve on logistic
regression.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.journey._timing import median_time, ratio, single_threaded, timed
from groundup.journey.registry import JourneyContext, StageReport, Table, stage


def _rel_err(ours: Any, ref: Any) -> float:
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    return float(np.max(np.abs(ours - ref)) / max(np.max(np.abs(ref)), 1e-300))


def _standardise(X: NDArray[np.float64]) -> NDArray[np.float64]:
    std = X.std(0)
    return (X - X.mean(0)) / np.where(std > 0, std, 1.0)


def _linalg_table(ctx: JourneyContext) -> Table:
    import groundup.linalg as gl

    rng = np.random.default_rng(ctx.seed)
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    A = np.column_stack([np.ones(len(X)), X])  # the regression design matrix
    G = A.T @ A  # its Gram matrix: symmetric positive definite
    n = 32 if ctx.quick else 64
    M = rng.standard_normal((n, n))
    S = M @ M.T + n * np.eye(n)
    hilbert = 1.0 / (np.arange(8)[:, None] + np.arange(8)[None, :] + 1.0)
    repeat = 3 if ctx.quick else 7
    rows: list[tuple[str, str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "solve",
            f"random {n}×{n}",
            lambda: gl.solve(M, S[:, 0]),
            lambda: np.linalg.solve(M, S[:, 0]),
        ),
        ("det", f"random {n}×{n}", lambda: gl.det(M), lambda: np.linalg.det(M)),
        ("inv", "8×8 Hilbert", lambda: gl.inv(hilbert), lambda: np.linalg.inv(hilbert)),
        ("cholesky", "diabetes Gram 11×11", lambda: gl.cholesky(G), lambda: np.linalg.cholesky(G)),
        (
            "qr (|R|)",
            "diabetes 442×11",
            lambda: np.abs(gl.qr(A)[1]),
            lambda: np.abs(np.linalg.qr(A)[1]),
        ),
        ("eigh (values)", f"SPD {n}×{n}", lambda: gl.eigh(S)[0], lambda: np.linalg.eigh(S)[0]),
        (
            "svd (values)",
            "diabetes 442×11",
            lambda: gl.svd(A, full_matrices=False)[1],
            lambda: np.linalg.svd(A, full_matrices=False)[1],
        ),
        ("lstsq", "diabetes 442×11", lambda: gl.lstsq(A, y)[0], lambda: np.linalg.lstsq(A, y)[0]),
        ("pinv", "diabetes 442×11", lambda: gl.pinv(A), lambda: np.linalg.pinv(A)),
    ]
    table = Table(
        "Linear algebra vs numpy.linalg (LAPACK)",
        ["operation", "matrix", "max rel. error", "time ratio"],
    )
    for name, what, ours, ref in rows:
        err = _rel_err(ours(), ref())
        t = ratio(median_time(ours, repeat=repeat), median_time(ref, repeat=repeat))
        table.add(name, what, err, t)
    return table


def _calculus_stats_table(ctx: JourneyContext) -> Table:
    import scipy.stats as ss
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris

    from groundup.calculus import gradcheck, hessian
    from groundup.stats import Beta, Gamma, Normal, chisquare, ttest_ind

    table = Table(
        "Calculus and statistics on real data vs analytic results and scipy.stats",
        ["check", "data", "ours", "reference", "abs. difference"],
    )
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xs = _standardise(Xb)[:, :5]

    def loss(w: NDArray[np.float64]) -> float:
        z = Xs @ w
        return float(np.mean(np.logaddexp(0.0, z) - yb * z))

    def grad(w: NDArray[np.float64]) -> NDArray[np.float64]:
        p = 1.0 / (1.0 + np.exp(-(Xs @ w)))
        return Xs.T @ (p - yb) / len(yb)

    w0 = np.full(5, 0.1)
    grad_err = gradcheck(loss, grad, w0)
    table.add("gradcheck, logistic loss", "breast_cancer", grad_err, 0.0, grad_err)
    p = 1.0 / (1.0 + np.exp(-(Xs @ w0)))
    H_exact = (Xs * (p * (1 - p))[:, None]).T @ Xs / len(yb)
    H_err = float(np.max(np.abs(hessian(loss, w0) - H_exact)))
    table.add("hessian max |error|", "breast_cancer", H_err, 0.0, H_err)

    iris = load_iris()
    sepal = iris.data[:, 0]
    normal = Normal.fit(sepal)
    mu, sd = normal.mean(), np.sqrt(normal.var())
    ref_mu, ref_sd = ss.norm.fit(sepal)
    table.add("Normal MLE mean", "iris sepal length", mu, ref_mu, abs(mu - ref_mu))
    table.add("Normal MLE std", "iris sepal length", sd, ref_sd, abs(sd - ref_sd))

    target = load_diabetes().target
    g = Gamma.fit(target)
    shape_ref, _, scale_ref = ss.gamma.fit(target, floc=0)
    table.add("Gamma MLE shape", "diabetes target", g.shape, shape_ref, abs(g.shape - shape_ref))

    smooth = load_breast_cancer().data[:, 4]  # mean smoothness, in (0, 1)
    b = Beta.fit(smooth)
    a_ref, b_ref, _, _ = ss.beta.fit(smooth, floc=0, fscale=1)
    table.add("Beta MLE a", "breast_cancer smoothness", b.a, a_ref, abs(b.a - a_ref))

    setosa, versicolor = iris.data[iris.target == 0, 1], iris.data[iris.target == 1, 1]
    t = ttest_ind(setosa, versicolor)
    t_ref = ss.ttest_ind(setosa, versicolor, equal_var=False)
    table.add(
        "Welch t statistic",
        "iris sepal width",
        t.statistic,
        t_ref.statistic,
        abs(t.statistic - t_ref.statistic),
    )
    table.add(
        "Welch p-value", "iris sepal width", t.pvalue, t_ref.pvalue, abs(t.pvalue - t_ref.pvalue)
    )

    counts = np.bincount(load_digits().target)
    c = chisquare(counts)
    c_ref = ss.chisquare(counts)
    table.add(
        "chi-square p-value",
        "digits class counts",
        c.pvalue,
        c_ref.pvalue,
        abs(c.pvalue - c_ref.pvalue),
    )
    return table


def _graph_table(ctx: JourneyContext) -> Table:
    import networkx as nx
    from sklearn.datasets import load_iris

    from groundup.graphs import Graph, connected_components, dijkstra, minimum_spanning_tree

    X = load_iris().data
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    k = 5
    nearest = np.argsort(d, axis=1)[:, 1 : k + 1]
    edges = {(min(i, j), max(i, j)) for i in range(len(X)) for j in nearest[i]}
    weighted = [(i, j, float(d[i, j])) for i, j in sorted(edges)]

    def ours_build() -> Graph:
        g = Graph(directed=False)
        for i, j, w in weighted:
            g.add_edge(i, j, weight=w)
        return g

    def ref_build() -> nx.Graph:
        g = nx.Graph()
        g.add_weighted_edges_from(weighted)
        return g

    g, ng = ours_build(), ref_build()
    dist, _ = dijkstra(g, 0)
    ref = nx.single_source_dijkstra_path_length(ng, 0)
    err = max(abs(dist[v] - ref[v]) for v in ref)
    t_dij = ratio(
        median_time(lambda: dijkstra(g, 0)),
        median_time(lambda: nx.single_source_dijkstra_path_length(ng, 0)),
    )
    comps = connected_components(g)
    ref_comps = list(nx.connected_components(ng))
    mst = minimum_spanning_tree(g)
    mst_w = _total_weight(mst)
    ref_mst = nx.minimum_spanning_tree(ng).size(weight="weight")
    t_mst = ratio(
        median_time(lambda: minimum_spanning_tree(g)),
        median_time(lambda: nx.minimum_spanning_tree(ng)),
    )
    table = Table(
        "Graphs on the 5-nearest-neighbour graph of iris vs networkx",
        ["algorithm", "ours", "networkx", "time ratio"],
    )
    table.add("dijkstra from node 0 (max |Δdist|)", err, 0.0, t_dij)
    table.add("connected components", len(comps), len(ref_comps), "")
    table.add("MST total weight", mst_w, ref_mst, t_mst)
    return table


def _total_weight(mst: Any) -> float:
    """Total weight of a spanning tree given as a groundup Graph."""
    edges = mst.edges  # a property: list of (u, v, weight)
    return float(sum(w for _, _, w in edges))


def _optimiser_figure(ctx: JourneyContext) -> tuple[Table, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.optimize import minimize as sp_minimize
    from sklearn.datasets import load_breast_cancer

    from groundup.optimize import METHODS, minimize

    X, y = load_breast_cancer(return_X_y=True)
    Xs = np.column_stack([np.ones(len(X)), _standardise(X)])
    lam = 1e-2

    def fg(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        z = Xs @ w
        p = 1.0 / (1.0 + np.exp(-z))
        f = float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * w @ w)
        return f, Xs.T @ (p - y) / len(y) + lam * w

    def hess(w: NDArray[np.float64]) -> NDArray[np.float64]:
        p = 1.0 / (1.0 + np.exp(-(Xs @ w)))
        return (Xs * (p * (1 - p))[:, None]).T @ Xs / len(y) + lam * np.eye(len(w))

    w0 = np.zeros(Xs.shape[1])
    ref = sp_minimize(fg, w0, jac=True, method="L-BFGS-B", options={"gtol": 1e-10, "ftol": 0})
    lrs = {
        "gd": 0.5,
        "momentum": 0.2,
        "nesterov": 0.2,
        "adagrad": 0.5,
        "rmsprop": 0.01,
        "adam": 0.05,
    }
    iters = 100 if ctx.quick else 300
    table = Table(
        "Optimisers on L2-regularised logistic loss (breast_cancer) vs scipy L-BFGS-B",
        ["method", "iterations", "f − f*", "max |x − x*|", "time ratio"],
    )
    t_ref = median_time(lambda: sp_minimize(fg, w0, jac=True, method="L-BFGS-B"), repeat=3)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for method in METHODS:
        opts = {"lr": lrs[method]} if method in lrs else {}
        kwargs = {"hess": hess} if method == "newton" else {}
        call = partial(minimize, fg, w0, grad=True, method=method, tol=1e-8, max_iter=iters)
        res, t = timed(partial(call, **kwargs, **opts))
        gap = np.maximum(np.asarray(res.history) - ref.fun, 1e-16)
        ax.semilogy(gap, label=method)
        table.add(
            method,
            res.nit,
            res.fun - ref.fun,
            float(np.max(np.abs(res.x - ref.x))),
            ratio(t, t_ref),
        )
    ax.set_xlabel("iteration")
    ax.set_ylabel("f(x) − f*")
    ax.set_title("Every optimiser on logistic regression (breast_cancer)")
    ax.legend(ncol=3, fontsize=8)
    path = ctx.figure_path("stage-1-optimisers.png")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return table, str(path.relative_to(ctx.reports_dir))


def _linear_models_table(ctx: JourneyContext) -> Table:
    from sklearn import linear_model as sk
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
    from sklearn.model_selection import train_test_split

    from groundup.ml import linear_model as gu

    table = Table(
        "Linear models vs scikit-learn (held-out 25%)",
        ["model", "dataset", "ours", "sklearn", "max |Δcoef|", "fit-time ratio"],
    )
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=ctx.seed)
    repeat = 3 if ctx.quick else 7
    ref_lr = sk.LinearRegression().fit(Xtr, ytr)
    t_ref = median_time(lambda: sk.LinearRegression().fit(Xtr, ytr), repeat=repeat)
    for solver in ("cholesky", "qr", "svd", "gd"):
        est = gu.LinearRegression(solver=solver).fit(Xtr, ytr)
        t = median_time(partial(gu.LinearRegression(solver=solver).fit, Xtr, ytr), repeat=repeat)
        table.add(
            f"LinearRegression[{solver}] R²",
            "diabetes",
            est.score(Xte, yte),
            ref_lr.score(Xte, yte),
            float(np.max(np.abs(est.coef_ - ref_lr.coef_))),
            ratio(t, t_ref),
        )
    ridge = gu.Ridge(alpha=1.0).fit(Xtr, ytr)
    ref_ridge = sk.Ridge(alpha=1.0).fit(Xtr, ytr)
    t = ratio(
        median_time(lambda: gu.Ridge(alpha=1.0).fit(Xtr, ytr), repeat=repeat),
        median_time(lambda: sk.Ridge(alpha=1.0).fit(Xtr, ytr), repeat=repeat),
    )
    table.add(
        "Ridge(α=1) R²",
        "diabetes",
        ridge.score(Xte, yte),
        ref_ridge.score(Xte, yte),
        float(np.max(np.abs(ridge.coef_ - ref_ridge.coef_))),
        t,
    )

    loaders = {"breast_cancer": load_breast_cancer, "iris": load_iris, "digits": load_digits}
    for name, loader in loaders.items():
        X, y = loader(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(
            X, y, test_size=0.25, random_state=ctx.seed, stratify=y
        )
        mean, std = Xtr.mean(0), Xtr.std(0)
        std[std == 0] = 1.0
        Xtr, Xte = (Xtr - mean) / std, (Xte - mean) / std
        ours = gu.LogisticRegression(C=1.0, max_iter=1000, tol=1e-6).fit(Xtr, ytr)
        ref = sk.LogisticRegression(C=1.0, max_iter=1000, tol=1e-6).fit(Xtr, ytr)
        params: dict[str, Any] = {"C": 1.0, "max_iter": 1000, "tol": 1e-6}
        ours_fit = partial(gu.LogisticRegression(**params).fit, Xtr, ytr)
        ref_fit = partial(sk.LogisticRegression(**params).fit, Xtr, ytr)
        t = ratio(median_time(ours_fit, repeat=3), median_time(ref_fit, repeat=3))
        table.add(
            "LogisticRegression accuracy",
            name,
            ours.score(Xte, yte),
            ref.score(Xte, yte),
            float(np.max(np.abs(ours.coef_ - ref.coef_))),
            t,
        )
    return table


@stage(1, "Foundational maths and Python")
def run(ctx: JourneyContext) -> StageReport:
    """Run every stage-1 deliverable beside its reference."""
    report = StageReport()
    with single_threaded():  # like for like: one BLAS thread on both sides
        report.tables.append(_linalg_table(ctx))
        report.tables.append(_calculus_stats_table(ctx))
        report.tables.append(_graph_table(ctx))
        opt_table, figure = _optimiser_figure(ctx)
        report.tables.append(opt_table)
        report.figures.append(figure)
        report.tables.append(_linear_models_table(ctx))
    report.notes.append(
        "time ratio = ours / reference, median of repeats in this process, one BLAS thread on "
        "both sides; errors are against the reference's own answer."
    )
    return report
