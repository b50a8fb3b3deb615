"""Property (R15, R17, R18): for random sequences of transfers received and credit notes (by
amount or by line, the money freed sent back by bank transfer), every stored invoice agrees with
its entries: what it says credited is its credit notes' sum, what it says paid is its payments less
its refunds, its state is the one those amounts make, and every state it went through followed a
move of domain/lifecycle; a refused operation changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_credit_notes as cn
from fleetbill.adapters.db import schema_payments as p
from fleetbill.domain.credit_notes import CreditRequest, LineCredit, RefundMethod
from fleetbill.domain.errors import BillingError
from fleetbill.domain.lifecycle import INVOICE_MOVES, InvoiceState
from fleetbill.services.bank_transfer import record_transfer
from fleetbill.services.credit_notes import issue_credit_note
from fleetbill.services.refunds import Refunding
from tests.integration.test_api import account, device, ok

EXAMPLES = 30
TIERS = [{"up_to": 2, "unit_price": 33}, {"up_to": None, "unit_price": 30}]  # 3 devices: 96 + tax 9 = 105

operations = st.lists(
    st.one_of(
        st.tuples(st.just("transfer"), st.integers(1, 80)),
        st.tuples(st.just("credit_amount"), st.integers(1, 60)),
        st.tuples(st.just("credit_line"), st.one_of(st.none(), st.integers(1, 3))),
    ),
    min_size=1,
    max_size=8,
)


def _invoices(api, n: int) -> list[str]:
    """n bank-transfer invoices of 105 JPY for January 2026, from one close."""
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    plan = {"id": "talk", "name": "Talk", "allow_bank_transfer": True, "prices": {"esp32": TIERS}}
    ok(api.post("/v1/plans", json=plan), 201)
    for i in range(n):
        a = account(api, name=f"A{i}", plan_id="talk")
        ok(api.post(f"/v1/accounts/{a}/collection-method", json={"method": "bank_transfer"}))
        for _ in range(3):
            device(api, a)
    ok(api.post("/v1/test-clock", json={"now": "2026-02-01T00:00:00Z"}))
    ok(api.post("/v1/test-clock/run-due-jobs"))
    invoices = ok(api.get("/v1/invoices", params={"limit": n}))["data"]
    assert len(invoices) == n and {i["total"] for i in invoices} == {105}
    return [i["id"] for i in invoices]


def _stored(conn, invoice_id: str) -> tuple:
    inv = conn.execute(select(t.invoices).where(t.invoices.c.id == invoice_id)).one()
    credited = conn.execute(
        select(func.coalesce(func.sum(cn.credit_notes.c.total), 0)).where(cn.credit_notes.c.invoice_id == invoice_id)
    ).scalar()
    paid = conn.execute(
        select(func.coalesce(func.sum(p.payments.c.amount), 0)).where(p.payments.c.invoice_id == invoice_id)
    ).scalar()
    refunded = conn.execute(
        select(func.coalesce(func.sum(cn.refunds.c.amount), 0)).where(cn.refunds.c.invoice_id == invoice_id)
    ).scalar()
    return inv, int(credited), int(paid), int(refunded)


def _expected(total: int, credited: int, paid: int, refunded: int) -> InvoiceState:
    """The state the entries make, for an invoice no points paid."""
    if credited == total:
        return InvoiceState.VOID if paid == 0 else InvoiceState.CREDITED
    if paid - refunded >= total - credited:
        return InvoiceState.PAID
    return InvoiceState.OPEN


def test_r15_r18_an_invoice_always_equals_what_its_entries_imply(api, app):
    invoices = iter(_invoices(api, EXAMPLES + 5))

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(ops=operations)
    def run(ops):
        invoice_id = next(invoices)
        states = [InvoiceState.OPEN]
        for n, (kind, value) in enumerate(ops):
            with app.db.read() as conn:
                before = _stored(conn, invoice_id)
            now = app.clock.now()
            try:
                with app.db.transaction() as conn:
                    if kind == "transfer":
                        record_transfer(conn, now, invoice_id, value, f"transfer {n}", "test")
                    else:
                        request = (
                            CreditRequest("property", amount=value)
                            if kind == "credit_amount"
                            else CreditRequest("property", lines=(LineCredit(1, value),))
                        )
                        refunding = Refunding(RefundMethod.BANK_TRANSFER, f"bank {n}")
                        issue_credit_note(conn, now, invoice_id, request, refunding, "test")
            except BillingError:
                with app.db.read() as conn:
                    assert _stored(conn, invoice_id) == before  # refused: nothing changed
                continue
            with app.db.read() as conn:
                inv, credited, paid, refunded = _stored(conn, invoice_id)
            state = InvoiceState(inv.status)
            assert inv.amount_credited == credited <= inv.total
            assert state == _expected(inv.total, credited, paid, refunded), (ops[: n + 1], inv.status)
            if state != states[-1]:
                assert state in INVOICE_MOVES[states[-1]], (states, state)
                states.append(state)
            assert 0 <= paid - refunded <= inv.total - credited  # never more kept than is owed

    run()
