"""R5-R16 through the close's fast path: what it stores is, column by column, what pricing each
account on its own gives.

The close shares one draft among accounts priced alike, formats the rows once per draft, streams
the peaks and writes with COPY on PostgreSQL (services/close_month.py). Here every invoice it
stores is compared with the rows of a draft made for that account alone by the core
(domain.monthly.draft_monthly_invoice, on the reference metering sweep), over accounts that share
drafts and accounts that must not: different names (with characters COPY escapes), time zones, tax
statuses, contract starts (mid-month, at a month's first instant), monthly and yearly plans with and
without a fixed fee, a distinct-count plan, points (usable, expired), no devices, and an account
that cannot be invoiced. The chunks are made tiny so that the streams cross their boundaries.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from fleetbill.adapters.db import repository as repo
from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.marks import note_changes
from fleetbill.domain.contract import ContractTerm
from fleetbill.domain.errors import BillingError
from fleetbill.domain.metering import CountingMode, StatusChange, billable_quantities
from fleetbill.domain.monthly import draft_monthly_invoice
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.domain.tax import TaxStatus
from fleetbill.services import close_month
from fleetbill.services.close_month import close_due_months
from fleetbill.services.points import grant_points
from tests import factories as f

JAN, FEB, MAR = (BillingMonth.parse(m) for m in ("2026-01", "2026-02", "2026-03"))
TIERS = {"esp32": [Tier(3, 0), Tier(10, 300), Tier(None, 200)], "m5stack": [Tier(None, 400)]}


def _expected(app, month: BillingMonth, now: datetime, account_ids) -> dict[str, tuple | str]:
    """Per account: its invoice rows as the core prices it alone, or the reason it is skipped."""
    out = {}
    with app.db.transaction() as conn:
        rates = repo.load_tax_rates(conn)
        names = repo.device_type_names(conn)
        for account_id in account_ids:
            account = repo.get_account(conn, account_id)
            plan = repo.get_plan(conn, account.plan_id)
            start, end = month.bounds(account.timezone)
            sc = t.status_changes
            history = [
                StatusChange(r.device_id, r.device_type_id, r.effective_at, r.active, seq=r.id)
                for r in conn.execute(select(sc).where(sc.c.account_id == account_id).order_by(sc.c.id))
            ]
            try:
                draft = draft_monthly_invoice(
                    account=account,
                    plan=plan,
                    versions=repo.load_price_versions(conn, [plan.id])[plan.id],
                    device_type_names=names,
                    month=month,
                    quantities=billable_quantities(plan.counting_mode, history, start, end),
                    rates=rates,
                    rounding=app.settings.tax_rounding,
                    grants=repo.load_open_grants(conn, t.point_grants.c.account_id == account_id).get(account_id, ()),
                    points_at=end,
                )
            except BillingError as e:  # the close skips the same accounts
                out[account_id] = e.detail
                continue
            issuer = repo.lock_issuer(conn, repo.DEFAULT_ISSUER)
            out[account_id] = repo.invoice_rows(
                issuer, 0, account, draft, kind="monthly", month=month, period=(start, end), issued_at=now
            )
    return out


def _stored(app, month: BillingMonth) -> dict[str, tuple]:
    """Per account: the rows the close stored for `month`, in the shape of repo.invoice_rows."""
    out = {}
    with app.db.transaction() as conn:
        inv = t.invoices
        for head in conn.execute(select(inv).where(inv.c.billing_month == month.index)).mappings():
            lines = conn.execute(
                select(t.invoice_lines).where(t.invoice_lines.c.invoice_id == head["id"]).order_by("position")
            ).mappings()
            taxes = conn.execute(
                select(t.invoice_taxes)
                .where(t.invoice_taxes.c.invoice_id == head["id"])
                .order_by(t.invoice_taxes.c.tax_rate_ppm)
            ).mappings()
            pe = t.point_entries
            uses = conn.execute(
                select(*[pe.c[c] for c in repo.USE_COLUMNS]).where(pe.c.invoice_id == head["id"]).order_by(pe.c.id)
            ).mappings()
            out[head["account_id"]] = (
                dict(head),
                [dict(x) for x in lines],
                [dict(x) for x in taxes],
                list(map(dict, uses)),
            )
    return out


def _same(expected: tuple, stored: tuple) -> None:
    """Equal except for what depends on the invoice: its id, and its number (checked apart)."""
    invoice_id = stored[0]["id"]
    expected_head = expected[0] | {"id": invoice_id, "number": stored[0]["number"], "sequence": stored[0]["sequence"]}
    expected_head |= {"amount_credited": 0}  # R15: a close finalizes; only a credit note takes off
    assert stored[0] == expected_head
    for got, want in zip(stored[1:], expected[1:], strict=True):
        assert got == [x | {"invoice_id": invoice_id} for x in want]


def _check_close(app, month: BillingMonth, expected: dict, report, first_sequence: int) -> None:
    """What the close stored for `month` is what `expected` (from `_expected`, before the close)
    says, numbered gaplessly from `first_sequence` in account id order."""
    stored = _stored(app, month)
    skipped = {a for a, e in expected.items() if isinstance(e, str)}
    assert {a for a, m, _ in report.skipped if m == str(month)} == skipped
    assert set(stored) == set(expected) - skipped
    for account_id, rows in stored.items():
        _same(expected[account_id], rows)
    # R14: gapless numbers, given in account id order
    by_number = sorted(stored.values(), key=lambda rows: rows[0]["sequence"])
    assert [rows[0]["sequence"] for rows in by_number] == list(range(first_sequence, first_sequence + len(stored)))
    assert [rows[0]["account_id"] for rows in by_number] == sorted(stored)
    assert all(rows[0]["number"] == f"FB-{rows[0]['sequence']:08d}" for rows in by_number)


def _next_number(app) -> int:
    with app.db.transaction() as conn:
        return conn.execute(select(t.issuers.c.last_sequence)).scalar_one() + 1


def _unpriced_history(app, account_id: str, at: datetime) -> None:
    """A device of a type the account's plan has no price for (written straight into the tables,
    as no service lets it happen): the account cannot be invoiced."""
    device_id = str(uuid.uuid4())
    with app.db.transaction() as conn:
        conn.execute(
            insert(t.devices),
            dict(
                id=device_id,
                account_id=account_id,
                device_type_id="obniz",
                name="stray",
                key_hash=uuid.uuid4().hex * 2,
                key_last4="abcd",
                active=True,
                registered_at=at,
            ),
        )
        conn.execute(
            insert(t.status_changes),
            dict(
                device_id=device_id,
                account_id=account_id,
                device_type_id="obniz",
                active=True,
                delta=1,
                effective_at=at,
                actor="test",
            ),
        )
        note_changes(conn, account_id, repo.get_account(conn, account_id).timezone, [("obniz", at, 1)])


def test_close_stores_for_each_account_what_pricing_it_alone_gives(app, clock, monkeypatch):
    monkeypatch.setattr(close_month, "INSERT_CHUNK", 2)  # many chunks, many parts of each stream
    for dt in ("esp32", "m5stack", "obniz"):
        f.device_type(app, dt, dt.upper())
    f.plan(app, "basic", TIERS)
    f.plan(app, "pro", TIERS, fixed_fee=1_000)
    f.plan(app, "yearly", TIERS, term=ContractTerm.YEARLY, fixed_fee=12_000)
    f.plan(app, "distinct", TIERS, mode=CountingMode.DISTINCT)
    accounts: dict[str, str] = {}

    def open_(key: str, plan: str, n_esp32: int, n_m5: int, **kw) -> None:
        clock.set(clock.now() + timedelta(hours=7))  # every contract starts at its own instant
        accounts[key] = f.account(app, plan, **({"name": key} | kw))
        f.devices(app, accounts[key], n_esp32)
        f.devices(app, accounts[key], n_m5, "m5stack")

    # a new rate in Japan from January 7th: contracts started before it keep 10% until renewal (R13)
    f.tax_rate(app, "JP", "0.08", datetime(2026, 1, 7, tzinfo=UTC))
    # given accounts alike but for their names and contract starts (some share drafts) ...
    names = ["Plain", "Tab\tand\nnewline", "Back\\slash", "Ünïcode 株式会社"]
    for i in (0, 1):
        open_(f"alike{i}", "basic", 5, 1, name=names[i])
    # ... and accounts that differ in what is priced
    open_("pro", "pro", 12, 2)
    open_("pro2", "pro", 12, 2)
    open_("yearly", "yearly", 4, 0)
    for i in (2, 3):  # after January 7th
        open_(f"alike{i}", "basic", 5, 1, name=names[i])
    open_("distinct", "distinct", 3, 0)
    ny = dict(country="US", subdivision="US-NY", timezone="America/New_York", tax_status=TaxStatus.EXEMPT)
    open_("ny", "basic", 5, 1, **ny)
    open_("none", "basic", 0, 0)
    open_("points", "basic", 5, 1)
    open_("stray", "basic", 2, 0)
    _unpriced_history(app, accounts["stray"], clock.now())
    with app.db.transaction() as conn:
        grant_points(conn, clock.now(), accounts["points"], 700, "goodwill", "test")
        d = t.devices
        switched = conn.execute(select(d.c.id).where(d.c.account_id == accounts["distinct"])).scalars().all()[:2]
    clock.set(clock.now() + timedelta(days=2))
    f.switch(app, accounts["distinct"], switched, False)
    clock.set(clock.now() + timedelta(days=1))
    f.switch(app, accounts["distinct"], switched[:1], True)
    # and one whose contract starts at the first instant of February in Tokyo
    clock.set(datetime(2026, 1, 31, 15, 0, tzinfo=UTC))
    accounts["exact"] = f.account(app, "basic", name="Exact")
    f.devices(app, accounts["exact"], 5)
    f.devices(app, accounts["exact"], 1, "m5stack")

    # when January has ended in both zones and it is closed
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    january = _expected(app, JAN, clock.now(), [a for k, a in accounts.items() if k != "exact"])
    first = _next_number(app)  # after the purchase invoices of the plans with a fee
    report = close_due_months(app.db, clock, app.settings)
    # then each account has what pricing it alone gives, and the stray one is skipped
    assert report.months == ["2026-01"]
    assert [a for a, _, _ in report.skipped] == [accounts["stray"]]
    _check_close(app, JAN, january, report, first_sequence=first)

    # given February, with points that expire before its end and points that do not
    with app.db.transaction() as conn:
        soon = clock.now() + timedelta(days=3)
        grant_points(conn, clock.now(), accounts["alike1"], 300, "late", "test", expires_at=soon)
        grant_points(conn, clock.now(), accounts["pro2"], 50_000, "large", "test")
    clock.set(clock.now() + timedelta(days=5))
    f.switch(app, accounts["distinct"], switched, True)
    # and, from February 15th, a rate of 9%; a yearly contract like the one from January, but
    # from March (bought mid-February): in March they differ only in the rate they lock (R13)
    f.tax_rate(app, "JP", "0.09", datetime(2026, 2, 15, tzinfo=UTC))
    clock.set(datetime(2026, 2, 20, tzinfo=UTC))
    open_("yearly2", "yearly", 4, 0)
    # when it is closed (the stray account's January is still open: its February waits)
    clock.set(datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    february = _expected(app, FEB, clock.now(), [a for k, a in accounts.items() if k != "stray"])
    first = _next_number(app)
    report = close_due_months(app.db, clock, app.settings)
    # then the same holds, numbered on from January's
    assert report.months == ["2026-01", "2026-02"]
    assert [a for a, _, _ in report.skipped] == [accounts["stray"]]
    _check_close(app, FEB, february, report, first_sequence=first)

    # and so in March
    clock.set(datetime(2026, 4, 1, 6, 0, tzinfo=UTC))
    march = _expected(app, MAR, clock.now(), [a for k, a in accounts.items() if k != "stray"])
    first = _next_number(app)
    report = close_due_months(app.db, clock, app.settings)
    assert report.months == ["2026-01", "2026-03"]  # February: nobody left but the stray account
    _check_close(app, MAR, march, report, first_sequence=first)


@pytest.mark.parametrize("chunk", [1, 3, 5_000])
def test_close_numbers_gaplessly_in_account_id_order_and_skips_what_it_cannot_invoice(app, clock, monkeypatch, chunk):
    monkeypatch.setattr(close_month, "INSERT_CHUNK", chunk)
    for dt in ("esp32", "m5stack", "obniz"):
        f.device_type(app, dt, dt.upper())
    f.plan(app, "basic", TIERS)
    ids = []
    for i in range(7):
        clock.set(clock.now() + timedelta(minutes=13))
        ids.append(f.account(app, "basic", name=f"A{i}"))
        f.devices(app, ids[-1], i)
    _unpriced_history(app, ids[3], clock.now())
    clock.set(datetime(2026, 2, 1, 6, 0, tzinfo=UTC))
    expected = _expected(app, JAN, clock.now(), ids)
    report = close_due_months(app.db, clock, app.settings)
    assert [a for a, _, _ in report.skipped] == [ids[3]]
    assert report.invoices == 6
    _check_close(app, JAN, expected, report, first_sequence=1)
