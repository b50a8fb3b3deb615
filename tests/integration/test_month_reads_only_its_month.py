"""Issue 11 item 1 (R5, R20): a month is counted from its own status changes and the opening
levels the close of the month before stored, not from the history before it: with the months
before archived away, the close, the usage API and the billing page's chart say what they said
with the whole history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, event, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import views
from fleetbill.adapters.db.usage import active_steps_by_type
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.close_month import close_due_months
from fleetbill.services.usage_now import usage_now
from tests import factories as f

TOKYO = "Asia/Tokyo"
FEB = BillingMonth.parse("2026-02")


def test_r5_february_is_billed_from_its_opening_level_with_january_archived(app, clock):
    # given 100 JPY a device, 5 devices Active from January 5th and 2 of them switched off on the 20th
    f.device_type(app)
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    acme = f.account(app, name="Acme")
    devices = f.devices(app, acme, 5)
    clock.set(datetime(2026, 1, 20, tzinfo=UTC))
    f.switch(app, acme, devices[:2], False)
    # when January is closed (a peak of 5: 500 JPY + 10% tax)
    feb_start, feb_end = FEB.bounds(TOKYO)
    clock.set(feb_start + timedelta(hours=1))
    assert close_due_months(app.db, clock, app.settings).invoices == 1
    # then February's opening level is stored: 3 devices Active at its first instant
    ol = t.opening_levels
    with app.db.read() as conn:
        opening = conn.execute(
            select(ol.c.device_type_id, ol.c.level).where(ol.c.account_id == acme, ol.c.at == feb_start)
        )
        assert opening.all() == [("esp32", 3)]

    # given February: one switched back on on the 10th (4), two registered on the 12th (6), three off on the 15th (3)
    clock.set(datetime(2026, 2, 10, tzinfo=UTC))
    f.switch(app, acme, devices[:1], True)
    clock.set(datetime(2026, 2, 12, tzinfo=UTC))
    devices += f.devices(app, acme, 2)
    clock.set(datetime(2026, 2, 15, tzinfo=UTC))
    f.switch(app, acme, devices[2:5], False)
    # and every status change before February archived away (as a detached partition would be)
    with app.db.transaction() as conn:
        archived = conn.execute(delete(t.status_changes).where(t.status_changes.c.effective_at < feb_start)).rowcount
    assert archived == 7
    # then the usage API's running peak and the chart start from the stored level
    with app.db.read() as conn:
        now = usage_now(conn, clock.now(), app.settings, acme)
        chart = active_steps_by_type(conn, acme, feb_start, feb_end)
    assert now.quantities == {"esp32": 6}
    assert [n for _, n in chart["esp32"]] == [3, 4, 6, 3]
    assert chart["esp32"][0][0] == feb_start
    # and February's close bills the peak of 6: 600 JPY + 60 JPY tax
    clock.set(feb_end + timedelta(hours=1))
    assert close_due_months(app.db, clock, app.settings).invoices == 1
    with app.db.read() as conn:
        [feb] = views.invoices(conn, t.invoices.c.billing_month == FEB.index, limit=10)
    assert (feb["subtotal"], feb["tax_total"], feb["total"]) == (600, 60, 660)
    assert [(line["quantity"], line["amount"]) for line in feb["lines"] if line["kind"] == "usage"] == [(6, 600)]


def test_r15_a_close_that_finds_the_month_done_reads_the_accounts_alone(app, clock):
    # given two accounts whose January is closed, one of them skipped (no price for its device
    # type: it stays due, R15), so a second run has one account to try again
    f.device_type(app)
    f.device_type(app, "lte", "LTE")
    f.plan(app, prices={"esp32": [Tier(None, 100)]})
    f.plan(app, "lte", prices={"lte": [Tier(None, 100)]})
    a, b = f.account(app, name="A"), f.account(app, "lte", name="B")
    f.devices(app, a, 2)
    f.devices(app, b, 1, "lte")
    with app.db.transaction() as conn:  # B's plan loses its price: its January cannot be priced
        conn.execute(delete(t.price_tiers).where(t.price_tiers.c.device_type_id == "lte"))
    clock.set(datetime(2026, 2, 1, 1, tzinfo=UTC))
    first = close_due_months(app.db, clock, app.settings)
    assert (first.invoices, [s[0] for s in first.skipped]) == (1, [b])
    # when the close runs again, every statement it sends recorded
    sent: list[str] = []
    listen = lambda *args: sent.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(app.db.engine, "before_cursor_execute", listen)
    try:
        again = close_due_months(app.db, clock, app.settings)
    finally:
        event.remove(app.db.engine, "before_cursor_execute", listen)
    # then it tries B again and A is not due: which is read from the accounts' closed_through,
    # never by searching every invoice ever made for the months that are missing
    assert (again.invoices, [s[0] for s in again.skipped]) == (0, [b])
    with app.db.read() as conn:
        closed = dict(conn.execute(select(t.accounts.c.id, t.accounts.c.closed_through)).all())
    assert closed == {a: BillingMonth.parse("2026-01").index, b: None}
    finding = [s for s in sent if "FROM accounts" in s and "invoices" not in s]
    assert finding and not [s for s in sent if "max(invoices.billing_month)" in s.lower()]
