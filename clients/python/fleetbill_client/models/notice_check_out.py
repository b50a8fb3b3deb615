from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NoticeCheckOut")


@_attrs_define
class NoticeCheckOut:
    """
    Attributes:
        announce_by (datetime.datetime): The last instant the version can be announced (the plan's notice).
        ok (bool): True if it could be announced now.
        problem (None | str): Why it could not be announced now (too late, month closed, taken).
    """

    announce_by: datetime.datetime
    ok: bool
    problem: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        announce_by = self.announce_by.isoformat()

        ok = self.ok

        problem: None | str
        problem = self.problem

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "announce_by": announce_by,
                "ok": ok,
                "problem": problem,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        announce_by = datetime.datetime.fromisoformat(d.pop("announce_by"))

        ok = d.pop("ok")

        def _parse_problem(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem = _parse_problem(d.pop("problem"))

        notice_check_out = cls(
            announce_by=announce_by,
            ok=ok,
            problem=problem,
        )

        notice_check_out.additional_properties = d
        return notice_check_out

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
