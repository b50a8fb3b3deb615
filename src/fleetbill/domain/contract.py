"""Contract periods (R11): monthly or yearly, aligned with billing months, fixed fees in advance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from .periods import BillingMonth


class ContractTerm(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return 1 if self is ContractTerm.MONTHLY else 12


@dataclass(frozen=True, slots=True)
class Contract:
    """An account's contract on its plan: purchased at `started_at`, in billing time zone `tz`."""

    term: ContractTerm
    started_at: datetime
    tz: str

    @property
    def anchor(self) -> BillingMonth:
        """The first month that starts a full period: the purchase month if bought at its first
        instant, else the month after (the days before it form a prorated first period)."""
        month = BillingMonth.containing(self.started_at, self.tz)
        return month if month.start(self.tz) == self.started_at else month.next()

    def period_start(self, month: BillingMonth) -> datetime:
        """R13: the instant the contract period containing `month` began (its tax rate is locked)."""
        anchor = self.anchor
        if month < anchor:
            return self.started_at
        first = BillingMonth(anchor.index + (month.index - anchor.index) // self.term.months * self.term.months)
        return first.start(self.tz)

    def next_renewal(self, now: datetime) -> BillingMonth:
        """The month that starts the next contract period after `now`."""
        month = BillingMonth.containing(now, self.tz)
        while self.renewal_after(month) is None:
            month = month.next()
        return month.next()

    def renewal_after(self, month: BillingMonth) -> tuple[BillingMonth, BillingMonth] | None:
        """R11: the period [first, last] that begins right after `month` ends, if one does."""
        nxt = month.next()
        anchor = self.anchor
        if nxt < anchor or (nxt.index - anchor.index) % self.term.months:
            return None
        return nxt, nxt.next(self.term.months - 1)

    def first_period_fee(self, fee: int) -> tuple[int, datetime, datetime]:
        """R11: the fee for the first period, prorated by days if bought mid-month, paid at purchase.

        Returns (amount, period start, period end). Bought at a month's first instant, the first
        period is a whole term; otherwise it runs to the anchor month and costs
        fee * days left (counting the purchase day) / days of a whole term from that month's start,
        rounded down so the customer never pays for a day they did not have.
        """
        bought_in = BillingMonth.containing(self.started_at, self.tz)
        anchor = self.anchor
        if anchor == bought_in:
            return fee, anchor.start(self.tz), anchor.next(self.term.months).start(self.tz)
        zone = ZoneInfo(self.tz)

        def local_date(instant: datetime):
            return instant.astimezone(zone).date()

        term_start = bought_in.start(self.tz)
        term_days = (local_date(bought_in.next(self.term.months).start(self.tz)) - local_date(term_start)).days
        days_left = (local_date(anchor.start(self.tz)) - local_date(self.started_at)).days
        return fee * days_left // term_days, self.started_at, anchor.start(self.tz)
