from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PriceVersionCreated")


@_attrs_define
class PriceVersionCreated:
    """
    Attributes:
        id (str):
        plan_id (str):
        effective_month (str):
        notified_accounts (int):
    """

    id: str
    plan_id: str
    effective_month: str
    notified_accounts: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        plan_id = self.plan_id

        effective_month = self.effective_month

        notified_accounts = self.notified_accounts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "plan_id": plan_id,
                "effective_month": effective_month,
                "notified_accounts": notified_accounts,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        plan_id = d.pop("plan_id")

        effective_month = d.pop("effective_month")

        notified_accounts = d.pop("notified_accounts")

        price_version_created = cls(
            id=id,
            plan_id=plan_id,
            effective_month=effective_month,
            notified_accounts=notified_accounts,
        )

        price_version_created.additional_properties = d
        return price_version_created

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
