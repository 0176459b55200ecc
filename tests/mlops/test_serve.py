"""The prediction server, tested over real HTTP on loopback.

A real uvicorn process (``python -m groundup.mlops.serve``, the command ``groundup serve``
runs) serves a tiny ONNX MLP exported in the test; its answers must equal the model's direct
predictions, and every kind of bad request must get a 4xx whose message names the problem —
never a 5xx, also under a schemathesis fuzz of the OpenAPI schema. Smaller in-process uvicorn
servers (a thread) cover the estimator path, batching off and the full-queue 503.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import torch
import uvicorn
from hypothesis import HealthCheck, given, settings
from sklearn.datasets import load_iris

from groundup.mlops.export import export_onnx, load_model, save_estimator
from groundup.mlops.serve import create_app

SHAPE = (1, 4, 4)
PAYLOAD_LIMIT = 20_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout} s")


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """A real uvicorn server on loopback, in a thread of this process."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, timeout=30)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def torch_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    ).eval()


@pytest.fixture(scope="module")
def onnx_path(torch_model: torch.nn.Module, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-onnx")
    return export_onnx(torch_model, folder, SHAPE, name="tiny", version="3")


@pytest.fixture(scope="module")
def server(onnx_path: Path) -> Iterator[str]:
    """``python -m groundup.mlops.serve MODEL`` in its own process; torn down after."""
    port = free_port()
    cmd = [sys.executable, "-m", "groundup.mlops.serve", str(onnx_path), "--port", str(port)]
    cmd += ["--max-payload-bytes", str(PAYLOAD_LIMIT), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def example(rng: np.random.Generator, n: int = 1) -> np.ndarray:
    return rng.standard_normal((n, *SHAPE)).astype(np.float32)


# ------------------------------------------------------------------------------- contract
def test_model_health_and_ready_report_the_contract(server: str) -> None:
    info = httpx.get(f"{server}/v1/model").json()
    assert info["name"] == "tiny" and info["version"] == "3"
    assert info["input_shape"] == list(SHAPE)  # no batch axis
    assert info["output_description"]["shape"] == [3]
    assert httpx.get(f"{server}/health").json() == {"status": "ok"}
    assert httpx.get(f"{server}/ready").status_code == 200


def test_predictions_equal_direct_predict_and_torch(
    server: str, onnx_path: Path, torch_model: torch.nn.Module, rng: np.random.Generator
) -> None:
    x = example(rng, 5)
    response = httpx.post(f"{server}/v1/predict", json={"inputs": x.tolist()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == {"name": "tiny", "version": "3"}
    got = np.array(body["predictions"])
    assert got.shape == (5, 3)
    # float32 values survive JSON exactly (repr round-trips); only batch-size GEMM order differs
    np.testing.assert_allclose(got, load_model(onnx_path).predict(x), rtol=0, atol=1e-6)
    with torch.no_grad():
        np.testing.assert_allclose(got, torch_model(torch.from_numpy(x)).numpy(), atol=1e-5)


def test_concurrent_requests_each_get_their_own_answer(
    server: str, onnx_path: Path, rng: np.random.Generator
) -> None:
    """48 single-example requests at once: whatever batches form, answers are not mixed up."""
    xs = example(rng, 48)

    async def fire() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server, timeout=30) as client:
            calls = [client.post("/v1/predict", json={"inputs": [x.tolist()]}) for x in xs]
            return await asyncio.gather(*calls)

    before = metric(server, "groundup_batch_size_sum")
    responses = asyncio.run(fire())
    assert [r.status_code for r in responses] == [200] * 48
    got = np.array([r.json()["predictions"][0] for r in responses])
    np.testing.assert_allclose(got, load_model(onnx_path).predict(xs), rtol=0, atol=1e-6)
    # every example went through the model exactly once
    assert metric(server, "groundup_batch_size_sum") - before == 48


# ------------------------------------------------------------------------------- bad input
GOOD_ROW = [0.0, 1.0, 2.0, 3.0]
GOOD = [[GOOD_ROW] * 4]


def with_leaf(value: str) -> bytes:
    """A raw JSON body whose last leaf is ``value`` (to send NaN, true, "1" … verbatim)."""
    template = '{"inputs": [[[[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, LEAF]]]]}'
    return template.replace("LEAF", value).encode()


BAD_REQUESTS = {
    "malformed JSON": (b'{"inputs": [[1, 2', 400, "malformed JSON"),
    "not JSON at all": (b"hello", 400, "malformed JSON"),
    "body is a list": (json.dumps([GOOD]).encode(), 422, "must be a JSON object"),
    "missing inputs": (b"{}", 422, "'inputs' is missing"),
    "unknown field": (
        json.dumps({"inputs": [GOOD], "extra": 1}).encode(),
        422,
        "unknown field 'extra'",
    ),
    "empty batch": (b'{"inputs": []}', 422, "inputs is empty"),
    "wrong shape": (
        json.dumps({"inputs": [GOOD, GOOD, [[GOOD_ROW[:3]] * 4]]}).encode(),
        422,
        "inputs[2] has shape [1, 4, 3]; expected [1, 4, 4]",
    ),  # fmt: skip
    "missing axis": (
        json.dumps({"inputs": [[GOOD_ROW] * 4]}).encode(),
        422,
        "inputs[0] has shape [4, 4]; expected [1, 4, 4]",
    ),  # fmt: skip
    "ragged": (
        json.dumps({"inputs": [[[GOOD_ROW, GOOD_ROW[:2], GOOD_ROW, GOOD_ROW]]]}).encode(),
        422,
        "inputs[0] is ragged",
    ),  # fmt: skip
    "scalar example": (b'{"inputs": [1.5]}', 422, "inputs[0] has shape []; expected [1, 4, 4]"),
    "bool": (with_leaf("true"), 422, "inputs[0][0][3][3] must be a number"),
    "string": (with_leaf('"3"'), 422, "inputs[0][0][3][3] must be a number"),
    "null": (with_leaf("null"), 422, "inputs[0][0][3][3] must be a number"),
    "object": (with_leaf('{"a": 1}'), 422, "inputs[0][0][3][3] must be a number"),
    "NaN": (with_leaf("NaN"), 422, "inputs[0][0][3][3] is nan; inputs must be finite"),
    "Infinity": (with_leaf("-Infinity"), 422, "must be finite"),
    "1e999 overflows float64": (with_leaf("1e999"), 422, "must be finite"),
    "1e39 overflows float32": (
        with_leaf("1e39"),
        422,
        "inputs[0][0][3][3] is 1e+39, which overflows",
    ),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_bad_request_gets_4xx_naming_the_problem(server: str, name: str) -> None:
    body, status, message = BAD_REQUESTS[name]
    response = httpx.post(
        f"{server}/v1/predict", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_oversized_payload_refused_before_parsing(server: str) -> None:
    big = json.dumps({"inputs": [GOOD] * 300}).encode()  # valid JSON, ~28 kB
    assert len(big) > PAYLOAD_LIMIT
    response = httpx.post(f"{server}/v1/predict", content=big)
    assert response.status_code == 413
    assert f"exceeds the limit of {PAYLOAD_LIMIT}" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for i in range(0, len(big), 4096):
            yield big[i : i + 4096]

    response = httpx.post(f"{server}/v1/predict", content=chunks())
    assert response.status_code == 413
    assert "exceeds the limit" in response.json()["detail"]


def metric(url: str, name: str, labels: str = "") -> float:
    """One sample of the Prometheus text at ``url``/metrics (0 when absent)."""
    key = f"{name}{{{labels}}}" if labels else name
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith(key + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_errors_latency_and_batches(server: str) -> None:
    ok = 'path="/v1/predict",status="200"'
    bad = 'path="/v1/predict",reason="bad_request"'
    before_ok = metric(server, "groundup_requests_total", ok)
    before_bad = metric(server, "groundup_errors_total", bad)
    before_latency = metric(server, "groundup_request_latency_seconds_count", 'path="/v1/predict"')
    before_batches = metric(server, "groundup_batch_size_count")
    for _ in range(3):
        assert httpx.post(f"{server}/v1/predict", json={"inputs": [GOOD]}).status_code == 200
    assert httpx.post(f"{server}/v1/predict", content=with_leaf("true")).status_code == 422
    assert metric(server, "groundup_requests_total", ok) - before_ok == 3
    assert metric(server, "groundup_errors_total", bad) - before_bad == 1
    assert (
        metric(server, "groundup_request_latency_seconds_count", 'path="/v1/predict"')
        - before_latency
        == 4
    )
    assert metric(server, "groundup_batch_size_count") - before_batches == 3
    assert "groundup_queue_depth 0.0" in httpx.get(f"{server}/metrics").text


# ------------------------------------------------------------------------------- fuzzing
def test_schemathesis_fuzz_finds_no_server_error(server: str) -> None:
    """Positive and negative cases generated from the served OpenAPI schema: never a 5xx."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    counts: dict[str, int] = {}
    statuses: dict[int, int] = {}
    failures: list[str] = []

    def fuzz(label: str, strategy: Any, budget: int) -> None:
        @settings(
            max_examples=budget,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def call(case: Any) -> None:
            counts[label] = counts.get(label, 0) + 1
            response = case.call(base_url=server, timeout=10)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code} {response.text[:200]}")

        call()

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if operation.path == "/v1/predict":  # a body to break: valid-shaped and invalid cases
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(label, operation.as_strategy(generation_mode=mode), 50)
        else:  # no parameters: negative cases cannot exist
            fuzz(label, operation.as_strategy(), 5)
    print(f"schemathesis cases per operation: {counts}; statuses: {statuses}")
    assert not failures, failures[:5]
    assert counts.get("POST /v1/predict", 0) >= 60  # both modes ran on the endpoint that matters
    assert set(counts) == {"POST /v1/predict", "GET /v1/model", "GET /health", "GET /ready",
                           "GET /metrics"}  # fmt: skip


def test_property_valid_shapes_any_finite_values_never_5xx(server: str, onnx_path: Path) -> None:
    """Correctly shaped batches of arbitrary finite float64 values (subnormals, -0.0, ±1e308):
    each answer is 200 and equals the direct prediction, or 422 because an input overflows
    float32 or the model's output overflows — never a 5xx."""
    from hypothesis import example
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    model = load_model(onnx_path)
    big = np.finfo(np.float32).max
    statuses: list[int] = []
    output_overflows: list[bool] = []
    values = st.one_of(
        st.floats(-10, 10), st.floats(allow_nan=False, allow_infinity=False), st.just(-0.0)
    )
    shapes = st.integers(1, 3).map(lambda n: (n, *SHAPE))

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(hnp.arrays(np.float64, shapes, elements=values))
    @example(np.full((1, *SHAPE), 3.4e38))  # finite in float32, overflows in the first layer
    def check(x: np.ndarray) -> None:
        response = httpx.post(f"{server}/v1/predict", json={"inputs": x.tolist()}, timeout=10)
        statuses.append(response.status_code)
        if np.abs(x).max() > big:
            assert response.status_code == 422 and "overflows" in response.json()["detail"]
            return
        with np.errstate(over="ignore", invalid="ignore"):
            expected = model.predict(x.astype(np.float32))
        if not np.isfinite(expected).all():
            assert response.status_code == 422 and "not finite" in response.json()["detail"]
            output_overflows.append(True)
            return
        assert response.status_code == 200, response.text
        got = np.array(response.json()["predictions"])
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)

    check()
    assert statuses.count(200) >= 5 and all(s in (200, 422) for s in statuses), statuses
    assert output_overflows  # the explicit example reached the model-output check


# ------------------------------------------------------------------------------- loading
class _Trap:
    """Unpickling this touches a file: proof that the server never unpickles."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("filename", ["model.pkl", "model.pt"])
def test_pickle_refused_at_load_and_never_unpickled(tmp_path: Path, filename: str) -> None:
    marker = tmp_path / "unpickled"
    model_file = tmp_path / filename
    model_file.write_bytes(pickle.dumps(_Trap(marker)))
    port = str(free_port())
    proc = subprocess.run(
        [sys.executable, "-m", "groundup.mlops.serve", str(model_file), "--port", port],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert f"refusing to load {filename}" in proc.stdout + proc.stderr
    assert not marker.exists()


def test_estimator_archive_served_with_batching_off(tmp_path: Path) -> None:
    from groundup.ml.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    estimator = LogisticRegression(max_iter=500).fit(X, y)
    folder = save_estimator(estimator, tmp_path / "iris", name="iris-logreg", version="7")
    for batching in (True, False):
        with serve_in_thread(create_app(folder, batching=batching)) as url:
            info = httpx.get(f"{url}/v1/model").json()
            assert info["input_shape"] == [4] and info["output_description"]["classes"] == [0, 1, 2]
            response = httpx.post(f"{url}/v1/predict", json={"inputs": X[::7].tolist()})
            assert response.status_code == 200, response.text
            assert response.json()["predictions"] == estimator.predict(X[::7]).tolist()
            assert response.json()["model"] == {"name": "iris-logreg", "version": "7"}


class _SlowModel:
    """A model that takes 0.4 s per call, to fill the queue on purpose."""

    name, version = "slow", "1"
    input_shape = (2,)
    output_description: dict[str, Any] = {"kind": "value"}
    delay = 0.4

    def predict(self, batch: np.ndarray) -> np.ndarray:
        time.sleep(self.delay)
        return batch.sum(axis=1)


@pytest.mark.parametrize("batching", [True, False])
def test_full_queue_answers_503_with_retry_after(batching: bool) -> None:
    app = create_app(_SlowModel(), max_queue=1, batching=batching)
    with serve_in_thread(app) as url:

        async def fire() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=url, timeout=30) as client:
                first = asyncio.create_task(client.post("/v1/predict", json={"inputs": [[1, 2]]}))
                await asyncio.sleep(0.15)  # the first is running; one more fits the queue
                rest = [client.post("/v1/predict", json={"inputs": [[i, 1]]}) for i in range(3)]
                return [await first, *await asyncio.gather(*rest)]

        responses = asyncio.run(fire())
        codes = sorted(r.status_code for r in responses)
        assert codes.count(200) >= 2 and 503 in codes, codes
        refused = next(r for r in responses if r.status_code == 503)
        assert refused.headers["retry-after"] == "1"
        assert "overloaded" in refused.json()["detail"]
        assert responses[0].json()["predictions"] == [3.0]


def test_bad_limits_refused_at_create_app() -> None:
    with pytest.raises(ValueError, match="max_batch_size must be an integer >= 1, got 0"):
        create_app(_SlowModel(), max_batch_size=0)
    with pytest.raises(ValueError, match="max_wait_ms must be finite and >= 0, got -1"):
        create_app(_SlowModel(), max_wait_ms=-1)
    with pytest.raises(ValueError, match="max_payload_bytes must be an integer >= 1, got 0"):
        create_app(_SlowModel(), max_payload_bytes=0)
    with pytest.raises(TypeError, match="got int"):
        create_app(42)  # type: ignore[arg-type]


def test_openapi_documents_the_request_schema() -> None:
    doc = create_app(_SlowModel()).openapi()
    body = doc["paths"]["/v1/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/PredictRequest"}
    request = doc["components"]["schemas"]["PredictRequest"]
    assert request["required"] == ["inputs"] and request["additionalProperties"] is False
    assert request["properties"]["inputs"]["minItems"] == 1
    example = doc["components"]["schemas"]["Example"]["anyOf"]
    assert {"type": "number"} in example  # a leaf, or a list of examples
    assert {"type": "array", "items": {"$ref": "#/components/schemas/Example"}} in example
    responses = doc["paths"]["/v1/predict"]["post"]["responses"]
    assert {"200", "400", "413", "422", "503"} <= set(responses)


def test_run_server_refuses_bad_workers_and_port() -> None:
    from groundup.mlops.serve import run_server

    with pytest.raises(ValueError, match="workers must be an integer >= 1, got 0"):
        run_server("model.onnx", workers=0)
    with pytest.raises(ValueError, match=r"port must be an integer in \[0, 65535\], got 70000"):
        run_server("model.onnx", port=70000)


def test_fast_path_and_fastapi_route_answer_alike() -> None:
    """POST /v1/predict is answered by a plain-ASGI fast path; the FastAPI route it shadows
    (kept for the OpenAPI document) must give byte-identical answers."""
    from groundup.mlops.serve.app import _PredictFastPath

    fast = create_app(_SlowModel(), max_payload_bytes=200)
    routed = create_app(_SlowModel(), max_payload_bytes=200)
    routed.user_middleware = [m for m in routed.user_middleware if m.cls is not _PredictFastPath]
    bodies = [
        b'{"inputs": [[1, 2], [3.5, -1]]}',
        b'{"inputs": [[1, 2, 3]]}',
        b'{"inputs": [[1, true]]}',
        b'{"inputs": []}',
        b'{"inputs": [[1, 2]], "x": 0}',
        b"[1, 2",
        b'{"inputs": [' + b"[1, 2], " * 40 + b"[1, 2]]}",  # over the 200-byte limit
    ]
    _SlowModel.delay = 0.0

    async def answers(app: Any) -> list[tuple[int, bytes]]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                out = []
                for body in bodies:
                    r = await client.post("/v1/predict", content=body)
                    out.append((r.status_code, r.content))
                return out

    try:
        got_fast, got_routed = asyncio.run(answers(fast)), asyncio.run(answers(routed))
    finally:
        _SlowModel.delay = 0.4
    assert [s for s, _ in got_fast] == [200, 422, 422, 422, 422, 400, 413]
    assert got_fast == got_routed
