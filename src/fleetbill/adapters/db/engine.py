"""Engines and transactions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event


def make_engine(url: str) -> Engine:
    """An engine tuned for billing work: serialized writers on SQLite, a small pool on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_immediate_transactions(engine)
        return engine
    if url.startswith(("postgresql://", "postgres://")):  # postgres:// as Heroku and libpq write it
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return create_engine(url, pool_size=5, max_overflow=5, pool_pre_ping=True)


def _sqlite_immediate_transactions(engine: Engine) -> None:
    # pysqlite's own BEGIN handling defers the write lock until the first write, so two
    # read-then-write transactions can deadlock. Take the write lock at BEGIN instead, and use
    # WAL so that readers never wait for the writer.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")


class Database:
    """One database: `transaction()` is the unit of work every service runs in."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Commit on success, roll back on any error: nothing is ever half-written."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent snapshot that never waits for the writer."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(read_only=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def masked_url(url: str) -> str:
    """The URL with its password replaced by ***, fit for a log line or an error message."""
    return re.sub(r"(://[^:/@\s]*:)[^/\s]*@", r"\1***@", url)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"
