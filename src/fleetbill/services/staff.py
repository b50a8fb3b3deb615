"""Operator staff: accounts with a password (argon2id), console sessions, and lockout.

A session is a random token in an HttpOnly cookie; only its SHA-256 is stored, with the CSRF
token of the forms it may post and an expiry, so logging out (or disabling the person) ends it
server-side. Five wrong passwords in a row lock the login for 15 minutes; the answer to a
wrong password, an unknown email, a disabled login and a locked one is the same, and costs the
same (a hash is verified every time), so the login form does not tell who works here. The
attempts on one login are serialized by a lock on its row, so parallel guesses get five too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, insert, select, update

from ..adapters.db import repository as repo
from ..adapters.db import schema_console as c
from ..adapters.db.engine import Database
from ..domain.catalog import has_visible_character
from ..domain.errors import Conflict, InvalidInput, NotFound

SESSION_HOURS = 8
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
MAX_EMAIL = 90  # the audit log's and payments' `actor` is "staff:" + email, in 100 characters
_hasher = PasswordHasher()  # argon2id, RFC 9106's low-memory profile (64 MiB, 3 passes)
_DUMMY = _hasher.hash("never a password anyone has")
REFUSED = f"wrong email or password; after {MAX_FAILURES} wrong tries in a row, wait 15 minutes"


@dataclass(frozen=True)
class Login:
    """A login's outcome: a cookie token and its session, or the refusal (safe to show, the same
    for every refusal) and why (for the application log only)."""

    token: str | None = None
    session: Session | None = None
    refused: str | None = None
    why: str | None = None
    staff_id: str | None = None  # the login tried, when there is one: logged instead of what was typed


@dataclass(frozen=True)
class Staff:
    id: str
    email: str
    name: str

    @property
    def actor(self) -> str:
        return f"staff:{self.email}"


@dataclass(frozen=True)
class Session:
    staff: Staff
    csrf: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters; a passphrase of a few words is best")


def create_staff(conn: Connection, now: datetime, email: str, name: str, password: str) -> Staff:
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput(f"{email!r} is not an email address")
    if len(email) > MAX_EMAIL:
        raise InvalidInput(
            f"a console login's email is at most {MAX_EMAIL} characters (this one has {len(email)}): "
            "the audit log names who did what as 'staff:' and the email"
        )
    if not has_visible_character(name):
        raise InvalidInput("name must say who this is (in visible characters)")
    check_password(password)
    if conn.execute(select(c.staff_users.c.id).where(c.staff_users.c.email == email)).first():
        raise Conflict(f"{email} already has a console login")
    staff = Staff(repo.new_id(), email, name.strip())
    conn.execute(
        insert(c.staff_users),
        dict(
            id=staff.id,
            email=email,
            name=staff.name,
            password_hash=_hasher.hash(password),
            failed_logins=0,
            created_at=now,
        ),
    )
    return staff


def log_in(db: Database, now: datetime, email: str, password: str) -> Login:
    """Counts failures and locks after MAX_FAILURES in a row, in three short transactions, so
    that no lock is held while the password's hash is checked (argon2 takes a tenth of a second
    on purpose; on SQLite a lock would stop every writer meanwhile).

    1. A try is counted before its password is checked, on the row read FOR UPDATE: parallel
       guesses each take one of the MAX_FAILURES tries, and the one that reaches it locks.
    2. The password is checked with no transaction open. A login that is locked, disabled or
       unknown costs a check of the dummy hash, like a wrong password, and gets the same answer.
    3. The right password clears the count (and a lock its own try set) and opens the session.
    """
    u = c.staff_users
    found = select(u).where(u.c.email == email.strip().lower())
    with db.transaction() as conn:
        row = conn.execute(found.with_for_update()).first()  # FOR UPDATE on PostgreSQL; SQLite has one writer
        usable = _usable(row, now)
        if usable:
            tries = row.failed_logins + 1
            locked = now + LOCKOUT if tries >= MAX_FAILURES else None
            conn.execute(
                update(u).where(u.c.id == row.id).values(failed_logins=0 if locked else tries, locked_until=locked)
            )
    if not usable:
        _verify(_DUMMY, password)
        why = "unknown email" if row is None else "disabled" if row.disabled_at is not None else "locked"
        return Login(refused=REFUSED, why=why, staff_id=row and row.id)
    if not _verify(row.password_hash, password):
        why = "wrong password; now locked" if locked else "wrong password"
        return Login(refused=REFUSED, why=why, staff_id=row.id)
    values: dict = dict(failed_logins=0, locked_until=None)
    if _hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = _hasher.hash(password)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    with db.transaction() as conn:
        still = conn.execute(update(u).where(u.c.id == row.id, u.c.disabled_at.is_(None)).values(**values)).rowcount
        if not still:  # disabled while the password was being checked
            return Login(refused=REFUSED, why="disabled", staff_id=row.id)
        conn.execute(
            insert(c.staff_sessions),
            dict(
                token_hash=_token_hash(token),
                staff_id=row.id,
                csrf=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            ),
        )
    return Login(token, Session(Staff(row.id, row.email, row.name), csrf))


def _usable(row, now: datetime) -> bool:
    return row is not None and row.disabled_at is None and (row.locked_until is None or row.locked_until <= now)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def session(conn: Connection, now: datetime, token: str | None) -> Session | None:
    if not token:
        return None
    s, u = c.staff_sessions, c.staff_users
    row = conn.execute(
        select(u.c.id, u.c.email, u.c.name, s.c.csrf)
        .join(u, u.c.id == s.c.staff_id)
        .where(s.c.token_hash == _token_hash(token), s.c.expires_at > now, u.c.disabled_at.is_(None))
    ).first()
    return Session(Staff(row.id, row.email, row.name), row.csrf) if row else None


def log_out(conn: Connection, now: datetime, token: str) -> None:
    s = c.staff_sessions
    conn.execute(delete(s).where((s.c.token_hash == _token_hash(token)) | (s.c.expires_at <= now)))


def _staff_row(conn: Connection, email: str):
    u = c.staff_users
    email = email.strip().lower()
    row = conn.execute(select(u).where(u.c.email == email).with_for_update()).first()
    if row is None:
        raise NotFound(f"{email} has no console login")
    return row


def _end_sessions(conn: Connection, staff_id: str) -> int:
    s = c.staff_sessions
    return conn.execute(delete(s).where(s.c.staff_id == staff_id)).rowcount


def disable_staff(conn: Connection, now: datetime, email: str) -> tuple[Staff, int]:
    """End a person's access: their login is refused from now on, and their open sessions are
    deleted, so a page they have open stops working at once. The row stays, for the audit log's
    names. Returns the person and how many sessions ended; disabling again keeps the first date."""
    row = _staff_row(conn, email)
    if row.disabled_at is None:
        conn.execute(update(c.staff_users).where(c.staff_users.c.id == row.id).values(disabled_at=now))
    return Staff(row.id, row.email, row.name), _end_sessions(conn, row.id)


def set_password(conn: Connection, now: datetime, email: str, password: str) -> tuple[Staff, int, bool]:
    """Give a person a new password (a reset by an admin): it clears the lockout, and ends their
    open sessions. Returns the person, how many sessions ended, and whether the login is disabled
    (a new password does not enable it again)."""
    check_password(password)
    row = _staff_row(conn, email)
    conn.execute(
        update(c.staff_users)
        .where(c.staff_users.c.id == row.id)
        .values(password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)
    )
    return Staff(row.id, row.email, row.name), _end_sessions(conn, row.id), row.disabled_at is not None
