from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ClockSetIn")


@_attrs_define
class ClockSetIn:
    """
    Attributes:
        now (datetime.datetime):
    """

    now: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        now = self.now.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "now": now,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        now = datetime.datetime.fromisoformat(d.pop("now"))

        clock_set_in = cls(
            now=now,
        )

        return clock_set_in
