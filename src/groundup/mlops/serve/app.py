"""The FastAPI prediction server: one model, loaded once, behind a validating, batching API.

Endpoints (contract of docs/notes/serving-and-batching.md):

- ``POST /v1/predict`` — ``{"inputs": [example, ...]}`` → ``{"predictions": [...],
  "model": {"name", "version"}}``, one prediction per example, in order;
- ``GET /v1/model`` — name, version, ``input_shape`` (no batch axis), dtype, output description;
- ``GET /health`` (the process is up), ``GET /ready`` (the model is loaded and serving);
- ``GET /metrics`` — Prometheus text (requests, errors, latency, batch sizes, queue depth).

A request passes three gates before it reaches the model, each answering 4xx with a
``{"detail": ...}`` that names the problem: the raw body size (413, counted while reading,
before any parsing), the schema (400 malformed JSON; 422 unknown field, empty batch, bool or
string, NaN/inf) and the shape/dtype check (422). Accepted requests go to the
:class:`~groundup.mlops.serve.batching.MicroBatcher` (or, with ``batching=False``, one model
call each); a full queue answers 503 with ``Retry-After``. The model runs in an executor
thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from groundup.mlops.serve.batching import (
    DirectRunner,
    MicroBatcher,
    QueueFull,
    check_batching_limits,
)
from groundup.mlops.serve.metrics import PROMETHEUS_CONTENT_TYPE, ServeMetrics
from groundup.mlops.serve.schemas import (
    BadRequest,
    ErrorResponse,
    ModelInfo,
    PredictRequest,
    PredictResponse,
    parse_request,
    to_batch,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@runtime_checkable
class ServableModel(Protocol):
    """What the server needs of a model (``groundup.mlops.export.LoadedModel`` is one)."""

    name: str
    version: str
    input_shape: tuple[int, ...]
    output_description: dict[str, Any]

    def predict(self, batch: np.ndarray) -> np.ndarray: ...


class _MetricsMiddleware:
    """Pure-ASGI timing and status counting for every HTTP request (cheaper than Starlette's
    BaseHTTPMiddleware, which copies each response through an extra task)."""

    def __init__(self, app: ASGIApp, metrics: ServeMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.metrics.observe(scope["path"], status, time.perf_counter() - start)

        try:
            await self.app(scope, receive, send_and_record)
        except Exception:  # answered 500 by Starlette's outermost middleware: count it here
            self.metrics.observe(scope["path"], 500, time.perf_counter() - start)
            raise


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"payload of {int(declared)} bytes exceeds the limit of {limit}", 413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:  # chunked upload or a lying Content-Length
            raise BadRequest(f"payload exceeds the limit of {limit} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def _json(value: Any) -> bytes:
    """JSON exactly as Starlette's JSONResponse renders it (compact, UTF-8)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8")


class _Disconnected(Exception):
    """The client went away before its body arrived: there is nobody to answer."""


async def _receive_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """Plain-ASGI twin of :func:`_read_body` for the fast path."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BadRequest(f"payload of {int(value)} bytes exceeds the limit of {limit}", 413)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BadRequest(f"payload exceeds the limit of {limit} bytes", 413)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class _PredictFastPath:
    """``POST /v1/predict`` answered in plain ASGI, around FastAPI's router.

    FastAPI's routing, dependency solving and exception middleware cost ~150–200 µs per request
    on this kind of machine — as much as the model call they wrap. The hot path therefore skips
    them and calls the same ``core(body) -> bytes`` that the FastAPI route (kept for the OpenAPI
    document and reached only without this middleware) calls; same checks, same answers.
    """

    def __init__(self, app: ASGIApp, core: Callable[[bytes], Awaitable[bytes]], limit: int) -> None:
        self.app = app
        self.core = core
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/predict" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = [(b"content-type", b"application/json")]
        try:
            status, content = 200, await self.core(await _receive_body(scope, receive, self.limit))
        except _Disconnected:
            return
        except BadRequest as exc:
            status, content = exc.status, _json({"detail": exc.message})
        except QueueFull as exc:
            status, content = 503, _json({"detail": str(exc)})
            headers.append((b"retry-after", str(exc.retry_after).encode()))
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


def _openapi_with_request_schema(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """OpenAPI document with ``PredictRequest`` (recursive ``Example``) under components: the
    endpoint reads its raw body itself (size limit first), so FastAPI cannot infer it."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema = PredictRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(schema.pop("$defs", {}))
            components["PredictRequest"] = schema
            app.openapi_schema = doc
        return app.openapi_schema

    return openapi


def create_app(
    model_or_uri: ServableModel | str | Path,
    *,
    max_batch_size: int = 64,
    max_wait_ms: float = 2.0,
    max_queue: int = 1024,
    max_payload_bytes: int = 1_000_000,
    batching: bool = True,
    threads: int | None = None,
) -> FastAPI:
    """Build the prediction app for one model; the model is loaded once, in the lifespan.

    Throughput under load comes from micro-batching: with c requests waiting, one call costs
    a + c·b instead of c·(a + b) (fixed cost a, per-row cost b); the window adapts so that a
    lone client never waits. See docs/notes/serving-and-batching.md.

    Parameters
    ----------
    model_or_uri : ServableModel or str or Path
        A loaded model, or where to load one with ``groundup.mlops.export.load_model``
        (an ``.onnx`` file, an estimator folder, ``models:/NAME@ALIAS``); pickles are refused.
    max_batch_size : int
        Most examples per model call.
    max_wait_ms : float
        Longest a free model waits for a fuller batch, and only under concurrent load.
    max_queue : int
        Most requests waiting for the model; the next gets 503 with ``Retry-After``.
    max_payload_bytes : int
        Largest accepted request body, checked on the raw bytes before parsing (413).
    batching : bool
        False runs one model call per request (threads from a pool): the benchmark baseline.
    threads : int, optional
        ONNX Runtime intra-op threads when loading from a URI (its default when None).

    Returns
    -------
    fastapi.FastAPI
        The app; serve it with uvicorn (see :func:`groundup.mlops.serve.server.run_server`).
    """
    if not isinstance(max_payload_bytes, int) or max_payload_bytes < 1:
        raise ValueError(f"max_payload_bytes must be an integer >= 1, got {max_payload_bytes!r}")
    if not isinstance(model_or_uri, (str, Path, ServableModel)):
        raise TypeError(
            "model_or_uri must be a path/URI or an object with name, version, input_shape, "
            f"output_description and predict(); got {type(model_or_uri).__name__}"
        )
    # checks max_batch_size/max_wait_ms/max_queue now rather than at the first request
    check_batching_limits(max_batch_size, max_wait_ms, max_queue)
    metrics = ServeMetrics()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if isinstance(model_or_uri, (str, Path)):
            from groundup.mlops.export import load_model

            model: Any = await asyncio.to_thread(load_model, model_or_uri, threads=threads)
        else:
            model = model_or_uri
        hooks: dict[str, Callable[[int], None]] = {
            "on_batch": metrics.batch_size.observe,
            "on_queue": metrics.queue_depth.set,
        }
        runner: MicroBatcher | DirectRunner
        if batching:
            executor = ThreadPoolExecutor(1, thread_name_prefix="groundup-model")
            runner = MicroBatcher(model.predict, executor, max_batch_size=max_batch_size,
                                  max_wait_ms=max_wait_ms, max_queue=max_queue, **hooks)  # fmt: skip
        else:
            executor = ThreadPoolExecutor(os.cpu_count() or 2, thread_name_prefix="groundup-model")
            runner = DirectRunner(model.predict, executor, max_queue=max_queue, **hooks)
        await runner.start()
        state.update(
            model=model,
            runner=runner,
            shape=tuple(int(s) for s in model.input_shape),
            dtype=str(getattr(model, "input_dtype", "float32")),
            ref=json.dumps({"name": str(model.name), "version": str(model.version)}),
        )
        try:
            yield
        finally:
            state.clear()
            await runner.stop()
            executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="groundup model server",
        version="1",
        description="Predictions from one groundup model. See docs/notes/serving-and-batching.md.",
        lifespan=lifespan,
    )
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse} for code in (400, 413, 422, 503)
    }

    async def predict_core(body: bytes) -> bytes:
        """Checked body → batched model call → response bytes (BadRequest/QueueFull raised)."""
        if "runner" not in state:
            raise BadRequest("model not loaded: the server is starting or stopping", 503)
        inputs = parse_request(body).inputs
        batch = to_batch(inputs, state["shape"], state["dtype"])
        outputs = np.asarray(await state["runner"].submit(batch))
        if outputs.dtype.kind in "fc" and not np.isfinite(outputs).all():
            # finite inputs can still overflow inside the model (3.4e38 through a Linear layer)
            bad = int(np.argwhere(~np.isfinite(outputs.reshape(len(outputs), -1)))[0, 0])
            raise BadRequest(
                f"the model's output for inputs[{bad}] is not finite: the input is outside "
                "the range the model can compute with"
            )
        predictions = json.dumps(outputs.tolist(), allow_nan=False)
        return f'{{"predictions": {predictions}, "model": {state["ref"]}}}'.encode()

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"detail": f"internal error ({type(exc).__name__}); see the server log"},
            status_code=500,
        )

    @app.exception_handler(QueueFull)
    async def queue_full(request: Request, exc: QueueFull) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=503, headers={"Retry-After": str(exc.retry_after)}
        )

    @app.post(
        "/v1/predict",
        response_model=PredictResponse,
        responses=errors,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PredictRequest"}}
                },
            }
        },
    )
    async def predict(request: Request) -> Response:
        """Predict for one or more examples (see GET /v1/model for their shape)."""
        body = await _read_body(request, max_payload_bytes)
        return Response(await predict_core(body), media_type="application/json")

    @app.get("/v1/model", response_model=ModelInfo, responses={503: {"model": ErrorResponse}})
    async def model_info() -> ModelInfo:
        """Name, version, per-example input shape and dtype, and what the output means."""
        if "model" not in state:
            raise BadRequest("model not loaded: the server is starting or stopping", 503)
        model = state["model"]
        return ModelInfo(
            name=str(model.name),
            version=str(model.version),
            input_shape=list(state["shape"]),
            input_dtype=state["dtype"],
            output_description=dict(model.output_description),
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        """The process is up and answering."""
        return {"status": "ok"}

    @app.get("/ready", responses={503: {"model": ErrorResponse}})
    async def ready() -> JSONResponse:
        """The model is loaded and requests are being served."""
        if "runner" not in state:
            return JSONResponse({"detail": "model not loaded"}, status_code=503)
        return JSONResponse({"status": "ready", "queue_depth": state["runner"].depth})

    @app.get("/metrics", response_class=PlainTextResponse)
    async def prometheus() -> Response:
        """Prometheus metrics in the text exposition format."""
        return Response(metrics.render(), media_type=PROMETHEUS_CONTENT_TYPE)

    app.openapi = _openapi_with_request_schema(app)  # type: ignore[method-assign]
    app.state.metrics = metrics
    # added first = inner: metrics (outermost) → fast path → FastAPI's own stack
    app.add_middleware(_PredictFastPath, core=predict_core, limit=max_payload_bytes)  # type: ignore[arg-type]
    app.add_middleware(_MetricsMiddleware, metrics=metrics)  # type: ignore[arg-type]
    return app


__all__ = ["ServableModel", "create_app"]
