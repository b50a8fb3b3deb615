"""Issue 11 item 5: the list pages seek with a cursor instead of skipping with OFFSET. Walking a
list forward by its "next" links and back by its "previous" links returns every row exactly
once, in the list's order, with its filters kept; a changed, cut or foreign cursor is a 422 page
that changes nothing. The customer's device list is R21 (on the billing page, R20); the other
lists are the operator's console. On SQLite, and on PostgreSQL with FLEETBILL_TEST_DATABASE_URL.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import and_, func, insert, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_console as c
from fleetbill.bootstrap import DEFAULT_ISSUER
from fleetbill.domain.lifecycle import InvoiceState
from tests import factories as f
from tests.integration.test_console import books, browser_client, console  # noqa: F401 (fixtures)
from tests.pages import open_page

DEVICE_ROW = re.compile(r'name="device_ids" value="([^"]+)"')


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def walk(client, url: str, row: re.Pattern) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """The pages from `url` on by "next", then back from the last by "previous" (each page's rows),
    and every link followed (to check the filters they keep)."""
    forward, links, page = [], [], client.get(url)
    while True:
        assert page.status_code == 200, page.text
        forward.append(row.findall(page.text))
        if (after := _link(page.text, "next")) is None:
            break
        links.append(after)
        page = client.get(after)
    backward = [forward[-1]]
    while (before := _link(page.text, "prev")) is not None:
        links.append(before)
        page = client.get(before)
        assert page.status_code == 200, page.text
        backward.append(row.findall(page.text))
    return forward, backward[::-1], links


def assert_every_row_once_in_order(forward, backward, expected, size=50):
    seen = [x for page in forward for x in page]
    assert seen == expected and len(set(seen)) == len(seen)  # each once, in the list's order
    assert [len(p) for p in forward[:-1]] == [size] * (len(forward) - 1)
    assert backward == forward  # back through "previous": the same pages, the same boundaries


# --- R21: the customer's device list -----------------------------------------------------------


@pytest.fixture
def fleet(app, clock):
    """Sakura: 70 devices registered at one instant (their order: name, then id), 60 an hour
    later, and 75 of them Inactive; another account's 5 devices, which no page of Sakura's shows."""
    f.device_type(app)
    f.plan(app, prices={"esp32": f.FIRST_3_FREE})
    sakura, other = f.account(app, name="Sakura Robotics"), f.account(app, name="Other Company")
    ids = f.devices(app, sakura, 70)
    clock.set(clock.now() + timedelta(hours=1))
    ids += f.devices(app, sakura, 60)
    f.devices(app, other, 5)
    f.switch(app, sakura, ids[::2] + ids[1:20:2], False)
    return sakura


def _device_order(app, *where) -> list[str]:
    d = t.devices
    query = select(d.c.id).where(and_(*where)).order_by(d.c.registered_at, d.c.name, d.c.id)
    with app.db.read() as conn:
        return list(conn.execute(query).scalars())


def test_r21_the_device_pages_forward_and_back_show_every_device_once_in_order(api, app, fleet):
    open_page(api, fleet)
    forward, backward, _ = walk(api, "/billing/devices", DEVICE_ROW)
    assert_every_row_once_in_order(forward, backward, _device_order(app, t.devices.c.account_id == fleet))
    assert [len(p) for p in forward] == [50, 50, 30]


def test_r21_the_device_pages_keep_their_filters_in_their_links(api, app, fleet):
    open_page(api, fleet)
    d = t.devices
    url = "/billing/devices?device_type=esp32&status=inactive"
    forward, backward, links = walk(api, url, DEVICE_ROW)
    expected = _device_order(app, d.c.account_id == fleet, d.c.device_type_id == "esp32", d.c.active.is_(False))
    assert len(expected) == 75
    assert_every_row_once_in_order(forward, backward, expected)
    assert links and all("device_type=esp32" in x and "status=inactive" in x for x in links)
    assert "75 devices" in api.get(url).text  # the count stays on this page: one account's index


def _tampered(cursor: str) -> list[str]:
    payload, _, signature = cursor.partition(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    return [
        f"{flipped}.{signature}",  # a changed key
        cursor[:-3],  # cut short
        cursor + "x",
        "garbage",
        "",  # nothing: the first page (not refused)
        "." * 10,
        "eyJ4Ijoi.AAAA",
        "\u00e9\u00e9.\u00e9",
    ]


def test_r21_a_changed_or_garbage_cursor_is_a_422_page_and_changes_nothing(api, app, fleet):
    open_page(api, fleet)
    after = _link(api.get("/billing/devices").text, "next")
    cursor = re.search(r"cursor=([^&]+)", after).group(1)
    with app.db.read() as conn:
        before = conn.execute(select(func.count()).select_from(t.status_changes)).scalar()
    for bad in _tampered(cursor):
        answer = api.get("/billing/devices", params={"cursor": bad})
        if bad == "":
            assert answer.status_code == 200
            continue
        assert answer.status_code == 422, (bad, answer.status_code)
        assert "text/html" in answer.headers["content-type"] and "first page" in answer.text
    # a cursor of another list (the console's audit log) is not one of this list's
    foreign = _cursor_of(api, "console.audit", (5,))
    assert api.get("/billing/devices", params={"cursor": foreign}).status_code == 422
    assert api.get("/billing/devices", params={"cursor": "x" * 601}).status_code == 422  # too long
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.status_changes)).scalar() == before


def _cursor_of(client, name: str, key: tuple) -> str:
    """A cursor signed as the server signs them, for a list it does not belong to."""
    from fleetbill.adapters.db.keyset import Seek
    from fleetbill.entrypoints.web import paging

    class Request:  # what paging.encode reads of a request: the app's secret key
        app = client.app

    return paging.encode(Request, name, Seek(key))


# --- the operator's console ---------------------------------------------------------------------


ACCOUNT_ROW = re.compile(r'<tr><td><a href="/console/accounts/([0-9a-f-]{36})">')
INVOICE_ROW = re.compile(r'href="/console/invoices/([0-9a-f-]{36})"')
AUDIT_ROW = re.compile(r"<td>(S\d{4})</td>")
EMAIL_ROW = re.compile(r"<td>(Subject \d{4})</td>")


def test_console_accounts_forward_and_back_by_name_then_id_with_the_search_kept(console, app):  # noqa: F811
    for i in range(56):  # 112 more accounts, two of each name: the id orders them
        f.account(app, name=f"Fleet {i % 28:02d}")
        f.account(app, name=f"Fleet {i % 28:02d}")
    a = t.accounts
    with app.db.read() as conn:
        expected = list(conn.execute(select(a.c.id).order_by(a.c.name, a.c.id)).scalars())
        fleets = list(conn.execute(select(a.c.id).where(a.c.name.like("Fleet%")).order_by(a.c.name, a.c.id)).scalars())
    forward, backward, _ = walk(console, "/console/accounts", ACCOUNT_ROW)
    assert_every_row_once_in_order(forward, backward, expected)
    forward, backward, links = walk(console, "/console/accounts?q=fleet", ACCOUNT_ROW)
    assert_every_row_once_in_order(forward, backward, fleets)
    assert all("q=fleet" in x for x in links)
    assert "112 accounts" in console.get("/console/accounts?q=fleet").text  # the count stays here


def test_console_invoices_newest_first_by_sequence_then_id_with_the_status_kept(console, app, clock, books):  # noqa: F811
    # 130 invoices from two issuers whose sequences coincide: the id breaks each tie
    with app.db.transaction() as conn:
        conn.execute(
            insert(t.issuers),
            dict(
                id="second",
                name="Second KK",
                registration_number="T9999999999999",
                invoice_prefix="SK",
                last_sequence=0,
            ),
        )
        rows = []
        for i in range(130):
            issuer, prefix = ("second", "SK") if i % 2 else (DEFAULT_ISSUER, "FB")
            status = InvoiceState.PAID if i % 3 else InvoiceState.OPEN
            rows.append(_invoice(books["kyoto"], issuer, f"{prefix}-{i:08d}", 1000 + i // 2, status, clock.now()))
        conn.execute(insert(t.invoices), rows)
    inv = t.invoices
    order = (inv.c.sequence.desc(), inv.c.id.desc())
    with app.db.read() as conn:
        expected = list(conn.execute(select(inv.c.id).order_by(*order)).scalars())
        paid = list(conn.execute(select(inv.c.id).where(inv.c.status == "paid").order_by(*order)).scalars())
    forward, backward, _ = walk(console, "/console/invoices", INVOICE_ROW)
    assert_every_row_once_in_order(forward, backward, expected)
    forward, backward, links = walk(console, "/console/invoices?status=paid", INVOICE_ROW)
    assert_every_row_once_in_order(forward, backward, paid)
    assert len(paid) == 86 and all("status=paid" in x for x in links)


def _invoice(account_id, issuer, number, sequence, status, now) -> dict:
    money = dict(subtotal=100, tax_total=10, total=110, points_applied=0, amount_due=110)
    return (
        dict(
            id=str(uuid.uuid4()),
            number=number,
            issuer_id=issuer,
            sequence=sequence,
            account_id=account_id,
            kind="purchase",
            billing_month=None,
            currency="JPY",
            status=status,
            recipient_name="Kyoto Sensors",
            issuer_name="fleetbill",
            issuer_registration_number="T1234567890123",
            period_start=now,
            period_end=now + timedelta(days=30),
            issued_at=now,
        )
        | money
    )


def test_console_audit_log_newest_first_with_the_action_kept(console, app, clock, books):  # noqa: F811
    with app.db.transaction() as conn:
        conn.execute(
            insert(c.audit_log),
            [
                dict(
                    at=clock.now(),
                    actor="staff:hana@example.jp",
                    action="points.granted" if i % 4 else "payment.received",
                    account_id=books["sakura"],
                    subject=f"S{i:04d}",
                    details=json.dumps({"n": i}),
                )
                for i in range(140)
            ],
        )
    log = c.audit_log
    with app.db.read() as conn:
        every = select(log.c.subject).where(log.c.subject.like("S%")).order_by(log.c.id.desc())
        expected = list(conn.execute(every).scalars())
        granted = list(conn.execute(every.where(log.c.action == "points.granted")).scalars())
    forward, backward, _ = walk(console, "/console/audit", AUDIT_ROW)
    assert_every_row_once_in_order(forward, backward, expected)
    url = f"/console/audit?action=points.granted&account={books['sakura']}"
    forward, backward, links = walk(console, url, AUDIT_ROW)
    assert_every_row_once_in_order(forward, backward, granted)
    assert len(granted) == 105 and all("action=points.granted" in x and books["sakura"] in x for x in links)


def test_console_emails_newest_first_with_the_account_kept(console, app, clock, books):  # noqa: F811
    with app.db.transaction() as conn:
        conn.execute(
            insert(t.notifications),
            [
                dict(
                    account_id=books["kyoto"] if i % 3 else books["sakura"],
                    kind="invoice",
                    subject=f"Subject {i:04d}",
                    body="-",
                    created_at=clock.now(),
                )
                for i in range(160)
            ],
        )
    n = t.notifications
    with app.db.read() as conn:
        every = select(n.c.subject).where(n.c.subject.like("Subject %")).order_by(n.c.id.desc())
        expected = list(conn.execute(every).scalars())
        kyoto = list(conn.execute(every.where(n.c.account_id == books["kyoto"])).scalars())
    forward, backward, _ = walk(console, "/console/emails", EMAIL_ROW)
    assert_every_row_once_in_order(forward, backward, expected)
    forward, backward, links = walk(console, f"/console/emails?account={books['kyoto']}", EMAIL_ROW)
    assert_every_row_once_in_order(forward, backward, kyoto)
    assert all(books["kyoto"] in x for x in links)


@pytest.mark.parametrize("path", ["/console/accounts", "/console/invoices", "/console/audit", "/console/emails"])
def test_a_console_list_refuses_a_changed_or_garbage_cursor_with_a_422_page(console, app, path):  # noqa: F811
    with app.db.read() as conn:
        before = conn.execute(select(func.count()).select_from(c.audit_log)).scalar()
    good = _cursor_of(console, "console." + path.rsplit("/", 1)[1], ("x",))
    for bad in _tampered(good) + [_cursor_of(console, "billing.devices", ("x",))]:
        answer = console.get(path, params={"cursor": bad})
        assert answer.status_code == (200 if bad == "" else 422), (path, bad)
        assert "text/html" in answer.headers["content-type"]
    with app.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(c.audit_log)).scalar() == before


# --- the API's lists: `starting_after` (offset is deprecated) ------------------------------------


def _api_walk(api, url: str, params: dict, size: int) -> list[str]:
    seen, after = [], None
    while True:
        page = api.get(url, params=params | {"limit": size} | ({"starting_after": after} if after else {}))
        assert page.status_code == 200, page.text
        ids = [x["id"] for x in page.json()]
        seen += ids
        if len(ids) < size:
            return seen
        after = ids[-1]


def test_r21_the_api_pages_devices_and_accounts_after_the_last_id(api, app, fleet):
    d, a = t.devices, t.accounts
    inactive = _device_order(app, d.c.account_id == fleet, d.c.active.is_(False))
    assert _api_walk(api, f"/v1/accounts/{fleet}/devices", {"active": "false"}, 7) == inactive
    with app.db.read() as conn:
        accounts = list(conn.execute(select(a.c.id).order_by(a.c.created_at, a.c.id)).scalars())
    assert _api_walk(api, "/v1/accounts", {}, 1) == accounts
    # an id it did not list, another account's device, or with an offset: a 422 problem
    others = _device_order(app, d.c.account_id != fleet)
    for params in (
        {"starting_after": "nope"},
        {"starting_after": others[0]},
        {"starting_after": inactive[0], "offset": 3},
    ):
        answer = api.get(f"/v1/accounts/{fleet}/devices", params=params)
        assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert api.get("/v1/accounts", params={"starting_after": inactive[0]}).status_code == 422
