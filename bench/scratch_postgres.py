"""A scratch PostgreSQL database for one benchmark, created then dropped.

BENCH_POSTGRES_URL names the server (default postgres://postgres@127.0.0.1:5432/).
"""

from __future__ import annotations

import os

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def create(name: str) -> tuple[str | None, str]:
    """(URL of a fresh database `name`, "") or (None, why PostgreSQL is skipped)."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg absent"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        return None, f"PostgreSQL injoignable ({POSTGRES_URL}) : {str(exc).strip()[:80]}"
    return POSTGRES_URL.rstrip("/") + "/" + name, ""


def drop(name: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
