"""Request/response schemas of the prediction API and the checks that turn bad input into 4xx.

A request is ``{"inputs": [example, ...]}``; an example is a nested list of numbers whose shape
is the model's per-example ``input_shape``. Checking happens in two layers:

1. :class:`PredictRequest` (pydantic, validated straight from the raw JSON bytes): the body is
   an object with exactly one field ``inputs`` (``extra="forbid"``), a non-empty list whose
   leaves are strict numbers — ``true``/``false`` and strings are refused, and so are NaN and
   ±infinity (``allow_inf_nan=False``).
2. :func:`to_batch` (NumPy): every example has shape ``input_shape`` and the values stay finite
   in the model's dtype (1e39 is a finite float64 but +inf in float32).

Each failure becomes a :class:`BadRequest` whose message names the field and the value, e.g.
``inputs[2] has shape [8, 7]; expected [1, 8, 8]``. See docs/notes/serving-and-batching.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from typing_extensions import TypeAliasType

# A leaf: a JSON number that is neither a bool nor NaN/inf. strict=True refuses "1" and true.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
# An example: a number or an arbitrarily nested list of them; the shape is checked by to_batch.
Example = TypeAliasType("Example", Union[Number, list["Example"]])  # type: ignore[misc]  # noqa: UP007


class BadRequest(Exception):
    """A request the server refuses; ``status`` is the HTTP code (4xx, or 503 while the model
    is not loaded), ``message`` says why."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PredictRequest(BaseModel):
    """Body of ``POST /v1/predict``: one or more examples in the model's input shape."""

    model_config = ConfigDict(extra="forbid")
    inputs: list[Example] = Field(
        min_length=1,
        description="Examples, each a nested list of numbers of shape input_shape (GET /v1/model).",
    )


class ModelRef(BaseModel):
    """Which model answered."""

    name: str
    version: str


class PredictResponse(BaseModel):
    """Body of a successful prediction: one prediction per input, in order."""

    predictions: list[Any]
    model: ModelRef


class ModelInfo(BaseModel):
    """Body of ``GET /v1/model``."""

    name: str
    version: str
    input_shape: list[int] = Field(description="Shape of one example, without the batch axis.")
    input_dtype: str
    output_description: dict[str, Any]


class ErrorResponse(BaseModel):
    """Body of every 4xx/5xx answer: ``detail`` names the problem and the value."""

    detail: str


def _where(loc: Sequence[Any]) -> str:
    """``('inputs', 2, 'list[...]', 0)`` → ``inputs[2][0]`` (union branch tags dropped)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not text:
            text = str(part)
        elif part in ("float", "int") or str(part).startswith("list["):
            continue  # the name of a union branch, not a position
        else:
            text += f".{part}"
    return text or "body"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pick(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The most telling of pydantic's errors: a union reports one per branch; keep the deepest
    position, and prefer "not a number"/"not finite" over "not a list" at that position."""

    def depth(err: dict[str, Any]) -> int:
        return sum(isinstance(p, int) for p in err["loc"])

    deepest = max(depth(e) for e in errors)
    at_deepest = [e for e in errors if depth(e) == deepest]
    return next((e for e in at_deepest if e["type"] != "list_type"), at_deepest[0])


def describe_validation_error(exc: ValidationError) -> BadRequest:
    """Turn pydantic's error list into one :class:`BadRequest` with a readable message.

    A union (number | list) reports one error per branch; the deepest position wins, so
    ``inputs[0][0][3][3] must be a number ..., got True (bool)`` rather than "not a list".
    Malformed JSON is 400, everything else 422. See docs/notes/serving-and-batching.md.

    Parameters
    ----------
    exc : pydantic.ValidationError
        From :meth:`PredictRequest.model_validate_json`.

    Returns
    -------
    BadRequest
        With ``status`` and ``message``.
    """
    errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
    if any(e["type"] == "json_invalid" for e in errors):
        err = next(e for e in errors if e["type"] == "json_invalid")
        return BadRequest(f"malformed JSON: {err['msg']}", status=400)
    err = _pick(errors)
    kind, where, value = err["type"], _where(err["loc"]), err.get("input")
    if kind == "model_type" or (kind == "model_attributes_type"):
        message = f'the body must be a JSON object {{"inputs": [...]}}, got {type(value).__name__}'
    elif kind == "missing":
        message = f'field {where!r} is missing; the body is {{"inputs": [example, ...]}}'
    elif kind == "extra_forbidden":
        message = f"unknown field {where!r}; the only field is 'inputs'"
    elif kind == "too_short" and where == "inputs":
        message = "inputs is empty; send at least one example"
    elif kind == "finite_number":
        message = f"{where} is {_short(value)}; inputs must be finite (no NaN or infinity)"
    elif kind in ("float_type", "float_parsing"):
        message = (
            f"{where} must be a number or a list of numbers, got {_short(value)} "
            f"({type(value).__name__})"
        )
    elif kind == "list_type":
        message = f"{where} must be a list, got {_short(value)} ({type(value).__name__})"
    else:
        message = f"{where}: {err['msg']}"
    return BadRequest(message, status=422)


def parse_request(body: bytes) -> PredictRequest:
    """Validate a raw JSON body as a :class:`PredictRequest`; :class:`BadRequest` if invalid.

    Parsed and validated in one pass from the bytes (pydantic-core), which is also faster than
    ``json.loads`` followed by validation. See docs/notes/serving-and-batching.md.

    Parameters
    ----------
    body : bytes
        The raw request body (already size-checked).

    Returns
    -------
    PredictRequest
        With ``inputs``: a non-empty list of examples of finite, non-bool numbers.
    """
    try:
        return PredictRequest.model_validate_json(body)
    except ValidationError as exc:
        raise describe_validation_error(exc) from None


def _shape_of(example: Any) -> list[int] | str:
    """The shape of a nested list, or a description of why it is ragged."""
    shape: list[int] = []
    level = [example]
    while isinstance(level[0], list):
        sizes = {len(x) if isinstance(x, list) else -1 for x in level}
        if len(sizes) != 1 or -1 in sizes:
            return f"ragged at depth {len(shape) + 1} (sub-list lengths {sorted(sizes - {-1})})"
        (size,) = sizes
        shape.append(size)
        if size == 0:
            break
        level = [y for x in level for y in x]
    return shape


def to_batch(inputs: list[Any], input_shape: Sequence[int], dtype: str) -> np.ndarray:
    """Stack validated examples into one array of shape ``(n, *input_shape)`` in ``dtype``.

    A ragged or wrongly shaped request is found by the one ``np.asarray`` call; only then is
    each example's shape computed, to name the first bad one. See
    docs/notes/serving-and-batching.md.

    Parameters
    ----------
    inputs : list
        ``PredictRequest.inputs`` (numbers already checked to be finite, non-bool).
    input_shape : sequence of int
        The model's per-example shape.
    dtype : str
        The model's compute dtype; values that overflow it (±inf after the cast) are refused.

    Returns
    -------
    numpy.ndarray
        The batch.

    Raises
    ------
    BadRequest
        An example of the wrong shape (the first one is named) or a value out of range.
    """
    expected = [int(s) for s in input_shape]
    try:
        batch = np.asarray(inputs, dtype=np.float64)
    except ValueError:  # ragged: some example (or part of one) has another shape
        batch = None
    if batch is None or list(batch.shape[1:]) != expected:
        for i, example in enumerate(inputs):
            got = _shape_of(example)
            if got != expected:
                shown = f"is {got}" if isinstance(got, str) else f"has shape {got}"
                raise BadRequest(f"inputs[{i}] {shown}; expected {expected}")
        got_shape = [] if batch is None else list(batch.shape)
        raise BadRequest(f"inputs have shape {got_shape}; expected [n, *{expected}]")
    with np.errstate(over="ignore"):
        cast = batch.astype(dtype, copy=False)
    if not np.isfinite(cast).all():
        bad = np.argwhere(~np.isfinite(cast))[0]
        where = "".join(f"[{int(j)}]" for j in bad)
        raise BadRequest(
            f"inputs{where} is {float(batch[tuple(bad)])!r}, which overflows the model's {dtype}"
        )
    return cast


__all__ = [
    "BadRequest",
    "ErrorResponse",
    "ModelInfo",
    "ModelRef",
    "PredictRequest",
    "PredictResponse",
    "describe_validation_error",
    "parse_request",
    "to_batch",
]
