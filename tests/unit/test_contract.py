"""R11 (contract periods: prorated first fee, renewal fee in advance) and R13 (a tax rate change
applies at the next renewal), through domain.contract and domain.monthly.draft_monthly_invoice."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fleetbill.domain.catalog import Account, Plan, PriceVersion
from fleetbill.domain.contract import Contract, ContractTerm
from fleetbill.domain.errors import Conflict
from fleetbill.domain.metering import CountingMode
from fleetbill.domain.monthly import draft_monthly_invoice, draft_purchase_invoice
from fleetbill.domain.periods import BillingMonth
from fleetbill.domain.rating import Tier
from fleetbill.domain.tax import TaxRate, TaxRounding, TaxStatus

TOKYO = "Asia/Tokyo"
TEN, TWELVE = Decimal("0.10"), Decimal("0.12")
JAN_1_2026_TOKYO = datetime(2025, 12, 31, 15, 0, tzinfo=UTC)  # 2026-01-01 00:00 JST
# Japan's 10%, and a (made-up) change to 12% from 2026-06-15 00:00 JST, mid-month
JP_10 = TaxRate("JP", None, TEN, datetime(2019, 9, 30, 15, 0, tzinfo=UTC))
JP_12 = TaxRate("JP", None, TWELVE, datetime(2026, 6, 14, 15, 0, tzinfo=UTC))
RATES = [JP_10, JP_12]
FIRST_3_FREE = (Tier(3, 0), Tier(None, 300))


def m(text: str) -> BillingMonth:
    return BillingMonth.parse(text)


def plan(term: ContractTerm) -> Plan:
    return Plan("pro", "Pro", "JPY", term, 30, CountingMode.PEAK, ("api",))


def versions(fee: int) -> list[PriceVersion]:
    announced = datetime(2025, 11, 1, tzinfo=UTC)
    return [PriceVersion("pro", m("2025-12"), announced, fee, {"esp32": FIRST_3_FREE})]


def account(started_at: datetime, tz: str = TOKYO) -> Account:
    return Account(
        id="acc-1",
        name="Acme",
        country="JP",
        subdivision=None,
        timezone=tz,
        currency="JPY",
        plan_id="pro",
        tax_status=TaxStatus.TAXABLE,
        billing_email="billing@example.com",
        first_month=BillingMonth.containing(started_at, tz),
        contract_started_at=started_at,
        created_at=started_at,
    )


def draft(term: ContractTerm, fee: int, month: str, started_at: datetime = JAN_1_2026_TOKYO, esp32: int = 4):
    """The month's invoice; 4 esp32 under first-3-free cost 300 before tax."""
    return draft_monthly_invoice(
        account=account(started_at),
        plan=plan(term),
        versions=versions(fee),
        device_type_names={"esp32": "ESP32"},
        month=m(month),
        quantities={"esp32": esp32},
        rates=RATES,
        rounding=TaxRounding.DOWN,
    )


def usage_rate(invoice) -> Decimal:
    (line,) = [x for x in invoice.lines if x.kind == "usage"]
    return line.tax_rate


def fee_lines(invoice):
    return [x for x in invoice.lines if x.kind == "fixed_fee"]


def months(first: str, last: str) -> list[str]:
    a, b = m(first), m(last)
    return [str(BillingMonth(i)) for i in range(a.index, b.index + 1)]


# --- R13: a tax rate change applies at the next renewal ------------------------------------


def test_r13_yearly_contract_keeps_the_old_rate_until_its_renewal():
    # given a yearly contract from 2026-01-01 00:00 JST, and Japan's rate going 10% -> 12% on 2026-06-15
    # when each month of the contract year is invoiced
    # then every month of 2026 is taxed at 10%, the rate in force when the period began
    for month in months("2026-01", "2026-12"):
        invoice = draft(ContractTerm.YEARLY, 0, month)
        assert usage_rate(invoice) == TEN, month
        # 300 at 10% = 30
        assert (invoice.subtotal, invoice.tax_total, invoice.total) == (300, 30, 330), month
    # and from the renewal month (2027-01) the new 12%: 300 x 12% = 36
    for month in ("2027-01", "2027-06", "2027-12"):
        invoice = draft(ContractTerm.YEARLY, 0, month)
        assert usage_rate(invoice) == TWELVE, month
        assert (invoice.tax_total, invoice.total) == (36, 336), month


def test_r13_yearly_renewal_fee_is_taxed_at_the_rate_of_the_period_it_pays_for():
    # given the yearly contract (fee 120,000 per year) and the 12% rate from 2026-06-15
    # when December 2026 is invoiced (the month that ends as the 2027 period begins)
    invoice = draft(ContractTerm.YEARLY, 120_000, "2026-12")
    # then December's usage is at the old 10%, the 2027 fee at the new 12%: one tax figure per rate
    assert [(x.kind, x.amount, x.tax_rate) for x in invoice.lines] == [
        ("usage", 300, TEN),
        ("fixed_fee", 120_000, TWELVE),
    ]
    assert [(x.rate, x.taxable_amount, x.tax) for x in invoice.taxes] == [(TEN, 300, 30), (TWELVE, 120_000, 14_400)]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (120_300, 14_430, 134_730)


def test_r13_monthly_contract_takes_the_new_rate_from_the_next_month():
    # given a monthly contract and the rate change on 2026-06-15 (mid-June)
    # when May, June and July are invoiced
    may, june, july = (draft(ContractTerm.MONTHLY, 10_000, x) for x in ("2026-05", "2026-06", "2026-07"))
    # then June's usage keeps the 10% in force on June 1st; July's usage is at 12%
    assert usage_rate(may) == TEN
    assert usage_rate(june) == TEN
    assert usage_rate(july) == TWELVE
    # and the fee paid in advance on May's invoice (for June) is at 10%, on June's (for July) at 12%
    assert [(x.amount, x.tax_rate) for x in fee_lines(may)] == [(10_000, TEN)]
    assert [(x.amount, x.tax_rate) for x in fee_lines(june)] == [(10_000, TWELVE)]
    # June: 300 x 10% = 30, 10,000 x 12% = 1,200
    assert (june.subtotal, june.tax_total, june.total) == (10_300, 1_230, 11_530)
    # July: (300 + 10,000) x 12% = 1,236
    assert (july.subtotal, july.tax_total, july.total) == (10_300, 1_236, 11_536)


def test_r13_rate_change_at_exactly_a_months_first_instant_applies_to_that_monthly_period():
    # given a change to 12% from exactly 2026-07-01 00:00 JST
    rates = [JP_10, TaxRate("JP", None, TWELVE, datetime(2026, 6, 30, 15, 0, tzinfo=UTC))]
    acc, pl, vs = account(JAN_1_2026_TOKYO), plan(ContractTerm.MONTHLY), versions(0)

    def rate_of(month: str) -> Decimal:
        inv = draft_monthly_invoice(
            account=acc,
            plan=pl,
            versions=vs,
            device_type_names={},
            month=m(month),
            quantities={"esp32": 4},
            rates=rates,
            rounding=TaxRounding.DOWN,
        )
        return usage_rate(inv)

    # then July's period begins under 12%, June's under 10%
    assert (rate_of("2026-06"), rate_of("2026-07")) == (TEN, TWELVE)


def test_r13_no_rate_for_the_account_is_a_clear_conflict():
    with pytest.raises(Conflict) as e:
        draft_monthly_invoice(
            account=account(JAN_1_2026_TOKYO),
            plan=plan(ContractTerm.MONTHLY),
            versions=versions(0),
            device_type_names={},
            month=m("2026-01"),
            quantities={"esp32": 4},
            rates=[],
            rounding=TaxRounding.DOWN,
        )
    assert "no tax rate for JP" in e.value.detail


# --- R11: the renewal fee, in advance, on the invoice of the month before the period -------


def test_r11_monthly_renewal_fee_on_every_months_invoice_for_the_next_month():
    # given a monthly contract from 2026-01-01 00:00 JST with a 10,000 fee
    for month in months("2026-01", "2026-12"):
        # when the month is invoiced
        (line,) = fee_lines(draft(ContractTerm.MONTHLY, 10_000, month, esp32=0))
        # then it carries the next month's fee, naming the period it covers
        nxt = m(month).next()
        assert line.amount == 10_000
        assert line.description == f"Pro fee, {nxt}"
        assert (line.period_start, line.period_end) == nxt.bounds(TOKYO)


def test_r11_monthly_fee_line_names_its_period_in_utc_bounds():
    (line,) = fee_lines(draft(ContractTerm.MONTHLY, 10_000, "2026-01", esp32=0))
    # February 2026 in Tokyo: [2026-02-01 00:00 JST, 2026-03-01 00:00 JST)
    assert line.period_start == datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
    assert line.period_end == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)


def test_r11_yearly_renewal_fee_only_on_the_month_before_the_anniversary():
    # given a yearly contract from 2026-01-01 00:00 JST with a 120,000 fee
    # when January 2026 to December 2027 are invoiced
    with_fee = {}
    for month in months("2026-01", "2027-12"):
        lines = fee_lines(draft(ContractTerm.YEARLY, 120_000, month, esp32=0))
        if lines:
            with_fee[month] = [(x.amount, x.description, x.period_start, x.period_end) for x in lines]
    # then only December's invoices carry a fee, each for the whole next contract year
    assert with_fee == {
        "2026-12": [
            (
                120_000,
                "Pro fee, 2027-01 to 2027-12",
                datetime(2026, 12, 31, 15, 0, tzinfo=UTC),
                datetime(2027, 12, 31, 15, 0, tzinfo=UTC),
            ),
        ],
        "2027-12": [
            (
                120_000,
                "Pro fee, 2028-01 to 2028-12",
                datetime(2027, 12, 31, 15, 0, tzinfo=UTC),
                datetime(2028, 12, 31, 15, 0, tzinfo=UTC),
            ),
        ],
    }


def test_r11_yearly_bought_mid_month_renews_on_the_following_months_anniversary():
    # given a yearly contract bought on 2026-04-20 10:00 JST: its first full year starts 2026-05-01
    started = datetime(2026, 4, 20, 1, 0, tzinfo=UTC)
    with_fee = [
        month
        for month in months("2026-04", "2027-12")
        if fee_lines(draft(ContractTerm.YEARLY, 120_000, month, started_at=started, esp32=0))
    ]
    # then the fee for each year starting in May is on April's invoice
    assert with_fee == ["2026-04", "2027-04"]


def test_r11_contract_periods_and_renewals():
    started = datetime(2026, 4, 20, 1, 0, tzinfo=UTC)  # 2026-04-20 10:00 JST
    yearly = Contract(ContractTerm.YEARLY, started, TOKYO)
    may_2026 = datetime(2026, 4, 30, 15, 0, tzinfo=UTC)
    may_2027 = datetime(2027, 4, 30, 15, 0, tzinfo=UTC)
    assert yearly.anchor == m("2026-05")
    # the prorated days before the anchor are a period of their own, begun at purchase
    assert yearly.period_start(m("2026-04")) == started
    assert yearly.period_start(m("2026-05")) == may_2026
    assert yearly.period_start(m("2027-04")) == may_2026
    assert yearly.period_start(m("2027-05")) == may_2027
    assert yearly.renewal_after(m("2026-04")) == (m("2026-05"), m("2027-04"))
    assert yearly.renewal_after(m("2026-05")) is None
    assert yearly.renewal_after(m("2027-03")) is None
    assert yearly.renewal_after(m("2027-04")) == (m("2027-05"), m("2028-04"))
    assert yearly.renewal_after(m("2026-03")) is None  # before the purchase
    monthly = Contract(ContractTerm.MONTHLY, started, TOKYO)
    assert monthly.renewal_after(m("2026-04")) == (m("2026-05"), m("2026-05"))
    assert monthly.renewal_after(m("2026-09")) == (m("2026-10"), m("2026-10"))
    assert monthly.period_start(m("2026-09")) == datetime(2026, 8, 31, 15, 0, tzinfo=UTC)


# --- R11: the first period's fee, prorated by days, paid at purchase -------------------------


def test_r11_bought_at_a_months_first_instant_pays_a_whole_period():
    monthly = Contract(ContractTerm.MONTHLY, JAN_1_2026_TOKYO, TOKYO)
    assert monthly.first_period_fee(10_000) == (10_000, JAN_1_2026_TOKYO, datetime(2026, 1, 31, 15, 0, tzinfo=UTC))
    yearly = Contract(ContractTerm.YEARLY, JAN_1_2026_TOKYO, TOKYO)
    assert yearly.first_period_fee(120_000) == (120_000, JAN_1_2026_TOKYO, datetime(2026, 12, 31, 15, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("term", "started_at", "fee", "amount", "period_end"),
    [
        # bought 2026-04-20 10:00 JST: April 20..30 is 11 of April's 30 days; 3,000 x 11 / 30 = 1,100
        (
            ContractTerm.MONTHLY,
            datetime(2026, 4, 20, 1, 0, tzinfo=UTC),
            3_000,
            1_100,
            datetime(2026, 4, 30, 15, 0, tzinfo=UTC),
        ),
        # bought 2026-01-20 JST: 12 of January's 31 days; 1,000 x 12 / 31 = 387.09 -> 387 (rounded down)
        (
            ContractTerm.MONTHLY,
            datetime(2026, 1, 20, 3, 0, tzinfo=UTC),
            1_000,
            387,
            datetime(2026, 1, 31, 15, 0, tzinfo=UTC),
        ),
        # 2026-04-20T16:00Z is already 2026-04-21 01:00 in Tokyo: 10 days; 3,000 x 10 / 30 = 1,000
        (
            ContractTerm.MONTHLY,
            datetime(2026, 4, 20, 16, 0, tzinfo=UTC),
            3_000,
            1_000,
            datetime(2026, 4, 30, 15, 0, tzinfo=UTC),
        ),
        # leap year: bought 2028-02-20 JST: 10 of February's 29 days; 2,900 x 10 / 29 = 1,000
        (
            ContractTerm.MONTHLY,
            datetime(2028, 2, 20, 3, 0, tzinfo=UTC),
            2_900,
            1_000,
            datetime(2028, 2, 29, 15, 0, tzinfo=UTC),
        ),
        # yearly, bought 2026-04-20 JST: 11 days of the 365 from 2026-04-01 to 2027-04-01;
        # 120,000 x 11 / 365 = 3,616.4 -> 3,616
        (
            ContractTerm.YEARLY,
            datetime(2026, 4, 20, 1, 0, tzinfo=UTC),
            120_000,
            3_616,
            datetime(2026, 4, 30, 15, 0, tzinfo=UTC),
        ),
        # bought on the month's last day: 1 day of 31; 31,000 x 1 / 31 = 1,000
        (
            ContractTerm.MONTHLY,
            datetime(2026, 1, 31, 14, 59, tzinfo=UTC),
            31_000,
            1_000,
            datetime(2026, 1, 31, 15, 0, tzinfo=UTC),
        ),
    ],
)
def test_r11_first_period_fee_is_prorated_by_days(term, started_at, fee, amount, period_end):
    # given a contract bought mid-month, when its first period's fee is computed
    got = Contract(term, started_at, TOKYO).first_period_fee(fee)
    # then it is prorated by days (the purchase day counts) and runs from the purchase to the next month
    assert got == (amount, started_at, period_end)


def test_r11_prorated_first_fee_is_its_own_purchase_invoice_with_tax():
    # given a monthly plan with a 3,000 fee bought on 2026-04-20 10:00 JST
    started = datetime(2026, 4, 20, 1, 0, tzinfo=UTC)
    invoice = draft_purchase_invoice(
        account=account(started),
        plan=plan(ContractTerm.MONTHLY),
        versions=versions(3_000),
        rates=RATES,
        rounding=TaxRounding.DOWN,
    )
    # then the purchase invoice bills 1,100 (11 of 30 days) plus 10% tax
    (line,) = invoice.lines
    may_1 = datetime(2026, 4, 30, 15, 0, tzinfo=UTC)
    assert (line.amount, line.period_start, line.period_end) == (1_100, started, may_1)
    assert "prorated by days" in line.description
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (1_100, 110, 1_210)
    # and the April close then bills May's whole fee in advance
    (may_fee,) = fee_lines(draft(ContractTerm.MONTHLY, 3_000, "2026-04", started_at=started, esp32=0))
    assert (may_fee.amount, may_fee.description) == (3_000, "Pro fee, 2026-05")
