"""Engines and transactions for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

# A pooled PostgreSQL connection is replaced after this long, before a proxy, a firewall or the
# server's idle timeout can drop it unseen (issue 11 item 4: no ping on every checkout).
POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str) -> Engine:
    """An engine tuned for billing work: serialized writers on SQLite, a small pool on PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _sqlite_immediate_transactions(engine)
        return engine
    if url.startswith(("postgresql://", "postgres://")):  # postgres:// as Heroku and libpq write it
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    # No pool_pre_ping: it is a round trip on every checkout, a fifth of a single switch's. A
    # connection dropped anyway (a server restart, a killed backend) fails its first statement;
    # SQLAlchemy then invalidates it and every connection pooled before it, and `Database.run`
    # runs the work again on a new one (issue 11 item 4, docs/benchmarks.md).
    return create_engine(url, pool_size=10, max_overflow=10, pool_recycle=POOL_RECYCLE_SECONDS)


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

    def run(self, work: Callable[[Connection], T]) -> T:
        """`work` in one transaction (as `transaction`), run once more on a new connection if the
        pooled one turns out to be dead before the work is done: nothing of it was committed then,
        so running it again is safe. A connection lost during the commit is not retried (whether
        it committed is unknown): the error is raised, and the Idempotency-Key answers a retry."""
        for attempt in (1, 2):
            try:
                with self.engine.connect() as conn:
                    with conn.begin():
                        try:
                            return work(conn)
                        except DBAPIError as e:
                            if attempt == 1 and e.connection_invalidated:
                                raise _Disconnected from e
                            raise
            except _Disconnected:
                continue
        raise AssertionError("unreachable")

    def read_once(self, work: Callable[[Connection], T]) -> T:
        """`work` (one statement, or reads that need no common snapshot) on an autocommit
        connection: no BEGIN and no COMMIT, one round trip a statement; run again on a new
        connection if the pooled one was dead. The API key's read on every request (issue 11).
        SQLite: in a read transaction (its BEGIN is no round trip, and autocommit would take the
        writer's lock at BEGIN IMMEDIATE)."""
        if self.dialect == "sqlite":
            with self.read() as conn:
                return work(conn)
        for attempt in (1, 2):
            try:
                with self.engine.connect() as conn:
                    return work(conn.execution_options(isolation_level="AUTOCOMMIT"))
            except DBAPIError as e:
                if attempt == 2 or not e.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: a consistent snapshot that never waits for the writer."""
        with self.engine.connect() as conn:
            # PostgreSQL: BEGIN READ ONLY, one statement (psycopg's read_only, reset at check-in).
            conn = conn.execution_options(read_only=True, postgresql_readonly=True)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


class _Disconnected(Exception):
    """The pooled connection was dead before the work committed anything: run it again."""


def masked_url(url: str) -> str:
    """The URL with its password replaced by ***, fit for a log line or an error message."""
    return re.sub(r"(://[^:/@\s]*:)[^/\s]*@", r"\1***@", url)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"
