# syntax=docker/dockerfile:1
# Build stage: install monitor and its pinned dependencies into a virtual environment.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml constraints.txt README.md ./
COPY monitor ./monitor
RUN /opt/venv/bin/pip install -c constraints.txt .

# Runtime stage: the venv, the migrations and the shipped config; runs as a non-root user.
FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 monitor \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin monitor \
    && mkdir -p /data && chown monitor:monitor /data
COPY --from=build /opt/venv /opt/venv
COPY migrations /app/migrations
COPY feeds.yaml /app/feeds.yaml
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MONITOR_MIGRATIONS_DIR=/app/migrations \
    MONITOR_CONFIG=/app/feeds.yaml \
    DATABASE_URL=sqlite:////data/monitor.db \
    MONITOR_HEALTH_HOST=0.0.0.0 \
    MONITOR_HEALTH_PORT=8080
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["monitor", "run", "--migrate"]
