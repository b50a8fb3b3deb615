"""Account settings the operator changes through the API (issue 10 item 5): PATCH /v1/accounts/{id}
changes the name, language, billing contacts and postal address at once, and the country/region
and tax status from the next contract period (R13); each change is audited and told as
account.updated in the same transaction (R22); bad input is a 4xx problem that says what to fix,
with nothing written. The postal address is printed on the invoices issued after it (R14).

Catalog: esp32 at 100 JPY a device a month, JP 10%, SG 9%; a monthly plan; accounts in Tokyo
signed up 2026-01-05T03:00Z, so the next contract period starts 2026-02-01 00:00 in Tokyo.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_accounts as h
from fleetbill.adapters.db import schema_console as c
from fleetbill.adapters.db import schema_events as e
from fleetbill.services.close_month import close_due_months
from tests import factories as f
from tests.integration.test_api import ok, problem

FEB_START_TOKYO = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
MAR_START_TOKYO = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)


@pytest.fixture
def acme(app):
    f.device_type(app)
    f.plan(app, "basic")
    f.tax_rate(app, "SG", "0.09", app.clock.now())
    account = f.account(app, "basic", name="Acme", billing_email="billing@acme.example")
    f.devices(app, account, 3)  # 300 JPY a month before tax
    return account


def written(db, account_id: str) -> tuple:
    """What a change writes: the account row, its change history, its audit rows and its events."""
    with db.read() as conn:
        row = tuple(conn.execute(select(t.accounts).where(t.accounts.c.id == account_id)).one())
        count = lambda table, col: conn.execute(select(func.count()).where(col == account_id)).scalar()  # noqa: E731
        return (
            row,
            count(h.account_changes, h.account_changes.c.account_id),
            count(c.audit_log, c.audit_log.c.account_id),
            count(e.events, e.events.c.account_id),
        )


def test_patch_changes_the_name_language_contacts_and_address_at_once_audited_with_an_event(api, db, acme):
    # when the operator changes four settings in one request
    body = {
        "name": "Acme Drones K.K.",
        "language": "ja",
        "billing_emails": ["ap@acme.example", "cfo@acme.example"],
        "postal_address": "東京都渋谷区神南1-2-3\n  Acme Bldg 5F  ",
    }
    changed = ok(api.patch(f"/v1/accounts/{acme}", json=body))
    # then they hold at once, the first contact is billing_email, and GET says the same
    assert (changed["name"], changed["language"], changed["billing_email"]) == (
        "Acme Drones K.K.",
        "ja",
        "ap@acme.example",
    )
    assert changed["billing_emails"] == ["ap@acme.example", "cfo@acme.example"]
    assert changed["postal_address"] == "東京都渋谷区神南1-2-3\nAcme Bldg 5F"
    assert changed["tax_change"] is None
    assert ok(api.get(f"/v1/accounts/{acme}")) == changed
    # and each is audited, from and to, with the API key as actor (R22: one account.updated event)
    with db.read() as conn:
        [audited] = conn.execute(select(c.audit_log).where(c.audit_log.c.action == "account.updated")).all()
        [event] = conn.execute(select(e.events).where(e.events.c.type == "account.updated")).all()
    assert audited.actor.startswith("api:") and audited.subject == "billing_emails,language,name,postal_address"
    details = json.loads(audited.details)
    assert details["language"] == {"from": "en", "to": "ja"}
    assert details["billing_emails"] == {
        "from": ["billing@acme.example"],
        "to": ["ap@acme.example", "cfo@acme.example"],
    }
    payload = json.loads(event.payload)
    assert payload["changed"] == ["billing_emails", "language", "name", "postal_address"]
    assert payload["account"]["name"] == "Acme Drones K.K."
    # and the same request again changes nothing more
    before = written(db, acme)
    ok(api.patch(f"/v1/accounts/{acme}", json=body))
    assert written(db, acme) == before


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({}, 422, "give at least one of"),
        ({"billing_emails": []}, 422, "billing_emails"),
        ({"billing_emails": ["not-an-address"]}, 422, "is not an email address"),
        ({"billing_emails": ["a@x.example", "A@x.example"]}, 422, "given twice"),
        ({"billing_emails": [f"c{i}@x.example" for i in range(6)]}, 422, "billing_emails"),
        ({"language": "fr"}, 422, "language"),
        ({"name": "   "}, 422, "visible character"),
        ({"postal_address": "\n".join(["line"] * 7)}, 422, "at most 6 lines"),
        ({"country": "XX"}, 422, "ISO 3166-1"),
        ({"subdivision": "US-CA"}, 422, "ISO 3166-2 code of JP"),
        ({"tax_status": "free"}, 422, "tax_status"),
        ({"country": "US"}, 409, "no tax rate for US"),  # R13: the next period could not be invoiced
        ({"plan_id": "other"}, 422, "plan_id"),  # not a setting: the plan changes through its own route
    ],
)
def test_patch_refuses_bad_input_with_a_problem_that_says_what_to_fix_and_writes_nothing(
    api, db, acme, body, status, says
):
    before = written(db, acme)
    refused = problem(api.patch(f"/v1/accounts/{acme}", json=body), status)
    assert says in json.dumps(refused, ensure_ascii=False)
    assert written(db, acme) == before


def test_patch_of_an_unknown_account_is_a_404(api, acme):
    problem(api.patch("/v1/accounts/nope", json={"language": "ja"}), 404)


def test_r13_a_tax_status_change_applies_from_the_next_contract_period(api, app, clock, db, acme):
    # when the operator makes the account exempt on January 5
    changed = ok(api.patch(f"/v1/accounts/{acme}", json={"tax_status": "exempt"}))
    # then it waits for the next period, February, and the account is taxable until then
    assert changed["tax_status"] == "taxable"
    assert changed["tax_change"] == {
        "country": "JP",
        "subdivision": None,
        "tax_status": "exempt",
        "effective_at": "2026-01-31T15:00:00Z",
    }
    # when January closes: taxed at 10% (the period it began under), and the change applies
    clock.set(FEB_START_TOKYO)
    close_due_months(db, clock, app.settings)
    january = ok(api.get(f"/v1/accounts/{acme}/invoices"))[0]
    assert (january["subtotal"], january["tax_total"], january["total"]) == (300, 30, 330)
    after = ok(api.get(f"/v1/accounts/{acme}"))
    assert (after["tax_status"], after["tax_change"]) == ("exempt", None)
    # then February, in the new period, has no tax and says why (R12)
    clock.set(MAR_START_TOKYO)
    close_due_months(db, clock, app.settings)
    february = [i for i in ok(api.get(f"/v1/accounts/{acme}/invoices")) if i["billing_month"] == "2026-02"][0]
    assert (february["subtotal"], february["tax_total"], february["total"]) == (300, 0, 300)
    with db.read() as conn:
        actions = [r.action for r in conn.execute(select(c.audit_log.c.action).where(c.audit_log.c.account_id == acme))]
    assert "account.tax_changed" in actions


def test_r13_a_country_change_applies_from_the_next_period_and_a_newer_request_replaces_a_pending_one(
    api, app, clock, db, acme
):
    # when the account moves to Singapore, then the operator first asks for exempt, then changes it
    ok(api.patch(f"/v1/accounts/{acme}", json={"tax_status": "exempt"}))
    changed = ok(api.patch(f"/v1/accounts/{acme}", json={"country": "SG", "tax_status": "taxable"}))
    assert changed["country"] == "JP" and changed["tax_change"]["country"] == "SG"
    assert changed["tax_change"]["tax_status"] == "taxable"
    with db.read() as conn:
        ch = h.account_changes
        pending = conn.execute(
            select(func.count()).where(ch.c.field == "tax", ch.c.applied_at.is_(None), ch.c.cancelled_at.is_(None))
        ).scalar()
    assert pending == 1
    # then January is billed in Japan at 10%, February in Singapore at 9%
    clock.set(MAR_START_TOKYO)
    close_due_months(db, clock, app.settings)  # catches up both months: the change applies between them
    invoices = {i["billing_month"]: i for i in ok(api.get(f"/v1/accounts/{acme}/invoices"))}
    assert (invoices["2026-01"]["tax_total"], invoices["2026-01"]["total"]) == (30, 330)
    assert (invoices["2026-02"]["tax_total"], invoices["2026-02"]["total"]) == (27, 327)
    assert ok(api.get(f"/v1/accounts/{acme}"))["country"] == "SG"


def test_r13_asking_for_the_settings_in_force_cancels_a_pending_change(api, acme):
    ok(api.patch(f"/v1/accounts/{acme}", json={"tax_status": "reverse_charge"}))
    back = ok(api.patch(f"/v1/accounts/{acme}", json={"tax_status": "taxable"}))
    assert back["tax_change"] is None and back["tax_status"] == "taxable"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_r14_the_postal_address_is_printed_on_the_invoice_as_it_was_when_issued(api, app, clock, db, acme, tmp_path):
    ok(api.patch(f"/v1/accounts/{acme}", json={"postal_address": "1-2-3 Shibuya\nTokyo 150-0002"}))
    clock.set(FEB_START_TOKYO)
    close_due_months(db, clock, app.settings)
    [january] = ok(api.get(f"/v1/accounts/{acme}/invoices"))
    # when the account moves after January's invoice was issued
    ok(api.patch(f"/v1/accounts/{acme}", json={"postal_address": "9-9 Umeda\nOsaka 530-0001"}))
    clock.set(MAR_START_TOKYO)
    close_due_months(db, clock, app.settings)
    invoices = {i["billing_month"]: i for i in ok(api.get(f"/v1/accounts/{acme}/invoices"))}

    def pdf(invoice_id: str) -> str:
        path = tmp_path / f"{invoice_id}.pdf"
        path.write_bytes(api.get(f"/v1/invoices/{invoice_id}.pdf?lang=en").content)
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout

    # then January's PDF keeps the address it was issued with (R15: immutable), February's the new one
    assert "1-2-3 Shibuya" in pdf(january["id"]) and "Umeda" not in pdf(january["id"])
    assert "9-9 Umeda" in pdf(invoices["2026-02"]["id"]) and "Osaka 530-0001" in pdf(invoices["2026-02"]["id"])


def test_an_account_opened_in_japan_reads_japanese_unless_it_asks_otherwise(api, acme):
    body = {"name": "Kobe", "country": "JP", "plan_id": "basic", "billing_email": "a@kobe.example"}
    assert ok(api.post("/v1/accounts", json=body), 201)["language"] == "ja"
    assert ok(api.post("/v1/accounts", json=body | {"language": "en"}), 201)["language"] == "en"
    assert ok(api.post("/v1/accounts", json=body | {"country": "SG"}), 201)["language"] == "en"
