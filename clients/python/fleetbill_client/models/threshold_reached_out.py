from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ThresholdReachedOut")


@_attrs_define
class ThresholdReachedOut:
    """
    Attributes:
        threshold (int): percent of the budget
        reached_at (datetime.datetime):
        projection (int): the month's projected bill then, JPY
        budget (int): the budget then, JPY
    """

    threshold: int
    reached_at: datetime.datetime
    projection: int
    budget: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        threshold = self.threshold

        reached_at = self.reached_at.isoformat()

        projection = self.projection

        budget = self.budget

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "threshold": threshold,
                "reached_at": reached_at,
                "projection": projection,
                "budget": budget,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        threshold = d.pop("threshold")

        reached_at = datetime.datetime.fromisoformat(d.pop("reached_at"))

        projection = d.pop("projection")

        budget = d.pop("budget")

        threshold_reached_out = cls(
            threshold=threshold,
            reached_at=reached_at,
            projection=projection,
            budget=budget,
        )

        threshold_reached_out.additional_properties = d
        return threshold_reached_out

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
