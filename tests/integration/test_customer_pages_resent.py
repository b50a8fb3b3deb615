"""The customer's pages when a form is sent twice, or two at once, or with text no database can
store: one card, one device, one retry (R1, R17, R19), and a 4xx page, never a 500.

Catalog: esp32, first 3 free then 300 JPY a device a month; Japan's 10%. 5 devices Active all
January cost 2 x 300 = 600 + 60 tax = 660 JPY.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.services.run_due_jobs import run_due_jobs
from tests import factories as f
from tests.conftest import on_postgres
from tests.pages import add_card, card_token, open_page, session_csrf

VISA, DECLINES = "4242 4242 4242 4242", "4000 0000 0000 0341"
JAN_CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)
postgres_only = pytest.mark.skipif(not on_postgres(), reason="two writers at once: PostgreSQL (SQLite has one)")


@pytest.fixture
def account(app):
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    return f.account(app, name="Sakura Robotics")


def count(app, table, *where) -> int:
    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()


def register_form(api) -> dict:
    html = api.get("/billing/devices").text
    form = re.search(r'<form method="post" action="/billing/devices/register".*?</form>', html, re.S).group(0)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))


def test_r19_the_same_card_sent_twice_is_kept_once_and_retries_the_unpaid_invoice_once(api, app, clock, account):
    # given January's 660 JPY declined on the only card
    f.devices(app, account, 5)
    open_page(api, account)
    add_card(api, DECLINES)
    clock.set(JAN_CLOSE)
    run_due_jobs(app.db, clock, app.settings, app.gateway)
    tries = count(app, p.payment_attempts)
    # when a second declining card's form is sent twice (a reload of the POST)
    data = {"csrf": session_csrf(api), "token": card_token(api, "4000 0000 0000 0341", exp_month=11)}
    assert api.post("/billing/cards", data=data).status_code == 200
    after_first = count(app, p.payment_attempts)
    assert api.post("/billing/cards", data=data).status_code == 200
    # then it is on file once, and only the first sending tried the invoice again
    assert count(app, p.cards, p.cards.c.account_id == account, p.cards.c.removed_at.is_(None)) == 2
    assert after_first > tries and count(app, p.payment_attempts) == after_first


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/billing/devices/switch", {"device_ids": "a\x00b", "active": "false"}),
        ("/billing/devices/switch", {"only": "a\x00b:true"}),
        ("/billing/devices/register", {"device_type": "es\x00p32", "name": "x", "form_id": "f" * 20}),
        ("/billing/cards", {"token": "tok_\x00"}),
    ],
)
def test_text_no_database_can_store_is_a_422_page(api, app, account, path, fields):
    open_page(api, account)
    answer = api.post(path, data={"csrf": session_csrf(api)} | fields)
    assert answer.status_code == 422 and "NUL" in answer.text
    assert count(app, t.devices) == 0 and count(app, p.cards) == 0


@postgres_only
def test_r1_one_registration_form_sent_twice_at_once_registers_one_device(api, app, account):
    open_page(api, account)
    form = register_form(api) | {"device_type": "esp32", "name": "greenhouse-7"}
    barrier, answers = threading.Barrier(2), []

    def send():
        barrier.wait()
        answers.append(api.post("/billing/devices/register", data=form, follow_redirects=False).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert sorted(answers) == [200, 303]  # the key once; the other is told it was already done
    assert count(app, t.devices, t.devices.c.account_id == account) == 1


@postgres_only
def test_r17_two_first_cards_at_once_leave_one_default_and_one_token_kept_once(api, app, account):
    open_page(api, account)
    csrf = session_csrf(api)
    same = card_token(api, VISA)
    datas = [{"csrf": csrf, "token": same}, {"csrf": csrf, "token": same}]
    barrier = threading.Barrier(2)

    def send(data):
        barrier.wait()
        api.post("/billing/cards", data=data)

    threads = [threading.Thread(target=send, args=(d,)) for d in datas]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    on_file = p.cards.c.account_id == account, p.cards.c.removed_at.is_(None)
    assert count(app, p.cards, *on_file) == 1
    other = card_token(api, "5555 5555 5555 4444")
    assert api.post("/billing/cards", data={"csrf": csrf, "token": other}).status_code == 200
    assert count(app, p.cards, *on_file, p.cards.c.is_default.is_(True)) == 1


def test_r17_removing_the_default_card_leaves_the_other_as_default_even_if_it_expired(api, app, clock, account):
    from fleetbill.domain.rating import Tier
    from fleetbill.services.cards import remove_card

    # given an account on a free plan with the default card and a card that has expired
    f.plan(app, "free", prices={"esp32": [Tier(None, 0)]})
    account = f.account(app, "free", name="Free Tier Co")
    open_page(api, account)
    add_card(api, VISA)
    add_card(api, "5555 5555 5555 4444", exp_month=1, exp_year=2026)
    clock.set(datetime(2026, 2, 2, tzinfo=UTC))  # the Mastercard expired with January
    with app.db.transaction() as conn:
        visa = conn.execute(select(p.cards.c.id).where(p.cards.c.last4 == "4242")).scalar()
        remove_card(conn, clock.now(), account, visa)
    with app.db.read() as conn:
        left = conn.execute(
            select(p.cards.c.last4, p.cards.c.is_default).where(
                p.cards.c.account_id == account, p.cards.c.removed_at.is_(None)
            )
        ).all()
    assert [tuple(r) for r in left] == [("4444", True)]


def test_r17_a_card_refused_after_the_gateway_attached_it_is_detached_there(api, app, clock, account):
    open_page(api, account)
    # an expired card (the gateway attaches it; fleetbill refuses it), then a third card
    expired = card_token(api, VISA, exp_month=12, exp_year=2025)
    assert api.post("/billing/cards", data={"csrf": session_csrf(api), "token": expired}).status_code == 422
    add_card(api, VISA)
    add_card(api, "5555 5555 5555 4444")
    third = card_token(api, "3782 822463 10005")
    assert api.post("/billing/cards", data={"csrf": session_csrf(api), "token": third}).status_code == 409
    # the expired one was attached, then detached; the third was refused before it was attached
    assert app.gateway._detached == [expired]
