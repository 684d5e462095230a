"""gunicorn for Chœur: `gunicorn -c deploy/gunicorn.conf.py config.wsgi:application`.

gthread workers: a few processes (CPU-bound work: rendering, validation of a PDF deposit, the
Argon2 check of a new token), each with threads for requests that wait on PostgreSQL or on a
slow client's upload. Every value can be set from the environment (systemd's EnvironmentFile,
compose's environment) or on the command line, which wins. Database sessions: each thread keeps
its own for DB_CONN_MAX_AGE seconds, so PostgreSQL sees up to workers x threads sessions from the
web (plus one per Celery worker process): keep that under `max_connections`.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
# Two processes per core plus one (gunicorn's rule of thumb), at most 8.
workers = _int("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 4)
# A 120 MB deposit (160 MiB of base 64) on a slow line, or an archive's bytes hashed and stored:
# nginx's proxy_read_timeout is the same.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = 30
keepalive = 5
# A process is replaced after that many requests (a slow leak cannot grow for ever), not all at
# the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# Headers of at most 8 KiB per line, 100 of them: nginx refuses larger ones first.
limit_request_line = 8190
limit_request_fields = 100
# nginx on the same host sets X-Forwarded-Proto (BEHIND_PROXY=true in .env).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a disk that may stall (the arbiter kills a worker whose file
# is not touched for `timeout` seconds).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs by design
# One line per request on stdout (journald or docker logs), errors on stderr;
# GUNICORN_ACCESS_LOG=off for none (nginx keeps its own).
accesslog = (
    None
    if os.environ.get("GUNICORN_ACCESS_LOG") == "off"
    else os.environ.get("GUNICORN_ACCESS_LOG") or "-"
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "choeur-web"
