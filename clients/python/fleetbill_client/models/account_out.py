from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        created_at (datetime.datetime):
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
    created_at: datetime.datetime
    test_clock: None | str | Unset = UNSET
    purchase_invoice_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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

        created_at = self.created_at.isoformat()

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
                "created_at": created_at,
            }
        )
        if test_clock is not UNSET:
            field_dict["test_clock"] = test_clock
        if purchase_invoice_id is not UNSET:
            field_dict["purchase_invoice_id"] = purchase_invoice_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

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
            created_at=created_at,
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
