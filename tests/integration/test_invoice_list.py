"""Invoices as an integrator reads them (issue 9 item 5): a list across accounts paged by cursor,
and on each invoice what was paid, what is left, when it is due, the collection and every charge
attempt, without a second call."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.integration.test_collection import DECLINES, JAN_CLOSE, VISA, ok, problem, utc


def _invoices(api, **query) -> dict:
    return ok(api.get("/v1/invoices", params=query))


def test_r18_a_partial_transfer_makes_the_invoice_partially_paid_with_its_due_date_and_what_is_left(billing):
    # given: 3 esp32 on "invoiced" (300 + 30 tax = 330 JPY) collected by bank transfer, January closed
    acme = billing.account(plan_id="invoiced")
    billing.devices(acme, 3)
    billing.add_card(acme, VISA)
    ok(billing.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    billing.at(JAN_CLOSE)
    billing.run()
    invoice = billing.invoice(acme)
    assert (invoice["status"], invoice["amount_paid"], invoice["amount_left"]) == ("open", 0, 330)
    # R18: due at the end of February in Tokyo
    assert utc(invoice["due_at"]) == utc("2026-02-28T15:00:00Z")

    # when: 100 JPY of it arrives
    billing.at(datetime(2026, 2, 10, tzinfo=UTC))
    url = f"/v1/invoices/{invoice['id']}/transfers"
    ok(billing.api.post(url, json={"amount": 100, "reference": "MIZUHO 0001"}), 201)

    # then: partially paid, 230 JPY left, still collecting, listed under partially_paid and not open
    partly = ok(billing.api.get(f"/v1/invoices/{invoice['id']}"))
    assert (partly["status"], partly["amount_paid"], partly["amount_left"]) == ("partially_paid", 100, 230)
    assert partly["collection"]["method"] == "bank_transfer" and partly["collection"]["state"] == "collecting"
    assert partly["attempts"] == []
    assert [i["id"] for i in _invoices(billing.api, status="partially_paid")["data"]] == [invoice["id"]]
    assert _invoices(billing.api, status="open")["data"] == []

    # when: the rest arrives
    ok(billing.api.post(url, json={"amount": 230, "reference": "MIZUHO 0002"}), 201)

    # then: paid, nothing left
    paid = ok(billing.api.get(f"/v1/invoices/{invoice['id']}"))
    assert (paid["status"], paid["amount_paid"], paid["amount_left"]) == ("paid", 330, 0)
    assert paid["collection"]["state"] == "paid"
    assert [i["id"] for i in _invoices(billing.api, status="paid")["data"]] == [invoice["id"]]


def test_r17_r19_each_charge_attempt_has_its_id_its_try_and_why_it_failed(billing, app):
    # given: 2 esp32 (220 JPY); the default card declines, the other pays, in try 1
    acme = billing.account()
    billing.devices(acme, 2)
    declining = billing.add_card(acme, DECLINES)
    good = billing.add_card(acme, VISA)
    billing.at(JAN_CLOSE)
    billing.run()

    # when: the invoice is read
    invoice = billing.invoice(acme)

    # then: paid by card (no due date), both attempts in order, each with its own id and the reason of the decline
    assert (invoice["status"], invoice["amount_paid"], invoice["amount_left"], invoice["due_at"]) == (
        "paid",
        220,
        0,
        None,
    )
    assert (invoice["collection"]["method"], invoice["collection"]["state"]) == ("card", "paid")
    assert invoice["collection"]["next_try_at"] is None
    declined, succeeded = invoice["attempts"]
    assert declined["id"] != succeeded["id"]
    assert (declined["try_number"], declined["card_id"], declined["amount"], declined["outcome"]) == (
        1,
        declining["id"],
        220,
        "declined",
    )
    assert declined["failure_code"] == "card_declined" and declined["failure_reason"]
    assert (succeeded["try_number"], succeeded["card_id"], succeeded["outcome"], succeeded["failure_reason"]) == (
        1,
        good["id"],
        "succeeded",
        None,
    )
    assert succeeded["reference"] == app.gateway.charges[0].reference


def test_the_invoice_list_pages_across_accounts_newest_first_by_cursor(billing):
    # given: three accounts, each with a January invoice (1, 2 and 3 esp32: 110, 220, 330 JPY)
    accounts = [billing.account(name=name) for name in ("A", "B", "C")]
    for n, account_id in enumerate(accounts, start=1):
        billing.devices(account_id, n)
    billing.at(JAN_CLOSE)
    billing.run()
    every = [billing.invoice(a)["id"] for a in accounts]

    # when: listed two at a time
    first = _invoices(billing.api, limit=2)
    second = _invoices(billing.api, limit=2, cursor=first["next_cursor"])

    # then: all three, once each, newest first, and the end says so
    listed = [i["id"] for i in first["data"] + second["data"]]
    assert sorted(listed) == sorted(every) and len(listed) == 3
    numbers = [i["number"] for i in first["data"] + second["data"]]
    assert numbers == sorted(numbers, reverse=True)
    assert first["next_cursor"] is not None and second["next_cursor"] is None

    # and: filtered by account and by month billed
    only_b = _invoices(billing.api, account_id=accounts[1])["data"]
    assert [(i["account_id"], i["amount_due"]) for i in only_b] == [(accounts[1], 220)]
    assert len(_invoices(billing.api, month="2026-01")["data"]) == 3
    assert _invoices(billing.api, month="2026-02")["data"] == []


def test_the_invoice_list_refuses_a_cursor_it_did_not_give_and_a_month_it_cannot_read(billing):
    assert "cursor" in problem(billing.api.get("/v1/invoices", params={"cursor": "abc"}), 422)["detail"]
    assert "13" in problem(billing.api.get("/v1/invoices", params={"month": "2026-13"}), 422)["detail"]
    assert "YYYY-MM" in problem(billing.api.get("/v1/invoices", params={"month": "January"}), 422)["detail"]
    problem(billing.api.get("/v1/invoices", params={"status": "unpaid"}), 422)
