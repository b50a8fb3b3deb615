"""Isolation of the customer's pages (R20, R21, issue 4): a session opened for one account can
never read or change another's data, every page and action says 401 without a session, and a
form needs its own session's CSRF token. Each refusal is checked to have changed nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from fleetbill.services.close_month import close_due_months
from fleetbill.services.register_device import register_device
from tests import factories as f
from tests.pages import add_card, open_page, session_csrf

VISA, MASTERCARD = "4242 4242 4242 4242", "5555 5555 5555 4444"


@pytest.fixture
def sakura(api, app, clock):
    """Sakura: 4 devices, a closed January (1 x 300 + 30 tax = 330 JPY, paid by card), two cards."""
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    a = f.account(app, name="Sakura Robotics")
    b = f.account(app, name="Other Company")
    devices = [_register(app, a, f"sakura-{i}") for i in range(4)]  # named, to find them in pages
    open_page(api, a)
    add_card(api, VISA)
    add_card(api, MASTERCARD)
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    close_due_months(app.db, clock, app.settings)
    with app.db.read() as conn:
        invoice = conn.execute(select(t.invoices).where(t.invoices.c.account_id == a)).one()
        cards = conn.execute(select(p.cards.c.id).where(p.cards.c.account_id == a)).scalars().all()
    assert invoice.total == 330
    api.cookies.clear()
    return dict(account=a, other=b, devices=devices, invoice=invoice.id, cards=cards)


def _register(app, account_id: str, name: str) -> str:
    with app.db.transaction() as conn:
        return register_device(conn, app.clock.now(), account_id, "esp32", name, "test").id


def snapshot(db, account_id: str) -> dict:
    """Everything of the account that a page could change."""
    with db.read() as conn:
        rows = lambda q: [tuple(r) for r in conn.execute(q)]  # noqa: E731
        d, sc, c, i = t.devices, t.status_changes, p.cards, t.invoices
        return dict(
            devices=rows(select(d.c.id, d.c.active, d.c.name).where(d.c.account_id == account_id).order_by(d.c.id)),
            history=rows(select(sc.c.id).where(sc.c.account_id == account_id).order_by(sc.c.id)),
            cards=rows(
                select(c.c.id, c.c.is_default, c.c.removed_at).where(c.c.account_id == account_id).order_by(c.c.id)
            ),
            invoices=rows(select(i.c.id, i.c.status, i.c.amount_due).where(i.c.account_id == account_id)),
        )


def test_r20_r21_another_accounts_session_is_refused_everywhere_and_changes_nothing(api, app, sakura):
    # given a session opened for the other company, and Sakura's data as it is
    a = sakura
    before = snapshot(app.db, a["account"])
    open_page(api, a["other"])
    token = session_csrf(api)
    invoice, card, device = a["invoice"], a["cards"][0], a["devices"][0]

    # its pages show its own account only
    for page in ("/billing", "/billing/devices", "/billing/cards/new"):
        html = api.get(page).text
        assert "Sakura" not in html and "sakura-" not in html and "•••• 4242" not in html, page
    assert "Other Company" in api.get("/billing").text

    # Sakura's invoice files, devices and cards are not found
    for path in (f"/billing/invoices/{invoice}.pdf", f"/billing/invoices/{invoice}.pdf?lang=en"):
        assert api.get(path).status_code == 404
    assert api.get(f"/billing/invoices/{invoice}.csv").status_code == 404
    refused = {
        "switch": api.post("/billing/devices/switch", data={"csrf": token, "device_ids": [device], "active": "false"}),
        "default": api.post(f"/billing/cards/{card}/default", data={"csrf": token}),
        "remove": api.post(f"/billing/cards/{card}/remove", data={"csrf": token}),
    }
    assert {name: r.status_code for name, r in refused.items()} == {"switch": 404, "default": 404, "remove": 404}
    assert all(r.headers["content-type"].startswith("text/html") for r in refused.values())

    # an account named in a form is ignored: what is registered or added is the session's own
    registered = api.post(
        "/billing/devices/register",
        data={"csrf": token, "form_id": "x" * 16, "device_type": "esp32", "name": "n", "account_id": a["account"]},
    )
    assert registered.status_code == 200
    added = add_card(api, VISA)
    assert added.status_code == 200

    # and nothing of Sakura's changed
    assert snapshot(app.db, a["account"]) == before
    with app.db.read() as conn:
        assert conn.execute(select(t.devices.c.account_id).where(t.devices.c.name == "n")).scalar() == a["other"]
        assert conn.execute(select(p.cards.c.account_id).where(p.cards.c.last4 == "4242")).scalars().all() == [
            a["account"],
            a["other"],
        ]


def test_r20_a_form_with_another_sessions_token_is_refused(api, app, sakura):
    a = sakura
    before = snapshot(app.db, a["account"])
    open_page(api, a["other"])
    others_token = session_csrf(api)
    api.cookies.clear()
    open_page(api, a["account"])
    mine = session_csrf(api)
    assert others_token != mine
    forged = [
        api.post("/billing/devices/switch", data={"csrf": others_token, "device_ids": a["devices"], "active": "false"}),
        api.post(
            "/billing/devices/preview", data={"csrf": others_token, "device_ids": a["devices"], "active": "false"}
        ),
        api.post(f"/billing/cards/{a['cards'][1]}/default", data={"csrf": others_token}),
        api.post(f"/billing/cards/{a['cards'][1]}/remove", data={"csrf": others_token}),
        api.post("/billing/cards", data={"csrf": others_token, "token": "pm_sb_x"}),
        api.post(
            "/billing/devices/register",
            data={"csrf": others_token, "form_id": "y" * 16, "device_type": "esp32", "name": "forged"},
        ),
    ]
    assert [r.status_code for r in forged] == [403] * 6
    assert snapshot(app.db, a["account"]) == before


NO_SESSION = [
    ("get", "/billing"),
    ("get", "/billing/devices"),
    ("get", "/billing/cards/new"),
    ("get", "/billing/invoices/{invoice}.pdf"),
    ("get", "/billing/invoices/{invoice}.csv"),
    ("get", "/billing/credit-notes/{credit_note}.pdf"),  # R15: another account's: see test_credit_notes
    ("post", "/billing/devices/switch"),
    ("post", "/billing/devices/preview"),  # R25: reads only, but another's devices are not shown either
    ("post", "/billing/devices/register"),
    ("post", "/billing/cards"),
    ("post", "/billing/cards/{card}/default"),
    ("post", "/billing/cards/{card}/remove"),
]


@pytest.mark.parametrize(("method", "path"), NO_SESSION)
def test_r20_without_a_session_every_page_and_action_is_a_401_page(api, app, sakura, method, path):
    before = snapshot(app.db, sakura["account"])
    url = path.format(invoice=sakura["invoice"], card=sakura["cards"][0], credit_note="any-credit-note")
    data = {"csrf": "x", "device_ids": sakura["devices"], "active": "false", "token": "pm_sb_x"}
    answer = api.get(url) if method == "get" else api.post(url, data=data)
    assert answer.status_code == 401 and answer.headers["content-type"].startswith("text/html")
    assert "open the billing page from the link in your console" in answer.text
    assert snapshot(app.db, sakura["account"]) == before


def test_r20_every_customer_route_is_covered_by_the_isolation_tests():
    # a new page or action must be added to NO_SESSION (and to the tests above): these are all of them
    from fleetbill.entrypoints.web import card_pages, device_pages, pages

    def methods(routes, prefix=""):
        return {(m.lower(), prefix + r.path) for r in routes if hasattr(r, "methods") for m in r.methods - {"HEAD"}}

    routes = methods(pages.routes) | methods([*device_pages.router.routes, *card_pages.router.routes], "/billing")
    listed = {(m, re.sub(r"\{(invoice|card|credit_note)\}", r"{\1_id}", path)) for m, path in NO_SESSION}
    listed = {(m, re.sub(r"(/invoices/.*)\.(pdf|csv)$", r"\1.{fmt}", path)) for m, path in listed}
    assert routes - {("get", "/billing/open"), ("post", "/billing/open")} == listed
