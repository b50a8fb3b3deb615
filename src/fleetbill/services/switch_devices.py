"""R2: switch devices Active or Inactive, one or many at once, each change on the record (R4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db.marks import note_changes
from ..domain.errors import InvalidInput, NotFound
from ..domain.events import EventType, NewEvent
from .devices import refuse_closed_month
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
    account = repo.get_account(conn, account_id)
    d = t.devices
    rows = conn.execute(
        select(d.c.id, d.c.device_type_id, d.c.active)
        .where(d.c.account_id == account.id, d.c.id.in_(ids))
        .with_for_update()
    ).all()
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise NotFound(f"no device {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''} in account {account_id}")
    refuse_closed_month(conn, account, now)
    to_change = [r for r in rows if r.active != active]
    delta = 1 if active else -1
    if to_change:
        conn.execute(update(d).where(d.c.id.in_([r.id for r in to_change])).values(active=active))
        conn.execute(
            insert(t.status_changes),
            [
                dict(
                    device_id=r.id,
                    account_id=account.id,
                    device_type_id=r.device_type_id,
                    active=active,
                    delta=delta,  # R5: only devices whose status changes get a record
                    effective_at=now,
                    actor=actor,
                    request_id=request_id,
                )
                for r in to_change
            ],
        )
        # NOTE: R5 the month's high-water marks follow the change in its transaction (issue 11).
        note_changes(conn, account.id, account.timezone, [(r.device_type_id, now, delta) for r in to_change])
        # NOTE: R22 one event per request, with the devices it switched.
        order = {device_id: n for n, device_id in enumerate(ids)}
        switched = [
            dict(id=r.id, device_type_id=r.device_type_id) for r in sorted(to_change, key=lambda r: order[r.id])
        ]
        payload = dict(active=active, devices=switched, request_id=request_id, actor=actor)
        record(conn, now, NewEvent(EventType.DEVICES_SWITCHED, account.id, payload))
    changed = {r.id for r in to_change}
    return SwitchResult([i for i in ids if i in changed], [i for i in ids if i not in changed])
