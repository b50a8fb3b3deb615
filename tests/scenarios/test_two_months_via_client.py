"""Two whole months of two accounts driven through the generated client alone (issue 9 items 6
and 7): `fleetbill_client` against a real server (uvicorn on 127.0.0.1, test mode), no raw HTTP,
on a test clock started in the past (March 2025) while the server stands in 2026.

Every figure is worked out by hand in a comment; none is copied from the program's output.

Catalog (prices tax-exclusive, R7, R8): plan "growth", esp32 first 2 at 0 JPY then 283 JPY;
m5stack 645 JPY flat; no fixed fee. Japan's 10% (R12), rounded down.
Accounts, both Asia/Tokyo, JP, taxable, signed up on the clock at 2025-03-02T00:00Z:
  A  Sapporo Sensors: card 4242 4242 4242 4242 (succeeds)
  B  Naha Farm: card 4000 0000 0000 0341 (attaches, then declines every charge); 100 points
Tokyo's March is [2025-02-28T15:00Z, 2025-03-31T15:00Z), its April [.., 2025-04-30T15:00Z).

The clock is a test clock (POST /v1/test-clocks); `at` advances it, which runs the due jobs of its
accounts at every midnight and collection try on the way (R15, R19).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from fleetbill_client import AuthenticatedClient
from fleetbill_client.api.accounts import create_account, list_accounts
from fleetbill_client.api.cards import add_card
from fleetbill_client.api.catalog import create_device_type, create_plan
from fleetbill_client.api.devices import add_device, switch_many, switch_one
from fleetbill_client.api.entitlements import get_entitlements
from fleetbill_client.api.invoices import get_invoice, invoice_payments, list_account_invoices, list_invoices
from fleetbill_client.api.points import get_points, grant_account_points
from fleetbill_client.api.test_mode import advance_test_clock, create_test_clock, sandbox_token
from fleetbill_client.api.usage import get_usage
from fleetbill_client.models import (
    AccountIn,
    BulkStatusIn,
    CardIn,
    DeviceIn,
    DeviceStatusIn,
    DeviceTypeIn,
    GrantIn,
    InvoiceOut,
    PlanIn,
    PlanInPrices,
    Problem,
    SandboxCardIn,
    TierIn,
)
from fleetbill_client.models import TestClockAdvanceIn as AdvanceIn  # not "Test...": pytest would collect it
from fleetbill_client.models import TestClockAdvanceOut as AdvanceOut
from fleetbill_client.models import TestClockIn as ClockIn

from tests.e2e.conftest import serve

TAX_10 = Decimal("0.1")
SUCCEEDS = "4242 4242 4242 4242"
DECLINES = "4000 0000 0000 0341"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def client(app):
    """The generated client on a real server in test mode, with an operator key."""
    with serve(app) as (base_url, key):
        with AuthenticatedClient(
            base_url=base_url, token=key, timeout=httpx.Timeout(60), raise_on_unexpected_status=True
        ) as client:
            yield client


def ok(result):
    """What a call answered, failing on a problem (the client returns those as `Problem`)."""
    assert result is not None and not isinstance(result, Problem), result
    return result


# --- the clock: a test clock of the accounts' own ------------------------------------------------------


def new_clock(client: AuthenticatedClient, when: str) -> str:
    """A timeline frozen at `when`, long before the server's own time."""
    clock = ok(create_test_clock.sync(client=client, body=ClockIn(frozen_time=utc(when), name="scenario")))
    assert (clock.frozen_time, clock.status.value) == (utc(when), "ready")
    return clock.id


def at(client: AuthenticatedClient, clock_id: str, when: str) -> AdvanceOut:
    """Advance the accounts' clock to `when`, running their due jobs on the way."""
    report = ok(advance_test_clock.sync(clock_id, client=client, body=AdvanceIn(frozen_time=utc(when))))
    assert report.test_clock.frozen_time == utc(when)
    return report


# --- the operator's side ---------------------------------------------------------------------------


def sign_up(client: AuthenticatedClient, name: str, clock_id: str) -> str:
    body = AccountIn(name=name, country="JP", plan_id="growth", billing_email="billing@example.jp", test_clock=clock_id)
    key = str(uuid.uuid4())
    account = ok(create_account.sync(client=client, body=body, idempotency_key=key))
    # a retry with the same Idempotency-Key returns the same account and opens no second one
    assert ok(create_account.sync(client=client, body=body, idempotency_key=key)).id == account.id
    return account.id


def register(client: AuthenticatedClient, account_id: str, device_type_id: str, name: str) -> str:
    body = DeviceIn(device_type_id=device_type_id, name=name)
    return ok(add_device.sync(account_id, client=client, body=body)).id


def switch(client: AuthenticatedClient, device_id: str, active: bool) -> None:
    assert ok(switch_one.sync(device_id, client=client, body=DeviceStatusIn(active=active))).changed == [device_id]


def bulk(client: AuthenticatedClient, account_id: str, device_ids: list[str], active: bool) -> None:
    body = BulkStatusIn(device_ids=device_ids, active=active)
    assert ok(switch_many.sync(account_id, client=client, body=body)).changed == device_ids


def add_test_card(client: AuthenticatedClient, account_id: str, number: str, default: bool = False) -> str:
    """The card form's part (the sandbox tokenizes the number, R17), then the card is the account's."""
    token = ok(sandbox_token.sync(client=client, body=SandboxCardIn(number=number, exp_month=12, exp_year=2030)))
    return ok(add_card.sync(account_id, client=client, body=CardIn(token=token["token"], default=default))).id


def amounts(invoice: InvoiceOut) -> dict:
    """What an invoice or an estimate charges: lines with their tiers, tax per rate, points, due."""
    return dict(
        lines=[
            (
                line.kind,
                line.device_type_id,
                line.quantity,
                line.amount,
                Decimal(line.tax_rate),
                [(x.first, x.last, x.unit_price, x.amount) for x in line.tiers],
            )
            for line in invoice.lines
        ],
        taxes=[(Decimal(x.rate), x.taxable_amount, x.tax) for x in invoice.taxes],
        subtotal=invoice.subtotal,
        tax_total=invoice.tax_total,
        total=invoice.total,
        points_applied=invoice.points_applied,
        amount_due=invoice.amount_due,
    )


def test_r1_r2_r5_r7_r12_r14_r15_r16_r17_r19_r20_two_months_of_two_accounts_on_a_test_clock_through_the_client(
    client,
):
    # --- given: the catalog (R7, R8) ----------------------------------------------------------------------
    ok(create_device_type.sync(client=client, body=DeviceTypeIn(id="esp32", name="ESP32 DevKit")))
    ok(create_device_type.sync(client=client, body=DeviceTypeIn(id="m5stack", name="M5Stack")))
    prices = PlanInPrices()
    prices["esp32"] = [TierIn(up_to=2, unit_price=0), TierIn(up_to=None, unit_price=283)]
    prices["m5stack"] = [TierIn(up_to=None, unit_price=645)]
    ok(create_plan.sync(client=client, body=PlanIn(id="growth", name="Growth", prices=prices, features=["api"])))

    # --- March 2nd 2025: sign-ups, devices (R1: billable, Active, from its registration), cards, points ---
    clock = new_clock(client, "2025-03-02T00:00:00Z")
    a, b = sign_up(client, "Sapporo Sensors", clock), sign_up(client, "Naha Farm", clock)
    assert {x.id for x in ok(list_accounts.sync(client=client))} == {a, b}
    e1, e2, e3 = (register(client, a, "esp32", f"e{n}") for n in (1, 2, 3))  # A: esp32 3
    m1 = register(client, a, "m5stack", "m1")  # A: m5stack 1
    f1, f2, _ = (register(client, b, "esp32", f"f{n}") for n in (1, 2, 3))  # B: esp32 3
    register(client, b, "m5stack", "n1")  # B: m5stack 1, all month
    card_a, card_b = add_test_card(client, a, SUCCEEDS), add_test_card(client, b, DECLINES)
    grant = GrantIn(amount=100, reason="welcome")
    assert ok(grant_account_points.sync(b, client=client, body=grant)).balance == 100

    # --- March: A's devices come and go (R2), and two of B's go Inactive ------------------------------------
    at(client, clock, "2025-03-05T00:00:00Z")
    switch(client, e1, False)
    register(client, a, "esp32", "e4")  # A: e2, e3, e4 Active: 3
    at(client, clock, "2025-03-10T00:00:00Z")
    bulk(client, a, [e2, e3], False)  # A: e4 alone: 1
    register(client, a, "m5stack", "m2")  # A: m5stack 2
    at(client, clock, "2025-03-15T00:00:00Z")
    bulk(client, a, [e1, e2, e3], True)  # A: e1..e4 Active: 4, its peak
    at(client, clock, "2025-03-20T00:00:00Z")
    switch(client, m1, False)  # A: m5stack 1 now; its peak stays 2 (R5)
    bulk(client, b, [f1, f2], False)  # B: esp32 1 now; its peak stays 3

    # R20: mid-month, the running peak and the devices Active now
    at(client, clock, "2025-03-25T00:00:00Z")
    usage = ok(get_usage.sync(a, client=client))
    assert (usage.month, usage.period_start, usage.period_end) == (
        "2025-03",
        utc("2025-02-28T15:00:00Z"),
        utc("2025-03-31T15:00:00Z"),
    )
    assert usage.billable_devices.to_dict() == {"esp32": 4, "m5stack": 2}
    assert usage.active_now.to_dict() == {"esp32": 4, "m5stack": 1}

    # --- a second before March ends in Tokyo, nothing closes (R15) ------------------------------------------
    early = at(client, clock, "2025-03-31T14:59:59Z")
    assert (early.invoices, early.billed) == (0, 0)

    # --- when: the clock passes March's end in Tokyo (midnight, 2025-03-31T15:00Z), to 01:00 there -------
    done = at(client, clock, "2025-03-31T16:00:00Z")
    # A 2,041 + B 1,020 (below): both finalized at the stop of Tokyo's midnight (R15); the card is
    # charged at once (R17); B's declines and is to be tried again (R19)
    assert (done.stops, done.invoices, done.billed, done.paid, done.declined, done.suspended) == (
        2,  # Tokyo's midnight, then the target
        2,
        2_041 + 1_020,
        1,
        1,
        0,
    )
    [inv_a] = ok(list_account_invoices.sync(a, client=client))
    [inv_b] = ok(list_account_invoices.sync(b, client=client))

    # --- then: A's invoice, to the yen --------------------------------------------------------------------
    # esp32 peak 4 (March 15th-25th): 2 x 0 + 2 x 283 = 566; m5stack peak 2 (m1, m2 from the 10th to
    # the 20th): 2 x 645 = 1,290; 566 + 1,290 = 1,856; 10% = 185.6, rounded down to 185 (R12)
    assert amounts(inv_a) == dict(
        lines=[
            ("usage", "esp32", 4, 566, TAX_10, [(1, 2, 0, 0), (3, 4, 283, 566)]),
            ("usage", "m5stack", 2, 1_290, TAX_10, [(1, 2, 645, 1_290)]),
        ],
        taxes=[(TAX_10, 1_856, 185)],
        subtotal=1_856,
        tax_total=185,
        total=2_041,  # 1,856 + 185
        points_applied=0,
        amount_due=2_041,
    )
    assert (inv_a.status.value, inv_a.amount_paid, inv_a.amount_left, inv_a.due_at) == ("paid", 2_041, 0, None)
    assert (inv_a.collection.method.value, inv_a.collection.state.value) == ("card", "paid")
    assert [(x.try_number, x.card_id, x.amount, x.outcome.value, x.failure_code) for x in inv_a.attempts] == [
        (1, card_a, 2_041, "succeeded", None)
    ]

    # --- then: B's invoice: points pay first (R16), the card is charged the rest and declines (R19) --------
    # esp32 peak 3 (f1-f3 until the 20th): 2 x 0 + 1 x 283 = 283; m5stack 1 x 645 = 645; 283 + 645 = 928;
    # 10% = 92.8, rounded down to 92; 928 + 92 = 1,020; 100 points pay first: 920 for the card
    assert amounts(inv_b) == dict(
        lines=[
            ("usage", "esp32", 3, 283, TAX_10, [(1, 2, 0, 0), (3, 3, 283, 283)]),
            ("usage", "m5stack", 1, 645, TAX_10, [(1, 1, 645, 645)]),
        ],
        taxes=[(TAX_10, 928, 92)],
        subtotal=928,
        tax_total=92,
        total=1_020,
        points_applied=100,
        amount_due=920,
    )
    assert (inv_b.status.value, inv_b.amount_paid, inv_b.amount_left) == ("open", 0, 920)
    collection = inv_b.collection
    # the default schedule tries again 3 days after the first try (days 0, 3, 7, 14)
    assert (collection.method.value, collection.state.value, collection.tries_made, collection.next_try_at) == (
        "card",
        "collecting",
        1,
        utc("2025-04-03T15:00:00Z"),  # 3 days after the first try, at Tokyo's midnight
    )
    assert [(x.try_number, x.card_id, x.amount, x.outcome.value, x.failure_code) for x in inv_b.attempts] == [
        (1, card_b, 920, "declined", "card_declined")
    ]
    assert ok(get_points.sync(b, client=client)).balance == 0  # 100 - 100

    # --- then: the same invoices wherever they are read (R14: the issuer on each) -----------------------------
    for invoice in (inv_a, inv_b):
        assert ok(get_invoice.sync(invoice.id, client=client)) == invoice
        assert (invoice.billing_month, invoice.issued_at, invoice.currency) == (
            "2025-03",
            utc("2025-03-31T15:00:00Z"),  # the close ran at the stop of Tokyo's midnight
            "JPY",
        )
        assert (invoice.issuer_name, invoice.issuer_registration_number) == (
            "fleetbill IoT Cloud K.K.",
            "T7123456789012",
        )
    page = ok(list_invoices.sync(client=client, month="2025-03"))
    assert ({i.id for i in page.data}, page.next_cursor) == ({inv_a.id, inv_b.id}, None)
    assert {i.recipient_name for i in page.data} == {"Sapporo Sensors", "Naha Farm"}

    # the payments: A's one charge recorded once, as the gateway referenced it; B nothing received yet
    paid_a = ok(invoice_payments.sync(inv_a.id, client=client))
    assert (paid_a.status, paid_a.received) == ("paid", 2_041)
    assert [(p.method, p.amount, p.reference) for p in paid_a.payments] == [
        ("card", 2_041, inv_a.attempts[0].reference)
    ]
    paid_b = ok(invoice_payments.sync(inv_b.id, client=client))
    assert (paid_b.status, paid_b.received, paid_b.payments) == ("open", 0, [])
    assert [(x.try_number, x.amount, x.outcome, x.code) for x in paid_b.attempts] == [
        (1, 920, "declined", "card_declined")
    ]

    # --- April: B's card is tried again on days 3, 7 and 14 and declines; B is suspended (R19) ------------
    retried = at(client, clock, "2025-04-15T00:00:00Z")
    assert (retried.invoices, retried.paid, retried.declined, retried.suspended) == (0, 0, 3, 1)
    inv_b = ok(get_invoice.sync(inv_b.id, client=client))
    assert [(x.try_number, x.attempted_at, x.outcome.value) for x in inv_b.attempts] == [
        (1, utc("2025-03-31T15:00:00Z"), "declined"),
        (2, utc("2025-04-03T15:00:00Z"), "declined"),
        (3, utc("2025-04-07T15:00:00Z"), "declined"),
        (4, utc("2025-04-14T15:00:00Z"), "declined"),
    ]
    assert inv_b.collection.state.value == "failed"
    assert ok(get_entitlements.sync(b, client=client)).suspended is True

    # B adds a card that works, as its default: the unpaid invoice is charged to it at once (R19)
    # and the suspension is lifted
    new_card = add_test_card(client, b, SUCCEEDS, default=True)
    inv_b = ok(get_invoice.sync(inv_b.id, client=client))
    assert (inv_b.status.value, inv_b.amount_paid, inv_b.amount_left) == ("paid", 920, 0)
    assert (inv_b.attempts[-1].card_id, inv_b.attempts[-1].amount, inv_b.attempts[-1].outcome.value) == (
        new_card,
        920,
        "succeeded",
    )
    assert ok(get_entitlements.sync(b, client=client)).suspended is False

    # --- May 1st in Tokyo: April closes for both and each is paid by its default card ------------------------
    april = at(client, clock, "2025-04-30T15:30:00Z")
    # A: esp32 e1-e4 Active all April: 2 x 0 + 2 x 283 = 566; m5stack m2 alone (m1 Inactive since
    # March 20th): 645; 1,211; 10% = 121.1, rounded down to 121; 1,332.
    # B: esp32 f3 alone: 1 x 0 = 0; m5stack 645; 645; 10% = 64.5, rounded down to 64; 709.
    assert (april.invoices, april.billed, april.paid, april.declined) == (2, 1_332 + 709, 2, 0)
    [april_a, _] = ok(list_account_invoices.sync(a, client=client))
    [april_b, _] = ok(list_account_invoices.sync(b, client=client))
    assert (april_a.billing_month, april_a.subtotal, april_a.tax_total, april_a.total) == ("2025-04", 1_211, 121, 1_332)
    assert (april_b.billing_month, april_b.subtotal, april_b.tax_total, april_b.total) == ("2025-04", 645, 64, 709)
    assert [(x.card_id, x.amount, x.outcome.value) for x in april_a.attempts] == [(card_a, 1_332, "succeeded")]
    assert [(x.card_id, x.amount, x.outcome.value) for x in april_b.attempts] == [(new_card, 709, "succeeded")]
    assert (april_a.status.value, april_b.status.value) == ("paid", "paid")
