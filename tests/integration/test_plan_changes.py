"""Changing an account's plan (R10), and the fees that come with it (R11), through the API on the
real database and the sandbox gateway.

Catalog (prices tax-exclusive, R8; Japan's 10%, rounded down, R12):

  plan     term     fixed fee        esp32 a device  features                  bank transfer
  starter  monthly  none             100             api                       allowed
  team     monthly  1,200 a month    70              api, dashboard            not allowed
  pro      monthly  3,000 a month    50              api, dashboard            allowed
  max      monthly  5,000 a month    40              api, dashboard, alerts    allowed
  annual   yearly   24,000 a year    60              api, dashboard            allowed
                    (= 2,000 a month)

Accounts are in Asia/Tokyo and sign up at the fixtures' start, 2026-01-05T03:00Z (12:00 on the
5th in Tokyo); their devices are Active from then on. Tokyo's January is
[2025-12-31T15:00Z, 2026-01-31T15:00Z) (31 days), February [.., 2026-02-28T15:00Z) (28 days).

Fees worked out once, used below:
  pro bought at sign-up (the 5th):   days 5..31 = 27 of 31; 3,000 x 27 // 31 = 81,000 // 31 = 2,612
                                     (31 x 2,612 = 80,972); tax 261.2 -> 261; total 2,873
  pro bought on the 20th:            days 20..31 = 12 of 31; 3,000 x 12 // 31 = 36,000 // 31 = 1,161
                                     (31 x 1,161 = 35,991); tax 116.1 -> 116; total 1,277
  annual bought at sign-up (the 5th): 27 days of the 365 of a whole year from 2026-01-01;
                                     24,000 x 27 // 365 = 648,000 // 365 = 1,775 (365 x 1,775 =
                                     647,875); tax 177.5 -> 177; total 1,952
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fleetbill.adapters.db import schema as t
from fleetbill.adapters.db import schema_payments as p
from tests.integration.test_collection import DECLINES, VISA, Billing, ok, problem, utc

UPGRADE_DAY = datetime(2026, 1, 20, 1, 0, tzinfo=UTC)  # 10:00 on the 20th in Tokyo
JAN_END = utc("2026-01-31T15:00:00Z")  # 2026-02-01 00:00 in Tokyo
FEB_END = utc("2026-02-28T15:00:00Z")  # 2026-03-01 00:00 in Tokyo
JAN_CLOSE = datetime(2026, 2, 1, 0, 0, tzinfo=UTC)  # 09:00 on Feb 1 in Tokyo: January has ended there
FEB_CLOSE = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 09:00 on Mar 1 in Tokyo

PLANS = {
    # id: (term, fixed fee, esp32 price, features, bank transfer)
    "starter": ("monthly", 0, 100, ["api"], True),
    "team": ("monthly", 1_200, 70, ["api", "dashboard"], False),
    "pro": ("monthly", 3_000, 50, ["api", "dashboard"], True),
    "max": ("monthly", 5_000, 40, ["api", "dashboard", "alerts"], True),
    "annual": ("yearly", 24_000, 60, ["api", "dashboard"], True),
}


class Plans(Billing):
    """Billing, plus plan changes and what they show."""

    def change(self, account_id: str, plan_id: str) -> dict:
        return ok(self.api.post(f"/v1/accounts/{account_id}/plan", json={"plan_id": plan_id}))

    def plan_of(self, account_id: str) -> str:
        return ok(self.api.get(f"/v1/accounts/{account_id}"))["plan_id"]

    def features(self, account_id: str) -> tuple[str, list[tuple[str, bool]]]:
        """(the plan the entitlements are for, [(feature, enabled)])."""
        e = self.entitlements(account_id)
        return e["plan_id"], [(f["feature"], f["enabled"]) for f in e["features"]]

    def by_id(self, invoice_id: str) -> dict:
        return ok(self.api.get(f"/v1/invoices/{invoice_id}"))

    def invoices(self, account_id: str) -> dict[str, list[dict]]:
        """The account's invoices by billing month, "purchase" for purchase invoices (oldest first)."""
        found: dict[str, list[dict]] = {}
        for i in sorted(ok(self.api.get(f"/v1/accounts/{account_id}/invoices")), key=lambda i: i["number"]):
            found.setdefault(i["billing_month"] or i["kind"], []).append(i)
        return found

    def usage(self, account_id: str) -> dict:
        return ok(self.api.get(f"/v1/accounts/{account_id}/usage"))

    def changes(self, account_id: str) -> list[tuple]:
        """(from, to, kind, requested, effective, applied, cancelled) of every change, in order."""
        pc = p.plan_changes
        with self.app.db.read() as conn:
            rows = conn.execute(
                select(pc).where(pc.c.account_id == account_id).order_by(pc.c.requested_at, pc.c.id)
            ).all()

        def at(x):
            return None if x is None else x.astimezone(UTC)

        return [
            (
                r.from_plan_id,
                r.to_plan_id,
                r.kind,
                at(r.requested_at),
                at(r.effective_at),
                at(r.applied_at),
                at(r.cancelled_at),
            )
            for r in rows
        ]

    def charged(self, invoice_id: str) -> list[tuple[int, str]]:
        """(amount, card token) of every sandbox charge made for the invoice."""
        return [(c.amount, c.card_token) for c in self.app.gateway.charges if c.metadata["invoice_id"] == invoice_id]


@pytest.fixture
def plans(api, app) -> Plans:
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    for plan_id, (term, fee, price, features, bank_transfer) in PLANS.items():
        body = {
            "id": plan_id,
            "name": plan_id.title(),
            "term": term,
            "fixed_fee": fee,
            "features": features,
            "allow_bank_transfer": bank_transfer,
            "prices": {"esp32": [{"up_to": None, "unit_price": price}]},
        }
        ok(api.post("/v1/plans", json=body), 201)
    return Plans(api, app)


def lines(invoice: dict) -> list[tuple]:
    """(kind, description, quantity, amount, period start, period end) of each line."""
    return [
        (
            x["kind"],
            x["description"],
            x["quantity"],
            x["amount"],
            utc(x["period_start"]) if x["period_start"] else None,
            utc(x["period_end"]) if x["period_end"] else None,
        )
        for x in invoice["lines"]
    ]


def totals(invoice: dict) -> tuple[int, int, int, int]:
    return invoice["subtotal"], invoice["tax_total"], invoice["total"], invoice["amount_due"]


def usage_line(invoice: dict) -> tuple:
    [line] = [x for x in invoice["lines"] if x["kind"] == "usage"]
    return line["device_type_id"], line["quantity"], [(x["unit_price"], x["amount"]) for x in line["tiers"]]


def fee_lines(invoice: dict) -> list[tuple]:
    return [
        (x["description"], x["amount"], utc(x["period_start"]), utc(x["period_end"]))
        for x in invoice["lines"]
        if x["kind"] == "fixed_fee"
    ]


ON = [("api", True), ("dashboard", True)]
ESP32 = "ESP32: peak active devices"  # the usage line's description


# --- R10, R11: an upgrade is bought and starts at once ------------------------------------------


def test_r10_r11_upgrade_with_a_good_card_is_invoiced_prorated_charged_and_starts_at_once(plans, app):
    # given: an account on starter (no fee, api only) with 2 esp32 and a Visa on file
    acme = plans.account("starter")
    plans.devices(acme, 2)
    visa = plans.add_card(acme, VISA)
    assert plans.features(acme) == ("starter", [("api", True)])

    # when: it upgrades to pro on the 20th in Tokyo
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "pro")

    # then: an upgrade, effective and applied at once, with a purchase invoice
    assert (change["from_plan_id"], change["to_plan_id"], change["kind"]) == ("starter", "pro", "upgrade")
    assert utc(change["requested_at"]) == utc(change["effective_at"]) == utc(change["applied_at"]) == UPGRADE_DAY
    purchase = plans.by_id(change["purchase_invoice_id"])
    # pro's 3,000 for days 20..31 of January's 31: 36,000 // 31 = 1,161; tax 116.1 -> 116; 1,277
    assert (purchase["kind"], purchase["billing_month"], purchase["status"]) == ("purchase", None, "paid")
    assert fee_lines(purchase) == [("Pro fee from purchase (prorated by days)", 1_161, UPGRADE_DAY, JAN_END)]
    assert [(x["rate"], x["taxable_amount"], x["tax"]) for x in purchase["taxes"]] == [("0.1", 1_161, 116)]
    assert totals(purchase) == (1_161, 116, 1_277, 1_277)
    # charged at once, to the Visa, exactly that
    assert plans.charged(purchase["id"]) == [(1_277, visa["token"])]
    assert len(app.gateway.charges) == 1
    # the account is on pro, and pro's features are on
    assert plans.plan_of(acme) == "pro"
    assert plans.features(acme) == ("pro", ON)

    # when: January ends in Tokyo and the due jobs run
    plans.at(JAN_CLOSE)
    plans.run()

    # then: January's usage is priced under pro, the plan held at January's end (2 x 50 = 100, not
    # starter's 2 x 100), and pro's February fee comes in advance: 100 + 3,000 = 3,100; tax 310
    january = plans.invoice(acme, "2026-01")
    assert usage_line(january) == ("esp32", 2, [(50, 100)])
    assert fee_lines(january) == [("Pro fee, 2026-02", 3_000, JAN_END, FEB_END)]
    assert totals(january) == (3_100, 310, 3_410, 3_410)
    assert january["status"] == "paid" and plans.charged(january["id"]) == [(3_410, visa["token"])]
    # and the purchase was the only other invoice: nothing billed twice for days 20..31
    assert set(plans.invoices(acme)) == {"purchase", "2026-01"}
    assert plans.changes(acme) == [("starter", "pro", "upgrade", UPGRADE_DAY, UPGRADE_DAY, UPGRADE_DAY, None)]


def test_r10_r11_upgrade_with_a_declining_card_keeps_the_old_plan_until_a_good_card_pays(plans, app):
    # given: an account on starter with 2 esp32 and a card that attaches but declines every charge
    acme = plans.account("starter")
    plans.devices(acme, 2)
    declining = plans.add_card(acme, DECLINES)

    # when: it upgrades to pro on the 20th
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "pro")

    # then: the upgrade is recorded but not applied; nothing was charged
    assert (change["kind"], change["applied_at"]) == ("upgrade", None)
    assert utc(change["effective_at"]) == UPGRADE_DAY
    assert app.gateway.charges == ()
    # the account stays on starter, and starter's feature stays on (pro's dashboard is not on)
    assert plans.plan_of(acme) == "starter"
    assert plans.features(acme) == ("starter", [("api", True)])
    # the purchase invoice (1,277, as above) is open and in collection: the declined card was tried
    invoice_id = change["purchase_invoice_id"]
    purchase = plans.by_id(invoice_id)
    assert (purchase["status"], totals(purchase)) == ("open", (1_161, 116, 1_277, 1_277))
    payments = plans.payments(invoice_id)
    assert (payments["collection"]["method"], payments["collection"]["state"]) == ("card", "collecting")
    assert [(a[1], a[2], a[3], a[4]) for a in plans.attempts(invoice_id)] == [
        (declining["id"], 1_277, "declined", "card_declined")
    ]

    # when: a good card is added the next day
    plans.at(datetime(2026, 1, 21, 1, 0, tzinfo=UTC))
    visa = plans.add_card(acme, VISA)

    # then: the purchase invoice is paid at once with it, and pro starts
    assert visa["retried_invoices"] == [invoice_id]
    assert plans.by_id(invoice_id)["status"] == "paid"
    assert plans.charged(invoice_id) == [(1_277, visa["token"])]
    assert plans.plan_of(acme) == "pro"
    assert plans.features(acme) == ("pro", ON)
    [(_, _, _, _, _, applied, cancelled)] = plans.changes(acme)
    assert (applied, cancelled) == (datetime(2026, 1, 21, 1, 0, tzinfo=UTC), None)

    # and January is priced under pro, with pro's February fee: 2 x 50 + 3,000 = 3,100; tax 310
    plans.at(JAN_CLOSE)
    plans.run()
    january = plans.invoice(acme, "2026-01")
    assert usage_line(january) == ("esp32", 2, [(50, 100)])
    assert fee_lines(january) == [("Pro fee, 2026-02", 3_000, JAN_END, FEB_END)]
    assert totals(january) == (3_100, 310, 3_410, 3_410)


def test_r10_r18_upgrade_of_an_account_paying_by_bank_transfer_applies_at_once(plans, app):
    # given: an account on starter paying by bank transfer (starter and pro both allow it)
    acme = plans.account("starter")
    plans.devices(acme, 2)
    ok(plans.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))

    # when: it upgrades to pro on the 20th
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "pro")

    # then: applied at once, the invoice being accepted (R10); nothing charged to any card
    assert (change["kind"], utc(change["applied_at"])) == ("upgrade", UPGRADE_DAY)
    assert plans.plan_of(acme) == "pro"
    assert plans.features(acme) == ("pro", ON)
    assert app.gateway.charges == ()
    # the purchase invoice, 1,277 as above, is open, to be paid by transfer
    purchase = plans.by_id(change["purchase_invoice_id"])
    assert (purchase["status"], totals(purchase)) == ("open", (1_161, 116, 1_277, 1_277))

    # when: the due jobs run
    plans.run()

    # then: its collection waits for a transfer, due at the end of February in Tokyo (the month
    # after it was issued); the features stay on meanwhile
    collection = plans.payments(purchase["id"])["collection"]
    assert (collection["method"], collection["state"], collection["next_try_at"]) == (
        "bank_transfer",
        "collecting",
        None,
    )
    assert utc(collection["due_at"]) == FEB_END
    assert plans.features(acme) == ("pro", ON)

    # when: the transfer arrives
    url = f"/v1/invoices/{purchase['id']}/transfers"
    paid = ok(plans.api.post(url, json={"amount": 1_277, "reference": "MIZUHO 0001"}), 201)

    # then: paid; still on pro; still no card charge
    assert paid == {"invoice_id": purchase["id"], "received": 1_277, "left_to_pay": 0, "status": "paid"}
    assert plans.plan_of(acme) == "pro" and app.gateway.charges == ()


def test_r10_r11_an_upgrade_replaces_a_pending_downgrade(plans, app):
    # given: an account on pro (bought at sign-up, 2,873, paid by the worker's first run) with 3
    # esp32 and a Visa, that asked on the 20th to move down to team at the renewal
    acme = plans.account("pro")
    plans.devices(acme, 3)
    visa = plans.add_card(acme, VISA)
    plans.run()
    [signup] = plans.invoices(acme)["purchase"]
    assert plans.charged(signup["id"]) == [(2_873, visa["token"])]
    plans.at(UPGRADE_DAY)
    down = plans.change(acme, "team")
    assert down["kind"] == "downgrade"

    # when: the next day it upgrades to max instead
    day_after = datetime(2026, 1, 21, 1, 0, tzinfo=UTC)
    plans.at(day_after)
    up = plans.change(acme, "max")

    # then: the downgrade is cancelled and max is bought at once: 5,000 for days 21..31 = 11 of 31,
    # 55,000 // 31 = 1,774 (31 x 1,774 = 54,994); tax 177.4 -> 177; 1,951
    assert (up["kind"], utc(up["applied_at"])) == ("upgrade", day_after)
    purchase = plans.by_id(up["purchase_invoice_id"])
    assert totals(purchase) == (1_774, 177, 1_951, 1_951)
    assert plans.charged(purchase["id"]) == [(1_951, visa["token"])]
    assert [(c[1], c[2], c[5], c[6]) for c in plans.changes(acme)] == [
        ("team", "downgrade", None, day_after),
        ("max", "upgrade", day_after, None),
    ]
    assert plans.plan_of(acme) == "max"
    assert plans.features(acme) == ("max", [("api", True), ("dashboard", True), ("alerts", True)])

    # and January is priced under max with max's February fee, not team's:
    # 3 x 40 = 120 + 5,000 = 5,120; tax 512; 5,632
    plans.at(JAN_CLOSE)
    plans.run()
    january = plans.invoice(acme, "2026-01")
    assert usage_line(january) == ("esp32", 3, [(40, 120)])
    assert fee_lines(january) == [("Max fee, 2026-02", 5_000, JAN_END, FEB_END)]
    assert totals(january) == (5_120, 512, 5_632, 5_632)
    assert plans.plan_of(acme) == "max"


# --- R10, R11: a downgrade waits for the renewal --------------------------------------------------


def test_r10_r11_monthly_downgrade_takes_effect_at_the_next_month_with_the_new_fee(plans, app):
    # given: an account on pro since the 5th (purchase 2,873) with 3 esp32 and a Visa
    acme = plans.account("pro")
    plans.devices(acme, 3)
    visa = plans.add_card(acme, VISA)

    # when: on the 20th it moves down to team (1,200 a month < 3,000)
    plans.at(UPGRADE_DAY)
    change = plans.change(acme, "team")

    # then: a downgrade, effective at the next renewal: February 1st 00:00 in Tokyo; not applied;
    # no purchase invoice, nothing charged now, and nothing refunded (R10): the one charge so far
    # is pro's sign-up purchase, paid when the card was added (R19: a new card pays what is due)
    assert (change["from_plan_id"], change["to_plan_id"], change["kind"]) == ("pro", "team", "downgrade")
    assert utc(change["effective_at"]) == JAN_END == utc("2026-02-01T00:00:00+09:00")
    assert (change["applied_at"], change["purchase_invoice_id"]) == (None, None)
    assert [(c.amount, c.card_token) for c in app.gateway.charges] == [(2_873, visa["token"])]
    assert plans.plan_of(acme) == "pro"
    assert plans.features(acme)[0] == "pro"

    # when: January ends in Tokyo and the due jobs run
    plans.at(JAN_CLOSE)
    plans.run()

    # then: January's usage is priced under pro, the plan it was used under (3 x 50 = 150), and its
    # fee line for February is team's: 150 + 1,200 = 1,350; tax 135; 1,485
    invoices = plans.invoices(acme)
    [january] = invoices["2026-01"]
    assert usage_line(january) == ("esp32", 3, [(50, 150)])
    assert fee_lines(january) == [("Team fee, 2026-02", 1_200, JAN_END, FEB_END)]
    assert totals(january) == (1_350, 135, 1_485, 1_485)
    # the sign-up purchase (2,873) and January are paid by the Visa
    [purchase] = invoices["purchase"]
    assert plans.charged(purchase["id"]) == [(2_873, visa["token"])]
    assert plans.charged(january["id"]) == [(1_485, visa["token"])]
    # and the account is on team now, with team's features, all on
    assert plans.plan_of(acme) == "team"
    assert plans.features(acme) == ("team", ON)
    assert plans.changes(acme) == [("pro", "team", "downgrade", UPGRADE_DAY, JAN_END, JAN_CLOSE, None)]

    # when: February closes
    plans.at(FEB_CLOSE)
    plans.run()

    # then: February is all team: 3 x 70 = 210 + team's March fee 1,200 = 1,410; tax 141; 1,551
    february = plans.invoice(acme, "2026-02")
    assert usage_line(february) == ("esp32", 3, [(70, 210)])
    assert fee_lines(february) == [("Team fee, 2026-03", 1_200, FEB_END, utc("2026-03-31T15:00:00Z"))]
    assert totals(february) == (1_410, 141, 1_551, 1_551)


def test_r10_r11_downgrade_to_a_plan_without_a_fee_leaves_the_last_invoice_without_a_fee_line(plans):
    # given: an account on pro since the 5th with 3 esp32 and a Visa
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)

    # when: on the 20th it moves down to starter (no fee)
    plans.at(UPGRADE_DAY)
    assert plans.change(acme, "starter")["kind"] == "downgrade"

    # then: January is priced under pro (3 x 50 = 150) and carries no fee for February: starter
    # has none; 150 + 15 tax = 165
    plans.at(JAN_CLOSE)
    plans.run()
    january = plans.invoice(acme, "2026-01")
    assert lines(january) == [("usage", ESP32, 3, 150, None, None)]
    assert totals(january) == (150, 15, 165, 165)
    assert plans.plan_of(acme) == "starter"
    assert plans.features(acme) == ("starter", [("api", True)])

    # and February is starter's: 3 x 100 = 300, no fee; tax 30; 330
    plans.at(FEB_CLOSE)
    plans.run()
    february = plans.invoice(acme, "2026-02")
    assert lines(february) == [("usage", ESP32, 3, 300, None, None)]
    assert totals(february) == (300, 30, 330, 330)


def test_r10_r11_yearly_downgrade_waits_for_the_anniversary(plans):
    # given: an account on annual since the 5th: its first, prorated period runs to February 1st
    # (purchase 1,952), then yearly periods from February; 3 esp32, a Visa
    acme = plans.account("annual")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    [purchase] = plans.invoices(acme)["purchase"]
    assert fee_lines(purchase) == [
        ("Annual fee from purchase (prorated by days)", 1_775, utc("2026-01-05T03:00:00Z"), JAN_END)
    ]
    assert totals(purchase) == (1_775, 177, 1_952, 1_952)
    # January's invoice carries the first whole year in advance: 3 x 60 = 180 + 24,000 = 24,180;
    # tax 2,418; 26,598
    plans.at(JAN_CLOSE)
    plans.run()
    january = plans.invoice(acme, "2026-01")
    year_end = utc("2027-01-31T15:00:00Z")  # 2027-02-01 00:00 in Tokyo
    assert fee_lines(january) == [("Annual fee, 2026-02 to 2027-01", 24_000, JAN_END, year_end)]
    assert totals(january) == (24_180, 2_418, 26_598, 26_598)

    # when: on 2026-03-10 it moves down to team (1,200 a month < 24,000 / 12 = 2,000)
    asked = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    plans.at(asked)
    change = plans.change(acme, "team")

    # then: effective at the anniversary, 2027-02-01 00:00 in Tokyo: the year paid for is kept
    assert (change["kind"], change["applied_at"]) == ("downgrade", None)
    assert utc(change["effective_at"]) == year_end

    # when: the months up to December 2026 close
    plans.at(datetime(2027, 1, 1, 0, 0, tzinfo=UTC))
    assert plans.run()["close"]["months"] == [f"2026-{m:02d}" for m in range(2, 13)]

    # then: still annual; every month of the year is usage only (3 x 60 = 180 + 18 tax = 198)
    assert plans.plan_of(acme) == "annual"
    invoices = plans.invoices(acme)
    for month in (f"2026-{m:02d}" for m in range(2, 13)):
        [invoice] = invoices[month]
        assert lines(invoice) == [("usage", ESP32, 3, 180, None, None)], month
        assert totals(invoice) == (180, 18, 198, 198), month

    # when: January 2027, the year's last month, closes
    plans.at(datetime(2027, 2, 1, 0, 0, tzinfo=UTC))
    plans.run()

    # then: January 2027 is priced under annual (180) and carries team's February 2027 fee:
    # 180 + 1,200 = 1,380; tax 138; 1,518; and the account is on team
    last = plans.invoice(acme, "2027-01")
    assert usage_line(last) == ("esp32", 3, [(60, 180)])
    assert fee_lines(last) == [("Team fee, 2027-02", 1_200, year_end, utc("2027-02-28T15:00:00Z"))]
    assert totals(last) == (1_380, 138, 1_518, 1_518)
    assert plans.plan_of(acme) == "team"
    assert plans.features(acme) == ("team", ON)


def test_r10_r11_a_second_request_replaces_a_pending_downgrade(plans):
    # given: an account on pro with 3 esp32 and a Visa, that asked on the 20th to move to team
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(UPGRADE_DAY)
    plans.change(acme, "team")

    # when: the next day it asks for starter instead
    day_after = datetime(2026, 1, 21, 1, 0, tzinfo=UTC)
    plans.at(day_after)
    second = plans.change(acme, "starter")

    # then: the first request is cancelled, the second pending for the same renewal
    assert (second["kind"], utc(second["effective_at"]), second["applied_at"]) == ("downgrade", JAN_END, None)
    assert plans.changes(acme) == [
        ("pro", "team", "downgrade", UPGRADE_DAY, JAN_END, None, day_after),
        ("pro", "starter", "downgrade", day_after, JAN_END, None, None),
    ]

    # and January carries no fee line (starter's, not team's): 3 x 50 = 150 + 15 = 165
    plans.at(JAN_CLOSE)
    plans.run()
    january = plans.invoice(acme, "2026-01")
    assert lines(january) == [("usage", ESP32, 3, 150, None, None)]
    assert totals(january) == (150, 15, 165, 165)
    assert plans.plan_of(acme) == "starter"


def test_r10_changing_to_the_plan_the_account_is_on_is_a_409(plans):
    # given: an account on pro
    acme = plans.account("pro")

    # when: it asks for pro
    refused = plans.api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": "pro"})

    # then: refused, and nothing recorded
    assert "already" in problem(refused, 409)["detail"]
    assert plans.changes(acme) == []
    assert plans.plan_of(acme) == "pro"


@pytest.mark.parametrize(("start", "target"), [("pro", "team"), ("starter", "team")])
def test_r10_r18_a_plan_without_bank_transfer_is_a_409_for_an_account_paying_by_transfer(plans, start, target):
    # given: an account paying by bank transfer (on pro or starter, which allow it)
    acme = plans.account(start)
    ok(plans.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"}))
    before = plans.invoices(acme)

    # when: it asks for team, which is card only (a downgrade from pro, an upgrade from starter)
    plans.at(UPGRADE_DAY)
    refused = plans.api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": target})

    # then: refused, nothing recorded, no invoice issued, the plan unchanged
    assert "does not allow bank transfer" in problem(refused, 409)["detail"]
    assert plans.changes(acme) == []
    assert plans.invoices(acme) == before
    assert plans.plan_of(acme) == start


# --- R10, R11, R20: the usage estimate before a downgrade -----------------------------------------


def test_r10_r11_the_estimate_in_the_last_month_before_a_downgrade_shows_the_new_plans_fee(plans):
    # given: an account on pro with 3 esp32
    acme = plans.account("pro")
    plans.devices(acme, 3)
    plans.at(UPGRADE_DAY)

    # then: before any change, January's estimate carries pro's February fee:
    # 3 x 50 = 150 + 3,000 = 3,150; tax 315; 3,465
    before = plans.usage(acme)["estimate"]
    assert fee_lines(before) == [("Pro fee, 2026-02", 3_000, JAN_END, FEB_END)]
    assert totals(before) == (3_150, 315, 3_465, 3_465)

    # when: it asks to move down to team at the renewal
    plans.change(acme, "team")

    # then: the estimate still prices January's usage under pro (150) and shows team's fee for
    # February: 150 + 1,200 = 1,350; tax 135; 1,485 -- what the close will bill (see above)
    usage = plans.usage(acme)
    assert usage["month"] == "2026-01"
    assert usage_line(usage["estimate"]) == ("esp32", 3, [(50, 150)])
    assert fee_lines(usage["estimate"]) == [("Team fee, 2026-02", 1_200, JAN_END, FEB_END)]
    assert totals(usage["estimate"]) == (1_350, 135, 1_485, 1_485)

    # and when it asks for starter instead: no fee line at all: 150 + 15 = 165
    plans.change(acme, "starter")
    estimate = plans.usage(acme)["estimate"]
    assert lines(estimate) == [("usage", ESP32, 3, 150, None, None)]
    assert totals(estimate) == (150, 15, 165, 165)


def test_r10_r11_a_yearly_estimate_shows_the_new_fee_only_in_the_years_last_month(plans):
    # given: an account on annual (first year from 2026-02) with 3 esp32 and a Visa, that asked in
    # March 2026 to move down to team at the anniversary (2027-02)
    acme = plans.account("annual")
    plans.devices(acme, 3)
    plans.add_card(acme, VISA)
    plans.at(datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    plans.change(acme, "team")

    # when: the estimate is read in March 2026, mid-year
    # then: usage only (3 x 60 = 180 + 18 = 198): no fee falls due at March's end
    mid = plans.usage(acme)
    assert mid["month"] == "2026-03"
    assert lines(mid["estimate"]) == [("usage", ESP32, 3, 180, None, None)]
    assert totals(mid["estimate"]) == (180, 18, 198, 198)

    # when: it is read in January 2027, the last month before the downgrade
    plans.at(datetime(2027, 1, 15, 0, 0, tzinfo=UTC))
    last = plans.usage(acme)

    # then: annual's usage (180) and team's February 2027 fee: 1,380; tax 138; 1,518
    assert last["month"] == "2027-01"
    assert usage_line(last["estimate"]) == ("esp32", 3, [(60, 180)])
    assert fee_lines(last["estimate"]) == [
        ("Team fee, 2027-02", 1_200, utc("2027-01-31T15:00:00Z"), utc("2027-02-28T15:00:00Z"))
    ]
    assert totals(last["estimate"]) == (1_380, 138, 1_518, 1_518)


# --- R10: the same fee per month and the same features is no upgrade ------------------------------


def test_r10_r11_moving_from_yearly_to_monthly_at_the_same_fee_per_month_waits_for_the_anniversary(plans, api):
    # given: a monthly plan at 2,000 a month with annual's features (24,000 a year = 2,000 a month)
    body = {
        "id": "monthly2k",
        "name": "Monthly 2k",
        "fixed_fee": 2_000,
        "features": ["api", "dashboard"],
        "allow_bank_transfer": True,
        "prices": {"esp32": [{"up_to": None, "unit_price": 60}]},
    }
    ok(api.post("/v1/plans", json=body), 201)
    # and an account on annual whose year 2026-02..2027-01 is invoiced and paid
    acme = plans.account("annual")
    plans.add_card(acme, VISA)
    plans.at(JAN_CLOSE)
    plans.run()
    charges = len(plans.app.gateway.charges)

    # when: in March it moves to the monthly plan
    plans.at(datetime(2026, 3, 10, 1, 0, tzinfo=UTC))
    change = plans.change(acme, "monthly2k")

    # then: it is no upgrade (nothing more is bought): it waits for the anniversary, and nothing is
    # invoiced or charged for months the year already paid for
    assert (change["kind"], change["purchase_invoice_id"]) == ("downgrade", None)
    assert utc(change["effective_at"]) == utc("2027-01-31T15:00:00Z")
    assert plans.plan_of(acme) == "annual"
    assert len(plans.app.gateway.charges) == charges
    with plans.app.db.read() as conn:
        purchases = conn.execute(
            select(func.count()).where(t.invoices.c.account_id == acme, t.invoices.c.kind == "purchase")
        ).scalar_one()
    assert purchases == 1  # the sign-up's only


# --- R10: what would bill a plan the account never had is refused ---------------------------------


def test_r10_an_upgrade_waiting_for_its_payment_cannot_be_replaced_so_it_is_never_charged_for_nothing(plans, app):
    # given: an account on starter whose upgrade to pro (1,277, as above) was declined on the 20th
    acme = plans.account("starter")
    plans.add_card(acme, DECLINES)
    plans.at(UPGRADE_DAY)
    up = plans.change(acme, "pro")
    assert up["applied_at"] is None

    # when: it asks for team instead, or for pro again
    for plan_id in ("team", "pro"):
        refused = plans.api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": plan_id})

        # then: refused: pro's purchase invoice is in collection and would be charged anyway,
        # for a plan that would never start; nothing else is recorded or invoiced
        number = plans.by_id(up["purchase_invoice_id"])["number"]
        assert f"waits for the payment of invoice {number}" in problem(refused, 409)["detail"]
    assert [(c[1], c[5], c[6]) for c in plans.changes(acme)] == [("pro", None, None)]
    assert list(plans.invoices(acme)) == ["purchase"] and len(plans.invoices(acme)["purchase"]) == 1

    # when: a good card is added
    visa = plans.add_card(acme, VISA)

    # then: the one purchase invoice is paid (1,277) and pro starts
    assert [(c.amount, c.metadata["invoice_id"]) for c in app.gateway.charges] == [(1_277, up["purchase_invoice_id"])]
    assert visa["retried_invoices"] == [up["purchase_invoice_id"]]
    assert plans.plan_of(acme) == "pro"


def test_r10_an_upgrade_after_the_month_ended_waits_for_its_close_which_prices_it_under_the_old_plan(plans, app):
    # given: an account on starter with 2 esp32 and a Visa
    acme = plans.account("starter")
    plans.devices(acme, 2)
    plans.add_card(acme, VISA)

    # when: it upgrades at 00:30 on February 1st in Tokyo, before January's close has run
    plans.at(datetime(2026, 1, 31, 15, 30, tzinfo=UTC))
    refused = plans.api.post(f"/v1/accounts/{acme}/plan", json={"plan_id": "pro"})

    # then: refused: applied now, it would price January under pro, a plan the account did not hold
    # at January's end; nothing recorded, invoiced or charged
    assert "2026-01 has ended and waits for its close" in problem(refused, 409)["detail"]
    assert plans.changes(acme) == [] and plans.invoices(acme) == {} and app.gateway.charges == ()

    # when: the close has run (09:00 in Tokyo) and it upgrades again
    plans.at(JAN_CLOSE)
    plans.run()
    up = plans.change(acme, "pro")

    # then: January was priced under starter, the plan held at its end: 2 x 100 = 200 + 20 = 220
    january = plans.invoice(acme, "2026-01")
    assert lines(january) == [("usage", ESP32, 2, 200, None, None)]
    assert totals(january) == (200, 20, 220, 220)
    # and pro is bought from February 1st 09:00: days 1..28 of February's 28, the whole 3,000
    # (3,000 x 28 // 28); tax 300; 3,300, paid at once
    purchase = plans.by_id(up["purchase_invoice_id"])
    assert fee_lines(purchase) == [("Pro fee from purchase", 3_000, JAN_CLOSE, FEB_END)]
    assert (totals(purchase), purchase["status"]) == ((3_000, 300, 3_300, 3_300), "paid")
    assert plans.plan_of(acme) == "pro"


def test_r10_r18_bank_transfer_is_refused_while_a_downgrade_to_a_card_only_plan_is_pending(plans):
    # given: an account on pro (which allows bank transfer) that will move down to team (card
    # only) at its renewal
    acme = plans.account("pro")
    plans.at(UPGRADE_DAY)
    plans.change(acme, "team")

    # when: the operator switches it to bank transfer
    refused = plans.api.post(f"/v1/accounts/{acme}/collection-method", json={"method": "bank_transfer"})

    # then: refused, as a downgrade to team is refused for an account paying by transfer: at the
    # renewal it would pay by transfer on a plan that does not allow it
    assert "moves to plan team at its renewal" in problem(refused, 409)["detail"]
    with plans.app.db.read() as conn:
        assert conn.execute(select(p.billing_settings)).all() == []
