from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.account_in_language_type_0 import AccountInLanguageType0
from ..models.account_in_tax_status import AccountInTaxStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountIn")


@_attrs_define
class AccountIn:
    """
    Attributes:
        name (str):
        country (str):
        plan_id (str):
        billing_email (str):
        subdivision (None | str | Unset):
        timezone (str | Unset):  Default: 'Asia/Tokyo'.
        currency (str | Unset):  Default: 'JPY'.
        tax_status (AccountInTaxStatus | Unset):  Default: AccountInTaxStatus.TAXABLE.
        test_clock (None | str | Unset): Test mode: open the account on this test clock (POST /v1/test-clocks); it lives
            at the clock's frozen time from then on.
        language (AccountInLanguageType0 | None | Unset): The language of its emails: 'ja' or 'en'; left out: 'ja' for
            an account in JP, else 'en'.
        postal_address (None | str | Unset): Printed on its invoices under its name, a line a line (R14).
    """

    name: str
    country: str
    plan_id: str
    billing_email: str
    subdivision: None | str | Unset = UNSET
    timezone: str | Unset = "Asia/Tokyo"
    currency: str | Unset = "JPY"
    tax_status: AccountInTaxStatus | Unset = AccountInTaxStatus.TAXABLE
    test_clock: None | str | Unset = UNSET
    language: AccountInLanguageType0 | None | Unset = UNSET
    postal_address: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        country = self.country

        plan_id = self.plan_id

        billing_email = self.billing_email

        subdivision: None | str | Unset
        if isinstance(self.subdivision, Unset):
            subdivision = UNSET
        else:
            subdivision = self.subdivision

        timezone = self.timezone

        currency = self.currency

        tax_status: str | Unset = UNSET
        if not isinstance(self.tax_status, Unset):
            tax_status = self.tax_status.value

        test_clock: None | str | Unset
        if isinstance(self.test_clock, Unset):
            test_clock = UNSET
        else:
            test_clock = self.test_clock

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        elif isinstance(self.language, AccountInLanguageType0):
            language = self.language.value
        else:
            language = self.language

        postal_address: None | str | Unset
        if isinstance(self.postal_address, Unset):
            postal_address = UNSET
        else:
            postal_address = self.postal_address

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "country": country,
                "plan_id": plan_id,
                "billing_email": billing_email,
            }
        )
        if subdivision is not UNSET:
            field_dict["subdivision"] = subdivision
        if timezone is not UNSET:
            field_dict["timezone"] = timezone
        if currency is not UNSET:
            field_dict["currency"] = currency
        if tax_status is not UNSET:
            field_dict["tax_status"] = tax_status
        if test_clock is not UNSET:
            field_dict["test_clock"] = test_clock
        if language is not UNSET:
            field_dict["language"] = language
        if postal_address is not UNSET:
            field_dict["postal_address"] = postal_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        country = d.pop("country")

        plan_id = d.pop("plan_id")

        billing_email = d.pop("billing_email")

        def _parse_subdivision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subdivision = _parse_subdivision(d.pop("subdivision", UNSET))

        timezone = d.pop("timezone", UNSET)

        currency = d.pop("currency", UNSET)

        _tax_status = d.pop("tax_status", UNSET)
        tax_status: AccountInTaxStatus | Unset
        if isinstance(_tax_status, Unset):
            tax_status = UNSET
        else:
            tax_status = AccountInTaxStatus(_tax_status)

        def _parse_test_clock(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        test_clock = _parse_test_clock(d.pop("test_clock", UNSET))

        def _parse_language(data: object) -> AccountInLanguageType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                language_type_0 = AccountInLanguageType0(data)

                return language_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountInLanguageType0 | None | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_postal_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        postal_address = _parse_postal_address(d.pop("postal_address", UNSET))

        account_in = cls(
            name=name,
            country=country,
            plan_id=plan_id,
            billing_email=billing_email,
            subdivision=subdivision,
            timezone=timezone,
            currency=currency,
            tax_status=tax_status,
            test_clock=test_clock,
            language=language,
            postal_address=postal_address,
        )

        return account_in
