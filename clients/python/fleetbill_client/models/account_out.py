from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tax_change_out import TaxChangeOut


T = TypeVar("T", bound="AccountOut")


@_attrs_define
class AccountOut:
    """
    Attributes:
        id (str):
        name (str):
        country (str):
        subdivision (None | str):
        timezone (str):
        currency (str):
        plan_id (str):
        tax_status (str):
        billing_email (str):
        billing_emails (list[str]): Every billing contact; the first is billing_email.
        language (str): The language of its emails and invoices sent: 'ja' or 'en'.
        postal_address (None | str): Printed on its invoices, a line a line (R14).
        created_at (datetime.datetime):
        tax_change (None | TaxChangeOut | Unset): R13: a change of country/region or tax status waiting for the next
            contract period.
        test_clock (None | str | Unset): Test mode: the test clock the account lives on; null: the server's time.
        purchase_invoice_id (None | str | Unset): The invoice for the plan's first period, issued when the account was
            opened (R10, R11), paid or not; null for a plan without a fixed fee. An upgrade's is on its plan change.
    """

    id: str
    name: str
    country: str
    subdivision: None | str
    timezone: str
    currency: str
    plan_id: str
    tax_status: str
    billing_email: str
    billing_emails: list[str]
    language: str
    postal_address: None | str
    created_at: datetime.datetime
    tax_change: None | TaxChangeOut | Unset = UNSET
    test_clock: None | str | Unset = UNSET
    purchase_invoice_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tax_change_out import TaxChangeOut  # noqa: PLC0415

        id = self.id

        name = self.name

        country = self.country

        subdivision: None | str
        subdivision = self.subdivision

        timezone = self.timezone

        currency = self.currency

        plan_id = self.plan_id

        tax_status = self.tax_status

        billing_email = self.billing_email

        billing_emails = self.billing_emails

        language = self.language

        postal_address: None | str
        postal_address = self.postal_address

        created_at = self.created_at.isoformat()

        tax_change: dict[str, Any] | None | Unset
        if isinstance(self.tax_change, Unset):
            tax_change = UNSET
        elif isinstance(self.tax_change, TaxChangeOut):
            tax_change = self.tax_change.to_dict()
        else:
            tax_change = self.tax_change

        test_clock: None | str | Unset
        if isinstance(self.test_clock, Unset):
            test_clock = UNSET
        else:
            test_clock = self.test_clock

        purchase_invoice_id: None | str | Unset
        if isinstance(self.purchase_invoice_id, Unset):
            purchase_invoice_id = UNSET
        else:
            purchase_invoice_id = self.purchase_invoice_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "country": country,
                "subdivision": subdivision,
                "timezone": timezone,
                "currency": currency,
                "plan_id": plan_id,
                "tax_status": tax_status,
                "billing_email": billing_email,
                "billing_emails": billing_emails,
                "language": language,
                "postal_address": postal_address,
                "created_at": created_at,
            }
        )
        if tax_change is not UNSET:
            field_dict["tax_change"] = tax_change
        if test_clock is not UNSET:
            field_dict["test_clock"] = test_clock
        if purchase_invoice_id is not UNSET:
            field_dict["purchase_invoice_id"] = purchase_invoice_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tax_change_out import TaxChangeOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        country = d.pop("country")

        def _parse_subdivision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        subdivision = _parse_subdivision(d.pop("subdivision"))

        timezone = d.pop("timezone")

        currency = d.pop("currency")

        plan_id = d.pop("plan_id")

        tax_status = d.pop("tax_status")

        billing_email = d.pop("billing_email")

        billing_emails = cast(list[str], d.pop("billing_emails"))

        language = d.pop("language")

        def _parse_postal_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        postal_address = _parse_postal_address(d.pop("postal_address"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_tax_change(data: object) -> None | TaxChangeOut | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tax_change_type_0 = TaxChangeOut.from_dict(data)

                return tax_change_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaxChangeOut | Unset, data)

        tax_change = _parse_tax_change(d.pop("tax_change", UNSET))

        def _parse_test_clock(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        test_clock = _parse_test_clock(d.pop("test_clock", UNSET))

        def _parse_purchase_invoice_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purchase_invoice_id = _parse_purchase_invoice_id(d.pop("purchase_invoice_id", UNSET))

        account_out = cls(
            id=id,
            name=name,
            country=country,
            subdivision=subdivision,
            timezone=timezone,
            currency=currency,
            plan_id=plan_id,
            tax_status=tax_status,
            billing_email=billing_email,
            billing_emails=billing_emails,
            language=language,
            postal_address=postal_address,
            created_at=created_at,
            tax_change=tax_change,
            test_clock=test_clock,
            purchase_invoice_id=purchase_invoice_id,
        )

        account_out.additional_properties = d
        return account_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
