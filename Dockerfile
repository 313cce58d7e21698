# syntax=docker/dockerfile:1
# The Article API image: the built wheel (no dev extras) on a pinned slim Python,
# run as a numeric non-root user, with the bundled data inside at /app/data.
#   docker build -t article-api .
#   docker run --rm -p 8000:8000 article-api
#   docker run --rm -p 8000:8000 -v "$PWD/data:/app/data:ro" -e ARTICLE_WORKERS=2 article-api

# ---- build: turn the source into a wheel (setuptools is needed here only) ----
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# ---- runtime: the wheel and its runtime dependencies, nothing else ----
FROM python:3.11.14-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    ARTICLE_DATA=/app/data \
    ARTICLE_CACHE_DIR=/var/cache/article-api \
    ARTICLE_WORKERS=1 \
    ARTICLE_LOG_LEVEL=info \
    ARTICLE_ACCESS_LOG=true
# The wheel is bind-mounted from the build stage, so it never becomes a layer.
# The parsed-snapshot cache is the one place the server writes: its own folder, owned
# by the server's user, so a named volume mounted there inherits that owner.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir /wheels/*.whl \
    && mkdir -p /var/cache/article-api \
    && chown 10001:10001 /var/cache/article-api
WORKDIR /app
# Owned by root and read-only to the server's user; mount your own over it with :ro.
COPY data ./data
# No /etc/passwd entry is needed: a numeric UID/GID works in every runtime and lets
# Kubernetes' runAsNonRoot verify it without reading the image.
USER 10001:10001
EXPOSE 8000
# Standard library only (the slim image has no curl); exit 1 on any error or non-200.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2); sys.exit(0 if r.status == 200 else 1)"]
# Exec form: the server is PID 1 and gets SIGTERM itself for a graceful stop.
# Workers, data path, log level and the rest come from the ARTICLE_* variables above.
CMD ["article-api", "serve", "--host", "0.0.0.0", "--port", "8000"]
