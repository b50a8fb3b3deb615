"""The API's request and response bodies. Money is an integer in minor units (JPY: yen)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
)

from ...domain.lifecycle import InvoiceStatus

# Bounds that keep every accepted value storable, so bad input is a 422 and never a 500: the
# largest integer every JSON client reads exactly, and the device-count column's range.
MAX_AMOUNT = 2**53 - 1
MAX_DEVICES = 2**31 - 1

Amount = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT, description="integer in the currency's minor unit (JPY: yen)")]
Month = Annotated[str, Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", examples=["2026-12"])]


def check_storable_text(value: Any) -> Any:
    """Refuse text no database can store (NUL characters, lone surrogates), however nested."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            check_storable_text(k)
            check_storable_text(v)
    elif isinstance(value, list):
        for v in value:
            check_storable_text(v)
    return value


def _utc(instant: datetime) -> datetime:
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        raise ValueError("instant is out of range once converted to UTC") from None


Instant = Annotated[AwareDatetime, AfterValidator(_utc)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return check_storable_text(value)


class TierIn(In):
    up_to: StrictInt | None = Field(
        ge=1, le=MAX_DEVICES, description="last device of this tier (inclusive); null on the last tier"
    )
    unit_price: Amount


class DeviceTypeIn(In):
    id: str = Field(examples=["esp32"])
    name: str = Field(min_length=1, max_length=200, examples=["ESP32 DevKit"])


class DeviceTypeOut(BaseModel):
    id: str
    name: str


class PriceVersionIn(In):
    effective_month: Month
    fixed_fee: Amount = 0
    prices: dict[str, list[TierIn]] = Field(description="device type id -> graduated tiers")


class PriceVersionCreated(BaseModel):
    id: str
    plan_id: str
    effective_month: str
    notified_accounts: int


class PriceVersionOut(BaseModel):
    effective_month: str
    announced_at: datetime
    fixed_fee: int
    prices: dict[str, list[TierIn]]


class PlanIn(In):
    id: str = Field(examples=["hobby"])
    name: str = Field(min_length=1, max_length=200)
    currency: str = "JPY"
    term: Literal["monthly", "yearly"] = "monthly"
    notice_days: StrictInt = Field(30, ge=0, le=3650)
    counting_mode: Literal["peak", "distinct"] = "peak"
    features: list[str] = []
    allow_bank_transfer: StrictBool = False
    fixed_fee: Amount = 0
    prices: dict[str, list[TierIn]]


class PlanOut(BaseModel):
    id: str
    name: str
    currency: str
    term: str
    notice_days: int
    counting_mode: str
    features: list[str]
    allow_bank_transfer: bool
    price_versions: list[PriceVersionOut]
    default_budget: int | None = Field(
        None, description="R20: the monthly budget (JPY) of each account on the plan that sets none itself"
    )


class TaxRateIn(In):
    country: str = Field(examples=["JP"])
    subdivision: str | None = Field(None, examples=["JP-13"])
    rate: Decimal = Field(examples=["0.10"], description="a fraction: 0.10 is 10%")
    valid_from: Instant


class TaxRateOut(BaseModel):
    country: str
    subdivision: str | None
    rate: Decimal
    valid_from: datetime


class AccountIn(In):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(examples=["JP"])
    subdivision: str | None = None
    timezone: str = "Asia/Tokyo"
    currency: str = "JPY"
    plan_id: str
    tax_status: Literal["taxable", "exempt", "reverse_charge"] = "taxable"
    billing_email: str = Field(max_length=320)
    test_clock: str | None = Field(
        None,
        max_length=40,
        description="Test mode: open the account on this test clock (POST /v1/test-clocks); it lives at the "
        "clock's frozen time from then on.",
    )
    language: Literal["ja", "en"] | None = Field(
        None, description="The language of its emails: 'ja' or 'en'; left out: 'ja' for an account in JP, else 'en'."
    )
    postal_address: str | None = Field(
        None, max_length=400, description="Printed on its invoices under its name, a line a line (R14)."
    )


class AccountChangeIn(In):
    """What PATCH /v1/accounts/{id} changes: only the fields given (null clears postal_address and
    subdivision). Name, language, contacts and address apply at once; country, subdivision and
    tax_status from the account's next contract period (R13), shown meanwhile as tax_change."""

    name: str | None = Field(None, min_length=1, max_length=200)
    language: Literal["ja", "en"] | None = None
    billing_emails: list[Annotated[str, Field(max_length=320)]] | None = Field(
        None,
        min_length=1,
        max_length=5,
        description="Every billing contact, 1 to 5; the first is billing_email. Invoices and notices go to all.",
    )
    postal_address: str | None = Field(None, max_length=400)
    country: str | None = Field(None, examples=["JP"])
    subdivision: str | None = None
    tax_status: Literal["taxable", "exempt", "reverse_charge"] | None = None


class TaxChangeOut(BaseModel):
    """R13: a change of country/region or tax status waiting for the next contract period."""

    country: str
    subdivision: str | None
    tax_status: str
    effective_at: datetime = Field(description="The start of the next contract period, when it applies.")


class AccountOut(BaseModel):
    id: str
    name: str
    country: str
    subdivision: str | None
    timezone: str
    currency: str
    plan_id: str
    tax_status: str
    billing_email: str
    billing_emails: list[str] = Field(description="Every billing contact; the first is billing_email.")
    language: str = Field(description="The language of its emails and invoices sent: 'ja' or 'en'.")
    postal_address: str | None = Field(description="Printed on its invoices, a line a line (R14).")
    tax_change: TaxChangeOut | None = Field(
        None, description="R13: a change of country/region or tax status waiting for the next contract period."
    )
    created_at: datetime
    test_clock: str | None = Field(
        None, description="Test mode: the test clock the account lives on; null: the server's time."
    )
    purchase_invoice_id: str | None = Field(
        None,
        description="The invoice for the plan's first period, issued when the account was opened (R10, R11), "
        "paid or not; null for a plan without a fixed fee. An upgrade's is on its plan change.",
    )


class DeviceIn(In):
    device_type_id: str
    name: str = Field("", max_length=200)


class DeviceOut(BaseModel):
    id: str
    account_id: str
    device_type_id: str
    name: str
    key_status: Literal["issued"] = "issued"
    key_last4: str
    active: bool
    registered_at: datetime


class DeviceCreated(DeviceOut):
    device_key: str = Field(description="shown this once: fleetbill keeps only its hash")


class DeviceStatusIn(In):
    active: StrictBool


class BulkStatusIn(In):
    device_ids: list[str] = Field(min_length=1, max_length=10_000)
    active: StrictBool


class SwitchOut(BaseModel):
    changed: list[str]
    unchanged: list[str]
    effective_at: datetime
    note: str


class StatusChangeOut(BaseModel):
    active: bool
    effective_at: datetime
    actor: str
    request_id: str | None


class TierChargeOut(BaseModel):
    first: int
    last: int
    unit_price: int
    amount: int


class LineOut(BaseModel):
    kind: str
    description: str
    device_type_id: str | None
    quantity: int
    amount: int
    tax_rate: Decimal
    tiers: list[TierChargeOut]
    period_start: datetime | None = None
    period_end: datetime | None = None
    peak_at: datetime | None = Field(
        default=None,
        description=(
            "R5 explained: on a usage line billed on a peak, the first instant the peak was reached "
            "(the month's first instant when devices Active since before already made it); "
            "GET /v1/accounts/{id}/peaks/{month} lists the devices Active then"
        ),
    )


class TaxOut(BaseModel):
    rate: Decimal
    taxable_amount: int
    tax: int


class EstimateOut(BaseModel):
    currency: str
    lines: list[LineOut]
    taxes: list[TaxOut]
    subtotal: int
    tax_total: int
    total: int
    points_applied: int
    amount_due: int
    tax_note: str | None


class UsageOut(BaseModel):
    account_id: str
    month: str
    period_start: datetime
    period_end: datetime
    as_of: datetime
    counting_mode: str
    billable_devices: dict[str, int]
    active_now: dict[str, int]
    estimate: EstimateOut


class ChargeAttemptOut(BaseModel):
    """One try at charging a card for the invoice (R17)."""

    id: str
    try_number: int = Field(description="1 for the first try, 2 for the next...")
    card_id: str
    amount: int
    outcome: Literal["pending", "succeeded", "declined", "unknown"]
    failure_code: str | None = Field(description="The gateway's code when declined or unanswered.")
    failure_reason: str | None = Field(description="Why it failed, as the gateway said; null unless it did.")
    reference: str | None
    attempted_at: datetime
    resolved_at: datetime | None


class InvoiceCollectionOut(BaseModel):
    """How the invoice is being collected (R17 card retries, R18 bank transfer)."""

    method: Literal["card", "bank_transfer"]
    state: Literal["collecting", "paid", "failed", "cancelled"]
    tries_made: int = Field(description="Card tries that failed so far; a try that pays ends the collection (paid).")
    next_try_at: datetime | None = Field(description="Card: when the next try is due, while collecting.")
    due_at: datetime | None = Field(description="Bank transfer: the due date.")


class InvoiceOut(EstimateOut):
    id: str
    number: str
    account_id: str
    kind: str
    billing_month: str | None
    status: InvoiceStatus = Field(
        validation_alias=AliasChoices("payment_status", "status"),
        description="`partially_paid`: open, with part of it received (R18).",
    )
    amount_paid: int = Field(description="Received so far, in the currency's minor unit.")
    amount_left: int = Field(description="Still to collect; 0 once paid or void.")
    amount_credited: int = Field(0, description="What its credit notes took off, tax included (R15).")
    due_at: datetime | None = Field(description="Bank transfer: the due date; card: null (charged on issue).")
    collection: InvoiceCollectionOut | None
    attempts: list[ChargeAttemptOut] = Field(description="Every charge attempt, in the order tried.")
    period_start: datetime
    period_end: datetime
    issued_at: datetime
    recipient_name: str
    issuer_name: str
    issuer_registration_number: str


class BillingLinkOut(BaseModel):
    url: str = Field(description="The billing page's link; its token is after `#`, so no server logs it.")
    expires_at: datetime = Field(description="15 minutes from now; the link opens once.")


class InvoicePage(BaseModel):
    data: list[InvoiceOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: no more.")


class GrantIn(In):
    amount: Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT)]
    reason: str = Field(min_length=1, max_length=300)
    expires_at: Instant | None = None


class PointEntryOut(BaseModel):
    kind: str
    amount: int
    grant_id: str
    invoice_id: str | None
    effective_at: datetime
    reason: str
    expires_at: datetime | None


class PointsOut(BaseModel):
    account_id: str
    balance: int
    ledger: list[PointEntryOut]


class CloseOut(BaseModel):
    months: list[str] = Field(description="The billing months closed by this request, oldest first.")
    invoices: int
    billed: int = Field(description="Sum of the invoices' totals, tax included (JPY).")
    collections_opened: int = Field(description="Invoices with something left to pay, now in collection (R15).")
    downgrades_applied: int = Field(description="Downgrades that took effect at a renewal these months reached (R10).")
    months_remaining: int = Field(
        description="Ended months still open because one request closes at most 24: call again to close them."
    )
    running_elsewhere: bool = Field(
        False, description="Run due jobs only: another close was running, so this run left the months to it."
    )
    skipped: list[dict]


class ClockOut(BaseModel):
    now: datetime


class ClockSetIn(In):
    now: Instant


class ClockAdvanceIn(In):
    days: StrictInt = Field(0, ge=0)
    hours: StrictInt = Field(0, ge=0)
    seconds: StrictInt = Field(0, ge=0)


class PlanChangeIn(In):
    plan_id: str


class PlanChangeOut(BaseModel):
    id: str
    from_plan_id: str
    to_plan_id: str
    kind: Literal["upgrade", "downgrade"]
    requested_at: datetime
    effective_at: datetime
    applied_at: datetime | None
    purchase_invoice_id: str | None


class CardIn(In):
    token: str = Field(min_length=1, max_length=200, description="the gateway's token for the card, never its number")
    default: StrictBool = False


class CardOut(BaseModel):
    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    is_default: bool
    expiring_soon: bool = False


class CardAdded(CardOut):
    retried_invoices: list[str] = Field(description="unpaid invoices charged again at once with this card")


class CollectionMethodIn(In):
    method: Literal["card", "bank_transfer"]


class TransferIn(In):
    amount: Annotated[StrictInt, Field(gt=0, le=2**53 - 1)]
    reference: str = Field(min_length=1, max_length=200)


class TransferOut(BaseModel):
    invoice_id: str
    received: int
    left_to_pay: int
    status: str


class AttemptOut(BaseModel):
    try_number: int
    card_id: str
    amount: int
    outcome: str
    code: str | None
    message: str | None
    reference: str | None
    attempted_at: datetime


class PaymentOut(BaseModel):
    method: str
    amount: int
    reference: str
    received_at: datetime


class InvoicePaymentsOut(BaseModel):
    invoice_id: str
    status: str
    amount_due: int
    received: int
    collection: dict | None
    attempts: list[AttemptOut]
    payments: list[PaymentOut]


class EntitlementOut(BaseModel):
    feature: str
    enabled: bool
    reason: str


class BillingStateOut(BaseModel):
    """Where the account stands (docs/decisions.md, "An account's billing state"): the same state
    and sentence as the operator's console and the customer's billing page show."""

    state: Literal["active", "payment_failing", "awaiting_payment", "suspended"]
    label: str
    summary: str = Field(description="the state's one sentence, in English")
    features_on: bool
    invoice_number: str | None = Field(description="the invoice the state is about; null when active")
    since: datetime | None = Field(description="suspended: since when")
    next_try_at: datetime | None = Field(description="payment failing by card: the next try")
    due_at: datetime | None = Field(description="payment overdue by bank transfer: the due date that passed")


class EntitlementsOut(BaseModel):
    account_id: str
    plan_id: str
    suspended: bool
    billing_state: BillingStateOut
    features: list[EntitlementOut]


class CollectOut(BaseModel):
    paid: list[str]
    declined: list[str]
    unknown: list[str]
    suspended: list[str]


class SandboxCardIn(In):
    number: str = Field(min_length=12, max_length=23, examples=["4242 4242 4242 4242"])
    exp_month: StrictInt = Field(ge=1, le=12)
    exp_year: StrictInt = Field(ge=2000, le=2100)
    cvc: str = Field("123", min_length=3, max_length=4)


class SandboxUpdateIn(In):
    card_id: str
    last4: str = Field(pattern=r"^\d{4}$")
    exp_month: StrictInt = Field(ge=1, le=12)
    exp_year: StrictInt = Field(ge=2000, le=2100)


class DueJobsOut(BaseModel):
    close: CloseOut
    collect: CollectOut
    bank_transfer_reminders: int
    cards_warned: int
    points_expired: int
