"""Opening an account on a plan (R10, R11: a plan with a fixed fee bills its first period)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert

from ..adapters.db import repository as repo
from ..adapters.db import schema as t
from ..adapters.db import views
from ..domain.account_settings import check_language, check_postal_address, default_language
from ..domain.catalog import Account, check_name
from ..domain.errors import InvalidInput
from ..domain.events import EventType, NewEvent
from ..domain.money import check_currency
from ..domain.monthly import draft_purchase_invoice, locked_rate
from ..domain.periods import BillingMonth, check_timezone
from ..domain.tax import TaxStatus, check_region
from ..settings import Settings
from .events import invoice_finalized, record
from .open_collections import open_collections

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewAccount:
    name: str
    country: str
    plan_id: str
    billing_email: str
    subdivision: str | None = None
    timezone: str = "Asia/Tokyo"
    currency: str = "JPY"
    tax_status: TaxStatus = TaxStatus.TAXABLE
    test_clock_id: str | None = None  # test mode: open it on this test clock, at its frozen time
    language: str | None = None  # of its emails; None: the country's (domain.account_settings)
    postal_address: str | None = None  # printed on its invoices


def open_account(conn: Connection, now: datetime, settings: Settings, new: NewAccount) -> tuple[Account, str | None]:
    """Create the account; returns it and the id of its purchase invoice, if its plan has a fee."""
    name = check_name(new.name, "name")
    if not _EMAIL.match(new.billing_email):
        raise InvalidInput(f"billing_email {new.billing_email!r} is not an email address")
    check_region(new.country, new.subdivision)
    language = check_language(new.language) if new.language else default_language(new.country)
    address = check_postal_address(new.postal_address)
    check_timezone(new.timezone)
    check_currency(new.currency)
    plan = repo.get_plan(conn, new.plan_id)
    if plan.currency != new.currency:
        raise InvalidInput(f"plan {plan.id} bills in {plan.currency}, not {new.currency}")
    account = Account(
        id=repo.new_id(),
        name=name,
        country=new.country,
        subdivision=new.subdivision,
        timezone=new.timezone,
        currency=new.currency,
        plan_id=plan.id,
        tax_status=TaxStatus(new.tax_status),
        billing_email=new.billing_email,
        first_month=BillingMonth.containing(now, new.timezone),
        contract_started_at=now,
        created_at=now,
        test_clock_id=new.test_clock_id,
        language=language,
        postal_address=address,
    )
    rates = repo.load_tax_rates(conn)
    locked_rate(account, rates, now)  # refuse an account that could never be invoiced
    conn.execute(
        insert(t.accounts),
        dict(
            id=account.id,
            name=account.name,
            country=account.country,
            subdivision=account.subdivision,
            timezone=account.timezone,
            currency=account.currency,
            plan_id=account.plan_id,
            tax_status=account.tax_status.value,
            billing_email=account.billing_email,
            first_month=account.first_month.index,
            contract_started_at=now,
            created_at=now,
            test_clock_id=account.test_clock_id,
            language=language,
            postal_address=address,
        ),
    )
    record(conn, now, NewEvent(EventType.ACCOUNT_CREATED, account.id, {"account": views.account(conn, account.id)}))
    return account, issue_purchase_invoice(conn, now, settings, account, plan)


def issue_purchase_invoice(conn: Connection, now: datetime, settings: Settings, account: Account, plan) -> str | None:
    """R10, R11: the invoice for a plan's first period, from `account.contract_started_at`; its id,
    or None when the plan has no fixed fee (or nothing is left of the period to pay for)."""
    versions = repo.load_price_versions(conn, [plan.id])[plan.id]
    rates = repo.load_tax_rates(conn)
    draft = draft_purchase_invoice(
        account=account, plan=plan, versions=versions, rates=rates, rounding=settings.tax_rounding
    )
    if draft is None:
        return None
    issuer = repo.lock_issuer(conn, repo.DEFAULT_ISSUER)
    period = (draft.lines[0].period_start, draft.lines[0].period_end)
    rows = repo.invoice_rows(
        issuer,
        repo.allocate_sequences(conn, issuer.id, 1),
        account,
        draft,
        kind="purchase",
        month=None,
        period=period,
        issued_at=now,
    )
    repo.insert_invoices(conn, [rows])
    invoice_id = rows[0]["id"]
    # NOTE: R10, R15 the purchase is collected from the transaction that issues it.
    open_collections(conn, now, t.invoices.c.id == invoice_id)
    record(conn, now, invoice_finalized(account.id, invoice_id))  # NOTE: R22
    return invoice_id
