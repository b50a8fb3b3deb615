"""Importing an existing fleet (issue 9): accounts, their devices with their existing keys, each
device's status since an instant, and the first month fleetbill bills; all or nothing per file.

Everything is checked before anything is written; the rows are then written set-based (COPY on
PostgreSQL, executemany on SQLite) in the caller's one transaction. What the file describes and
the database already holds (the same account_ref, the same device key) is left as it is, so
importing a file again changes nothing; a row that differs from what is stored is refused.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import Connection, String, any_, bindparam, exists, insert, select
from sqlalchemy.dialects.postgresql import ARRAY

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import schema_events as e
from ..adapters.db.marks import note_changes
from ..adapters.db.month_lock import share_months
from ..adapters.db.schema_imports import imported_accounts
from ..domain.account_settings import default_language
from ..domain.catalog import Account
from ..domain.errors import BillingError, Conflict
from ..domain.events import EventType, NewEvent
from ..domain.fleet_import import Fleet, ImportAccount, ImportDevice, ImportRefused, parse_fleet
from ..domain.monthly import locked_rate
from ..domain.periods import BillingMonth
from .devices import key_hash
from .events import _json as event_json  # the one JSON form of a payload
from .events import record
from .open_account import _EMAIL

Progress = Callable[[str, int, int], None]  # (phase, done, total)
CHUNK = 5_000
_RACED = "another import wrote some of the same accounts or keys meanwhile; nothing was imported; run it again"


@dataclass
class ImportReport:
    accounts_created: int = 0
    accounts_unchanged: int = 0
    devices_created: int = 0
    devices_unchanged: int = 0

    def summary(self) -> str:
        if not self.accounts_created and not self.devices_created:
            return (
                f"nothing to import: the {self.accounts_unchanged:,} accounts and {self.devices_unchanged:,} "
                "devices of the file are already here, unchanged"
            )
        return (
            f"imported {self.accounts_created:,} accounts and {self.devices_created:,} devices; "
            f"{self.accounts_unchanged:,} accounts and {self.devices_unchanged:,} devices were already here"
        )


@dataclass(frozen=True)
class _Stored:
    """A device already in the database, with its opening state (its first status record)."""

    device_id: str
    account_id: str
    device_type_id: str
    name: str
    active: bool
    since: datetime


def import_fleet(
    conn: Connection,
    now: datetime,
    rows: Iterable[tuple[int, dict | None]],
    actor: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row, refuse the whole file on any error (ImportRefused), else write it."""
    fleet = parse_fleet(rows, now)
    if progress:
        progress("checked devices", len(fleet.devices), len(fleet.devices))
    hashes = {d.key: key_hash(d.key) for d in fleet.devices}
    known = _known_accounts(conn, list(fleet.accounts))
    stored = _stored_devices(conn, list(hashes.values()))
    # NOTE: R4 a known account's devices land in its first month (their `since` is before its
    # end), whose close may be running: hold it shared before the check that none is closed.
    share_months(conn, {(a.timezone, a.first_month.index) for _, a in known.values()})
    errors = fleet.errors + _check_accounts(conn, fleet, known, now)
    errors += _check_devices(conn, fleet, known, stored, hashes)
    if errors:
        raise ImportRefused(errors)
    new_accounts = {ref: _account(a, now) for ref, a in fleet.accounts.items() if ref not in known}
    ids = {ref: acc_id for ref, (acc_id, _) in known.items()} | {r: a.id for r, a in new_accounts.items()}
    new_devices = [(d, hashes[d.key]) for d in fleet.devices if hashes[d.key] not in stored]
    _write_accounts(conn, now, new_accounts)
    _write_devices(conn, now, new_devices, ids, actor, progress)
    _fold_into_marks(conn, {ref: a for ref, (_, a) in known.items()} | new_accounts, new_devices, ids)
    return ImportReport(
        accounts_created=len(new_accounts),
        accounts_unchanged=len(known),
        devices_created=len(new_devices),
        devices_unchanged=len(fleet.devices) - len(new_devices),
    )


def _fold_into_marks(conn: Connection, accounts: dict[str, Account], devices, ids: dict[str, str]) -> None:
    """R5 (issue 11 item 2): a device whose opening state falls in its account's first billed
    month (or later) is a change of that month, folded into its high-water mark; one before it is
    part of the month's opening level."""
    changes: dict[str, list] = defaultdict(list)
    for d, _ in devices:
        account = accounts[d.account_ref]
        if d.since >= account.first_month.start(account.timezone):
            changes[d.account_ref].append((d.device_type_id, d.since, int(d.active)))
    for ref, folded in changes.items():
        note_changes(conn, ids[ref], accounts[ref].timezone, folded)


def _known_accounts(conn: Connection, refs: list[str]) -> dict[str, tuple[str, Account]]:
    """account_ref -> (account id, the account) for the refs already imported."""
    found: dict[str, str] = {}
    ia = imported_accounts
    for i in range(0, len(refs), CHUNK):
        q = select(ia.c.account_ref, ia.c.account_id).where(_among(conn, ia.c.account_ref, refs[i : i + CHUNK]))
        found.update((r[0], r[1]) for r in conn.execute(q))
    if not found:
        return {}
    accounts = {a.id: a for a in repo.load_accounts(conn, t.accounts.c.id.in_(list(found.values())))}
    return {ref: (acc_id, accounts[acc_id]) for ref, acc_id in found.items()}


def _stored_devices(conn: Connection, hashes: list[str]) -> dict[str, _Stored]:
    """key hash -> the device holding it, for the file's keys already registered (R1), with its
    opening state: its first history record (a device has few; the first in time order is kept)."""
    d, sc = t.devices, t.status_changes
    out: dict[str, _Stored] = {}
    for i in range(0, len(hashes), CHUNK):
        q = (
            select(d.c.key_hash, d.c.id, d.c.account_id, d.c.device_type_id, d.c.name, sc.c.active, sc.c.effective_at)
            .select_from(d)
            .join(sc, sc.c.device_id == d.c.id)
            .where(_among(conn, d.c.key_hash, hashes[i : i + CHUNK]))
            .order_by(sc.c.device_id, sc.c.effective_at.desc(), sc.c.id.desc())
        )
        out.update({r[0]: _Stored(*r[1:]) for r in conn.execute(q)})  # the last written is the first
    return out


def _check_accounts(conn, fleet: Fleet, known, now: datetime) -> list[tuple[int, str]]:
    """Each account's plan, email and tax rate, as open_account checks them; a known one unchanged."""
    plans = repo.load_plans(conn, {a.plan_id for a in fleet.accounts.values()})
    rates = repo.load_tax_rates(conn)
    errors = []
    for ref, a in fleet.accounts.items():
        if ref in known:
            diff = _account_differs(known[ref][1], a)
            if diff:
                errors.append((a.row, f"account {ref!r} is already imported with {diff}; nothing was changed"))
            continue
        try:
            if a.plan_id not in plans:
                raise BillingError(f"no plan {a.plan_id!r}")
            if plans[a.plan_id].currency != "JPY":
                raise BillingError(f"plan {a.plan_id} bills in {plans[a.plan_id].currency}; imports are in JPY")
            if not _EMAIL.match(a.billing_email):
                raise BillingError(f"billing_email {a.billing_email!r} is not an email address")
            if a.first_month.end(a.timezone) <= now:
                raise BillingError(f"first_month {a.first_month} has already ended: it would bill a month's past")
            locked_rate(_account(a, now), rates, a.first_month.start(a.timezone))  # R13, as open_account
        except BillingError as e:
            errors.append((a.row, e.detail))
    return errors


def _account_differs(stored: Account, a: ImportAccount) -> str:
    pairs = {
        "account_name": (stored.name, a.name),
        "country": (stored.country, a.country),
        "subdivision": (stored.subdivision, a.subdivision),
        "timezone": (stored.timezone, a.timezone),
        "plan": (stored.plan_id, a.plan_id),
        "billing_email": (stored.billing_email, a.billing_email),
        "tax_status": (stored.tax_status.value, a.tax_status.value),
        "first_month": (str(stored.first_month), str(a.first_month)),
    }
    return ", ".join(f"{k} {old!r}, not {new!r}" for k, (old, new) in pairs.items() if old != new)


def _check_devices(conn, fleet: Fleet, known, stored: dict[str, _Stored], hashes) -> list[tuple[int, str]]:
    """R1: each key new or already this device's; each type priced on its account's plan."""
    plans = {a.plan_id for a in fleet.accounts.values()}
    priced = {p: {ty for v in vs for ty in v.tiers} for p, vs in repo.load_price_versions(conn, plans).items()}
    billed = _billed_accounts(conn, [acc_id for acc_id, _ in known.values()])
    errors = []
    for d in fleet.devices:
        account = fleet.accounts[d.account_ref]
        held = stored.get(hashes[d.key])
        if held is not None:
            errors.extend((d.row, why) for why in [_device_differs(held, d, known.get(d.account_ref))] if why)
        elif d.device_type_id not in priced.get(account.plan_id, ()):
            errors.append((d.row, f"plan {account.plan_id} has no price for device type {d.device_type_id!r}"))
        elif d.account_ref in known and known[d.account_ref][0] in billed:
            errors.append(
                (d.row, f"account {d.account_ref!r} has a closed month: add its new devices through the API (R4)")
            )
    return errors


def _device_differs(held: _Stored, d: ImportDevice, known) -> str:
    if known is None or held.account_id != known[0]:
        return "device_key is already registered to another device: a key is unique (R1)"
    pairs = {
        "device_type": (held.device_type_id, d.device_type_id),
        "device_name": (held.name, d.name),
        "status": ("active" if held.active else "inactive", "active" if d.active else "inactive"),
        "since": (held.since.isoformat(), d.since.isoformat()),
    }
    diff = ", ".join(f"{k} {old!r}, not {new!r}" for k, (old, new) in pairs.items() if old != new)
    return f"the device with this key is already imported with {diff}; nothing was changed" if diff else ""


def _billed_accounts(conn: Connection, account_ids: list[str]) -> set[str]:
    inv = t.invoices
    out: set[str] = set()
    for i in range(0, len(account_ids), CHUNK):
        chunk = account_ids[i : i + CHUNK]
        q = select(t.accounts.c.id).where(
            t.accounts.c.id.in_(chunk),
            exists().where(inv.c.account_id == t.accounts.c.id, inv.c.kind == "monthly"),
        )
        out.update(conn.execute(q).scalars())
    return out


def _account(a: ImportAccount, now: datetime) -> Account:
    """The account as fleetbill keeps it. Its contract starts at first_month's first instant: the
    period before it was the old system's to bill (an opening state, not re-billed)."""
    started = a.first_month.start(a.timezone)
    return Account(
        id=repo.new_id(),
        name=a.name,
        country=a.country,
        subdivision=a.subdivision,
        timezone=a.timezone,
        currency="JPY",
        plan_id=a.plan_id,
        tax_status=a.tax_status,
        billing_email=a.billing_email,
        first_month=BillingMonth(a.first_month.index),
        contract_started_at=started,
        created_at=now,
        language=default_language(a.country),
    )


def _write_accounts(conn: Connection, now: datetime, accounts: dict[str, Account]) -> None:
    """The new accounts, each with the account_ref it came from, and their account.created events."""
    rows = [_account_row(a) for a in accounts.values()]
    refs = [dict(account_ref=ref, account_id=a.id, imported_at=now) for ref, a in accounts.items()]
    # NOTE: R22 one account.created per account, its payload as the accounts API shows it.
    events = [NewEvent(EventType.ACCOUNT_CREATED, a.id, {"account": _account_view(a)}) for a in accounts.values()]
    for i in range(0, len(rows), CHUNK):
        conn.execute(insert(t.accounts), rows[i : i + CHUNK])
        conn.execute(insert(imported_accounts), refs[i : i + CHUNK])
        with _Writer(conn) as writer:
            _record(writer, now, events[i : i + CHUNK])


def _account_row(a: Account) -> dict:
    row = {f.name: getattr(a, f.name) for f in fields(a)}
    contacts = json.dumps(list(a.billing_emails))
    return row | {"tax_status": a.tax_status.value, "first_month": a.first_month.index, "billing_emails": contacts}


def _account_view(a: Account) -> dict:
    view = _account_row(a)
    del view["first_month"], view["contract_started_at"]
    view["test_clock"] = view.pop("test_clock_id")  # as views.accounts shows it
    return view | {"purchase_invoice_id": None, "billing_emails": list(a.contacts), "tax_change": None}


def _write_devices(
    conn: Connection, now: datetime, devices: list[tuple[ImportDevice, str]], ids: dict[str, str], actor: str, progress
) -> None:
    """R1, R4: each device with its key hashed as register_device stores it, and its opening state
    as its first status record; COPY on PostgreSQL, executemany in chunks on SQLite."""
    with _Writer(conn) as writer:
        for i in range(0, len(devices), CHUNK):
            _write_chunk(writer, now, devices[i : i + CHUNK], ids, actor)
            if progress:
                progress("imported devices", min(i + CHUNK, len(devices)), len(devices))


def _write_chunk(writer: _Writer, now: datetime, chunk, ids: dict[str, str], actor: str) -> None:
    made = [(repo.new_id(), ids[d.account_ref], d, hashed) for d, hashed in chunk]
    device_rows = [
        (dev_id, acc_id, d.device_type_id, d.name, hashed, d.key[-4:], d.active, d.since)
        for dev_id, acc_id, d, hashed in made
    ]
    stored = [row + (row[-1],) for row in device_rows]  # status_at: the instant of its status (R5)
    # NOTE: R5 a device Active since before first_month is Active at its start: one record at
    # its instant (+1 to the count); an Inactive one is a lone Inactive record, which counts for nothing (0).
    history = [
        (dev_id, acc_id, d.device_type_id, d.active, int(d.active), d.since, actor) for dev_id, acc_id, d, _ in made
    ]
    writer.put(t.devices, (*_DEVICE_COLUMNS, "status_at"), stored)
    writer.put(t.status_changes, _HISTORY_COLUMNS, history)
    _record(writer, now, [_registered(row) for row in device_rows])  # NOTE: R22


_DEVICE_COLUMNS = ("id", "account_id", "device_type_id", "name", "key_hash", "key_last4", "active", "registered_at")
_HISTORY_COLUMNS = ("device_id", "account_id", "device_type_id", "active", "delta", "effective_at", "actor")
_EVENT_COLUMNS = ("event_id", "type", "account_id", "stream", "occurred_at", "payload")


def _registered(row: tuple) -> NewEvent:
    device = dict(zip(_DEVICE_COLUMNS, row, strict=True))
    del device["key_hash"]
    return NewEvent(EventType.DEVICE_REGISTERED, device["account_id"], {"device": device})


def _record(writer: _Writer, now: datetime, events: list[NewEvent]) -> None:
    """R22: the events as services.events.record writes them (the same ids and JSON), by COPY on
    PostgreSQL: executemany of 100,000 events took longer than the rest of the import."""
    if not writer.copies:
        record(writer.conn, now, *events)
        return
    ids = repo.new_invoice_ids(len(events))
    rows = [
        ("evt_" + i.replace("-", ""), str(x.type), x.account_id, x.stream, now, event_json(x.payload))
        for i, x in zip(ids, events, strict=True)
    ]
    writer.put(e.events, _EVENT_COLUMNS, rows)


def _among(conn: Connection, column, values: list[str]):
    """`column IN values`: one array parameter on PostgreSQL instead of 5,000 bound ones."""
    if conn.dialect.name == "postgresql" and values:
        return column == any_(bindparam("among", values, type_=ARRAY(String)))
    return column.in_(values)


class _Writer:
    """Writes rows: on PostgreSQL by COPY in a thread of its own, through `conn`'s driver
    connection (so in its transaction), while the caller formats the next chunk, as the close's
    writer does; `conn` is not used otherwise until the writer is closed. On SQLite, at once."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.copies = conn.dialect.name == "postgresql"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer") if self.copies else None
        self._done: list[Future] = []
        self._pg = conn.connection.driver_connection if self.copies else None

    def __enter__(self) -> _Writer:
        return self

    def put(self, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self._pool is None:
            self.conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
            return
        for done in [f for f in self._done if f.done()]:
            done.result()  # a failed COPY stops the import at once: the caller rolls back
        self._done.append(self._pool.submit(self._copy, table, columns, "".join(map(repo.copy_line, rows))))

    def _copy(self, table, columns, text: str) -> None:
        try:
            with self._pg.cursor() as cur:
                repo.copy_text(cur, table, columns, text)
        except Exception as e:
            if str(getattr(e, "sqlstate", "") or "").startswith("23"):  # an integrity violation
                raise Conflict(_RACED) from e
            raise

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            if exc[0] is None:
                for done in self._done:
                    done.result()
