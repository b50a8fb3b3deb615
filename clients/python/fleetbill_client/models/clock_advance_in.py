from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClockAdvanceIn")


@_attrs_define
class ClockAdvanceIn:
    """
    Attributes:
        days (int | Unset):  Default: 0.
        hours (int | Unset):  Default: 0.
        seconds (int | Unset):  Default: 0.
    """

    days: int | Unset = 0
    hours: int | Unset = 0
    seconds: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        hours = self.hours

        seconds = self.seconds

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if days is not UNSET:
            field_dict["days"] = days
        if hours is not UNSET:
            field_dict["hours"] = hours
        if seconds is not UNSET:
            field_dict["seconds"] = seconds

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = d.pop("days", UNSET)

        hours = d.pop("hours", UNSET)

        seconds = d.pop("seconds", UNSET)

        clock_advance_in = cls(
            days=days,
            hours=hours,
            seconds=seconds,
        )

        return clock_advance_in
