"""Accounts, plans and dated price versions (R7, R9, R10)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .contract import Contract, ContractTerm
from .errors import Conflict, InvalidInput
from .metering import CountingMode
from .periods import BillingMonth
from .rating import Tier
from .tax import TaxStatus

# The earliest any time zone starts a calendar day is UTC+14 (Pacific/Kiritimati): a notice
# counted from there reaches every account, whatever its time zone.
EARLIEST_OFFSET = timedelta(hours=14)
# ...and the last to leave a day is UTC-12 (POSIX sign: "Etc/GMT+12").
LATEST_ZONE = "Etc/GMT+12"


# Letters that show nothing, by design (Hangul fillers, the braille blank): a name of them alone
# reads as empty, as one of spaces, zero-width or other format characters does.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_character(text: str) -> bool:
    """True if some character of `text` shows: a letter, digit, punctuation mark or symbol."""
    return any(unicodedata.category(c)[0] in "LNPS" and c not in _BLANK_LETTERS for c in text)


def check_name(text: str, what: str) -> str:
    """`text` without surrounding spaces, refused if nothing of it shows (a name people read)."""
    if not has_visible_character(text):
        raise InvalidInput(
            f"{what} must have a visible character (a letter, digit or sign), "
            "not only spaces or invisible characters such as zero-width spaces"
        )
    return text.strip()


@dataclass(frozen=True, slots=True)
class Plan:
    id: str
    name: str
    currency: str
    term: ContractTerm
    notice_days: int  # R9: how long before a price change takes effect it must be announced
    counting_mode: CountingMode
    features: tuple[str, ...]
    allow_bank_transfer: bool = False


@dataclass(frozen=True, slots=True)
class PriceVersion:
    """The prices of a plan from the start of `effective_month` on (R9)."""

    plan_id: str
    effective_month: BillingMonth
    announced_at: datetime
    fixed_fee: int  # per contract period, tax-exclusive; 0 = none (R7, R11)
    tiers: Mapping[str, Sequence[Tier]] = field(default_factory=dict)  # device type -> tiers


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str
    country: str
    subdivision: str | None
    timezone: str
    currency: str
    plan_id: str
    tax_status: TaxStatus
    billing_email: str
    first_month: BillingMonth
    contract_started_at: datetime
    created_at: datetime
    test_clock_id: str | None = None  # test mode: the test clock it lives on (None: the server's time)
    language: str = "en"  # of its emails: "ja" or "en" (domain.account_settings)
    billing_emails: tuple[str, ...] = ()  # every contact, billing_email first; empty: billing_email alone
    postal_address: str | None = None  # printed on its invoices, a line a line

    @property
    def contacts(self) -> tuple[str, ...]:
        """Where its invoices and notices are emailed: every billing contact, the first first."""
        return self.billing_emails or (self.billing_email,)

    def contract(self, plan: Plan) -> Contract:
        return Contract(plan.term, self.contract_started_at, self.timezone)


def version_in_force(versions: Sequence[PriceVersion], month: BillingMonth) -> PriceVersion:
    """R9: month M is priced with the version in force at M's start. A month before the plan's
    first prices (a fleet imported from further back, an account on a test clock in the past) is
    priced with those first prices: they are the only ones the plan ever had then."""
    if not versions:
        raise Conflict(f"plan has no price in force for {month}")
    earlier = [v for v in versions if v.effective_month <= month]
    return max(earlier or [min(versions, key=_effective)], key=_effective)


def _effective(version: PriceVersion) -> BillingMonth:
    return version.effective_month


def first_price_month(now: datetime) -> BillingMonth:
    """A new plan's first prices are in force from the month that every time zone is in or past,
    so an account anywhere can open on it at once."""
    return BillingMonth.containing(now, LATEST_ZONE)


def earliest_start(month: BillingMonth) -> datetime:
    """The first instant any time zone enters `month`."""
    return month.start("UTC") - EARLIEST_OFFSET


def check_price_change(
    plan: Plan, month: BillingMonth, announced_at: datetime, latest_closed: BillingMonth | None
) -> None:
    """R9: a new price version is announced at least the notice period before it takes effect,
    and never reaches into a month already closed."""
    if latest_closed is not None and month <= latest_closed:
        raise Conflict(
            f"{month} is already closed for accounts on plan {plan.id}; choose a month after "
            f"{latest_closed} that also leaves the plan's {plan.notice_days} days' notice"
        )
    deadline = earliest_start(month) - timedelta(days=plan.notice_days)
    if announced_at > deadline:
        raise InvalidInput(
            f"plan {plan.id} needs {plan.notice_days} days' notice: a price from {month} must be "
            f"announced by {deadline.isoformat()}; choose a later month"
        )
