# groundup model server: FastAPI + uvicorn, dynamic batching, ONNX Runtime, no pickles.
#   docker build -t groundup-serve .
#   docker run -p 8000:8000 -v "$PWD/exported/digits-cnn:/models/model:ro" groundup-serve
# The model folder holds model.onnx, or estimator.npz + estimator.json (groundup.mlops.export).
# Set GROUNDUP_MODEL_URI-style registry URIs by overriding the command:
#   docker run ... groundup-serve groundup serve models:/digits-cnn@champion --host 0.0.0.0

ARG PYTHON_VERSION=3.11

# ---- build stage: a virtual environment with the CPU build of torch and groundup[deep,mlops]
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /build
# torch first and from the CPU index: an unpinned torch, or PyPI's, pulls multi-GB CUDA wheels
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir "/build[deep,mlops]"

# ---- runtime stage: the environment only, run by an unprivileged user
FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MLFLOW_DISABLE_TELEMETRY=true
RUN groupadd --system --gid 10001 groundup \
    && useradd --system --uid 10001 --gid groundup --no-create-home \
       --shell /usr/sbin/nologin groundup
COPY --from=builder /opt/venv /opt/venv
WORKDIR /srv
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3).status != 200)"]
CMD ["groundup", "serve", "/models/model", "--host", "0.0.0.0", "--port", "8000"]
