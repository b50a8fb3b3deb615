"""R9: a price change's impact before it is announced (issue 12 item 3), on the real database.

A small fleet is billed for four months by the real close; the impact of a proposed version is
then checked against re-rating each account's last three closed months with that version through
the close's own pricing (draft_monthly_invoice), account by account, to the yen.

Catalog (tax-exclusive, R8): plan "basic", monthly, fixed fee 500; esp32 first 2 free, 3-5 at 100,
then 80; m5stack 300 flat. Plan "other": esp32 100 flat. The proposal, from 2026-07, fee 800:
esp32 first 3 free, 4-10 at 120, then 90; m5stack 250 flat.

Fleet (Asia/Tokyo unless said; the clock starts 2026-01-05T03:00Z):
  A  esp32 x7, m5stack x1; 3 esp32 Inactive from Jan 20: Jan peak 7, then 4 a month; its March
     esp32 line credited (a credit note corrects money: the quantities billed stand)
  B  esp32 x2, both free
  C  m5stack x3
  D  opens Feb 10, esp32 x12
  E  opens Apr 10, esp32 x4: one closed month
  F  opens May 1, after April's close in Tokyo: no closed month
  G  America/Los_Angeles, esp32 x6 and m5stack x2: its April is still open at the last close
  X  on "other", esp32 x4: not on the plan, not counted
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, literal, select, union_all

from fleetbill.adapters.db import repository as repo
from fleetbill.adapters.db import schema as t
from fleetbill.domain.catalog import PriceVersion
from fleetbill.domain.monthly import draft_monthly_invoice
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.price_impact import tier_bounds
from fleetbill.domain.rating import Tier, rate_graduated
from fleetbill.services.price_impact import price_impact, rerated_amount
from tests.integration.test_api import ok, problem

NOW = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)  # 12:00 May 1 in Tokyo; still April 30 in Los Angeles
ESP32 = [{"up_to": 2, "unit_price": 0}, {"up_to": 5, "unit_price": 100}, {"up_to": None, "unit_price": 80}]
PROPOSED = {
    "effective_month": "2026-07",
    "fixed_fee": 800,
    "prices": {
        "esp32": [{"up_to": 3, "unit_price": 0}, {"up_to": 10, "unit_price": 120}, {"up_to": None, "unit_price": 90}],
        "m5stack": [{"up_to": None, "unit_price": 250}],
    },
}


def _at(api, when: datetime) -> None:
    ok(api.post("/v1/test-clock", json={"now": when.isoformat()}))


def _account(api, name: str, plan: str = "basic", tz: str = "Asia/Tokyo") -> str:
    body = {"name": name, "country": "JP", "plan_id": plan, "billing_email": "b@example.com", "timezone": tz}
    return ok(api.post("/v1/accounts", json=body), 201)["id"]


def _devices(api, account_id: str, device_type: str, n: int) -> list[str]:
    path = f"/v1/accounts/{account_id}/devices"
    return [ok(api.post(path, json={"device_type_id": device_type}), 201)["id"] for _ in range(n)]


@pytest.fixture
def fleet(api) -> dict[str, str]:
    for dt, name in (("esp32", "ESP32"), ("m5stack", "M5Stack"), ("obniz", "obniz Board")):
        ok(api.post("/v1/device-types", json={"id": dt, "name": name}), 201)
    basic = {"id": "basic", "name": "Basic", "fixed_fee": 500}
    ok(
        api.post(
            "/v1/plans", json=basic | {"prices": {"esp32": ESP32, "m5stack": [{"up_to": None, "unit_price": 300}]}}
        ),
        201,
    )
    ok(
        api.post(
            "/v1/plans",
            json={"id": "other", "name": "Other", "prices": {"esp32": [{"up_to": None, "unit_price": 100}]}},
        ),
        201,
    )
    ids = {n: _account(api, n) for n in ("A", "B", "C")}
    ids["G"] = _account(api, "G", tz="America/Los_Angeles")
    ids["X"] = _account(api, "X", plan="other")
    a_esp32 = _devices(api, ids["A"], "esp32", 7)
    _devices(api, ids["A"], "m5stack", 1)
    _devices(api, ids["B"], "esp32", 2)
    _devices(api, ids["C"], "m5stack", 3)
    _devices(api, ids["G"], "esp32", 6)
    _devices(api, ids["G"], "m5stack", 2)
    _devices(api, ids["X"], "esp32", 4)
    _at(api, datetime(2026, 1, 20, 3, tzinfo=UTC))
    ok(api.post(f"/v1/accounts/{ids['A']}/devices/status", json={"device_ids": a_esp32[:3], "active": False}))
    for when in (datetime(2026, 2, 1, 3, tzinfo=UTC), datetime(2026, 2, 10, 3, tzinfo=UTC)):
        _at(api, when)
        ok(api.post("/v1/test-clock/run-due-jobs"))
    ids["D"] = _account(api, "D")
    _devices(api, ids["D"], "esp32", 12)
    for when in (datetime(2026, 3, 1, 3, tzinfo=UTC), datetime(2026, 4, 1, 3, tzinfo=UTC)):
        _at(api, when)
        ok(api.post("/v1/test-clock/run-due-jobs"))
    (march,) = [i for i in ok(api.get(f"/v1/accounts/{ids['A']}/invoices")) if i["billing_month"] == "2026-03"]
    ok(api.post(f"/v1/invoices/{march['id']}/credit-notes", json={"reason": "goodwill", "lines": [{"line": 1}]}), 201)
    _at(api, datetime(2026, 4, 10, 3, tzinfo=UTC))
    ids["E"] = _account(api, "E")
    _devices(api, ids["E"], "esp32", 4)
    _at(api, NOW)
    ok(api.post("/v1/test-clock/run-due-jobs"))
    ids["F"] = _account(api, "F")
    _devices(api, ids["F"], "esp32", 9)
    return ids


def _proposed_version() -> PriceVersion:
    tiers = {dt: tuple(Tier(x["up_to"], x["unit_price"]) for x in v) for dt, v in PROPOSED["prices"].items()}
    return PriceVersion("basic", BillingMonth.parse(PROPOSED["effective_month"]), NOW, PROPOSED["fixed_fee"], tiers)


def _rerated_by_hand(app, account_ids) -> dict[str, tuple[int, int, dict[str, tuple[int, int, int]]]]:
    """Each account's last three closed months (its three latest monthly invoices), billed and
    re-rated with the proposed version by the close's own pricing: (before, after, per type)."""
    i, line = t.invoices, t.invoice_lines
    out = {}
    with app.db.read() as conn:
        plan, rates, names = repo.get_plan(conn, "basic"), repo.load_tax_rates(conn), repo.device_type_names(conn)
        for account_id in account_ids:
            account = repo.get_account(conn, account_id)
            months = conn.execute(
                select(i.c.id, i.c.billing_month)
                .where(i.c.account_id == account_id, i.c.kind == "monthly")
                .order_by(i.c.billing_month.desc())
                .limit(3)
            ).all()
            if not months:
                continue
            before = after = 0
            per_type: dict[str, tuple[int, int, int]] = {}
            for invoice_id, month in months:
                lines = conn.execute(
                    select(line.c.device_type_id, line.c.quantity, line.c.amount).where(
                        line.c.invoice_id == invoice_id, line.c.kind == "usage"
                    )
                ).all()
                draft = draft_monthly_invoice(
                    account=account,
                    plan=plan,
                    versions=[_proposed_version()],
                    device_type_names=names,
                    month=BillingMonth(month),
                    quantities={dt: q for dt, q, _ in lines},
                    rates=rates,
                    rounding=app.settings.tax_rounding,
                )
                new = {x.device_type: x.amount for x in draft.lines if x.kind == "usage"}
                for dt, q, amount in lines:
                    n, b, a = per_type.get(dt, (0, 0, 0))
                    per_type[dt] = (n + q, b + amount, a + new[dt])
                    before, after = before + amount, after + new[dt]
            out[account_id] = (before, after, per_type)
    return out


def test_r9_the_impact_equals_re_rating_each_account_s_last_three_closed_months_with_the_new_version(api, app, fleet):
    """R9 (issue 12 item 3): totals, more/less/same, the largest increases and the change per
    device type equal re-rating those months with the new version, account by account, to the yen."""
    # given four months billed by the close, and the proposal
    on_plan = [fleet[n] for n in "ABCDEFG"]
    expected = _rerated_by_hand(app, on_plan)

    # when the impact is asked for
    impact = ok(api.post("/v1/plans/basic/price-versions/impact", json=PROPOSED))

    # then every figure is the re-rating's
    assert set(expected) == {fleet[n] for n in "ABCDEG"}  # F has no closed month
    before = sum(b for b, _, _ in expected.values())
    after = sum(a for _, a, _ in expected.values())
    assert (impact["before"], impact["after"], impact["difference"]) == (before, after, after - before)
    assert (impact["more"], impact["less"], impact["same"]) == (
        sum(a > b for b, a, _ in expected.values()),
        sum(a < b for b, a, _ in expected.values()),
        sum(a == b for b, a, _ in expected.values()),
    )
    increases = sorted(((a - b, i) for i, (b, a, _) in expected.items() if a > b), key=lambda x: (-x[0], x[1]))
    assert [(c["account_id"], c["difference"]) for c in impact["largest_increases"]] == [(i, d) for d, i in increases]
    for c in impact["largest_increases"]:
        assert (c["before"], c["after"]) == expected[c["account_id"]][:2]
    per_type: dict[str, list[int]] = {}
    for _, _, types in expected.values():
        for dt, (n, b, a) in types.items():
            per_type.setdefault(dt, [0, 0, 0, 0])
            per_type[dt] = [per_type[dt][0] + 1, per_type[dt][1] + n, per_type[dt][2] + b, per_type[dt][3] + a]
    assert {
        d["device_type"]: [d["accounts"], d["devices"], d["before"], d["after"]] for d in impact["device_types"]
    } == per_type
    assert sum(d["difference"] for d in impact["device_types"]) == impact["difference"]

    # and, worked out by hand (windows: Tokyo Feb-Apr, Los Angeles Jan-Mar):
    #   A esp32 4 a month: 200 -> 120; m5stack 1: 300 -> 250      month 500 -> 370, x3: 1,500 -> 1,110
    #     (its March esp32 line credited: the quantities billed stand)
    #   B esp32 2: 0 -> 0                                                                     0 -> 0
    #   C m5stack 3: 900 -> 750                                                  x3: 2,700 -> 2,250
    #   D esp32 12 (Feb, Mar, Apr): 300 + 7x80 = 860 -> 7x120 + 2x90 = 1,020    x3: 2,580 -> 3,060
    #   E esp32 4 (Apr only): 200 -> 120                                                    200 -> 120
    #   G esp32 6: 380 -> 360; m5stack 2: 600 -> 500: 980 -> 860               x3: 2,940 -> 2,580
    assert {n: expected[fleet[n]][:2] for n in "ABCDEG"} == {
        "A": (1_500, 1_110),
        "B": (0, 0),
        "C": (2_700, 2_250),
        "D": (2_580, 3_060),
        "E": (200, 120),
        "G": (2_940, 2_580),
    }
    assert (impact["before"], impact["after"], impact["difference"]) == (9_920, 9_120, -800)
    assert (impact["more"], impact["less"], impact["same"]) == (1, 4, 1)
    assert [(c["name"], c["before"], c["after"], c["difference"]) for c in impact["largest_increases"]] == [
        ("D", 2_580, 3_060, 480)
    ]
    assert (impact["accounts_on_plan"], impact["accounts_compared"], impact["accounts_without_closed_month"]) == (
        7,
        6,
        1,
    )
    assert impact["accounts_with_fewer_months"] == 1  # E
    assert (impact["fixed_fee_before"], impact["fixed_fee_after"], impact["window_months"]) == (500, 800, 3)
    assert impact["notice"]["ok"] and impact["notice"]["problem"] is None


def test_r9_the_impact_writes_nothing_and_tells_the_notice_check_it_would_fail(api, app, fleet):
    """R9: a month inside the notice period still shows its impact, with the refusal beside it;
    nothing is stored, and the announcement itself is refused the same way."""
    counts = lambda: {x.name: _count(app, x) for x in t.metadata.sorted_tables}  # noqa: E731
    stored = counts()
    late = PROPOSED | {"effective_month": "2026-05"}
    impact = ok(api.post("/v1/plans/basic/price-versions/impact", json=late))
    assert not impact["notice"]["ok"] and "already closed" not in impact["notice"]["problem"]
    assert "30 days' notice" in impact["notice"]["problem"]
    assert impact["difference"] == -800  # the window does not depend on the month proposed
    assert counts() == stored
    closed = ok(api.post("/v1/plans/basic/price-versions/impact", json=PROPOSED | {"effective_month": "2026-04"}))
    assert "already closed" in closed["notice"]["problem"]
    refused = problem(api.post("/v1/plans/basic/price-versions", json=late), 422)
    assert refused["detail"] == impact["notice"]["problem"]


def _count(app, table) -> int:
    from sqlalchemy import func

    with app.db.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_r9_prices_without_a_device_type_the_window_billed_are_refused_naming_it(api, fleet):
    """R9: the close refuses a month whose device type has no price, so the impact names the type."""
    without = PROPOSED | {"prices": {"esp32": PROPOSED["prices"]["esp32"]}}
    refused = problem(api.post("/v1/plans/basic/price-versions/impact", json=without), 422)
    assert "m5stack (billed to 3 accounts)" in refused["detail"] and "add a price" in refused["detail"]
    # a type nobody on the plan was billed for may be left out
    assert ok(api.post("/v1/plans/basic/price-versions/impact", json=PROPOSED))["device_types"]


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/v1/plans/nope/price-versions/impact", PROPOSED, 404, "no plan 'nope'"),
        (
            "/v1/plans/basic/price-versions/impact",
            PROPOSED | {"prices": {"lora": [{"up_to": None, "unit_price": 1}]}},
            422,
            "unknown device type",
        ),
        (
            "/v1/plans/basic/price-versions/impact",
            PROPOSED | {"prices": {"esp32": [{"up_to": 3, "unit_price": 0}]}},
            422,
            "last tier must have up_to null",
        ),
        ("/v1/plans/basic/price-versions/impact", PROPOSED | {"prices": {}}, 422, "at least one device type"),
        ("/v1/plans/basic/price-versions/impact?top=0", PROPOSED, 422, "top"),
        ("/v1/plans/basic/price-versions/impact", PROPOSED | {"effective_month": "2026-13"}, 422, "effective_month"),
    ],
)
def test_r9_bad_input_to_the_impact_is_a_problem_that_says_what_to_fix(api, fleet, path, body, status, says):
    """R9: bad input is a 4xx problem with an actionable detail."""
    assert says in problem(api.post(path, json=body), status)["detail"]


def test_r9_an_account_billed_nothing_compares_the_same_and_the_top_lists_only_increases(api, fleet):
    """R9: prices that lower every bill list no increase, an account billed 0 before and after is
    "the same"; top=1 lists the single largest increase."""
    free_two = [{"up_to": 2, "unit_price": 0}, {"up_to": None, "unit_price": 1}]
    cheaper = PROPOSED | {"prices": {"esp32": free_two, "m5stack": [{"up_to": None, "unit_price": 1}]}}
    impact = ok(api.post("/v1/plans/basic/price-versions/impact", json=cheaper))
    assert (impact["more"], impact["less"], impact["same"], impact["largest_increases"]) == (0, 5, 1, [])
    # esp32: A 2 + 2 + 2, D 10 x 3, E 2, G 4 x 3 = 50; m5stack: A 3, C 9, G 6 = 18
    assert [(d["device_type"], d["after"]) for d in impact["device_types"]] == [("esp32", 50), ("m5stack", 18)]
    dearer = PROPOSED | {"prices": {dt: [{"up_to": None, "unit_price": 1_000}] for dt in ("esp32", "m5stack")}}
    top = ok(api.post("/v1/plans/basic/price-versions/impact?top=1", json=dearer))["largest_increases"]
    assert [(c["name"], c["difference"]) for c in top] == [("D", 36_000 - 2_580)]


# --- the set-based re-rating equals the core's rating ----------------------------------------------

tier_lists = st.lists(st.tuples(st.integers(1, 40), st.integers(0, 10**6)), min_size=0, max_size=4).flatmap(
    lambda steps: st.integers(0, 10**6).map(
        lambda last: [Tier(sum(s for s, _ in steps[: i + 1]), p) for i, (_, p) in enumerate(steps)] + [Tier(None, last)]
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tiers=tier_lists, quantities=st.lists(st.integers(1, 200), min_size=1, max_size=20))
def test_r7_the_sql_re_rating_equals_rate_graduated_for_any_tiers_and_quantity(db, tiers, quantities):
    """R7, R9: the impact's SQL prices a line exactly as the close's rating does (no second rule)."""
    bounds = {"esp32": tier_bounds(tiers)}
    rows = union_all(*(select(literal(q, Integer).label("q")) for q in quantities)).subquery()
    with db.read() as conn:
        got = conn.execute(select(rows.c.q, rerated_amount(literal("esp32"), rows.c.q, bounds))).all()
        unpriced = conn.execute(select(rerated_amount(literal("lora"), literal(3, Integer), bounds))).scalar()
    assert {q: int(a) for q, a in got} == {q: rate_graduated(tiers, q)[0] for q in quantities}
    assert unpriced is None


def test_r9_the_impact_service_on_an_empty_plan_is_all_zero(api, app):
    """R9: a plan nobody is on: nothing compared, nothing to refuse."""
    ok(api.post("/v1/device-types", json={"id": "esp32", "name": "ESP32"}), 201)
    ok(api.post("/v1/plans", json={"id": "basic", "name": "Basic", "prices": {"esp32": ESP32}}), 201)
    with app.db.read() as conn:
        impact = price_impact(
            conn, app.clock.now(), "basic", BillingMonth.parse("2026-06"), 0, {"esp32": [Tier(None, 1)]}
        )
    assert (impact.accounts_on_plan, impact.accounts_compared, impact.before, impact.after) == (0, 0, 0, 0)
    assert (impact.more, impact.less, impact.same, impact.device_types, impact.largest_increases) == (0, 0, 0, (), ())


# --- the console's announcement form -------------------------------------------------------------


def test_r9_the_console_previews_the_impact_beside_the_notice_check_then_announces_the_same_values(api, app, fleet):
    """R9: the announcement form's preview shows the change, the counts, the largest increase and
    the change per device type beside the notice-period check, writes nothing, and Announce then
    announces those values."""
    from fleetbill.services import staff
    from tests.integration.test_console import form_fields, log_in

    with app.db.transaction() as conn:
        staff.create_staff(conn, app.clock.now(), "hana@example.jp", "Hana Sato", "correct horse battery staple")
    assert log_in(api).status_code == 303
    hidden = form_fields(api.get("/console/plans").text, "/console/plans/basic/price-versions")
    typed = {
        "effective_month": "2026-07",
        "fixed_fee": "800",
        "prices": "esp32 3 0\nesp32 10 120\nesp32 - 90\nm5stack - 250",
    }
    versions = _count(app, t.price_versions)

    shown = api.post("/console/plans/basic/price-versions/preview", data=hidden | typed)

    assert shown.status_code == 200
    page = shown.text
    assert "✓ Can be announced now: prices from 2026-07 must be announced by 2026-05-31 " in page
    assert 'id="impact-change">-800<' in page
    assert "Of 6 accounts compared: 1 would pay more, 4 less, 1 the same." in page
    assert "Not compared, with no closed month yet: 1." in page
    assert "Compared over fewer than 3 months, all they have: 1." in page
    increases = page[page.index('id="impact-increases"') :]
    assert ">D</a>" in increases and ">2,580<" in increases and ">3,060<" in increases and ">+480<" in increases
    assert "Fixed fee a period: 500 JPY now, 800 JPY with these prices" in page
    assert 'value="2026-07"' in page and _count(app, t.price_versions) == versions  # kept, not written

    # and Announce posts the previewed values from the same page
    announced = api.post(
        "/console/plans/basic/price-versions",
        data=form_fields(page, "/console/plans/basic/price-versions") | typed,
        follow_redirects=False,
    )
    assert announced.status_code == 303 and _count(app, t.price_versions) == versions + 1


def test_r9_the_console_preview_names_a_device_type_left_without_a_price(api, app, fleet):
    """R9: a preview whose prices leave out a type the window billed says so, with the form kept."""
    from fleetbill.services import staff
    from tests.integration.test_console import form_fields, log_in

    with app.db.transaction() as conn:
        staff.create_staff(conn, app.clock.now(), "hana@example.jp", "Hana Sato", "correct horse battery staple")
    assert log_in(api).status_code == 303
    hidden = form_fields(api.get("/console/plans").text, "/console/plans/basic/price-versions")
    typed = {"effective_month": "2026-07", "fixed_fee": "0", "prices": "esp32 - 100"}
    shown = api.post("/console/plans/basic/price-versions/preview", data=hidden | typed)
    assert shown.status_code == 422 and "m5stack (billed to 3 accounts)" in shown.text
    assert 'id="impact"' not in shown.text and "esp32 - 100</textarea>" in shown.text
