"""Model registry on MLflow 3: versions, the ``champion``/``challenger`` aliases, guarded promotion.

A registered model is a name with numbered versions, each pointing at a run's model folder
(ONNX or ``.npz`` + JSON, never a pickle). Aliases replace MLflow's deprecated stages:
``models:/digits-cnn@champion`` always means the version now serving. A new version becomes
the ``challenger``; :func:`promote_if_better` moves ``champion`` to it only when its held-out
metric m is strictly better than the champion's,

    promote ⇔ m_challenger > m_champion   (mode "max"; "<" for mode "min"),

so a worse (or equal) model never replaces a better one by accident. Loading by alias goes
through :func:`groundup.mlops.export.load_model`. See docs/notes/ml-system-design.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from groundup.mlops.tracking import client

_URI = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[\w-]+)|/(?P<version>\d+))/?$")


@dataclass(frozen=True)
class Promotion:
    """The outcome of :func:`promote_if_better`."""

    promoted: bool
    champion_version: str
    candidate_version: str
    candidate_value: float
    champion_value: float | None
    metric: str


def register_model(
    name: str,
    run_id: str,
    artifact_path: str = "model",
    *,
    alias: str | None = None,
    tags: dict[str, str] | None = None,
    uri: str | None = None,
) -> str:
    """Register the model folder ``artifact_path`` of run ``run_id`` as a new version of ``name``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    name : str
        Registered model name (created on first use).
    run_id : str
        The run that logged the model.
    artifact_path : str
        Folder of the model inside the run's artifacts.
    alias : str, optional
        Alias to point at the new version (``"challenger"``, …).
    tags : dict, optional
        Version tags.
    uri : str, optional
        Tracking/registry URI.

    Returns
    -------
    str
        The new version number.
    """
    from mlflow.exceptions import MlflowException

    c = client(uri)
    try:
        c.get_registered_model(name)
    except MlflowException:
        try:
            c.create_registered_model(name)
        except MlflowException:  # created concurrently
            c.get_registered_model(name)
    run = c.get_run(run_id)
    source = f"{run.info.artifact_uri}/{artifact_path}"
    mv = c.create_model_version(name, source, run_id=run_id, tags=tags, await_creation_for=0)
    version = str(mv.version)
    if alias is not None:
        c.set_registered_model_alias(name, alias, version)
    return version


def set_alias(name: str, alias: str, version: str | int, *, uri: str | None = None) -> None:
    """Point ``models:/name@alias`` at ``version``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    name : str
        Registered model name.
    alias : str
        Alias (``champion``, ``challenger``, …).
    version : str or int
        Version number.
    uri : str, optional
        Tracking/registry URI.
    """
    client(uri).set_registered_model_alias(name, alias, str(version))


def alias_version(name: str, alias: str, *, uri: str | None = None) -> str | None:
    """The version ``alias`` points at, or None when the alias (or the model) does not exist.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    name, alias : str
        Registered model name and alias.
    uri : str, optional
        Tracking/registry URI.

    Returns
    -------
    str or None
    """
    from mlflow.exceptions import MlflowException

    try:
        return str(client(uri).get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


def version_metric(name: str, version: str | int, metric: str, *, uri: str | None = None) -> float:
    """The value of ``metric`` recorded by the run that produced ``name`` version ``version``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    name : str
        Registered model name.
    version : str or int
        Version number.
    metric : str
        Metric name logged by the version's run.
    uri : str, optional
        Tracking/registry URI.

    Returns
    -------
    float
        The metric's latest value.
    """
    c = client(uri)
    mv = c.get_model_version(name, str(version))
    if not mv.run_id:
        raise ValueError(f"model {name} version {version} has no run to read {metric!r} from")
    metrics = c.get_run(mv.run_id).data.metrics
    if metric not in metrics:
        raise KeyError(
            f"run {mv.run_id} of {name} v{version} has no metric {metric!r}; it has "
            f"{sorted(metrics)}"
        )
    return float(metrics[metric])


def promote_if_better(
    name: str,
    version: str | int,
    metric: str,
    *,
    mode: str = "max",
    champion: str = "champion",
    challenger: str = "challenger",
    uri: str | None = None,
) -> Promotion:
    """Make ``version`` the challenger; promote it to champion only if it beats the champion.

    The held-out ``metric`` of each version is read from the run that logged it. With no
    champion yet, the candidate becomes champion. Ties keep the sitting champion.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    name : str
        Registered model name.
    version : str or int
        The candidate version.
    metric : str
        Held-out metric logged by the runs (``"test_accuracy"``, …).
    mode : {"max", "min"}
        Whether larger or smaller is better.
    champion, challenger : str
        Alias names.
    uri : str, optional
        Tracking/registry URI.

    Returns
    -------
    Promotion
        Whether it was promoted, which version is champion now and both metric values.
    """
    if mode not in ("max", "min"):
        raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
    version = str(version)
    value = version_metric(name, version, metric, uri=uri)
    set_alias(name, challenger, version, uri=uri)
    current = alias_version(name, champion, uri=uri)
    best = None if current is None else version_metric(name, current, metric, uri=uri)
    better = best is None or (value > best if mode == "max" else value < best)
    if better and current != version:
        set_alias(name, champion, version, uri=uri)
    return Promotion(
        promoted=better and current != version,
        champion_version=version if better else str(current),
        candidate_version=version,
        candidate_value=value,
        champion_value=best,
        metric=metric,
    )


def resolve_model_uri(
    model_uri: str, dst: str | Path, *, uri: str | None = None
) -> tuple[str, str, Path]:
    """Download the artifacts of ``models:/NAME@ALIAS`` (or ``/VERSION``) into ``dst``.

    See docs/notes/ml-system-design.md.

    Returns
    -------
    (name, version, local_path)
    """
    import mlflow.artifacts
    from mlflow.exceptions import MlflowException

    match = _URI.match(model_uri)
    if match is None:
        raise ValueError(f"not a registry URI: {model_uri!r}; expected models:/NAME@ALIAS")
    name, alias, version = match["name"], match["alias"], match["version"]
    c = client(uri)
    try:
        mv = (
            c.get_model_version_by_alias(name, alias)
            if alias
            else c.get_model_version(name, version)
        )
    except MlflowException as exc:
        raise ValueError(f"{model_uri} does not resolve in the registry: {exc.message}") from None
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=mv.source, dst_path=str(dst), tracking_uri=uri or c.tracking_uri
    )
    return name, str(mv.version), Path(local)


def load_registered(model_uri: str, **kwargs: Any) -> Any:
    """``load_model(models:/NAME@ALIAS)``: the served form of a registered version.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    model_uri : str
        ``models:/NAME@ALIAS``.
    **kwargs
        Passed to ``load_model`` (``threads``).

    Returns
    -------
    LoadedModel
    """
    from groundup.mlops.export import load_model

    return load_model(model_uri, **kwargs)


__all__ = [
    "Promotion",
    "alias_version",
    "load_registered",
    "promote_if_better",
    "register_model",
    "resolve_model_uri",
    "set_alias",
    "version_metric",
]
