"""R20 (issue 12 item 4): a budget that warns. The month's projected bill (the peak so far and the
devices Active now kept to the month's end, fees and tax, less points) is checked against the
account's budget, or its plan's default; reaching 80% and 100% is told once per threshold and
month: an email in the account's language through a real SMTP server (aiosmtpd), and the
budget.threshold_reached event the webhooks deliver.

Catalog: esp32 at 1,000 JPY a device a month, Japan's 10% tax: each device Active adds 1,100 JPY
to the projection. Accounts in Tokyo signed up 2026-01-05T03:00Z; budget 10,000 JPY: 80% is
8,000 (reached by the 8th device, 8,800), 100% by the 10th (11,000)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db.schema_budgets import budget_thresholds
from fleetbill.domain.rating import Tier
from fleetbill.services.budgets import check_recent_budgets
from fleetbill.services.points import grant_points
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f
from tests.integration.test_console import audit_rows, books, browser_client, console, post_form  # noqa: F401 (fixtures)
from tests.integration.test_notification_email import content, start_smtp  # noqa: F401 (the SMTP fixture)

FEB_1_TOKYO = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)  # 2026-02-01 00:00 in Tokyo


@pytest.fixture
def smtp(start_smtp):  # noqa: F811 (the fixture imported above)
    return start_smtp()


@pytest.fixture
def catalog(app):
    f.device_type(app)
    f.plan(app, "basic", {"esp32": [Tier(None, 1000)]})
    return "basic"


def _run(app, mailer=None):
    return run_due_jobs(app.db, app.clock, app.settings, app.gateway, mailer=mailer)


def _told(app, account_id: str) -> list[tuple[int, int, int, int]]:
    """(month index, threshold, projection, budget) rows, in order."""
    bt = budget_thresholds
    with app.db.read() as conn:
        rows = conn.execute(
            select(bt.c.month, bt.c.threshold, bt.c.projection, bt.c.budget)
            .where(bt.c.account_id == account_id)
            .order_by(bt.c.month, bt.c.threshold)
        ).all()
    return [tuple(r) for r in rows]


def _events(api, account_id: str) -> list[dict]:
    page = api.get("/v1/events", params={"type": "budget.threshold_reached", "account_id": account_id}).json()
    return [e["data"] for e in page["data"]]


def test_r20_thresholds_are_told_once_each_not_again_after_a_switch_off_and_on_and_again_next_month(
    app, api, catalog, smtp
):
    inbox, mailer = smtp
    # given an account reading Japanese with a budget of 10,000 JPY and 7 devices Active (7,700 JPY)
    acme = f.account(app, "basic", name="さくらロボティクス", billing_email="keiri@sakura.example.jp", language="ja")
    assert api.put(f"/v1/accounts/{acme}/budget", json={"amount": 10_000}).status_code == 200
    devices = f.devices(app, acme, 7)
    _run(app, mailer)
    assert _told(app, acme) == [] and inbox.messages == []
    # when the 8th device is registered (8,800 JPY: 88%) and the worker runs
    app.clock.set(app.clock.now() + timedelta(days=2))
    devices += f.devices(app, acme, 1)
    report = _run(app, mailer)
    # then 80% is told once: its row, its email in Japanese, its event
    january = 2026 * 12 + 0
    assert report.budgets_told == 1
    assert [(m, th, p, b) for m, th, p, b in _told(app, acme)] == [(january, 80, 8_800, 10_000)]
    [(to, message)] = inbox.messages
    assert to == ["keiri@sakura.example.jp"]
    assert message["Subject"] == "[fleetbill] 2026年1月分のご請求見込み額が予算の80%に達しました（8,800円）"
    body = content(message)
    assert "予算: 10,000円" in body and "ご請求見込み額（税込、ポイント充当後）: 8,800円" in body
    assert "予算に対する割合: 88%" in body
    # when a device is switched off and on again, and three more off then on: the peak stays 8
    app.clock.set(app.clock.now() + timedelta(hours=3))
    f.switch(app, acme, devices[:1], False)
    f.switch(app, acme, devices[:1], True)
    f.switch(app, acme, devices[1:4], False)
    app.clock.set(app.clock.now() + timedelta(hours=1))
    f.switch(app, acme, devices[1:4], True)
    assert _run(app, mailer).budgets_told == 0
    # then nothing is told again
    assert len(_told(app, acme)) == 1 and len(inbox.messages) == 1
    # when the 9th and 10th devices come (11,000 JPY: 110%)
    f.devices(app, acme, 2)
    assert _run(app, mailer).budgets_told == 1
    assert _run(app, mailer).budgets_told == 0  # and a run after it tells nothing
    # then 100% is told, once
    assert [th for _, th, _, _ in _told(app, acme)] == [80, 100]
    assert len(inbox.messages) == 2
    said = inbox.messages[1][1]["Subject"]
    assert said == "[fleetbill] 2026年1月分のご請求見込み額が予算の100%に達しました（11,000円）"
    # when February begins in Tokyo with the 10 devices still Active (January is closed)
    app.clock.set(FEB_1_TOKYO + timedelta(hours=1))
    report = _run(app, mailer)
    # then February's projection (11,000) is told again at both thresholds: one email each
    assert report.close.invoices == 1 and report.budgets_told == 2
    assert [(m - january, th, p) for m, th, p, _ in _told(app, acme)] == [
        (0, 80, 8_800),
        (0, 100, 11_000),
        (1, 80, 11_000),
        (1, 100, 11_000),
    ]
    february = [m["Subject"] for _, m in inbox.messages if "2026年2月分のご請求見込み額" in m["Subject"]]
    assert february == [
        "[fleetbill] 2026年2月分のご請求見込み額が予算の80%に達しました（11,000円）",
        "[fleetbill] 2026年2月分のご請求見込み額が予算の100%に達しました（11,000円）",
    ]
    # and the operator's platform got each as budget.threshold_reached (GET /v1/events, the webhooks)
    told = _events(api, acme)
    assert [(e["billing_month"], e["threshold"], e["projection"], e["budget"]) for e in told] == [
        ("2026-01", 80, 8_800, 10_000),
        ("2026-01", 100, 11_000, 10_000),
        ("2026-02", 80, 11_000, 10_000),
        ("2026-02", 100, 11_000, 10_000),
    ]
    assert told[0] | {"reached_at": None} == dict(
        threshold=80,
        billing_month="2026-01",
        currency="JPY",
        budget=10_000,
        budget_source="account",
        projection=8_800,
        projected_total=8_800,
        points_applied=0,
        share=88,
        reached_at=None,
    )


def test_r20_the_database_refuses_a_threshold_told_twice_in_a_month(app, catalog):
    acme = f.account(app, "basic")
    row = dict(account_id=acme, month=24_312, threshold=80, reached_at=app.clock.now(), projection=1, budget=1)
    with app.db.transaction() as conn:
        conn.execute(insert(budget_thresholds), row)
    with pytest.raises(IntegrityError), app.db.transaction() as conn:
        conn.execute(insert(budget_thresholds), row | dict(projection=2))


def test_r20_the_plans_default_budget_applies_to_accounts_that_set_none(app, api, catalog):
    # given two accounts on "basic" with 9 devices Active each (9,900 JPY), one with its own budget
    own = f.account(app, "basic", name="Own budget")
    plain = f.account(app, "basic", name="No budget")
    for account in (own, plain):
        f.devices(app, account, 9)
    api.put(f"/v1/accounts/{own}/budget", json={"amount": 50_000})
    _run(app)
    assert _told(app, own) == _told(app, plain) == []
    # when the operator sets the plan's default budget to 12,000 JPY (9,900 is 82%)
    answer = api.put("/v1/plans/basic/default-budget", json={"default_budget": 12_000})
    assert answer.status_code == 200 and answer.json()["default_budget"] == 12_000
    assert api.get("/v1/plans/basic").json()["default_budget"] == 12_000
    # then the account with none is checked against it at once and told 80%; the other is not
    assert [(th, p, b) for _, th, p, b in _told(app, plain)] == [(80, 9_900, 12_000)]
    assert _told(app, own) == []
    budget = api.get(f"/v1/accounts/{plain}/budget").json()
    assert budget["amount"] is None and budget["plan_default"] == 12_000
    assert budget["effective"] == {"amount": 12_000, "source": "plan"}
    assert (budget["projection"], budget["share"], budget["billing_month"]) == (9_900, 82, "2026-01")
    assert [r["threshold"] for r in budget["reached"]] == [80]
    assert api.get(f"/v1/accounts/{own}/budget").json()["effective"] == {"amount": 50_000, "source": "account"}
    _run(app)
    assert [e["budget_source"] for e in _events(api, plain)] == ["plan"]


def test_r20_the_projection_is_the_estimate_with_fee_and_tax_less_points(app, api):
    # given a plan with tiers (first 2 free, then 1,000 JPY) and 3 devices, 500 points to use
    f.device_type(app)
    f.plan(app, "tiered", {"esp32": [Tier(2, 0), Tier(None, 1000)]})
    acme = f.account(app, "tiered")
    f.devices(app, acme, 3)
    with app.db.transaction() as conn:
        grant_points(
            conn, app.clock.now(), acme, 500, "welcome", "test", expires_at=app.clock.now() + timedelta(days=90)
        )
    # when a budget of 600 JPY is set: the projection is 1,100 - 500 = 600, 100% at once
    budget = api.put(f"/v1/accounts/{acme}/budget", json={"amount": 600}).json()
    usage = api.get(f"/v1/accounts/{acme}/usage").json()["estimate"]
    # then it is the usage estimate's amount due, to the yen, and both thresholds were told with the change
    assert (usage["total"], usage["points_applied"], usage["amount_due"]) == (1_100, 500, 600)
    assert (budget["projection"], budget["share"]) == (600, 100)
    assert [r["threshold"] for r in budget["reached"]] == [80, 100]


@pytest.mark.parametrize(
    "amount",
    [-1, 0, 1.5, "5000", True, 10**12 + 1, [5000]],
    ids=["negative", "zero", "fraction", "text", "boolean", "absurd", "list"],
)
def test_r20_a_budget_that_is_not_a_whole_positive_number_of_yen_is_refused_and_nothing_written(
    app, api, catalog, amount
):
    acme = f.account(app, "basic")
    api.put(f"/v1/accounts/{acme}/budget", json={"amount": 7_000})
    answer = api.put(f"/v1/accounts/{acme}/budget", json={"amount": amount})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert api.get(f"/v1/accounts/{acme}/budget").json()["amount"] == 7_000
    answer = api.put("/v1/plans/basic/default-budget", json={"default_budget": amount})
    assert answer.status_code == 422
    assert api.get("/v1/plans/basic").json()["default_budget"] is None


def test_r20_budget_requests_name_what_is_missing(app, api, catalog):
    acme = f.account(app, "basic")
    assert api.put(f"/v1/accounts/{acme}/budget", json={}).status_code == 422
    assert api.put("/v1/accounts/nope/budget", json={"amount": 1}).status_code == 404
    assert api.put("/v1/plans/nope/default-budget", json={"default_budget": 1}).status_code == 404
    # null removes the budget; an account with none (and no plan default) has nothing in force
    api.put(f"/v1/accounts/{acme}/budget", json={"amount": 1_000})
    budget = api.put(f"/v1/accounts/{acme}/budget", json={"amount": None}).json()
    assert (budget["amount"], budget["effective"], budget["share"]) == (None, None, None)
    with app.db.read() as conn:
        assert conn.execute(select(t.accounts.c.budget).where(t.accounts.c.id == acme)).scalar() is None


def test_r20_between_runs_the_worker_checks_only_the_accounts_that_turned_a_device_active(app, api, catalog):
    # given two accounts with a budget of 10,000 JPY: one turns its 9th device Active after the last look
    busy, quiet = f.account(app, "basic", name="Busy"), f.account(app, "basic", name="Quiet")
    for account in (busy, quiet):
        api.put(f"/v1/accounts/{account}/budget", json={"amount": 10_000})
        f.devices(app, account, 8)  # 8,800 JPY: 88%, already past 80%
    app.clock.set(app.clock.now() + timedelta(minutes=10))
    last_look = app.clock.now()
    app.clock.set(last_look + timedelta(seconds=5))
    f.devices(app, busy, 2)  # 11,000 JPY
    # when the worker's tick looks at what changed since its last look
    with app.db.transaction() as conn:
        told = check_recent_budgets(conn, app.clock.now(), app.settings, last_look)
    # then the busy account is told 80% and 100% at once; the quiet one waits for the due jobs' run
    assert told == 2
    assert [th for _, th, _, _ in _told(app, busy)] == [80, 100]
    assert _told(app, quiet) == []
    assert _run(app).budgets_told == 1 and [th for _, th, _, _ in _told(app, quiet)] == [80]
    # and a second look tells nothing again
    with app.db.transaction() as conn:
        assert check_recent_budgets(conn, app.clock.now(), app.settings, last_look) == 0


def test_r20_the_operator_sets_a_plans_default_budget_on_the_console(console, app, books):  # noqa: F811
    action = "/console/plans/basic/default-budget"
    # when the operator types a budget that is not a whole number of yen: refused, nothing written
    refused = post_form(console, "/console/plans", action, default_budget="-5")
    assert refused.status_code == 422 and "whole number of JPY" in refused.text and 'value="-5"' in refused.text
    assert console.get("/v1/plans/basic").status_code == 401  # (the console is no API key)
    with app.db.read() as conn:
        assert conn.execute(select(t.plans.c.default_budget).where(t.plans.c.id == "basic")).scalar() is None
    # when the operator sets 120 JPY for "basic" (Sakura Robotics: 1 device, 110 JPY, 91%)
    done = post_form(console, "/console/plans", action, default_budget="120")
    # then it is kept, shown, audited, and Sakura Robotics is told 80% at once
    assert done.status_code == 303
    assert 'name="default_budget" inputmode="numeric" size="12" value="120"' in console.get("/console/plans").text
    with app.db.read() as conn:
        assert conn.execute(select(t.plans.c.default_budget).where(t.plans.c.id == "basic")).scalar() == 120
    assert [(th, p, b) for _, th, p, b in _told(app, books["sakura"])] == [(80, 110, 120)]
    assert _told(app, books["kyoto"]) == []  # on another plan
    assert audit_rows(app)[-1].action == "plan.default_budget_set"
