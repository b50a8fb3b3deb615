from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.close_out import CloseOut
    from ..models.collect_out import CollectOut


T = TypeVar("T", bound="DueJobsOut")


@_attrs_define
class DueJobsOut:
    """
    Attributes:
        close (CloseOut):
        collect (CollectOut):
        bank_transfer_reminders (int):
        cards_warned (int):
        points_expired (int):
    """

    close: CloseOut
    collect: CollectOut
    bank_transfer_reminders: int
    cards_warned: int
    points_expired: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        close = self.close.to_dict()

        collect = self.collect.to_dict()

        bank_transfer_reminders = self.bank_transfer_reminders

        cards_warned = self.cards_warned

        points_expired = self.points_expired

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "close": close,
                "collect": collect,
                "bank_transfer_reminders": bank_transfer_reminders,
                "cards_warned": cards_warned,
                "points_expired": points_expired,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.close_out import CloseOut  # noqa: PLC0415
        from ..models.collect_out import CollectOut  # noqa: PLC0415

        d = dict(src_dict)
        close = CloseOut.from_dict(d.pop("close"))

        collect = CollectOut.from_dict(d.pop("collect"))

        bank_transfer_reminders = d.pop("bank_transfer_reminders")

        cards_warned = d.pop("cards_warned")

        points_expired = d.pop("points_expired")

        due_jobs_out = cls(
            close=close,
            collect=collect,
            bank_transfer_reminders=bank_transfer_reminders,
            cards_warned=cards_warned,
            points_expired=points_expired,
        )

        due_jobs_out.additional_properties = d
        return due_jobs_out

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
