"""R2: switch devices Active or Inactive, one or many at once, each change on the record (R4).

Both ways are set-based and short (issue 11 item 4): the UPDATE that switches the devices changes
only those whose status differs, and its row locks order concurrent switches of a device, so
each change is recorded once with its delta; on PostgreSQL the UPDATE feeds the records' INSERT
in the same statement, whatever the number of devices; and the account is read once, for its
zone and its last closed month (R4); then the month's lock is taken SHARED against its close
(R4, adapters/db/month_lock.py) and the UPDATE checks the month again, after it. One device or
10,000 is 3 statements (PostgreSQL: the read, the lock, the switch that records; SQLite: the
read, the UPDATE, the INSERT), one more read when some are left as they were (to say why), and
the month's high-water marks (R5) one locked read and one write per device type.

A device keeps the instant of its current status (`status_at`): the UPDATE changes it only at
that instant or later, so a switch whose transaction commits after a later switch of the same
device is refused (409) instead of recording a change behind the device's status (R5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, insert, literal, or_, select, update

from ..adapters.db import schema as t
from ..adapters.db.marks import note_changes
from ..domain.errors import Conflict, InvalidInput, NotFound
from ..domain.events import EventType, NewEvent
from ..domain.periods import BillingMonth
from .devices import (
    among,
    open_for,
    refuse_closed_month_of,
    refuse_closed_month_of_device,
    refuse_if_closed,
    share_month,
)
from .events import record

MAX_BULK = 10_000

# NOTE: R21 what a switch changes, shown by the API and the device settings page alike.
WHAT_IT_CHANGES = {
    False: "Already counted this month if it was Active; not charged from next month while it stays Inactive.",
    True: "Counts toward this month's peak from now on.",
}


@dataclass(frozen=True)
class SwitchResult:
    changed: list[str]
    unchanged: list[str]  # already in the asked status: no record is written for them


def switch_devices(
    conn: Connection,
    now: datetime,
    account_id: str,
    device_ids: Sequence[str],
    active: bool,
    actor: str,
    request_id: str | None = None,
) -> SwitchResult:
    """All or nothing: one unknown device id refuses the whole request."""
    ids = list(dict.fromkeys(device_ids))
    if not ids:
        raise InvalidInput("device_ids must name at least one device")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} devices per request, not {len(ids)}")
    timezone = refuse_closed_month_of(conn, account_id, now)
    month = share_month(conn, timezone, now)  # NOTE: R4 against the month's close, before the write checks it
    d = t.devices
    mine = (d.c.account_id == account_id, among(conn, d.c.id, ids))
    changed = _switch(conn, now, account_id, month, mine, active, actor, request_id)
    types = {device_id: ty for device_id, ty, _ in changed}
    if len(types) < len(ids):  # the caller's transaction rolls the switch back: all or nothing
        _refuse_unswitched(conn, now, account_id, month, [i for i in ids if i not in types], active)
    switched = [i for i in ids if i in types]
    if switched:
        _marks_and_event(conn, now, account_id, timezone, [(i, types[i]) for i in switched], active, actor, request_id)
    return SwitchResult(switched, [i for i in ids if i not in types])


def switch_device(
    conn: Connection, now: datetime, device_id: str, active: bool, actor: str, request_id: str | None = None
) -> SwitchResult:
    """One device by its id, whatever its account."""
    account_id, timezone = refuse_closed_month_of_device(conn, device_id, now)
    month = share_month(conn, timezone, now)  # NOTE: R4 against the month's close, before the write checks it
    changed = _switch(conn, now, account_id, month, (t.devices.c.id == device_id,), active, actor, request_id)
    if not changed:
        _refuse_unswitched(conn, now, account_id, month, [device_id], active)
        return SwitchResult([], [device_id])
    _marks_and_event(conn, now, account_id, timezone, [(device_id, changed[0][1])], active, actor, request_id)
    return SwitchResult([device_id], [])


def _switch(
    conn: Connection,
    now: datetime,
    account_id: str,
    month: BillingMonth,
    which: tuple,
    active: bool,
    actor: str,
    request_id: str | None,
) -> list[tuple[str, str, str]]:
    """Switch the devices `which` selects whose status differs, and record each change (R4) with
    its delta (R5): (device id, device type, account) of each. PostgreSQL: one statement, the
    UPDATE feeding the INSERT; SQLite: the UPDATE, then the INSERT. Nothing is switched when the
    month is closed for the account (read after share_month, R4); a device whose status is later
    than `now` is left as it is (_refuse_unswitched says why)."""
    d, sc = t.devices, t.status_changes
    # NOTE: R5 a change is recorded only at or after the instant of the device's status, so its
    # delta (from that status) is what it did to the count at its instant; NULL: a device loaded
    # without the services and not switched since, older than any switch.
    in_order = or_(d.c.status_at.is_(None), d.c.status_at <= now)
    switched = (
        update(d)
        .where(*which, d.c.active != active, in_order, open_for(account_id, month))
        .values(active=active, status_at=now)
        .returning(d.c.id, d.c.device_type_id, d.c.account_id)
    )
    # R5: only devices whose status changes get a record, +1 when it becomes Active, -1 Inactive.
    same = dict(active=active, delta=1 if active else -1, effective_at=now, actor=actor, request_id=request_id)
    if conn.dialect.name == "postgresql":
        changed = switched.cte("switched")
        rows = select(
            changed.c.id,
            changed.c.account_id,
            changed.c.device_type_id,
            *(literal(value, sc.c[name].type) for name, value in same.items()),
        )
        record = insert(sc).from_select(["device_id", "account_id", "device_type_id", *same], rows)
        record = record.returning(sc.c.device_id, sc.c.device_type_id, sc.c.account_id)
        return [tuple(r) for r in conn.execute(record)]
    changed = [tuple(r) for r in conn.execute(switched)]
    if changed:
        conn.execute(insert(sc), [dict(device_id=i, device_type_id=ty, account_id=a, **same) for i, ty, a in changed])
    return changed


def _refuse_unswitched(
    conn: Connection, now: datetime, account_id: str, month: BillingMonth, ids: list[str], active: bool
) -> None:
    """Why the UPDATE left `ids` as they were, in one read: the month closed meanwhile (R4, 409),
    an id not of the account (404), a device switched at a later instant than `now` by a request
    that committed first (R5, 409); or the device already in the asked status (no error)."""
    a, d = t.accounts, t.devices
    asked = d.c.account_id == a.c.id, among(conn, d.c.id, ids)
    rows = conn.execute(
        select(a.c.closed_through, d.c.id, d.c.active, d.c.status_at)
        .select_from(a.outerjoin(d, and_(*asked)))
        .where(a.c.id == account_id)
    ).all()
    refuse_if_closed(month, rows[0][0])
    found = {r[1]: r for r in rows if r[1] is not None}
    missing = [i for i in ids if i not in found]
    if missing:
        more = " …" if len(missing) > 5 else ""
        raise NotFound(f"no device {', '.join(missing[:5])}{more} in account {account_id}")
    late = [found[i] for i in ids if found[i][2] != active]
    if late:
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        _, device, _, at = late[0]
        raise Conflict(
            f"device {device} changed status at {at.isoformat()}, after this request's instant "
            f"{now.isoformat()}{more}: a change cannot be recorded behind a later one; nothing was "
            "switched. Read the device's status again and switch it again if still needed"
        )


def _marks_and_event(
    conn: Connection,
    now: datetime,
    account_id: str,
    timezone: str,
    switched: list[tuple[str, str]],
    active: bool,
    actor: str,
    request_id: str | None,
) -> None:
    """The month's high-water marks and the event follow the changes, in their transaction."""
    # NOTE: R5 the month's high-water marks follow the change in its transaction (issue 11).
    delta = 1 if active else -1
    note_changes(conn, account_id, timezone, [(device_type, now, delta) for _, device_type in switched])
    # NOTE: R22 one event per request, with the devices it switched, in the request's order.
    devices = [dict(id=i, device_type_id=ty) for i, ty in switched]
    payload = dict(active=active, devices=devices, request_id=request_id, actor=actor)
    record(conn, now, NewEvent(EventType.DEVICES_SWITCHED, account_id, payload))
