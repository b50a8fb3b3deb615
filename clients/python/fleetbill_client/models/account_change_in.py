from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.account_change_in_language_type_0 import AccountChangeInLanguageType0
from ..models.account_change_in_tax_status_type_0 import AccountChangeInTaxStatusType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountChangeIn")


@_attrs_define
class AccountChangeIn:
    """What PATCH /v1/accounts/{id} changes: only the fields given (null clears postal_address and
    subdivision). Name, language, contacts and address apply at once; country, subdivision and
    tax_status from the account's next contract period (R13), shown meanwhile as tax_change.

        Attributes:
            name (None | str | Unset):
            language (AccountChangeInLanguageType0 | None | Unset):
            billing_emails (list[str] | None | Unset): Every billing contact, 1 to 5; the first is billing_email. Invoices
                and notices go to all.
            postal_address (None | str | Unset):
            country (None | str | Unset):
            subdivision (None | str | Unset):
            tax_status (AccountChangeInTaxStatusType0 | None | Unset):
    """

    name: None | str | Unset = UNSET
    language: AccountChangeInLanguageType0 | None | Unset = UNSET
    billing_emails: list[str] | None | Unset = UNSET
    postal_address: None | str | Unset = UNSET
    country: None | str | Unset = UNSET
    subdivision: None | str | Unset = UNSET
    tax_status: AccountChangeInTaxStatusType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        elif isinstance(self.language, AccountChangeInLanguageType0):
            language = self.language.value
        else:
            language = self.language

        billing_emails: list[str] | None | Unset
        if isinstance(self.billing_emails, Unset):
            billing_emails = UNSET
        elif isinstance(self.billing_emails, list):
            billing_emails = self.billing_emails

        else:
            billing_emails = self.billing_emails

        postal_address: None | str | Unset
        if isinstance(self.postal_address, Unset):
            postal_address = UNSET
        else:
            postal_address = self.postal_address

        country: None | str | Unset
        if isinstance(self.country, Unset):
            country = UNSET
        else:
            country = self.country

        subdivision: None | str | Unset
        if isinstance(self.subdivision, Unset):
            subdivision = UNSET
        else:
            subdivision = self.subdivision

        tax_status: None | str | Unset
        if isinstance(self.tax_status, Unset):
            tax_status = UNSET
        elif isinstance(self.tax_status, AccountChangeInTaxStatusType0):
            tax_status = self.tax_status.value
        else:
            tax_status = self.tax_status

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if language is not UNSET:
            field_dict["language"] = language
        if billing_emails is not UNSET:
            field_dict["billing_emails"] = billing_emails
        if postal_address is not UNSET:
            field_dict["postal_address"] = postal_address
        if country is not UNSET:
            field_dict["country"] = country
        if subdivision is not UNSET:
            field_dict["subdivision"] = subdivision
        if tax_status is not UNSET:
            field_dict["tax_status"] = tax_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_language(data: object) -> AccountChangeInLanguageType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                language_type_0 = AccountChangeInLanguageType0(data)

                return language_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountChangeInLanguageType0 | None | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_billing_emails(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                billing_emails_type_0 = cast(list[str], data)

                return billing_emails_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        billing_emails = _parse_billing_emails(d.pop("billing_emails", UNSET))

        def _parse_postal_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        postal_address = _parse_postal_address(d.pop("postal_address", UNSET))

        def _parse_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country = _parse_country(d.pop("country", UNSET))

        def _parse_subdivision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subdivision = _parse_subdivision(d.pop("subdivision", UNSET))

        def _parse_tax_status(data: object) -> AccountChangeInTaxStatusType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tax_status_type_0 = AccountChangeInTaxStatusType0(data)

                return tax_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AccountChangeInTaxStatusType0 | None | Unset, data)

        tax_status = _parse_tax_status(d.pop("tax_status", UNSET))

        account_change_in = cls(
            name=name,
            language=language,
            billing_emails=billing_emails,
            postal_address=postal_address,
            country=country,
            subdivision=subdivision,
            tax_status=tax_status,
        )

        return account_change_in
