from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.close_out_skipped_item import CloseOutSkippedItem


T = TypeVar("T", bound="CloseOut")


@_attrs_define
class CloseOut:
    """
    Attributes:
        months (list[str]): The billing months closed by this request, oldest first.
        invoices (int):
        billed (int): Sum of the invoices' totals, tax included (JPY).
        collections_opened (int): Invoices with something left to pay, now in collection (R15).
        downgrades_applied (int): Downgrades that took effect at a renewal these months reached (R10).
        months_remaining (int): Ended months still open because one request closes at most 24: call again to close them.
        skipped (list[CloseOutSkippedItem]):
        running_elsewhere (bool | Unset): Run due jobs only: another close was running, so this run left the months to
            it. Default: False.
    """

    months: list[str]
    invoices: int
    billed: int
    collections_opened: int
    downgrades_applied: int
    months_remaining: int
    skipped: list[CloseOutSkippedItem]
    running_elsewhere: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        months = self.months

        invoices = self.invoices

        billed = self.billed

        collections_opened = self.collections_opened

        downgrades_applied = self.downgrades_applied

        months_remaining = self.months_remaining

        skipped = []
        for skipped_item_data in self.skipped:
            skipped_item = skipped_item_data.to_dict()
            skipped.append(skipped_item)

        running_elsewhere = self.running_elsewhere

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "months": months,
                "invoices": invoices,
                "billed": billed,
                "collections_opened": collections_opened,
                "downgrades_applied": downgrades_applied,
                "months_remaining": months_remaining,
                "skipped": skipped,
            }
        )
        if running_elsewhere is not UNSET:
            field_dict["running_elsewhere"] = running_elsewhere

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.close_out_skipped_item import CloseOutSkippedItem  # noqa: PLC0415

        d = dict(src_dict)
        months = cast(list[str], d.pop("months"))

        invoices = d.pop("invoices")

        billed = d.pop("billed")

        collections_opened = d.pop("collections_opened")

        downgrades_applied = d.pop("downgrades_applied")

        months_remaining = d.pop("months_remaining")

        skipped = []
        _skipped = d.pop("skipped")
        for skipped_item_data in _skipped:
            skipped_item = CloseOutSkippedItem.from_dict(skipped_item_data)

            skipped.append(skipped_item)

        running_elsewhere = d.pop("running_elsewhere", UNSET)

        close_out = cls(
            months=months,
            invoices=invoices,
            billed=billed,
            collections_opened=collections_opened,
            downgrades_applied=downgrades_applied,
            months_remaining=months_remaining,
            skipped=skipped,
            running_elsewhere=running_elsewhere,
        )

        close_out.additional_properties = d
        return close_out

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
