"""Two months of three accounts, driven only through the HTTP API and the test clock.

Every figure below is worked out by hand in a comment; none is copied from the program's output.

Catalog (prices tax-exclusive, R8):
  starter: esp32 first 3 at 0 then 300 JPY; m5stack 500 JPY flat; no fixed fee
  pro:     esp32 first 10 at 200 then 150 JPY; m5stack first 2 at 400 then 250 JPY; 1,000 JPY a month
Accounts, all signed up at 2026-01-10T00:00Z:
  A  starter, Asia/Tokyo, JP, taxable (10%), with points: G1 2,000 expiring 2026-02-15, G2 500 never
  B  pro, America/New_York, US, exempt
  C  pro, Asia/Tokyo, JP, taxable (10%)
Tokyo's January is [2025-12-31T15:00Z, 2026-01-31T15:00Z), February [.., 2026-02-28T15:00Z);
New York's January is [2026-01-01T05:00Z, 2026-02-01T05:00Z), February [.., 2026-03-01T05:00Z).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

TAX_10 = Decimal("0.1")
NO_TAX = Decimal(0)
EXEMPT_NOTE = "Tax exempt: no consumption tax is charged."


def closed(months: list[str], invoices: int, billed: int, opened: int) -> dict:
    """The close's report: what it finalized, and how many of those invoices went to collection
    (R15: those with something left after points), in the same request."""
    return dict(
        months=months,
        invoices=invoices,
        billed=billed,
        collections_opened=opened,
        downgrades_applied=0,
        months_remaining=0,
        running_elsewhere=False,
        skipped=[],
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class Operator:
    """The operator's side of the API, each call checked for its status."""

    def __init__(self, client):
        self.client = client

    def call(self, method: str, path: str, body=None, status: int = 200):
        response = self.client.request(method, path, json=body)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json()

    def at(self, when: str) -> None:
        assert utc(self.call("POST", "/v1/test-clock", {"now": when})["now"]) == utc(when)

    def run_due_jobs(self) -> dict:
        """The close and point expiry of the due jobs (collection is the payments scenario's)."""
        done = self.call("POST", "/v1/test-clock/run-due-jobs")
        return {"close": done["close"], "points_expired": done["points_expired"]}

    def sign_up(self, name: str, plan_id: str, country: str, timezone: str, tax_status: str = "taxable") -> dict:
        body = dict(
            name=name,
            plan_id=plan_id,
            country=country,
            timezone=timezone,
            tax_status=tax_status,
            billing_email=f"billing@{name.lower().replace(' ', '-')}.example",
        )
        return self.call("POST", "/v1/accounts", body, 201)

    def register(self, account_id: str, device_type_id: str, name: str) -> str:
        body = {"device_type_id": device_type_id, "name": name}
        return self.call("POST", f"/v1/accounts/{account_id}/devices", body, 201)["id"]

    def switch(self, device_id: str, active: bool) -> None:
        assert self.call("POST", f"/v1/devices/{device_id}/status", {"active": active})["changed"] == [device_id]

    def bulk(self, account_id: str, device_ids: list[str], active: bool) -> dict:
        body = {"device_ids": device_ids, "active": active}
        return self.call("POST", f"/v1/accounts/{account_id}/devices/status", body)

    def invoices(self, account_id: str) -> dict:
        """The account's invoices by billing month ("purchase" for the one at sign-up)."""
        found = self.call("GET", f"/v1/accounts/{account_id}/invoices")
        return {i["billing_month"] or i["kind"]: i for i in found}


SETTLEMENT = {"status", "amount_paid", "amount_left", "collection", "attempts"}


def finalized(by_account: dict) -> dict:
    """The invoices of each account as finalized: without what their collection did since."""
    return {
        account: {month: {k: v for k, v in i.items() if k not in SETTLEMENT} for month, i in months.items()}
        for account, months in by_account.items()
    }


def amounts(invoice: dict) -> dict:
    """What an invoice or an estimate charges: lines with their tiers, tax per rate, points, due."""
    return dict(
        lines=[
            (
                line["kind"],
                line["device_type_id"],
                line["quantity"],
                line["amount"],
                Decimal(line["tax_rate"]),
                [(x["first"], x["last"], x["unit_price"], x["amount"]) for x in line["tiers"]],
            )
            for line in invoice["lines"]
        ],
        taxes=[(Decimal(x["rate"]), x["taxable_amount"], x["tax"]) for x in invoice["taxes"]],
        subtotal=invoice["subtotal"],
        tax_total=invoice["tax_total"],
        total=invoice["total"],
        points_applied=invoice["points_applied"],
        amount_due=invoice["amount_due"],
    )


def fee_lines(invoice: dict) -> list[tuple]:
    """R11: each fixed fee line names the period it covers."""
    return [
        (line["description"], utc(line["period_start"]), utc(line["period_end"]))
        for line in invoice["lines"]
        if line["kind"] == "fixed_fee"
    ]


def test_r5_r7_r11_r12_r14_r15_r16_r20_two_months_of_three_accounts_via_the_api(api):
    op = Operator(api)

    # --- the catalog (R7); Japan's 10% is already in the tax table (R12) -------------------------
    op.call("POST", "/v1/device-types", {"id": "esp32", "name": "ESP32 DevKit"}, 201)
    op.call("POST", "/v1/device-types", {"id": "m5stack", "name": "M5Stack"}, 201)
    op.call(
        "POST",
        "/v1/plans",
        {
            "id": "starter",
            "name": "Starter",
            "prices": {
                "esp32": [{"up_to": 3, "unit_price": 0}, {"up_to": None, "unit_price": 300}],
                "m5stack": [{"up_to": None, "unit_price": 500}],
            },
        },
        201,
    )
    op.call(
        "POST",
        "/v1/plans",
        {
            "id": "pro",
            "name": "Pro",
            "fixed_fee": 1_000,
            "prices": {
                "esp32": [{"up_to": 10, "unit_price": 200}, {"up_to": None, "unit_price": 150}],
                "m5stack": [{"up_to": 2, "unit_price": 400}, {"up_to": None, "unit_price": 250}],
            },
        },
        201,
    )
    assert [r["country"] for r in op.call("GET", "/v1/tax-rates")] == ["JP"]

    # --- January ---------------------------------------------------------------------------------
    op.at("2026-01-10T00:00:00Z")  # 09:00 on the 10th in Tokyo, 19:00 on the 9th in New York
    a = op.sign_up("Tokyo Robotics", "starter", "JP", "Asia/Tokyo")["id"]
    b_account = op.sign_up("NY Sensors", "pro", "US", "America/New_York", tax_status="exempt")
    c_account = op.sign_up("Osaka Farm", "pro", "JP", "Asia/Tokyo")
    b, c = b_account["id"], c_account["id"]
    assert a != b != c and b_account["purchase_invoice_id"] and c_account["purchase_invoice_id"]
    a1, a2, a3, a4 = (op.register(a, "esp32", f"a{n}") for n in (1, 2, 3, 4))
    b_esp = [op.register(b, "esp32", f"b{n}") for n in range(1, 13)]
    bm1, bm2, bm3 = (op.register(b, "m5stack", f"bm{n}") for n in (1, 2, 3))
    c1 = op.register(c, "esp32", "c1")

    op.at("2026-01-11T00:00:00Z")
    op.switch(c1, False)

    op.at("2026-01-12T00:00:00Z")
    assert op.bulk(a, [a1, a2], False)["changed"] == [a1, a2]  # A: 2 esp32 Active
    op.register(c, "esp32", "c2")  # C: c1 Inactive, then c2 Active: never 2 at a time

    op.at("2026-01-15T00:00:00Z")
    a5, a6 = op.register(a, "esp32", "a5"), op.register(a, "esp32", "a6")  # A: 4 esp32 Active
    m1 = op.register(a, "m5stack", "m1")
    g1 = op.call(
        "POST",
        f"/v1/accounts/{a}/points",
        {"amount": 2_000, "reason": "campaign", "expires_at": "2026-02-15T00:00:00Z"},
        201,
    )
    g1 = g1["ledger"][-1]["grant_id"]
    g2 = op.call("POST", f"/v1/accounts/{a}/points", {"amount": 500, "reason": "apology"}, 201)["ledger"][-1][
        "grant_id"
    ]

    op.at("2026-01-20T00:00:00Z")
    # R5: a1 Active and a3 Inactive at the same instant apply together: A stays at 4, never 5
    op.switch(a1, True)
    op.switch(a3, False)

    op.at("2026-01-25T00:00:00Z")
    op.switch(m1, False)  # R5: counted in January; 0 in February while it stays Inactive

    assert utc(op.call("POST", "/v1/test-clock/advance", {"hours": 12})["now"]) == utc("2026-01-25T12:00:00Z")

    # R20: the usage page mid-month: running peak, Active now, estimate with tax and points
    usage_a = op.call("GET", f"/v1/accounts/{a}/usage")
    assert (usage_a["month"], utc(usage_a["period_start"]), utc(usage_a["period_end"])) == (
        "2026-01",
        utc("2025-12-31T15:00:00Z"),
        utc("2026-01-31T15:00:00Z"),
    )
    assert usage_a["billable_devices"] == {"esp32": 4, "m5stack": 1}
    assert usage_a["active_now"] == {"esp32": 4}  # a1, a4, a5, a6; m1 is Inactive now
    assert amounts(usage_a["estimate"]) == dict(
        lines=[
            ("usage", "esp32", 4, 300, TAX_10, [(1, 3, 0, 0), (4, 4, 300, 300)]),  # 3 x 0 + 1 x 300
            ("usage", "m5stack", 1, 500, TAX_10, [(1, 1, 500, 500)]),
        ],
        taxes=[(TAX_10, 800, 80)],  # 300 + 500 = 800; 10% = 80
        subtotal=800,
        tax_total=80,
        total=880,
        points_applied=880,  # G1 (valid at the month's end) pays it all
        amount_due=0,
    )
    usage_b = op.call("GET", f"/v1/accounts/{b}/usage")
    assert usage_b["month"] == "2026-01" and utc(usage_b["period_end"]) == utc("2026-02-01T05:00:00Z")
    assert usage_b["billable_devices"] == usage_b["active_now"] == {"esp32": 12, "m5stack": 3}
    b_january = dict(
        lines=[
            ("usage", "esp32", 12, 2_300, NO_TAX, [(1, 10, 200, 2_000), (11, 12, 150, 300)]),  # 10x200 + 2x150
            ("usage", "m5stack", 3, 1_050, NO_TAX, [(1, 2, 400, 800), (3, 3, 250, 250)]),  # 2x400 + 1x250
            ("fixed_fee", None, 1, 1_000, NO_TAX, []),  # February's fee, in advance
        ],
        taxes=[(NO_TAX, 4_350, 0)],  # 2,300 + 1,050 + 1,000 = 4,350; exempt
        subtotal=4_350,
        tax_total=0,
        total=4_350,
        points_applied=0,
        amount_due=4_350,
    )
    assert amounts(usage_b["estimate"]) == b_january and usage_b["estimate"]["tax_note"] == EXEMPT_NOTE

    # --- January ends in Tokyo (2026-01-31T15:00Z), not yet in New York ------------------------
    op.at("2026-01-31T16:00:00Z")
    assert op.run_due_jobs() == {
        # A 880 + C 1,320 (below)
        "close": closed(["2026-01"], 2, 2_200, opened=1),
        "points_expired": 0,
    }

    op.at("2026-01-31T23:00:00Z")  # 18:00 on the 31st in New York: B's January is still open
    switched = op.bulk(b, [*b_esp[8:], bm2, bm3], False)  # b9..b12 and two m5stacks
    assert switched["changed"] == [*b_esp[8:], bm2, bm3]
    assert op.call("GET", f"/v1/accounts/{b}/usage")["active_now"] == {"esp32": 8, "m5stack": 1}

    op.at("2026-02-01T06:00:00Z")  # January has ended in New York too
    assert op.run_due_jobs() == {
        "close": closed(["2026-01"], 1, 4_350, opened=1),
        "points_expired": 0,
    }

    # --- February ----------------------------------------------------------------------------------
    op.at("2026-02-03T00:00:00Z")
    op.bulk(a, [a4, a5], False)  # A: 2 esp32 Active (a1, a6)
    for day, active in (("05", True), ("06", False), ("07", True)):  # C: c1 toggled; c2 Active throughout
        op.at(f"2026-02-{day}T00:00:00Z")
        op.switch(c1, active)

    op.at("2026-02-10T00:00:00Z")
    back = op.bulk(a, [a1, a2, a3, a4, a5], True)  # A: 6 esp32 Active, its February peak
    assert (back["changed"], back["unchanged"]) == ([a2, a3, a4, a5], [a1])

    op.at("2026-02-14T00:00:00Z")
    op.register(b, "esp32", "b13")  # B: 9 esp32 Active
    op.switch(bm2, True)  # B: 2 m5stack Active

    op.at("2026-02-16T00:00:00Z")  # G1 expired on the 15th: 2,000 - 880 used = 1,120 expire
    assert op.run_due_jobs() == {
        "close": closed([], 0, 0, opened=0),
        "points_expired": 1_120,
    }
    assert op.call("GET", f"/v1/accounts/{a}/points")["balance"] == 500
    usage_a = op.call("GET", f"/v1/accounts/{a}/usage")
    assert usage_a["month"] == "2026-02"
    assert usage_a["billable_devices"] == usage_a["active_now"] == {"esp32": 6}
    a_february = dict(
        lines=[("usage", "esp32", 6, 900, TAX_10, [(1, 3, 0, 0), (4, 6, 300, 900)])],  # 3 x 0 + 3 x 300
        taxes=[(TAX_10, 900, 90)],  # 10% of 900
        subtotal=900,
        tax_total=90,
        total=990,
        points_applied=500,  # G2 only: G1 has expired
        amount_due=490,  # 990 - 500
    )
    assert amounts(usage_a["estimate"]) == a_february

    op.at("2026-02-20T00:00:00Z")
    op.switch(a6, False)  # A: 5 Active; the peak stays 6

    # --- February ends everywhere; the close runs, then again ----------------------------------
    op.at("2026-03-01T06:00:00Z")
    assert op.run_due_jobs() == {
        # A 990 + B 3,600 + C 1,540 (below)
        "close": closed(["2026-02"], 3, 6_130, opened=3),
        "points_expired": 0,
    }
    before_rerun = {x: op.invoices(x) for x in (a, b, c)}
    assert op.run_due_jobs() == {  # R15: a rerun finds nothing left to do
        "close": closed([], 0, 0, opened=0),
        "points_expired": 0,
    }
    invoices = {x: op.invoices(x) for x in (a, b, c)}
    # the same invoices (R15: immutable); only their collection may move on (B's card, declined
    # since February, has its fourth try due: a worker that was down tries once a run)
    assert finalized(invoices) == finalized(before_rerun)

    # --- every invoice, to the yen -----------------------------------------------------------------
    ia, ib, ic = invoices[a], invoices[b], invoices[c]
    assert set(ia) == {"2026-01", "2026-02"} and set(ib) == set(ic) == {"purchase", "2026-01", "2026-02"}

    # A, January: esp32 peak 4 (a1-a4 on the 10th; a5, a6 after a1, a2 went Inactive); m5stack 1
    assert amounts(ia["2026-01"]) == dict(
        lines=[
            ("usage", "esp32", 4, 300, TAX_10, [(1, 3, 0, 0), (4, 4, 300, 300)]),  # 3 x 0 + 1 x 300
            ("usage", "m5stack", 1, 500, TAX_10, [(1, 1, 500, 500)]),
        ],
        taxes=[(TAX_10, 800, 80)],  # 10% of 800
        subtotal=800,
        tax_total=80,
        total=880,
        points_applied=880,  # from G1, the earliest-expiring grant; G2 untouched
        amount_due=0,
    )
    # A, February: esp32 peak 6 on the 10th; m1 stayed Inactive, so no m5stack line
    assert amounts(ia["2026-02"]) == a_february

    # B: purchase on 2026-01-09 in New York: 23 of January's 31 days, 1,000 x 23 // 31 = 741
    assert amounts(ib["purchase"]) == dict(
        lines=[("fixed_fee", None, 1, 741, NO_TAX, [])],
        taxes=[(NO_TAX, 741, 0)],
        subtotal=741,
        tax_total=0,
        total=741,
        points_applied=0,
        amount_due=741,
    )
    assert fee_lines(ib["purchase"]) == [
        ("Pro fee from purchase (prorated by days)", utc("2026-01-10T00:00:00Z"), utc("2026-02-01T05:00:00Z"))
    ]
    # B, January: the estimate above, unchanged by the switches of the 31st (the peak was 12 and 3)
    assert amounts(ib["2026-01"]) == b_january
    assert fee_lines(ib["2026-01"]) == [("Pro fee, 2026-02", utc("2026-02-01T05:00:00Z"), utc("2026-03-01T05:00:00Z"))]
    # B, February: esp32 8 + b13 = 9; m5stack 1 + bm2 = 2; March's fee (EDT from March 8th)
    assert amounts(ib["2026-02"]) == dict(
        lines=[
            ("usage", "esp32", 9, 1_800, NO_TAX, [(1, 9, 200, 1_800)]),  # 9 x 200
            ("usage", "m5stack", 2, 800, NO_TAX, [(1, 2, 400, 800)]),  # 2 x 400
            ("fixed_fee", None, 1, 1_000, NO_TAX, []),
        ],
        taxes=[(NO_TAX, 3_600, 0)],  # 1,800 + 800 + 1,000
        subtotal=3_600,
        tax_total=0,
        total=3_600,
        points_applied=0,
        amount_due=3_600,
    )
    assert fee_lines(ib["2026-02"]) == [("Pro fee, 2026-03", utc("2026-03-01T05:00:00Z"), utc("2026-04-01T04:00:00Z"))]
    assert {i["tax_note"] for i in ib.values()} == {EXEMPT_NOTE}

    # C: purchase on 2026-01-10 in Tokyo: 22 of 31 days, 1,000 x 22 // 31 = 709; tax 70.9 -> 70
    assert amounts(ic["purchase"]) == dict(
        lines=[("fixed_fee", None, 1, 709, TAX_10, [])],
        taxes=[(TAX_10, 709, 70)],
        subtotal=709,
        tax_total=70,
        total=779,
        points_applied=0,
        amount_due=779,
    )
    assert fee_lines(ic["purchase"]) == [
        ("Pro fee from purchase (prorated by days)", utc("2026-01-10T00:00:00Z"), utc("2026-01-31T15:00:00Z"))
    ]
    # C, January: c1 then c2, never both: peak 1 -> 200; February's fee 1,000
    assert amounts(ic["2026-01"]) == dict(
        lines=[("usage", "esp32", 1, 200, TAX_10, [(1, 1, 200, 200)]), ("fixed_fee", None, 1, 1_000, TAX_10, [])],
        taxes=[(TAX_10, 1_200, 120)],  # 200 + 1,000 = 1,200; 10% = 120
        subtotal=1_200,
        tax_total=120,
        total=1_320,
        points_applied=0,
        amount_due=1_320,
    )
    assert fee_lines(ic["2026-01"]) == [("Pro fee, 2026-02", utc("2026-01-31T15:00:00Z"), utc("2026-02-28T15:00:00Z"))]
    # C, February: c2 plus c1 toggled three times: peak 2 -> 400; March's fee 1,000
    assert amounts(ic["2026-02"]) == dict(
        lines=[("usage", "esp32", 2, 400, TAX_10, [(1, 2, 200, 400)]), ("fixed_fee", None, 1, 1_000, TAX_10, [])],
        taxes=[(TAX_10, 1_400, 140)],  # 400 + 1,000 = 1,400; 10% = 140
        subtotal=1_400,
        tax_total=140,
        total=1_540,
        points_applied=0,
        amount_due=1_540,
    )
    assert fee_lines(ic["2026-02"]) == [("Pro fee, 2026-03", utc("2026-02-28T15:00:00Z"), utc("2026-03-31T15:00:00Z"))]

    # --- the invoices as documents (R14, R15) -----------------------------------------------------
    every = [i for per_account in invoices.values() for i in per_account.values()]
    for i in every:
        assert (i["issuer_name"], i["issuer_registration_number"], i["currency"]) == (
            "fleetbill IoT Cloud K.K.",
            "T7123456789012",
            "JPY",
        )
        assert i["status"] == ("paid" if i["amount_due"] == 0 else "open")
        assert op.call("GET", f"/v1/invoices/{i['id']}") == i
    assert {i["recipient_name"] for i in every} == {"Tokyo Robotics", "NY Sensors", "Osaka Farm"}
    assert {i["tax_note"] for i in [*ia.values(), *ic.values()]} == {None}
    # R14: numbered gaplessly, in the order they were issued
    number = {(x, m): int(i["number"].removeprefix("FB-")) for x in invoices for m, i in invoices[x].items()}
    assert sorted(number.values()) == list(range(1, 9))
    assert {number[b, "purchase"], number[c, "purchase"]} == {1, 2}  # at sign-up
    assert {number[a, "2026-01"], number[c, "2026-01"]} == {3, 4}  # Tokyo's close of January
    assert number[b, "2026-01"] == 5  # New York's, later
    assert {number[x, "2026-02"] for x in (a, b, c)} == {6, 7, 8}
    assert all(i["number"] == f"FB-{number[x, m]:08d}" for x in invoices for m, i in invoices[x].items())
    # each monthly invoice covers the account's own calendar month and is issued at its close
    assert [
        (utc(ia[m]["period_start"]), utc(ia[m]["period_end"]), utc(ia[m]["issued_at"])) for m in ("2026-01", "2026-02")
    ] == [
        (utc("2025-12-31T15:00:00Z"), utc("2026-01-31T15:00:00Z"), utc("2026-01-31T16:00:00Z")),
        (utc("2026-01-31T15:00:00Z"), utc("2026-02-28T15:00:00Z"), utc("2026-03-01T06:00:00Z")),
    ]
    assert (utc(ib["2026-01"]["period_start"]), utc(ib["2026-01"]["issued_at"])) == (
        utc("2026-01-01T05:00:00Z"),
        utc("2026-02-01T06:00:00Z"),
    )

    # --- R16: A's points ledger: two grants, a use, an expiry, a use ------------------------------
    points = op.call("GET", f"/v1/accounts/{a}/points")
    assert points["balance"] == 0
    assert [(e["kind"], e["amount"], e["grant_id"], e["invoice_id"]) for e in points["ledger"]] == [
        ("grant", 2_000, g1, None),
        ("grant", 500, g2, None),
        ("use", -880, g1, ia["2026-01"]["id"]),
        ("expire", -1_120, g1, None),  # 2,000 - 880
        ("use", -500, g2, ia["2026-02"]["id"]),
    ]
    assert utc(points["ledger"][3]["effective_at"]) == utc("2026-02-15T00:00:00Z")

    # devices were never lost on the way (R3): A has its 7, B 16, C 2
    counts = {x: len(op.call("GET", f"/v1/accounts/{x}/devices")) for x in (a, b, c)}
    assert counts == {a: 7, b: 16, c: 2}
