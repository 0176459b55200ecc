"""Serving under load: the same FastAPI server with dynamic batching on and off, on loopback.

For each model — the digits CNN (LeNet, 1×16×16), a 256→1024→1024→10 MLP (both exported to
ONNX) and a groundup LogisticRegression (estimator archive, 64 digit pixels) — two servers are
started in their own processes (``python -m groundup.mlops.serve``, what ``groundup serve``
runs), one with batching and one without, and driven by a closed-loop client at concurrency 1,
16 and 64: c connections, each sending its next request as soon as the previous answer
arrives, a fixed number of requests per cell and a time cap. Reported: throughput, p50/p99
latency, the mean batch the server formed (from its /metrics) and the CPU the client itself
used, to show it is not the bottleneck (a raw asyncio HTTP/1.1 keep-alive client, ~20 µs of
CPU per request; client and server share the same cores). Then ONNX Runtime against eager
PyTorch at batch 1 in this process.

Goals (issue 7): at c=64 batching ≥ 2× the unbatched throughput and above ~740 req/s with
p99 ≤ 100 ms; at c=1 p50 ≤ 1.2× unbatched; ONNX Runtime ≥ 1.5× faster than eager PyTorch.
Run with ``python benchmarks/bench_serve.py [--quick]`` or ``groundup bench serve``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

CONCURRENCY = (1, 16, 64)


# ------------------------------------------------------------------------------ models
def build_models(folder: Path) -> dict[str, tuple[Path, np.ndarray]]:
    """Export the three served models; returns name → (artifact, example inputs)."""
    import torch
    from sklearn.datasets import load_digits

    from groundup.deep.models import create
    from groundup.ml.linear_model import LogisticRegression
    from groundup.mlops.export import export_onnx, save_estimator

    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    cnn = create("lenet", in_channels=1, num_classes=10, image_size=16)
    mlp = create("mlp", in_channels=1, num_classes=10, image_size=16, hidden=(1024, 1024))
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator = LogisticRegression(max_iter=200).fit(X / 16.0, y)
    return {
        "digits CNN (LeNet)": (
            export_onnx(cnn, folder / "cnn", (1, 16, 16), name="digits-cnn"),
            rng.random((256, 1, 16, 16)),
        ),
        "MLP 256-1024-1024-10": (
            export_onnx(mlp, folder / "mlp", (256,), name="mlp"),
            rng.standard_normal((256, 256)),
        ),
        "groundup LogisticRegression": (
            save_estimator(estimator, folder / "logreg", name="digits-logreg"),
            X[:256] / 16.0,
        ),
    }


# ------------------------------------------------------------------------------ server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - loopback only
        return r.read().decode()


class Server:
    """``python -m groundup.mlops.serve ARTIFACT`` on a free loopback port."""

    def __init__(self, artifact: Path, batching: bool, threads: int = 1) -> None:
        self.port = _free_port()
        cmd = [sys.executable, "-m", "groundup.mlops.serve", str(artifact)]
        cmd += ["--port", str(self.port), "--log-level", "warning", "--threads", str(threads)]
        if not batching:
            cmd.append("--no-batching")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server failed: {self.proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if json.loads(_get(f"{self.url}/ready")).get("status") == "ready":
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError("server did not become ready")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """user + system CPU of the server process so far (Linux /proc)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def loop_waited_seconds(self) -> float:
        """Time the event-loop (main) thread spent runnable but waiting for a CPU (schedstat)."""
        return int(Path(f"/proc/{self.proc.pid}/schedstat").read_text().split()[1]) / 1e9

    def batch_stats(self) -> tuple[float, float]:
        """(examples, model calls) so far, from /metrics."""
        values = {}
        for line in _get(f"{self.url}/metrics").splitlines():
            if line.startswith(("groundup_batch_size_sum ", "groundup_batch_size_count ")):
                name, value = line.split()
                values[name] = float(value)
        return values.get("groundup_batch_size_sum", 0.0), values.get(
            "groundup_batch_size_count", 0.0
        )

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ------------------------------------------------------------------------------ client
@dataclass
class Cell:
    """One load run: c concurrent closed-loop connections."""

    requests: int
    seconds: float
    latencies: np.ndarray
    errors: int
    client_cpu: float
    server_cpu: float
    loop_waited: float
    mean_batch: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def per_cpu(self) -> float:
        """Requests per second of server CPU: what the server's code costs, whatever share of
        the machine it was given (the wall throughput depends on that share)."""
        return self.throughput / max(self.server_cpu, 1e-9)

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latencies, q)) * 1e3


def median(cells: list[Cell], value: Callable[[Cell], float]) -> float:
    """Median over the repeated runs of one cell."""
    return float(np.median([value(cell) for cell in cells]))


async def _connection(
    port: int, bodies: list[bytes], todo: list[int], deadline: float, out: list[float]
) -> int:
    """Send requests on one keep-alive connection until the shared budget is spent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    i = 0
    try:
        while todo[0] > 0 and time.perf_counter() < deadline:
            todo[0] -= 1
            body = bodies[i % len(bodies)]
            i += 1
            start = time.perf_counter()
            writer.write(
                b"POST /v1/predict HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                b"content-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                % (len(body), body)
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            out.append(time.perf_counter() - start)
            if head[9:12] != b"200":
                errors += 1
    finally:
        writer.close()
    return errors


async def _load(
    port: int, bodies: list[bytes], c: int, n: int, cap: float
) -> tuple[float, int, list[float]]:
    todo = [n]
    latencies: list[float] = []
    start = time.perf_counter()
    errors = await asyncio.gather(
        *(_connection(port, bodies, todo, start + cap, latencies) for _ in range(c))
    )
    return time.perf_counter() - start, sum(errors), latencies


def run_cell(server: Server, bodies: list[bytes], c: int, n: int, cap: float) -> Cell:
    examples0, calls0 = server.batch_stats()
    server_cpu0, client_cpu0 = server.cpu_seconds(), time.process_time()
    waited0 = server.loop_waited_seconds()
    seconds, errors, latencies = asyncio.run(_load(server.port, bodies, c, n, cap))
    client_cpu = time.process_time() - client_cpu0
    server_cpu = server.cpu_seconds() - server_cpu0
    waited = server.loop_waited_seconds() - waited0
    examples1, calls1 = server.batch_stats()
    return Cell(
        requests=len(latencies),
        seconds=seconds,
        latencies=np.asarray(latencies),
        errors=errors,
        client_cpu=client_cpu / seconds,
        server_cpu=server_cpu / seconds,
        loop_waited=waited / seconds,
        mean_batch=(examples1 - examples0) / max(calls1 - calls0, 1.0),
    )


# ------------------------------------------------------------------------------ ORT vs torch
def ort_vs_torch(quick: bool) -> list[tuple[str, float, float]]:
    """Median batch-1 latency (µs) of eager PyTorch and ONNX Runtime for the two torch models."""
    import onnxruntime as ort
    import torch

    from groundup.deep.models import create
    from groundup.mlops.export import export_onnx

    reps = 300 if quick else 2000
    rows = []
    torch.manual_seed(0)
    models = {
        "digits CNN (LeNet)": (create("lenet", num_classes=10, image_size=16), (1, 16, 16)),
        "MLP 256-1024-1024-10": (
            create("mlp", num_classes=10, image_size=16, hidden=(1024, 1024)),
            (256,),
        ),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, (model, shape) in models.items():
            model.eval()
            path = export_onnx(model, Path(tmp) / name.split()[0], shape)
            session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
            x = np.random.default_rng(0).random((1, *shape), dtype=np.float32)
            xt = torch.from_numpy(x)
            times: dict[str, list[float]] = {"torch": [], "ort": []}
            with torch.inference_mode():
                for _ in range(50):  # warm-up both
                    model(xt)
                    session.run(None, {"input": x})
                for _ in range(reps):  # interleaved so noise hits both alike
                    t = time.perf_counter()
                    model(xt)
                    times["torch"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    session.run(None, {"input": x})
                    times["ort"].append(time.perf_counter() - t)
            rows.append((name, np.median(times["torch"]) * 1e6, np.median(times["ort"]) * 1e6))
    return rows


# ------------------------------------------------------------------------------ main
def main(quick: bool = False) -> None:
    """Load-test every model with batching on and off; print the tables and the goals."""
    console = Console(width=150)
    counts = {1: 150, 16: 600, 64: 1200} if quick else {1: 500, 16: 2000, 64: 4000}
    cap, repeats = (10.0, 3) if quick else (30.0, 5)
    results: dict[tuple[str, bool, int], list[Cell]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        models = build_models(Path(tmp))
        for name, (artifact, inputs) in models.items():
            bodies = [json.dumps({"inputs": [row.tolist()]}).encode() for row in inputs]
            servers = {True: Server(artifact, True), False: Server(artifact, False)}
            try:
                for server in servers.values():
                    run_cell(server, bodies, 8, 200, cap)  # warm-up: ORT arenas, connections
                for c in CONCURRENCY:
                    # on and off alternate and the median of `repeats` runs is kept, so that
                    # bursts of other processes on the machine hit both alike
                    for _ in range(repeats):
                        for batching, server in servers.items():
                            cell = run_cell(server, bodies, c, counts[c], cap)
                            results.setdefault((name, batching, c), []).append(cell)
            finally:
                for server in servers.values():
                    server.close()

    table = Table(
        title=f"Serving on loopback: {os.cpu_count()} CPUs shared by client and server, ORT 1 "
        f"thread per call; medians of {repeats} alternating runs; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    for col in ("model", "c", "batching", "req/s", "p50 ms", "p99 ms", "mean batch", "errors",
                "req per server CPU-s", "server CPU", "loop starved", "client CPU"):  # fmt: skip
        table.add_column(col, justify="right" if col != "model" else "left")
    for (name, batching, c), cells in results.items():
        table.add_row(
            name, str(c), "on" if batching else "off",
            f"{median(cells, lambda x: x.throughput):.0f}",
            f"{median(cells, lambda x: x.pct(50)):.2f}",
            f"{median(cells, lambda x: x.pct(99)):.2f}",
            f"{median(cells, lambda x: x.mean_batch):.1f}",
            str(sum(x.errors for x in cells)),
            f"{median(cells, lambda x: x.per_cpu):.0f}",
            f"{median(cells, lambda x: x.server_cpu):.0%}",
            f"{median(cells, lambda x: x.loop_waited):.0%}",
            f"{median(cells, lambda x: x.client_cpu):.0%}",
        )  # fmt: skip
    console.print(table)

    goals = Table(title="Goals: batching on vs off (same server, medians)")
    for col in ("model", "c=64 on/off req/s", "c=64 on/off per CPU-s", "c=64 on req/s > 740",
                "c=64 on p99 ≤ 100 ms", "c=1 p50 on/off ≤ 1.2"):  # fmt: skip
        goals.add_column(col)

    def mark(ok: bool) -> str:
        return "✓" if ok else "✗"

    for name in models:
        on64, off64 = results[name, True, 64], results[name, False, 64]
        on1, off1 = results[name, True, 1], results[name, False, 1]
        speedup = median(on64, lambda x: x.throughput) / median(off64, lambda x: x.throughput)
        cpu_speedup = median(on64, lambda x: x.per_cpu) / median(off64, lambda x: x.per_cpu)
        rate, p99 = median(on64, lambda x: x.throughput), median(on64, lambda x: x.pct(99))
        p50 = median(on1, lambda x: x.pct(50)) / median(off1, lambda x: x.pct(50))
        goals.add_row(
            name,
            f"{speedup:.2f}× {mark(speedup >= 2)}",
            f"{cpu_speedup:.2f}× {mark(cpu_speedup >= 2)}",
            f"{rate:.0f} {mark(rate > 740)}",
            f"{p99:.1f} {mark(p99 <= 100)}",
            f"{p50:.2f} {mark(p50 <= 1.2)}",
        )
    console.print(goals)

    rt = Table(title="Batch-1 latency: ONNX Runtime vs eager PyTorch (median, this process)")
    for col in ("model", "torch µs", "ORT µs", "torch / ORT (goal ≥ 1.5)"):
        rt.add_column(col)
    for name, torch_us, ort_us in ort_vs_torch(quick):
        ratio = torch_us / ort_us
        rt.add_row(
            name, f"{torch_us:.0f}", f"{ort_us:.0f}", f"{ratio:.2f}× {'✓' if ratio >= 1.5 else '✗'}"
        )
    console.print(rt)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
