"""Test clocks (issue 9 item 7), through the API of one server in test mode: a clock started in
the past or the future, accounts opened on it dated by it, an advance that runs the due jobs of
its accounts alone (R15 close, R19 collection and suspension), and the sandbox gateway's faults
set and its charges read from outside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fleetbill.services.events import publish_events
from tests.integration.test_api import account, catalog, counts, device, ok, problem

# The server's own (test) clock is at 2026-01-05 (tests/conftest.START); these clocks are not.
PAST = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
FUTURE = datetime(2027, 5, 20, 0, 0, tzinfo=UTC)
VISA, DECLINES = "4242424242424242", "4000000000000341"


def clock(api, at: datetime, name: str = "") -> dict:
    return ok(api.post("/v1/test-clocks", json={"frozen_time": at.isoformat(), "name": name}), 201)


def advance(api, clock_id: str, to: datetime) -> dict:
    return ok(api.post(f"/v1/test-clocks/{clock_id}/advance", json={"frozen_time": to.isoformat()}))


def card(api, account_id: str, number: str = VISA) -> dict:
    token = ok(api.post("/v1/sandbox/tokens", json={"number": number, "exp_month": 12, "exp_year": 2030}))["token"]
    return ok(api.post(f"/v1/accounts/{account_id}/cards", json={"token": token}), 201)


def invoices(api, account_id: str) -> list[dict]:
    return ok(api.get(f"/v1/accounts/{account_id}/invoices"))


def customer_of(app, account_id: str) -> str:
    from sqlalchemy import select

    from fleetbill.adapters.db import schema_payments as p

    bs = p.billing_settings
    with app.db.read() as conn:
        return conn.execute(select(bs.c.gateway_customer).where(bs.c.account_id == account_id)).scalar_one()


def test_r15_r19_an_account_on_a_clock_in_the_past_is_dated_closed_and_charged_by_it(api, app):
    """R1 R2 R15 R19: the account, its devices and switches are dated at the clock's frozen time;
    advancing past the month's end closes March 2025 at midnight in Tokyo (3 devices Active at once:
    300 JPY + 10% tax = 330) and charges the card once, while the server stands in 2026."""
    catalog(api)
    c = clock(api, PAST, "March 2025")
    assert (c["frozen_time"], c["status"], c["accounts"]) == ("2025-03-10T09:00:00Z", "ready", 0)
    a = account(api, test_clock=c["id"])
    got = ok(api.get(f"/v1/accounts/{a}"))
    assert (got["test_clock"], got["created_at"]) == (c["id"], "2025-03-10T09:00:00Z")
    card(api, a)
    devices = [device(api, a) for _ in range(3)]
    assert {d["registered_at"] for d in devices} == {"2025-03-10T09:00:00Z"}

    advance(api, c["id"], datetime(2025, 3, 20, tzinfo=UTC))
    ok(api.post(f"/v1/devices/{devices[0]['id']}/status", json={"active": False}))
    history = ok(api.get(f"/v1/devices/{devices[0]['id']}/history"))
    assert (history[-1]["active"], history[-1]["effective_at"]) == (False, "2025-03-20T00:00:00Z")
    usage = ok(api.get(f"/v1/accounts/{a}/usage"))
    assert (usage["month"], usage["billable_devices"], usage["active_now"]) == ("2025-03", {"esp32": 3}, {"esp32": 2})

    report = advance(api, c["id"], datetime(2025, 4, 2, tzinfo=UTC))
    assert (report["invoices"], report["billed"], report["paid"]) == (1, 330, 1)
    assert report["test_clock"]["frozen_time"] == "2025-04-02T00:00:00Z"
    assert report["stops"] == 14  # each midnight in Tokyo from March 21st to April 2nd (12), and the target
    (march,) = invoices(api, a)
    assert (march["billing_month"], march["subtotal"], march["tax_total"], march["total"]) == ("2025-03", 300, 30, 330)
    assert march["status"] == "paid" and march["amount_paid"] == 330
    assert march["issued_at"] == "2025-03-31T15:00:00Z"  # April 1st, 00:00 in Tokyo: the close's stop
    assert [x["attempted_at"] for x in march["attempts"]] == ["2025-03-31T15:00:00Z"]
    charges = ok(api.get("/v1/sandbox/charges", params={"customer": customer_of(app, a)}))
    assert [(x["amount"], x["invoice_id"]) for x in charges] == [(330, march["id"])]


def test_r15_timelines_do_not_touch_each_others_accounts(api, app):
    """R15: the server's due jobs leave a clock's account alone (its months are not closed by the
    server's 2026), and advancing one clock closes none of another clock's or the server's."""
    catalog(api)
    past, future = clock(api, PAST), clock(api, FUTURE)
    on_past, on_future, on_server = (
        account(api, test_clock=past["id"]),
        account(api, test_clock=future["id"]),
        account(api),
    )
    for a in (on_past, on_future, on_server):
        device(api, a)
    assert ok(api.get(f"/v1/accounts/{on_future}"))["created_at"] == "2027-05-20T00:00:00Z"

    ok(api.post("/v1/test-clock", json={"now": "2026-03-02T00:00:00Z"}))
    jobs = ok(api.post("/v1/test-clock/run-due-jobs"))
    assert jobs["close"]["invoices"] == 2  # the server's account: January and February 2026
    assert [i["billing_month"] for i in invoices(api, on_server)] == ["2026-02", "2026-01"]
    assert invoices(api, on_past) == [] and invoices(api, on_future) == []

    report = advance(api, past["id"], datetime(2025, 5, 1, tzinfo=UTC))
    assert report["invoices"] == 2  # March and April (which ends on April 30th, 15:00 UTC)
    assert [i["billing_month"] for i in invoices(api, on_past)] == ["2025-04", "2025-03"]
    assert invoices(api, on_future) == [] and len(invoices(api, on_server)) == 2
    listed = {c["id"]: (c["frozen_time"], c["accounts"]) for c in ok(api.get("/v1/test-clocks"))}
    assert listed == {past["id"]: ("2025-05-01T00:00:00Z", 1), future["id"]: ("2027-05-20T00:00:00Z", 1)}


def test_r19_a_declined_card_is_retried_on_the_clock_and_the_account_suspended(api, app):
    """R19: a card that declines every charge is tried on days 0, 3, 7 and 14 of the clock's
    time, then the account is suspended; the events carry the clock's instants."""
    catalog(api)
    c = clock(api, PAST)
    a = account(api, test_clock=c["id"])
    card(api, a, DECLINES)
    device(api, a)
    advance(api, c["id"], datetime(2025, 4, 20, tzinfo=UTC))
    (march,) = invoices(api, a)
    assert [x["attempted_at"][:10] for x in march["attempts"]] == [
        "2025-03-31",
        "2025-04-03",
        "2025-04-07",
        "2025-04-14",
    ]
    assert {x["outcome"] for x in march["attempts"]} == {"declined"}
    assert (march["status"], march["amount_left"], march["collection"]["state"]) == ("open", 110, "failed")
    assert ok(api.get(f"/v1/accounts/{a}/entitlements"))["suspended"] is True
    publish_events(app.db, app.clock.now())
    events = ok(api.get("/v1/events", params={"account_id": a, "type": "account.suspended"}))["data"]
    assert [e["occurred_at"] for e in events] == ["2025-04-14T15:00:00Z"]  # the 4th try, 14 days after the 1st


def test_r15_an_advance_that_cannot_be_made_is_refused_and_changes_nothing(api, app):
    """R4, R15: a clock never goes back, moves at most 366 days a call, and an unknown clock is a
    404; each is a 4xx that says what to do, and nothing is written."""
    catalog(api)
    c = clock(api, PAST)
    account(api, test_clock=c["id"])
    before = counts(app.db)
    back = problem(api.post(f"/v1/test-clocks/{c['id']}/advance", json={"frozen_time": "2025-03-01T00:00:00Z"}), 422)
    assert "only moves forward" in back["detail"]
    far = (PAST + timedelta(days=367)).isoformat()
    assert (
        "366 days" in problem(api.post(f"/v1/test-clocks/{c['id']}/advance", json={"frozen_time": far}), 422)["detail"]
    )
    problem(api.post("/v1/test-clocks/clock_nope/advance", json={"frozen_time": "2026-01-01T00:00:00Z"}), 404)
    problem(api.post("/v1/test-clocks", json={"frozen_time": "1999-12-31T00:00:00Z"}), 422)
    body = {
        "name": "X",
        "country": "JP",
        "plan_id": "basic",
        "billing_email": "x@example.com",
        "test_clock": "clock_nope",
    }
    problem(api.post("/v1/accounts", json=body), 404)
    after = counts(app.db)
    assert {k: v for k, v in after.items() if k != "idempotency_records"} == {
        k: v for k, v in before.items() if k != "idempotency_records"
    }
    assert ok(api.get(f"/v1/test-clocks/{c['id']}"))["frozen_time"] == "2025-03-10T09:00:00Z"


def test_r19_sandbox_faults_set_through_the_api_each_take_their_path(api, app):
    """R19: an answer lost after the charge was made is asked again with the same key and found
    paid: one charge, not two; a timeout before charging is tried again and charged once; a
    decline set from outside is a decline with its code."""
    catalog(api)
    c = clock(api, PAST)
    accounts = [account(api, name=f"A{i}", test_clock=c["id"]) for i in range(3)]
    for a in accounts:
        card(api, a)
        device(api, a)
    faults = ok(api.post("/v1/sandbox/faults", json={"fault": "latency", "latency_ms": 20}))
    assert faults == {"next_charge": None, "code": None, "latency_ms": 20}
    assert ok(api.post("/v1/sandbox/faults", json={"fault": "answer_lost"}))["next_charge"] == "answer_lost"
    advance(api, c["id"], datetime(2025, 4, 2, tzinfo=UTC))  # the first charge of the close loses its answer
    assert ok(api.get("/v1/sandbox/faults"))["next_charge"] is None
    paid = [invoices(api, a)[0] for a in accounts]
    assert [i["status"] for i in paid] == ["paid"] * 3
    charged = ok(api.get("/v1/sandbox/charges"))
    assert sorted(x["invoice_id"] for x in charged) == sorted(i["id"] for i in paid)  # one charge each

    other = clock(api, PAST)
    d = account(api, name="D", test_clock=other["id"])
    card(api, d)
    device(api, d)
    ok(api.post("/v1/sandbox/faults", json={"fault": "latency", "latency_ms": 0}))
    ok(api.post("/v1/sandbox/faults", json={"fault": "decline", "code": "do_not_honor"}))
    advance(api, other["id"], datetime(2025, 4, 2, tzinfo=UTC))
    (march_d,) = invoices(api, d)
    (first,) = march_d["attempts"]
    assert (first["outcome"], first["failure_code"]) == ("declined", "do_not_honor")
    assert march_d["status"] == "open" and march_d["collection"]["next_try_at"].startswith("2025-04-03")


def test_r15_an_advancing_clock_holds_changes_and_a_crashed_advance_is_taken_over(api, app):
    """R15: while a clock advances, its accounts' changes and a second advance are a 409 (they would
    be dated at an instant the advance has passed); an advance left by a crash for over ten minutes
    is taken over from where the clock stopped. The database refuses a status the core does not know."""
    import pytest
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from fleetbill.adapters.db import schema as t

    catalog(api)
    c = clock(api, PAST)
    a = account(api, test_clock=c["id"])
    now = app.clock.now()
    with app.db.transaction() as conn:
        conn.execute(
            update(t.test_clocks)
            .where(t.test_clocks.c.id == c["id"])
            .values(status="advancing", advance_started_at=now)
        )
    assert (
        "advancing" in problem(api.post(f"/v1/accounts/{a}/devices", json={"device_type_id": "esp32"}), 409)["detail"]
    )
    refused = api.post(f"/v1/test-clocks/{c['id']}/advance", json={"frozen_time": "2025-04-02T00:00:00Z"})
    assert "advancing since" in problem(refused, 409)["detail"]
    with app.db.transaction() as conn:  # the advance that held it crashed eleven minutes ago
        stale = now - timedelta(minutes=11)
        conn.execute(update(t.test_clocks).where(t.test_clocks.c.id == c["id"]).values(advance_started_at=stale))
    assert advance(api, c["id"], datetime(2025, 3, 12, tzinfo=UTC))["test_clock"]["status"] == "ready"
    device(api, a)
    with pytest.raises(IntegrityError), app.db.transaction() as conn:
        conn.execute(update(t.test_clocks).where(t.test_clocks.c.id == c["id"]).values(status="frozen"))
