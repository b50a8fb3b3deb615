"""Reading a fleet to import (issue 9): rows of a CSV or JSON Lines file into accounts and their
devices, every row checked before anything is written (R1, R4, R5).

One row per device, its account's columns repeated on each of its rows (an account with no device
yet is a row with the device columns empty). The same columns in both formats.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .catalog import check_name
from .errors import BillingError, InvalidInput
from .periods import BillingMonth, check_timezone
from .tax import TaxStatus, check_region

ACCOUNT_COLUMNS = (
    "account_ref",
    "account_name",
    "country",
    "subdivision",
    "timezone",
    "plan",
    "billing_email",
    "tax_status",
    "first_month",
)
DEVICE_COLUMNS = ("device_type", "device_name", "device_key", "status", "since")
COLUMNS = ACCOUNT_COLUMNS + DEVICE_COLUMNS
STATUSES = {"active": True, "inactive": False}
MAX_ERRORS_SHOWN = 50  # a refusal lists this many rows' reasons, and counts them all


@dataclass(frozen=True, slots=True)
class ImportAccount:
    ref: str  # the operator's own id for the account: what makes a re-import find it again
    row: int
    name: str
    country: str
    subdivision: str | None
    timezone: str
    plan_id: str
    billing_email: str
    tax_status: TaxStatus
    first_month: BillingMonth


@dataclass(frozen=True, slots=True)
class ImportDevice:
    account_ref: str
    row: int
    device_type_id: str
    name: str
    key: str  # the device's existing key: stored hashed, never re-minted (R1)
    active: bool
    since: datetime  # the instant it became Active or Inactive: the opening state (R4, R5)


@dataclass
class Fleet:
    accounts: dict[str, ImportAccount] = field(default_factory=dict)
    devices: list[ImportDevice] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    raw: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each account's columns as first read


class ImportRefused(InvalidInput):
    """The whole file is refused: nothing of it was written. `errors` are (row, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)
        shown = "; ".join(f"row {r}: {why}" for r, why in self.errors[:MAX_ERRORS_SHOWN])
        more = len(self.errors) - MAX_ERRORS_SHOWN
        super().__init__(
            f"the file was refused, nothing was imported: {len(self.errors)} rows have errors: {shown}"
            + (f"; and {more} more" if more > 0 else "")
        )


def file_format(filename: str, given: str | None = None) -> str:
    """'csv' or 'jsonl', from `given` or the file's extension."""
    chosen = (given or filename.rsplit(".", 1)[-1]).lower()
    chosen = {"ndjson": "jsonl", "json": "jsonl"}.get(chosen, chosen)
    if chosen not in ("csv", "jsonl"):
        raise InvalidInput(f"cannot tell the format of {filename!r}: name it .csv or .jsonl, or give the format")
    return chosen


def read_rows(text: str, fmt: str) -> Iterator[tuple[int, dict | None]]:
    """(row number, fields) per data row: CSV counts its header as row 1, JSON Lines its first line
    as 1, as an editor shows them. A line that is not a JSON object yields None."""
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("account_ref",) if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportRefused([(1, "the header has no account_ref column: " + ", ".join(COLUMNS))])
        for n, row in enumerate(reader, start=2):
            yield n, row
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            yield n, value if isinstance(value, dict) else None


def parse_fleet(rows: Iterable[tuple[int, dict | None]], now: datetime) -> Fleet:
    """Every row checked on its own and against the rows before it; errors collected, not raised."""
    fleet = Fleet()
    keys: dict[str, int] = {}
    for n, row in rows:
        if row is None:
            fleet.errors.append((n, "not a JSON object with the import's columns"))
            continue
        try:
            _take_row(fleet, keys, n, {k: _text(v) for k, v in row.items() if k}, now)
        except BillingError as e:
            fleet.errors.append((n, e.detail))
    if not fleet.accounts and not fleet.errors:
        fleet.errors.append((1, "the file has no rows"))
    return fleet


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _take_row(fleet: Fleet, keys: dict[str, int], n: int, row: dict[str, str], now: datetime) -> None:
    unknown = sorted(set(row) - set(COLUMNS))
    if unknown:
        raise InvalidInput(f"unknown columns {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}")
    raw = tuple(row.get(c, "") for c in ACCOUNT_COLUMNS)
    known = fleet.accounts.get(raw[0])
    if known is None or fleet.raw[raw[0]] != raw:  # an account's repeated columns are checked once
        account = _account(n, row)
        known = fleet.accounts.setdefault(account.ref, account)
        fleet.raw.setdefault(account.ref, raw)
        if _differs(known, account):
            raise InvalidInput(
                f"account {account.ref!r} is described differently on row {known.row}: {_differs(known, account)}"
            )
    if not any(row.get(c) for c in DEVICE_COLUMNS):
        return
    device = _device(n, row, known, now)
    if device.key in keys:
        raise InvalidInput(f"device_key is also on row {keys[device.key]}: a key belongs to one device (R1)")
    keys[device.key] = n
    fleet.devices.append(device)


def _differs(a: ImportAccount, b: ImportAccount) -> str:
    """What differs between two descriptions of one account, or '' when nothing does."""
    changed = [f for f in ImportAccount.__slots__ if f not in ("row",) and getattr(a, f) != getattr(b, f)]
    return ", ".join(f"{f} {getattr(a, f)!s} then {getattr(b, f)!s}" for f in changed)


def _required(row: dict[str, str], column: str) -> str:
    if not row.get(column):
        raise InvalidInput(f"{column} is missing")
    return row[column]


def _account(n: int, row: dict[str, str]) -> ImportAccount:
    ref = _required(row, "account_ref")
    if len(ref) > 100:
        raise InvalidInput("account_ref is longer than 100 characters")
    country, subdivision = check_region(_required(row, "country"), row.get("subdivision") or None)
    try:
        tax = TaxStatus(row.get("tax_status") or "taxable")
    except ValueError:
        raise InvalidInput(f"tax_status must be one of {', '.join(TaxStatus)}, not {row['tax_status']!r}") from None
    return ImportAccount(
        ref=ref,
        row=n,
        name=check_name(_required(row, "account_name"), "account_name"),
        country=country,
        subdivision=subdivision,
        timezone=check_timezone(row.get("timezone") or "Asia/Tokyo"),
        plan_id=_required(row, "plan"),
        billing_email=_required(row, "billing_email"),
        tax_status=tax,
        first_month=BillingMonth.parse(_required(row, "first_month")),
    )


def _device(n: int, row: dict[str, str], account: ImportAccount, now: datetime) -> ImportDevice:
    key = _required(row, "device_key")
    if len(key) < 8 or len(key) > 200 or not key.isprintable():
        raise InvalidInput("device_key must be 8 to 200 printable characters")
    status = _required(row, "status").lower()
    if status not in STATUSES:
        raise InvalidInput(f"status must be active or inactive, not {row['status']!r}")
    since = _instant(_required(row, "since"))
    if since > now:
        raise InvalidInput(f"since {row['since']} is in the future: the import records what already happened")
    month_end = account.first_month.end(account.timezone)
    if since >= month_end:
        raise InvalidInput(f"since {row['since']} is after the end of first_month {account.first_month}")
    name = row.get("device_name") or ""
    return ImportDevice(
        account_ref=account.ref,
        row=n,
        device_type_id=_required(row, "device_type"),
        name=check_name(name, "device_name") if name else key[-4:],
        key=key,
        active=STATUSES[status],
        since=since,
    )


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InvalidInput(f"since {text!r} is not an instant with its offset, such as 2025-11-03T09:00:00+09:00")
    return value.astimezone(UTC)
