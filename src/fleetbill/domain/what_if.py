"""The bill before the switch (R2, R5, R21, R25): this month's and next month's invoice before and
after planned changes, priced by the same code as the close. Pure: no I/O.

The month so far is each device type's opening level and its high-water mark (domain/marks.py):
enough to know the highest count before now and the count now. Planned switches only reach
instants from now on, so the month's peak after them is the higher of the peak before now and
the highest count from now to the month's end with the planned changes applied (changes at one
instant apply together, R5, the recorded ones at `now` included). Next month starts from the
count at this month's end and assumes no change but the planned ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .catalog import Account, Plan, PriceVersion
from .errors import Conflict, InvalidInput
from .invoice import InvoiceDraft
from .marks import Mark
from .metering import CountingMode
from .monthly import draft_monthly_invoice, draft_purchase_invoice
from .periods import BillingMonth
from .plan_change import ChangeKind
from .points import PointGrant
from .tax import TaxRate, TaxRounding

Deltas = dict[str, list[tuple[datetime, int]]]  # device type -> (instant, change of its count), in time order


@dataclass(frozen=True, slots=True)
class PlannedSwitch:
    """A device to be switched `active` at `at` (an instant from now on)."""

    device_id: str
    active: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class DeviceNow:
    device_type: str
    active: bool


@dataclass(frozen=True, slots=True)
class MonthSoFar:
    """The month `[start, end)` up to `now`: per device type, the count at its start (the opening
    level) and its high-water mark (None: no change this month)."""

    start: datetime
    end: datetime
    now: datetime
    openings: Mapping[str, int]
    marks: Mapping[str, Mark]

    def types(self) -> set[str]:
        return set(self.openings) | set(self.marks)

    def level_now(self, device_type: str) -> int:
        mark = self.marks.get(device_type)
        return self.openings.get(device_type, 0) + (mark.level if mark else 0)

    def peak_before_now(self, device_type: str) -> int | None:
        """R5: the highest count at an instant of [start, now); None when there is none (now is
        the month's first instant, or the only changes are at the month's first instant, now)."""
        opening, mark = self.openings.get(device_type, 0), self.marks.get(device_type)
        if self.now <= self.start:
            return None
        if mark is None:
            return opening
        if mark.last_at > self.now:
            raise Conflict("this month has changes recorded after now; preview again once its clock has passed them")
        if mark.last_at < self.now:
            return opening + mark.peak  # the level at last_at held until now
        # the changes at `now` apply together with the planned ones at `now` (R5)
        return None if mark.peak_before is None else opening + mark.peak_before


def planned_deltas(devices: Mapping[str, DeviceNow], switches: Sequence[PlannedSwitch]) -> Deltas:
    """R5: what the planned switches do to each type's count, summed per instant: a device already
    in the status asked does nothing; a device's switches at one instant apply together."""
    status = {device_id: d.active for device_id, d in devices.items()}
    summed: dict[tuple[str, datetime], int] = defaultdict(int)
    for s in sorted(switches, key=lambda s: s.at):  # stable: the given order within an instant
        before = status[s.device_id]
        status[s.device_id] = s.active
        summed[(devices[s.device_id].device_type, s.at)] += int(s.active) - int(before)
    deltas: Deltas = defaultdict(list)
    for (device_type, at), delta in sorted(summed.items(), key=lambda kv: kv[0][1]):
        deltas[device_type].append((at, delta))
    return dict(deltas)


def window_peak(
    level: int, earlier: int | None, deltas: Sequence[tuple[datetime, int]], since: datetime, until: datetime
) -> tuple[int, int]:
    """R5: (the peak over [since, until), the count at `until` before its own changes), for a count
    of `level` just before `since` and a highest count of `earlier` before it (None: none)."""
    at_since = sum(d for at, d in deltas if at == since)
    current = level + at_since
    peak = current if earlier is None else max(earlier, current)
    for at, delta in deltas:
        if since < at < until:
            current += delta
            peak = max(peak, current)
    return peak, current


@dataclass(frozen=True, slots=True)
class Quantities:
    this_month: dict[str, int]
    next_month: dict[str, int]


def quantities(so_far: MonthSoFar, next_end: datetime, deltas: Deltas) -> Quantities:
    """R5: the billable quantity per type this month and next, with the planned changes `deltas`
    (none: as things stand, the devices Active now staying so through next month)."""
    this, nxt = {}, {}
    for device_type in sorted(so_far.types() | set(deltas)):
        planned = deltas.get(device_type, [])
        now = so_far.level_now(device_type)
        peak, at_end = window_peak(now, so_far.peak_before_now(device_type), planned, so_far.now, so_far.end)
        next_peak, _ = window_peak(at_end, None, planned, so_far.end, next_end)
        if peak > 0:
            this[device_type] = peak
        if next_peak > 0:
            nxt[device_type] = next_peak
    return Quantities(this, nxt)


@dataclass(frozen=True, slots=True)
class PlanHeld:
    """An account's plan as R10 has it: the plan and its contract's start, and a downgrade waiting
    for its renewal (plan id, effective instant), if any."""

    plan_id: str
    contract_started_at: datetime
    downgrade: tuple[str, datetime] | None = None

    def in_month(self, month: BillingMonth, tz: str) -> tuple[str, datetime, str | None]:
        """R10: (plan, contract start) held at `month`'s end, and the plan renewing right after it
        when a downgrade is due then (its fee is that plan's, R11)."""
        if self.downgrade is None:
            return self.plan_id, self.contract_started_at, None
        to, at = self.downgrade
        end = month.end(tz)
        if at < end:  # a downgrade takes effect at a month's start: this month is under it
            return to, at, None
        return self.plan_id, self.contract_started_at, to if at == end else None


@dataclass(frozen=True, slots=True)
class Catalog:
    """What pricing needs besides the account and its quantities (loaded by the service)."""

    plans: Mapping[str, Plan]
    versions: Mapping[str, Sequence[PriceVersion]]
    device_type_names: Mapping[str, str]
    rates: Sequence[TaxRate]
    rounding: TaxRounding


def planned_plan(
    account: Account, held: PlanHeld, old: Plan, new_plan_id: str, kind: ChangeKind, now: datetime
) -> PlanHeld:
    """R10: the plan held after asking now for `new_plan_id` (`kind` as services/change_plan finds
    it): an upgrade at once, its contract from now (a pending downgrade replaced); a downgrade at
    the next renewal of the plan held now (`old`), replacing a pending one."""
    if kind is ChangeKind.UPGRADE:
        return PlanHeld(new_plan_id, now)
    renewal = account.contract(old).next_renewal(now).start(account.timezone)
    return PlanHeld(held.plan_id, held.contract_started_at, (new_plan_id, renewal))


def change_kind_of(before: PlanHeld, after: PlanHeld) -> ChangeKind | None:
    if after == before:
        return None
    return ChangeKind.UPGRADE if after.downgrade is None and after.plan_id != before.plan_id else ChangeKind.DOWNGRADE


def purchase_draft(account: Account, held: PlanHeld, catalog: Catalog) -> InvoiceDraft | None:
    """R10, R11: an upgrade's first (prorated) period, invoiced at the change, apart from the month's."""
    bought = replace(account, plan_id=held.plan_id, contract_started_at=held.contract_started_at)
    plan = catalog.plans[held.plan_id]
    return draft_purchase_invoice(
        account=bought, plan=plan, versions=catalog.versions[plan.id], rates=catalog.rates, rounding=catalog.rounding
    )


def monthly_draft(
    account: Account,
    held: PlanHeld,
    month: BillingMonth,
    quantities: Mapping[str, int],
    catalog: Catalog,
    grants: Sequence[PointGrant],
) -> InvoiceDraft:
    """R5-R16: `month`'s invoice as its close would make it, under the plan held at its end."""
    plan_id, started, renewal = held.in_month(month, account.timezone)
    plan = catalog.plans[plan_id]
    return draft_monthly_invoice(
        account=replace(account, plan_id=plan_id, contract_started_at=started),
        plan=plan,
        versions=catalog.versions[plan_id],
        device_type_names=catalog.device_type_names,
        month=month,
        quantities=quantities,
        rates=catalog.rates,
        rounding=catalog.rounding,
        grants=grants,
        points_at=month.end(account.timezone),
        renewal_plan=(catalog.plans[renewal], catalog.versions[renewal]) if renewal else None,
    )


def points_left(grants: Sequence[PointGrant], draft: InvoiceDraft) -> list[PointGrant]:
    """R16: the grants as they stand once `draft`'s point uses are written."""
    used = defaultdict(int)
    for use in draft.point_uses:
        used[use.grant_id] += use.amount
    return [replace(g, remaining=g.remaining - used[g.id]) for g in grants]


@dataclass(frozen=True, slots=True)
class Bills:
    """This month's and next month's invoices under one set of assumptions."""

    this_month: InvoiceDraft
    next_month: InvoiceDraft
    quantities: Quantities


@dataclass(frozen=True, slots=True)
class WhatIf:
    month: BillingMonth
    before: Bills
    after: Bills
    plan_before: PlanHeld
    plan_after: PlanHeld
    purchase: InvoiceDraft | None  # an upgrade's first period, invoiced at the change (R10, R11)
    next_month_plans: tuple[str, str]  # the plan held at next month's end, before and after


def bills(
    account: Account,
    held: PlanHeld,
    so_far: MonthSoFar,
    deltas: Deltas,
    catalog: Catalog,
    grants: Sequence[PointGrant],
) -> Bills:
    month = BillingMonth.containing(so_far.now, account.timezone)
    counted = quantities(so_far, month.next().end(account.timezone), deltas)
    this = monthly_draft(account, held, month, counted.this_month, catalog, grants)
    nxt = monthly_draft(account, held, month.next(), counted.next_month, catalog, points_left(grants, this))
    return Bills(this, nxt, counted)


def what_if(
    account: Account,
    held: PlanHeld,
    so_far: MonthSoFar,
    devices: Mapping[str, DeviceNow],
    switches: Sequence[PlannedSwitch],
    plan_after: PlanHeld,
    catalog: Catalog,
    grants: Sequence[PointGrant],
) -> WhatIf:
    """R25: this month's and next month's bills as things stand (`held`) and with the planned
    switches and plan (`plan_after`: planned_plan's, or `held`), each as the close would make it."""
    check_switches(so_far, account.timezone, devices, switches)
    month = BillingMonth.containing(so_far.now, account.timezone)
    after_plan = plan_after
    for state in (held, after_plan):
        for m in (month, month.next()):
            plan = catalog.plans[state.in_month(m, account.timezone)[0]]
            if plan.counting_mode is not CountingMode.PEAK:
                raise Conflict(
                    f"plan {plan.id} counts distinct devices (R6); the preview counts the peak (R5) only "
                    "so far: see this month's estimate (GET /v1/accounts/{id}/usage) instead"
                )
    before = bills(account, held, so_far, {}, catalog, grants)
    after = bills(account, after_plan, so_far, planned_deltas(devices, switches), catalog, grants)
    upgraded = change_kind_of(held, after_plan) is ChangeKind.UPGRADE
    purchase = purchase_draft(account, after_plan, catalog) if upgraded else None
    tz = account.timezone
    plans = (held.in_month(month.next(), tz)[0], after_plan.in_month(month.next(), tz)[0])
    return WhatIf(month, before, after, held, after_plan, purchase, plans)


def check_switches(
    so_far: MonthSoFar, tz: str, devices: Mapping[str, DeviceNow], switches: Sequence[PlannedSwitch]
) -> None:
    """Every switch names a known device at an instant from now to the end of next month."""
    next_end = BillingMonth.containing(so_far.now, tz).next().end(tz)
    for i, s in enumerate(switches):
        if s.device_id not in devices:
            raise InvalidInput(f"changes[{i}]: the account has no device {s.device_id}")
        if s.at < so_far.now:
            raise InvalidInput(
                f"changes[{i}]: {s.at.isoformat()} is before now ({so_far.now.isoformat()}); "
                "a change takes effect now or later (R4: history is never rewritten): leave `at` out for now"
            )
        if s.at >= next_end:
            raise InvalidInput(
                f"changes[{i}]: {s.at.isoformat()} is after next month (which ends {next_end.isoformat()}); "
                "the preview shows this month and the next: choose an instant before that"
            )
