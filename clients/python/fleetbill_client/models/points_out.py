from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.point_entry_out import PointEntryOut


T = TypeVar("T", bound="PointsOut")


@_attrs_define
class PointsOut:
    """
    Attributes:
        account_id (str):
        balance (int):
        ledger (list[PointEntryOut]):
    """

    account_id: str
    balance: int
    ledger: list[PointEntryOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        balance = self.balance

        ledger = []
        for ledger_item_data in self.ledger:
            ledger_item = ledger_item_data.to_dict()
            ledger.append(ledger_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "balance": balance,
                "ledger": ledger,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.point_entry_out import PointEntryOut  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        balance = d.pop("balance")

        ledger = []
        _ledger = d.pop("ledger")
        for ledger_item_data in _ledger:
            ledger_item = PointEntryOut.from_dict(ledger_item_data)

            ledger.append(ledger_item)

        points_out = cls(
            account_id=account_id,
            balance=balance,
            ledger=ledger,
        )

        points_out.additional_properties = d
        return points_out

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
