from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccountChangeOut")


@_attrs_define
class AccountChangeOut:
    """
    Attributes:
        account_id (str):
        name (str):
        before (int): Usage billed over its window, JPY before tax.
        after (int): The same quantities re-rated with the proposed prices, JPY before tax.
        difference (int):
    """

    account_id: str
    name: str
    before: int
    after: int
    difference: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        name = self.name

        before = self.before

        after = self.after

        difference = self.difference

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "name": name,
                "before": before,
                "after": after,
                "difference": difference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        name = d.pop("name")

        before = d.pop("before")

        after = d.pop("after")

        difference = d.pop("difference")

        account_change_out = cls(
            account_id=account_id,
            name=name,
            before=before,
            after=after,
            difference=difference,
        )

        account_change_out.additional_properties = d
        return account_change_out

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
