# Houvast as a container image (docs/operations.md): docker build -t houvast .
# The same layout as a server install: the source in /opt/houvast with its virtualenv, state in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOUVAST_DATA_DIR=/data

RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home houvast \
 && install -d -o houvast -g houvast -m 0700 /data

WORKDIR /opt/houvast
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY conversations ./conversations
COPY locales ./locales
RUN python -m venv .venv \
 && .venv/bin/pip install --no-cache-dir -e . \
 && .venv/bin/pybabel compile --use-fuzzy -d locales -D messages

USER houvast
WORKDIR /data
# The webhook (HOUVAST_WEBHOOK_PORT); /healthz and /metrics stay inside the container (HOUVAST_HEALTH_PORT).
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["/opt/houvast/.venv/bin/houvast", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/houvast/.venv/bin/houvast"]
CMD ["run"]
