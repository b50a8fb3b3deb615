"""The audit log (issue 4, item 4): every money-moving action writes one row in its own
transaction, with who did it and for how much; a refused action writes nothing.

Catalog: esp32 at 100 JPY a device a month; Japan's 10% (R12); accounts in Tokyo signed up at
2026-01-05T03:00Z, so January closes after 2026-01-31T15:00Z.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.domain.errors import BillingError, InvalidInput
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.services.announce_price_change import announce_price_change
from fleetbill.services.bank_transfer import chase_bank_transfers, record_transfer, set_collection_method
from fleetbill.services.close_month import close_due_months
from fleetbill.services.points import expire_points, grant_points
from tests import factories as f

FEB_1 = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)


def log(app) -> list[dict]:
    with app.db.read() as conn:
        rows = conn.execute(select(c.audit_log).order_by(c.audit_log.c.id)).mappings().all()
    return [dict(r) | {"details": json.loads(r["details"])} for r in rows]


@pytest.fixture
def invoiced(app, clock):
    """An account on a plan that pays by bank transfer, with 3 devices all January."""
    f.device_type(app)
    f.plan(app, "invoiced", allow_bank_transfer=True)
    account = f.account(app, "invoiced", name="Kyoto Sensors")
    f.devices(app, account, 3)
    with app.db.transaction() as conn:
        set_collection_method(conn, clock.now(), account, "bank_transfer", "staff:hana@example.jp")
    return account


def test_close_and_a_transfer_in_two_parts_are_logged_with_actor_and_exact_amounts(app, clock, invoiced):
    # given January closed: 3 x 100 + 10% = 330 JPY
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings, actor="staff:hana@example.jp")
    with app.db.transaction() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == invoiced)).one()
    # when two transfers pay it
    with app.db.transaction() as conn:
        record_transfer(conn, clock.now(), invoice.id, 300, "MUFG 0001", "staff:hana@example.jp")
    with app.db.transaction() as conn:
        record_transfer(conn, clock.now(), invoice.id, 30, "MUFG 0002", "staff:ken@example.jp")

    # then the log has the method change, the close and both payments, in order
    rows = [(r["actor"], r["action"], r["account_id"], r["subject"], r["amount"]) for r in log(app)]
    assert rows[-4:] == [
        ("staff:hana@example.jp", "collection_method.changed", invoiced, "bank_transfer", None),
        ("staff:hana@example.jp", "close.run", None, "2026-01", 330),
        ("staff:hana@example.jp", "payment.received", invoiced, invoice.number, 300),
        ("staff:ken@example.jp", "payment.received", invoiced, invoice.number, 30),
    ]
    assert log(app)[-1]["details"] == {"method": "bank_transfer", "reference": "MUFG 0002"}
    assert log(app)[-1]["currency"] == "JPY"


def test_a_refused_transfer_writes_nothing_to_the_log(app, clock, invoiced):
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings)
    with app.db.transaction() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == invoiced)).one()
    before = log(app)
    # when more than is left is recorded, the whole transaction is refused
    with pytest.raises(InvalidInput, match="more than the 330 JPY left"), app.db.transaction() as conn:
        record_transfer(conn, clock.now(), invoice.id, 331, "MUFG 0001", "staff:hana@example.jp")
    assert log(app) == before


def test_r16_points_granted_and_expired_are_logged(app, clock, invoiced):
    expires = clock.now() + timedelta(days=10)
    with app.db.transaction() as conn:
        grant = grant_points(conn, clock.now(), invoiced, 500, "outage apology", "staff:ken@example.jp", expires)
    clock.set(expires + timedelta(seconds=1))
    with app.db.transaction() as conn:
        assert expire_points(conn, clock.now()) == 500
    granted, expired = log(app)[-2:]
    assert (granted["action"], granted["amount"], granted["actor"], granted["account_id"]) == (
        "points.granted",
        500,
        "staff:ken@example.jp",
        invoiced,
    )
    assert (granted["details"]["reason"], granted["details"]["grant"]) == ("outage apology", grant["id"])
    assert (expired["action"], expired["amount"], expired["details"]["grant"]) == ("points.expired", -500, grant["id"])


def test_r9_a_price_version_and_r12_a_tax_rate_are_logged_and_a_refused_one_is_not(app, clock, invoiced):
    april, february, staff = BillingMonth.parse("2026-04"), BillingMonth.parse("2026-02"), "staff:ken@x.jp"
    with app.db.transaction() as conn:
        announce_price_change(conn, clock.now(), "invoiced", april, 0, {"esp32": [Tier(None, 120)]}, staff)
    entry = log(app)[-1]
    assert (entry["action"], entry["subject"], entry["actor"]) == ("price_version.announced", "invoiced", staff)
    assert entry["details"]["prices"] == {"esp32": [[None, 120]]}
    assert entry["details"]["effective_month"] == "2026-04"
    before = log(app)
    # R9: February is inside the 30-day notice
    with pytest.raises(BillingError, match="notice"), app.db.transaction() as conn:
        announce_price_change(conn, clock.now(), "invoiced", february, 0, {"esp32": [Tier(None, 90)]}, staff)
    assert log(app) == before
    f.tax_rate(app, "JP", "0.12", datetime(2027, 4, 1, tzinfo=UTC))
    entry = log(app)[-1]
    assert (entry["action"], entry["subject"], entry["details"]["rate"]) == ("tax_rate.added", "JP", "0.12")


def test_r19_a_suspension_and_the_transfer_that_lifts_it_are_logged_with_who_did_them(app, clock, invoiced):
    # given January's 330 JPY by transfer, due by the end of February (Tokyo), unpaid past the grace
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings)
    with app.db.transaction() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == invoiced)).one()
    clock.set(datetime(2026, 3, 15, 0, 0, tzinfo=UTC))  # 14 days after March 1 in Tokyo, and a bit
    with app.db.transaction() as conn:
        chase_bank_transfers(conn, clock.now(), app.settings.bank_transfer_grace_days)
    # when the transfer arrives and is recorded by a person
    with app.db.transaction() as conn:
        record_transfer(conn, clock.now(), invoice.id, 330, "MUFG late", "staff:hana@example.jp")
    # then the log says the worker suspended it and this person's transfer reinstated it
    rows = [(r["actor"], r["action"], r["subject"], r["amount"]) for r in log(app) if r["account_id"] == invoiced]
    assert rows[-3:] == [
        ("worker", "account.suspended", invoice.number, None),
        ("staff:hana@example.jp", "payment.received", invoice.number, 330),
        ("staff:hana@example.jp", "account.reinstated", None, None),
    ]


def test_r15_a_collection_run_is_logged_with_what_it_did(app, clock):
    from fleetbill.adapters.gateway.sandbox import tokenize
    from fleetbill.domain.dunning import RetryPolicy
    from fleetbill.services.cards import add_card
    from fleetbill.services.collect_invoice import collect_due

    f.device_type(app)
    f.plan(app)
    acme = f.account(app)
    f.devices(app, acme, 2)
    add_card(app.db, app.gateway, clock, acme, tokenize("4242424242424242", 12, 2030, "123"))
    clock.set(FEB_1)
    close_due_months(app.db, clock, app.settings)
    collect_due(app.db, app.gateway, clock, RetryPolicy(), actor="staff:ken@example.jp")
    paid, run = log(app)[-2:]
    assert (paid["action"], paid["actor"], paid["amount"]) == ("payment.received", "gateway", 220)
    assert (run["action"], run["actor"]) == ("collection.run", "staff:ken@example.jp")
    assert run["details"] == {"invoices": 1, "paid": 1, "declined": 0, "unknown": 0, "suspended": 0}


def test_an_action_the_log_does_not_know_is_refused(app):
    from fleetbill.adapters.db.audit import audit

    with pytest.raises(ValueError, match="unknown audit action"), app.db.transaction() as conn:
        audit(conn, app.clock.now(), "test", "points.grnated")
