"""Credit notes (R15) through the API on a real database: the arithmetic to the yen with the tax
rounding of R12, their effect on an unpaid and on a paid invoice, refunds by card (once, even when
the gateway's answer is lost), points and bank transfer, and refusals that write nothing."""

from __future__ import annotations

import threading

import pytest

from tests.integration.test_api import account, counts, device, ok, problem

# 33 JPY a device up to 2, 30 JPY above: three devices are 33 + 33 + 30 = 96, 10% tax rounded down 9.
TIERS = [{"up_to": 2, "unit_price": 33}, {"up_to": None, "unit_price": 30}]
VISA = "4242424242424242"


def catalog(api) -> None:
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    ok(api.post("/v1/plans", json={"id": "basic", "name": "Basic", "prices": {"esp32": TIERS}}), 201)


def card(api, account_id: str) -> None:
    token = ok(api.post("/v1/sandbox/tokens", json={"number": VISA, "exp_month": 12, "exp_year": 2030}))["token"]
    ok(api.post(f"/v1/accounts/{account_id}/cards", json={"token": token}), 201)


def january(api, *, with_card: bool = True, points: int = 0) -> dict:
    """An account with three esp32 all January 2026, closed: one invoice of 96 + 9 = 105 JPY."""
    catalog(api)
    a = account(api)
    if with_card:
        card(api, a)
    if points:
        ok(api.post(f"/v1/accounts/{a}/points", json={"amount": points, "reason": "welcome"}), 201)
    for _ in range(3):
        device(api, a)
    ok(api.post("/v1/test-clock", json={"now": "2026-02-01T00:00:00Z"}))
    ok(api.post("/v1/test-clock/run-due-jobs"))
    (invoice,) = ok(api.get(f"/v1/accounts/{a}/invoices"))
    assert (invoice["subtotal"], invoice["tax_total"], invoice["total"]) == (96, 9, 105)
    return invoice


def credit(api, invoice_id: str, **body) -> dict:
    return ok(api.post(f"/v1/invoices/{invoice_id}/credit-notes", json={"reason": "billed by mistake"} | body), 201)


def invoice_now(api, invoice_id: str) -> dict:
    return ok(api.get(f"/v1/invoices/{invoice_id}"))


def test_r15_r12_part_of_a_line_is_its_top_tier_units_taxed_with_the_invoices_rounding(api):
    """R15, R12: one device of three is the 30 JPY one (the highest tier); tax 10% of 30 = 3.
    Then the two left (66, tax 6.6 rounded down = 6): the invoice's own 9 in all, never 9.9."""
    invoice = january(api, with_card=False)
    one = credit(api, invoice["id"], lines=[{"line": 1, "quantity": 1}])
    assert one["number"].endswith("-CN-00000001")
    assert [(x["invoice_line"], x["quantity"], x["amount"]) for x in one["lines"]] == [(1, 1, 30)]
    assert [(x["rate"], x["taxable_amount"], x["tax"]) for x in one["taxes"]] == [("0.1", 30, 3)]
    assert (one["subtotal"], one["tax_total"], one["total"], one["refund_due"]) == (30, 3, 33, 0)
    after = invoice_now(api, invoice["id"])
    assert (after["status"], after["amount_credited"], after["amount_left"]) == ("open", 33, 72)
    rest = credit(api, invoice["id"], lines=[{"line": 1}])
    assert rest["number"].endswith("-CN-00000002")  # its own gapless series
    assert (rest["subtotal"], rest["tax_total"], rest["total"]) == (66, 6, 72)
    assert invoice_now(api, invoice["id"])["amount_credited"] == 105


def test_r15_r19_a_full_credit_of_an_unpaid_invoice_voids_it_and_stops_its_retries(api, app):
    """R15, R19: the card was declined once (no card on file); a full credit voids the invoice,
    cancels its collection, and later runs try nothing."""
    invoice = january(api, with_card=False)
    assert invoice["collection"]["state"] == "collecting" and invoice["attempts"] == []
    note = credit(api, invoice["id"], lines=[{"line": 1}])
    assert note["total"] == 105 and note["refunds"] == []
    after = invoice_now(api, invoice["id"])
    assert (after["status"], after["amount_left"], after["collection"]["state"]) == ("void", 0, "cancelled")
    assert after["collection"]["next_try_at"] is None
    ok(api.post("/v1/test-clock", json={"now": "2026-02-20T00:00:00Z"}))
    ok(api.post("/v1/test-clock/run-due-jobs"))
    assert invoice_now(api, invoice["id"])["attempts"] == []
    problem(api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "again", "amount": 1}), 422)


def test_r15_a_paid_invoice_credited_refunds_the_card_once(api, app):
    """R15, R17: the invoice was paid by card at the close; crediting one device sends 33 JPY back
    to that charge through the gateway, once."""
    invoice = january(api)
    assert invoice["status"] == "paid"
    note = credit(api, invoice["id"], lines=[{"line": 1, "quantity": 1}], refund_method="card")
    assert [(r["method"], r["amount"], r["state"]) for r in note["refunds"]] == [("card", 33, "pending")]
    (refund,) = ok(api.get(f"/v1/credit-notes/{note['id']}"))["refunds"]  # sent right after the answer
    assert (refund["method"], refund["amount"], refund["state"]) == ("card", 33, "succeeded")
    charge = invoice["attempts"][0]["reference"]
    assert [(ref, amount) for ref, amount, _ in app.gateway.refunds] == [(charge, 33)]
    after = invoice_now(api, invoice["id"])
    assert (after["status"], after["amount_credited"], after["amount_paid"]) == ("paid", 33, 72)


def test_r15_a_refund_whose_answer_is_lost_is_asked_again_and_sent_once(api, app):
    """R15: the gateway refunds but its answer is lost: the refund stays unknown, the worker asks
    again with the same key and records it succeeded; the sandbox sent one refund, not two."""
    invoice = january(api)
    app.gateway.lose_next_refund_answer(after_refunding=True)
    note = credit(api, invoice["id"], lines=[{"line": 1}], refund_method="card")
    sent = ok(api.get(f"/v1/credit-notes/{note['id']}"))
    assert [(r["amount"], r["state"]) for r in sent["refunds"]] == [(105, "unknown")]
    assert invoice_now(api, invoice["id"])["status"] == "credited"
    ok(api.post("/v1/test-clock/run-due-jobs"))
    again = ok(api.get(f"/v1/credit-notes/{note['id']}"))
    assert [(r["amount"], r["state"]) for r in again["refunds"]] == [(105, "succeeded")]
    assert [amount for _, amount, _ in app.gateway.refunds] == [105]


def test_r15_r16_points_come_back_as_points_and_the_cash_part_as_chosen(api):
    """R15, R16: 50 points paid part of the 105; the card paid 55. A full credit gives back the
    55 paid by card as points too (refund_method points), and the 50 points as points."""
    invoice = january(api, points=50)
    assert (invoice["points_applied"], invoice["amount_due"], invoice["status"]) == (50, 55, "paid")
    a = invoice["account_id"]
    assert ok(api.get(f"/v1/accounts/{a}/points"))["balance"] == 0
    note = credit(api, invoice["id"], lines=[{"line": 1}], refund_method="points")
    assert (note["total"], note["points_back"], note["refund_due"]) == (105, 50, 55)
    assert [(r["method"], r["amount"], r["state"]) for r in note["refunds"]] == [("points", 55, "succeeded")]
    assert ok(api.get(f"/v1/accounts/{a}/points"))["balance"] == 105
    assert invoice_now(api, invoice["id"])["status"] == "credited"


def test_r15_a_credit_that_cannot_be_issued_is_refused_and_writes_nothing(api, app):
    """R15: more than a line has left, an amount above what is left at the rate, no way back for
    money received, a bank refund without its reference, an unknown line: each a 422 that says
    what to change; nothing is written."""
    invoice = january(api)
    path = f"/v1/invoices/{invoice['id']}/credit-notes"
    before = counts(app.db)
    cases = [
        ({"lines": [{"line": 1, "quantity": 4}]}, "has 3 of 3 left to credit, not 4"),
        ({"amount": 97}, "has 96 JPY left to credit at 10"),
        ({"lines": [{"line": 1, "quantity": 1}]}, "say how in `refund_method`"),
        ({"amount": 10, "refund_method": "bank_transfer"}, "name the bank transfer"),
        ({"lines": [{"line": 9}]}, "has no line 9"),
        ({}, "say what to credit"),
        (
            {"rate": "0.1", "lines": [{"line": 1, "quantity": 1}], "refund_method": "card"},
            "a rate goes with an `amount`",
        ),
        ({"amount": 10, "refund_method": "card", "refund_reference": "x"}, "only a bank_transfer refund"),
        ({"amount": 10, "refund_method": "points", "reason": "\u200b"}, "say why the invoice is credited"),
    ]
    for body, said in cases:
        assert said in problem(api.post(path, json={"reason": "x"} | body), 422)["detail"], body
    problem(api.post(path, json={"reason": "x", "amount": 1, "rate": "1e999999"}), 422)  # bounded, at once
    problem(api.post("/v1/invoices/nope/credit-notes", json={"reason": "x", "amount": 1}), 404)
    after = counts(app.db)
    assert {k: v for k, v in after.items() if k != "idempotency_records"} == {
        k: v for k, v in before.items() if k != "idempotency_records"
    }


def test_r15_a_bank_refund_is_recorded_with_its_reference(api):
    invoice = january(api)
    note = credit(api, invoice["id"], amount=10, refund_method="bank_transfer", refund_reference="MUFG 2026-02-03 #88")
    assert (note["subtotal"], note["tax_total"], note["total"]) == (10, 1, 11)
    assert [(r["method"], r["amount"], r["reference"]) for r in note["refunds"]] == [
        ("bank_transfer", 11, "MUFG 2026-02-03 #88")
    ]
    assert invoice_now(api, invoice["id"])["amount_paid"] == 94


def test_r15_two_credit_notes_at_once_never_exceed_the_invoice(api, app, database_url):
    """R15: on PostgreSQL, two credit notes for 60 of an unpaid invoice's 96 at once: the invoice's
    row lock makes the second see the first, and it is refused; 66 is credited, not 132."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once: PostgreSQL (SQLite has one writer)")
    invoice = january(api, with_card=False)
    answers = []

    def one():
        answers.append(api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "race", "amount": 60}))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(r.status_code for r in answers) == [201, 422]
    assert invoice_now(api, invoice["id"])["amount_credited"] == 66


def test_r19_a_written_off_invoice_stops_collection_lifts_the_suspension_and_can_still_be_paid(api):
    """R19, R18: after four declined tries the account is suspended; writing the invoice off
    (uncollectible) ends its collection and the suspension; a transfer received later pays it."""
    catalog(api)
    ok(
        api.post(
            "/v1/plans", json={"id": "talk", "name": "Talk", "allow_bank_transfer": True, "prices": {"esp32": TIERS}}
        ),
        201,
    )
    a = account(api, plan_id="talk")
    token = ok(api.post("/v1/sandbox/tokens", json={"number": "4000000000000341", "exp_month": 12, "exp_year": 2030}))
    ok(api.post(f"/v1/accounts/{a}/cards", json={"token": token["token"]}), 201)
    device(api, a)
    for day in ("2026-02-01", "2026-02-04", "2026-02-08", "2026-02-15"):
        ok(api.post("/v1/test-clock", json={"now": f"{day}T00:00:00Z"}))
        ok(api.post("/v1/test-clock/run-due-jobs"))
    (invoice,) = ok(api.get(f"/v1/accounts/{a}/invoices"))
    assert (invoice["total"], invoice["collection"]["state"], len(invoice["attempts"])) == (36, "failed", 4)
    assert ok(api.get(f"/v1/accounts/{a}/entitlements"))["suspended"] is True
    path = f"/v1/invoices/{invoice['id']}/mark-uncollectible"
    written = ok(api.post(path, json={"reason": "customer unreachable"}))
    assert written == {"invoice_id": invoice["id"], "status": "uncollectible", "amount_left": 36}
    assert ok(api.get(f"/v1/accounts/{a}/entitlements"))["suspended"] is False
    after = invoice_now(api, invoice["id"])
    assert (after["status"], after["amount_left"], after["collection"]["state"]) == ("uncollectible", 36, "cancelled")
    assert "only an open invoice" in problem(api.post(path, json={"reason": "again"}), 409)["detail"]
    ok(api.post(f"/v1/invoices/{invoice['id']}/transfers", json={"amount": 36, "reference": "late payer"}), 201)
    assert invoice_now(api, invoice["id"])["status"] == "paid"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "ja",
            [
                "適格返還請求書",
                "返還日",
                "対象の請求書",
                "請求書の発行日（取引日）",
                "登録番号",
                "10%対象の返還額",
                "返還する消費税（10%）",
                "返還額合計（税込）",
                "33円",
                "3円",
            ],
        ),
        (
            "en",
            [
                "Qualified Return Invoice",
                "Date of return",
                "Invoice corrected",
                "Invoice date (date of sale)",
                "Registration number",
                "Returned subject to 10%",
                "Consumption tax returned (10%)",
                "Total returned (incl. tax)",
                "33 JPY",
                "3 JPY",
            ],
        ),
    ],
)
def test_r14_r15_the_credit_notes_pdf_is_a_qualified_return_invoice(api, tmp_path, lang, words):
    """R14, R15: the return invoice names the issuer and its registration number, the date of the
    return and of the sale, the invoice corrected, and per rate the amount returned and its tax."""
    import subprocess

    invoice = january(api, with_card=False)
    note = credit(api, invoice["id"], lines=[{"line": 1, "quantity": 1}])
    response = api.get(f"/v1/credit-notes/{note['id']}.pdf", params={"lang": lang})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "note.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for word in [*words, note["number"], invoice["number"], invoice["issuer_registration_number"], "billed by mistake"]:
        assert word in text, (word, text)
    assert "2026" in text  # the dates: the return (today) and the sale (February 1st)


def test_r15_a_credit_note_waits_while_a_card_charge_awaits_the_gateway(api, app):
    """R15, R17: the close's charge lost its answer: a credit note now could race the money, so
    it is a 409 that writes nothing; once the next run has resolved the charge, it is issued."""
    from fleetbill.adapters.gateway.port import ChargeOutcome

    catalog(api)
    a = account(api)
    card(api, a)
    for _ in range(3):
        device(api, a)
    app.gateway.fail_next(ChargeOutcome.UNKNOWN, after_charging=True)
    ok(api.post("/v1/test-clock", json={"now": "2026-02-01T00:00:00Z"}))
    ok(api.post("/v1/test-clock/run-due-jobs"))
    (invoice,) = ok(api.get(f"/v1/accounts/{a}/invoices"))
    assert [x["outcome"] for x in invoice["attempts"]] == ["unknown"]
    before = counts(app.db)
    refused = api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json={"reason": "x", "lines": [{"line": 1}]})
    assert "awaiting the gateway's answer" in problem(refused, 409)["detail"]
    assert {k: v for k, v in counts(app.db).items() if k != "idempotency_records"} == {
        k: v for k, v in before.items() if k != "idempotency_records"
    }
    ok(api.post("/v1/test-clock/run-due-jobs"))  # asked again: it was charged
    note = credit(api, invoice["id"], lines=[{"line": 1}], refund_method="card")
    assert ok(api.get(f"/v1/credit-notes/{note['id']}"))["refunds"][0]["state"] == "succeeded"
    assert [amount for _, amount, _ in app.gateway.refunds] == [105]


def test_r15_an_idempotency_key_replayed_issues_no_second_credit_note(api):
    invoice = january(api)
    body = {"reason": "x", "lines": [{"line": 1, "quantity": 1}], "refund_method": "points"}
    headers = {"Idempotency-Key": "cn-1"}
    first = ok(api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json=body, headers=headers), 201)
    again = ok(api.post(f"/v1/invoices/{invoice['id']}/credit-notes", json=body, headers=headers), 201)
    assert again == first
    assert len(ok(api.get(f"/v1/invoices/{invoice['id']}/credit-notes"))) == 1
    assert invoice_now(api, invoice["id"])["amount_credited"] == 33


def test_r15_money_kept_beyond_what_is_owed_is_refunded_on_its_own(api, app):
    """R15: a card refund the gateway refused leaves the money kept: it is not rolled into the next
    credit note, and POST /refunds sends it back another way (bank transfer, with its reference)."""
    from sqlalchemy import update

    from fleetbill.adapters.db import schema_credit_notes as cn

    invoice = january(api)
    note = credit(api, invoice["id"], lines=[{"line": 1, "quantity": 1}], refund_method="card")
    with app.db.transaction() as conn:  # as a gateway refusal leaves it
        conn.execute(update(cn.refunds).where(cn.refunds.c.credit_note_id == note["id"]).values(state="failed"))
    assert invoice_now(api, invoice["id"])["amount_paid"] == 105  # the 33 is still kept
    second = credit(api, invoice["id"], amount=10, refund_method="points")
    assert (second["total"], second["refund_due"]) == (11, 11)  # its own 11, not 11 + 33
    path = f"/v1/invoices/{invoice['id']}/refunds"
    assert "bank transfer" in problem(api.post(path, json={"method": "bank_transfer"}), 422)["detail"]
    (refund,) = ok(api.post(path, json={"method": "bank_transfer", "reference": "MUFG #9"}), 201)
    assert (refund["method"], refund["amount"], refund["state"]) == ("bank_transfer", 33, "succeeded")
    assert invoice_now(api, invoice["id"])["amount_paid"] == 105 - 11 - 33  # the refused 33 never left
    assert "nothing to refund" in problem(api.post(path, json={"method": "points"}), 422)["detail"]


def test_r15_r20_the_billing_page_lists_the_accounts_credit_notes_and_offers_its_own_alone(api, app):
    """R15, R20: the customer sees the credit note under the invoices and downloads its return
    invoice; another account's is not found."""
    from tests.pages import open_page

    invoice = january(api)
    note = credit(api, invoice["id"], lines=[{"line": 1, "quantity": 1}], refund_method="points")
    other = credit(api, january_other(api), amount=10, refund_method="points")
    open_page(api, invoice["account_id"])
    html = api.get("/billing").text
    assert note["number"] in html and "billed by mistake" in html and other["number"] not in html
    pdf = api.get(f"/billing/credit-notes/{note['id']}.pdf")
    assert pdf.status_code == 200 and note["number"] in pdf.headers["content-disposition"]
    assert api.get(f"/billing/credit-notes/{other['id']}.pdf").status_code == 404


def january_other(api) -> str:
    """A second account's January invoice (the catalog is there already)."""
    b = account(api, name="Other")
    card(api, b)
    device(api, b)
    ok(api.post("/v1/test-clock", json={"now": "2026-03-01T00:00:00Z"}))
    ok(api.post("/v1/test-clock/run-due-jobs"))
    return [i for i in ok(api.get(f"/v1/accounts/{b}/invoices")) if i["billing_month"] == "2026-02"][0]["id"]
