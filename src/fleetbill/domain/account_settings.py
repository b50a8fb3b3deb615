"""Account settings the operator and the customer change (issue 10 item 5): checked here, pure.

Name, language, billing contacts and postal address apply at once. Country/region and tax status
decide the tax of a whole contract period (R13), so a change of them applies from the next one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import check_name
from .errors import InvalidInput
from .tax import TaxStatus, check_region

LANGUAGES = ("ja", "en")
MAX_CONTACTS = 5
MAX_ADDRESS_LINES = 6
MAX_ADDRESS_CHARS = 300
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def default_language(country: str) -> str:
    """An account in Japan reads Japanese unless it asks otherwise; any other, English."""
    return "ja" if country == "JP" else "en"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be 'ja' (Japanese) or 'en' (English), not {language!r}")
    return language


def check_email(address: str, what: str = "billing_email") -> str:
    address = address.strip()
    if len(address) > 320 or not _EMAIL.match(address):
        raise InvalidInput(f"{what} {address[:80]!r} is not an email address such as billing@example.jp")
    return address


def check_contacts(addresses: Sequence[str]) -> tuple[str, ...]:
    """The billing contacts, in order (the first is the account's billing_email): 1 to 5
    addresses, each once (case aside)."""
    found = [check_email(a, "billing_emails: ") for a in addresses if a.strip()]
    if not found:
        raise InvalidInput("billing_emails: give at least one email address (the invoices go there)")
    if len(found) > MAX_CONTACTS:
        raise InvalidInput(f"billing_emails: at most {MAX_CONTACTS} addresses, not {len(found)}")
    seen: set[str] = set()
    for a in found:
        if a.lower() in seen:
            raise InvalidInput(f"billing_emails: {a} is given twice; give each address once")
        seen.add(a.lower())
    return tuple(found)


def check_postal_address(text: str | None) -> str | None:
    """The postal address as printed on the invoice, a line a line; None (or blank): none."""
    if text is None or not text.strip():
        return None
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_ADDRESS_LINES or sum(map(len, lines)) > MAX_ADDRESS_CHARS:
        raise InvalidInput(
            f"postal_address: at most {MAX_ADDRESS_LINES} lines and {MAX_ADDRESS_CHARS} characters, "
            "as printed on the invoice"
        )
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class TaxProfile:
    """What decides an account's tax (R12): its country/region and tax status."""

    country: str
    subdivision: str | None
    tax_status: TaxStatus

    def checked(self) -> TaxProfile:
        check_region(self.country, self.subdivision)
        try:
            status = TaxStatus(self.tax_status)
        except ValueError:
            known = ", ".join(s.value for s in TaxStatus)
            raise InvalidInput(f"tax_status must be one of {known}, not {self.tax_status!r}") from None
        return TaxProfile(self.country, self.subdivision, status)

    def as_dict(self) -> dict:
        return dict(country=self.country, subdivision=self.subdivision, tax_status=TaxStatus(self.tax_status).value)


@dataclass(frozen=True, slots=True)
class AccountChanges:
    """What a request asks to change; None: leave as it is (`postal_address` uses `clear_address`)."""

    name: str | None = None
    language: str | None = None
    billing_emails: Sequence[str] | None = None
    postal_address: str | None = None
    clear_address: bool = False
    country: str | None = None
    subdivision: str | None = None
    clear_subdivision: bool = False
    tax_status: str | None = None

    def checked_now(self) -> dict:
        """The changes that apply at once, checked: field -> new value."""
        out: dict = {}
        if self.name is not None:
            out["name"] = check_name(self.name, "name")[:200]
        if self.language is not None:
            out["language"] = check_language(self.language)
        if self.billing_emails is not None:
            out["billing_emails"] = list(check_contacts(self.billing_emails))
        if self.postal_address is not None or self.clear_address:
            out["postal_address"] = None if self.clear_address else check_postal_address(self.postal_address)
        return out

    @property
    def touches_tax(self) -> bool:
        given = (self.country, self.subdivision, self.tax_status)
        return any(x is not None for x in given) or self.clear_subdivision

    def tax_profile(self, current: TaxProfile) -> TaxProfile:
        """The profile asked for: what is given over `current` (the one the next period would have).
        A new country without a subdivision drops the old subdivision, which belonged to the old country."""
        country = self.country if self.country is not None else current.country
        if self.subdivision is not None:
            subdivision = self.subdivision or None
        elif self.clear_subdivision or country != current.country:
            subdivision = None
        else:
            subdivision = current.subdivision
        status = self.tax_status if self.tax_status is not None else current.tax_status
        return TaxProfile(country, subdivision, status).checked()
