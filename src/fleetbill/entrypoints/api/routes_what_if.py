"""The bill before the switch (R2, R5, R21, R25): this month's and next month's invoice before and
after planned changes. A POST, since the plan can name 10,000 devices, that writes nothing: a
read-only key may call it (openapi_extra READS, checked by context.operator)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ...domain.errors import InvalidInput
from ...domain.what_if import PlannedSwitch, WhatIf, change_kind_of
from ...domain.what_if_words import what_it_changes
from ...services.what_if import preview
from .context import READS, account_clock, get_app, operator
from .routes_accounts import estimate_out
from .schemas_what_if import MAX_DEVICES_NAMED, WhatIfIn, WhatIfOut

router = APIRouter(prefix="/v1", dependencies=[Depends(operator)], tags=["usage"])


@router.post("/accounts/{account_id}/what-if", response_model=WhatIfOut, openapi_extra=READS)
def what_if(account_id: str, body: WhatIfIn, request: Request):
    """R25: before anything is changed, this month's and next month's bills as things stand and
    with the planned switches (each at an instant from now to the end of next month) and plan
    change, each priced as the close would make it (R5 peak, R7 tiers, R10 the plan held at the
    month's end, R12 tax, R16 points), and the difference. Nothing is written: a read-only key
    may call it, and no Idempotency-Key is needed. 404 for an unknown account; 422 for an
    unknown device or plan or an instant outside now..end of next month; 409 for a month
    already closed, a plan change that would be refused, or a plan counting distinct devices."""
    app = get_app(request)
    now = account_clock(request, account_id, changing=False).now()
    switches = [
        PlannedSwitch(device_id, change.active, change.at or now)
        for change in body.changes
        for device_id in change.device_ids
    ]
    if len(switches) > MAX_DEVICES_NAMED:
        raise InvalidInput(f"changes: at most {MAX_DEVICES_NAMED} devices in all, not {len(switches)}")
    with app.db.read() as conn:
        w = preview(conn, now, app.settings, account_id, switches, body.plan_id)
    return what_if_out(account_id, now, w)


def what_if_out(account_id: str, now, w: WhatIf) -> dict:
    def month(which: str, m) -> dict:
        before, after = getattr(w.before, which), getattr(w.after, which)
        return dict(
            month=str(m),
            before=estimate_out(before),
            after=estimate_out(after),
            difference=after.total - before.total,
            billable_devices_before=getattr(w.before.quantities, which),
            billable_devices_after=getattr(w.after.quantities, which),
        )

    kind = change_kind_of(w.plan_before, w.plan_after)
    effective_at = None
    if kind is not None:
        down = w.plan_after.downgrade
        effective_at = down[1] if down is not None else w.plan_after.contract_started_at
    return dict(
        account_id=account_id,
        as_of=now,
        this_month=month("this_month", w.month),
        next_month=month("next_month", w.month.next()),
        plan=dict(
            before=w.plan_before.plan_id,
            after=w.next_month_plans[1],
            kind=kind and kind.value,
            effective_at=effective_at,
        ),
        purchase=estimate_out(w.purchase) if w.purchase else None,
        summary=what_it_changes(w, "en"),
        written=False,
    )
