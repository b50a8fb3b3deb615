"""The event outbox and the events API (R22), on the real database, through the API.

Catalog as in test_plan_changes (Asia/Tokyo, 10% rounded down): pro has a 3,000 JPY monthly fee
and esp32 at 50 JPY; an account on pro from the 5th pays a prorated purchase of 2,873 JPY.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_events as e
from fleetbill.domain.events import EventType, NewEvent
from fleetbill.services import close_month as close_module
from fleetbill.services.close_month import close_due_months
from fleetbill.services.events import publish_events, purge_events, record
from tests.conftest import on_postgres
from tests.integration.test_collection import ok, problem
from tests.integration.test_plan_changes import JAN_CLOSE


def events(api, **query) -> list[dict]:
    """Every published event the API lists for `query`, paging two at a time."""
    found, cursor = [], None
    while True:
        page = ok(api.get("/v1/events", params={**query, "limit": 2} | ({"cursor": cursor} if cursor else {})))
        found += page["data"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return found


def stored(app, type_: str) -> int:
    """How many events of `type_` are recorded, published or not."""
    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(e.events).where(e.events.c.type == type_)).scalar_one()


def test_r22_r15_every_invoice_finalized_is_an_event_numbered_per_account_with_the_invoice_in_full(plans, app):
    # given: two accounts on pro with 3 esp32 (each bought pro: a purchase invoice of 2,873)
    acme, beta = plans.account("pro", name="Acme"), plans.account("pro", name="Beta")
    for account in (acme, beta):
        plans.devices(account, 3)

    # when: January closes; nothing is listed until the events are published
    plans.at(JAN_CLOSE)
    close_due_months(app.db, app.clock, app.settings)
    assert events(plans.api) == [] and stored(app, "invoice.finalized") == 4
    publish_events(app.db, app.clock.now())

    # then: each account's stream holds its purchase (1) then its January (2), with the invoice in full:
    # January is 3 x 50 = 150 + February's fee 3,000 = 3,150; tax 315; 3,465
    for account in (acme, beta):
        stream = events(plans.api, account_id=account)
        assert [(x["type"], x["sequence"]) for x in stream] == [
            ("account.created", 1),
            ("invoice.finalized", 2),  # pro's purchase
            ("device.registered", 3),
            ("device.registered", 4),
            ("device.registered", 5),
            ("invoice.finalized", 6),  # January
        ]
        listed = events(plans.api, account_id=account, type="invoice.finalized")
        assert {x["account_id"] for x in listed} == {account}
        purchase, january = (x["data"]["invoice"] for x in listed)
        assert (purchase["kind"], purchase["total"]) == ("purchase", 2_873)
        assert (january["billing_month"], january["subtotal"], january["tax_total"], january["total"]) == (
            "2026-01",
            3_150,
            315,
            3_465,
        )
        assert [(x["kind"], x["amount"]) for x in january["lines"]] == [("usage", 150), ("fixed_fee", 3_000)]
        assert january["account_id"] == account and listed[1]["id"].startswith("evt_")
    # and GET /v1/events/{id} gives the same event
    one = events(plans.api, account_id=acme, type="invoice.finalized")[1]
    assert ok(plans.api.get(f"/v1/events/{one['id']}")) == one


def test_r22_a_close_that_fails_leaves_neither_its_invoices_nor_their_events(plans, app, monkeypatch):
    # given: an account with January ended, and a close that fails after recording its events
    plans.devices(plans.account("starter"), 2)
    plans.at(JAN_CLOSE)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(close_module, "audit", broken)

    # when: the close runs and fails
    with pytest.raises(RuntimeError):
        close_due_months(app.db, app.clock, app.settings)

    # then: no invoice and no event: they commit together or not at all
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.invoices)).scalar_one() == 0
    assert stored(app, "invoice.finalized") == 0


def test_r22_the_events_api_filters_by_type_account_and_time(plans, app):
    # given: events of two types, for two accounts and the operator, at two instants
    acme, beta = plans.account("starter", name="Acme"), plans.account("starter", name="Beta")
    first = app.clock.now()
    later = first + timedelta(hours=2)
    with app.db.transaction() as conn:
        record(conn, first, NewEvent(EventType.POINTS_GRANTED, acme, {"amount": 500}))
        record(conn, later, NewEvent(EventType.POINTS_EXPIRED, acme, {"amount": 200}))
        record(conn, later, NewEvent(EventType.POINTS_GRANTED, beta, {"amount": 100}))
        record(conn, later, NewEvent(EventType.WEBHOOK_ENDPOINT_DISABLED, None, {"endpoint": "we_1"}))
    publish_events(app.db, later)

    def listed(**query):
        return [(x["type"], x["account_id"], x["data"].get("amount")) for x in events(plans.api, **query)]

    # then: each filter keeps what it names, in the order of publication
    assert listed(type="points.granted") == [("points.granted", acme, 500), ("points.granted", beta, 100)]
    assert listed(type="points.granted,points.expired", account_id=acme) == [
        ("points.granted", acme, 500),
        ("points.expired", acme, 200),
    ]
    assert listed(since=later.isoformat(), type="points.granted") == [("points.granted", beta, 100)]
    assert listed(until=later.isoformat(), type="points.granted") == [("points.granted", acme, 500)]
    assert [x for x, _, _ in listed(account_id=beta)] == ["account.created", "points.granted"]
    [operator] = [x for x in events(plans.api) if x["account_id"] is None]
    assert (operator["type"], operator["sequence"]) == ("webhook_endpoint.disabled", 1)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ({"type": "invoice.payed"}, "unknown event type 'invoice.payed'; the types are: account.created"),
        ({"cursor": "abc"}, "cursor is not one this API gave"),
        ({"since": "2026-01-01T00:00:00"}, None),  # no offset: which instant is it?
        ({"limit": 0}, None),
    ],
)
def test_r22_a_bad_events_query_is_a_422_that_says_why(plans, query, detail):
    answer = problem(plans.api.get("/v1/events", params=query), 422)
    if detail:
        assert answer["detail"].startswith(detail)


@pytest.mark.skipif(not on_postgres(), reason="a transaction committing after a later one: PostgreSQL")
def test_r22_a_reader_paging_with_the_cursor_never_skips_an_event_that_committed_late(plans, app):
    # given: an event whose transaction stays open while a later one commits and is published
    acme = plans.account("starter")
    now = app.clock.now()
    granted = {"account_id": acme, "type": "points.granted"}
    slow = app.db.engine.connect()
    try:
        slow_tx = slow.begin()
        record(slow, now, NewEvent(EventType.POINTS_GRANTED, acme, {"amount": 1}))  # the smaller id
        with app.db.transaction() as conn:
            record(conn, now, NewEvent(EventType.POINTS_GRANTED, acme, {"amount": 2}))
        publish_events(app.db, now)
        page = ok(plans.api.get("/v1/events", params=granted))
        assert [x["data"]["amount"] for x in page["data"]] == [2]

        # when: the slow one commits, is published, and the reader goes on from its cursor
        slow_tx.commit()
    finally:
        slow.close()
    publish_events(app.db, now)
    cursor = str(max(_positions(app)) - 1)
    after = ok(plans.api.get("/v1/events", params=granted | {"cursor": cursor}))

    # then: it is there, numbered after the one published before it (account.created is 1)
    assert [(x["data"]["amount"], x["sequence"]) for x in after["data"]] == [(1, 3)]


def _positions(app) -> list[int]:
    with app.db.read() as conn:
        return list(conn.execute(select(e.events.c.position)).scalars())


@pytest.mark.skipif(not on_postgres(), reason="two publishers at once: PostgreSQL (SQLite has one writer)")
def test_r22_two_publishers_at_once_give_each_number_once(plans, app):
    # given: 300 events for one account, recorded in 30 transactions
    acme = plans.account("starter")
    now = app.clock.now()
    for n in range(30):
        with app.db.transaction() as conn:
            record(conn, now, *(NewEvent(EventType.POINTS_GRANTED, acme, {"n": n * 10 + i}) for i in range(10)))
    # when: two publishers run at once
    start = threading.Barrier(2)
    counts = []

    def publisher():
        start.wait()
        counts.append(publish_events(app.db, now))

    threads = [threading.Thread(target=publisher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    publish_events(app.db, now)  # whatever the loser left

    # then: 1 (account.created), then 2..301, each once, in the order they were recorded
    with app.db.read() as conn:
        numbers = conn.execute(select(e.events.c.sequence).order_by(e.events.c.id)).scalars().all()
    assert numbers == list(range(1, 302))


def test_r22_publishing_hands_each_event_to_the_enabled_endpoints_that_take_its_type(plans, app):
    # given: an endpoint for every type, one for invoices only, and a disabled one
    now = app.clock.now()
    acme = plans.account("starter")
    with app.db.transaction() as conn:
        for endpoint, types, enabled in (("we_all", "", True), ("we_inv", "invoice.paid", True), ("we_off", "", False)):
            conn.execute(
                insert(e.webhook_endpoints),
                dict(
                    id=endpoint,
                    url="https://example.com/hooks",
                    event_types=types,
                    secret="whsec_x",
                    enabled=enabled,
                    created_at=now,
                ),
            )
        record(conn, now, NewEvent(EventType.INVOICE_PAID, acme, {}), NewEvent(EventType.POINTS_GRANTED, acme, {}))
    # when: they are published
    publish_events(app.db, now)
    # then: every type goes to we_all, invoice.paid also to we_inv, nothing to the disabled one
    d, ev = e.webhook_deliveries, e.events
    with app.db.read() as conn:
        rows = conn.execute(
            select(d.c.endpoint_id, ev.c.type, d.c.state)
            .join(ev, ev.c.id == d.c.event_id)
            .where(ev.c.type.in_(["invoice.paid", "points.granted"]))
            .order_by(d.c.endpoint_id, ev.c.type)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("we_all", "invoice.paid", "pending"),
        ("we_all", "points.granted", "pending"),
        ("we_inv", "invoice.paid", "pending"),
    ]


def test_r22_events_are_kept_ninety_days(plans, app):
    # given: an event published on February 1st
    acme = plans.account("starter")
    then = datetime(2026, 2, 1, tzinfo=UTC)
    with app.db.transaction() as conn:
        record(conn, then, NewEvent(EventType.POINTS_GRANTED, acme, {}))
    publish_events(app.db, then)
    # when: the purge runs 89 days later, then 91
    with app.db.transaction() as conn:
        kept = purge_events(conn, then + timedelta(days=89))
    with app.db.transaction() as conn:
        gone = purge_events(conn, then + timedelta(days=91))
    # then: kept, then gone (the account's creation, on January 5th, went at the first purge)
    assert (kept, gone, stored(app, "points.granted"), stored(app, "account.created")) == (1, 1, 0, 0)


def test_r22_a_reader_that_has_read_everything_resumes_from_its_cursor_later(plans, app):
    # given: an account's two events, read to the end (a page not full)
    acme = plans.account("starter")
    now = app.clock.now()
    with app.db.transaction() as conn:
        record(conn, now, NewEvent(EventType.POINTS_GRANTED, acme, {"amount": 1}))
    publish_events(app.db, now)
    first = ok(plans.api.get("/v1/events", params={"account_id": acme, "limit": 10}))
    assert (len(first["data"]), first["has_more"]) == (2, False) and first["next_cursor"] is not None
    # when: nothing new, then one more event; the reader comes back with the cursor it kept
    idle = ok(plans.api.get("/v1/events", params={"account_id": acme, "cursor": first["next_cursor"]}))
    with app.db.transaction() as conn:
        record(conn, now, NewEvent(EventType.POINTS_GRANTED, acme, {"amount": 2}))
    publish_events(app.db, now)
    later = ok(plans.api.get("/v1/events", params={"account_id": acme, "cursor": idle["next_cursor"]}))
    # then: an empty page keeps its place; then exactly the new event
    assert (idle["data"], idle["next_cursor"]) == ([], first["next_cursor"])
    assert [x["data"]["amount"] for x in later["data"]] == [2]


@pytest.mark.parametrize("cursor", ["99999999999999999999", "9" * 18 + "9"])
def test_r22_a_cursor_too_large_for_any_event_is_a_422_not_a_500(plans, cursor):
    problem(plans.api.get("/v1/events", params={"cursor": cursor}), 422)
