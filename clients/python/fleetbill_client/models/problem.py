from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_errors_item_type_0 import ProblemErrorsItemType0
    from ..models.problem_errors_item_type_1 import ProblemErrorsItemType1


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """An RFC 9457 problem: `detail` says what to do.

    Attributes:
        type_ (str): Always `about:blank`: `status` and `title` say the kind.
        title (str):
        status (int):
        detail (str):
        instance (str): The request's path.
        errors (list[ProblemErrorsItemType0 | ProblemErrorsItemType1] | Unset): 422: each field (dotted path) and what
            is wrong with it; or, for a file, each row.
        errors_not_listed (int | Unset): How many more errors there were.
    """

    type_: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemErrorsItemType0 | ProblemErrorsItemType1] | Unset = UNSET
    errors_not_listed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.problem_errors_item_type_0 import ProblemErrorsItemType0  # noqa: PLC0415

        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        instance = self.instance

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item: dict[str, Any]
                if isinstance(errors_item_data, ProblemErrorsItemType0):
                    errors_item = errors_item_data.to_dict()
                else:
                    errors_item = errors_item_data.to_dict()

                errors.append(errors_item)

        errors_not_listed = self.errors_not_listed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
                "instance": instance,
            }
        )
        if errors is not UNSET:
            field_dict["errors"] = errors
        if errors_not_listed is not UNSET:
            field_dict["errors_not_listed"] = errors_not_listed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_errors_item_type_0 import ProblemErrorsItemType0  # noqa: PLC0415
        from ..models.problem_errors_item_type_1 import ProblemErrorsItemType1  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        instance = d.pop("instance")

        _errors = d.pop("errors", UNSET)
        errors: list[ProblemErrorsItemType0 | ProblemErrorsItemType1] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:

                def _parse_errors_item(data: object) -> ProblemErrorsItemType0 | ProblemErrorsItemType1:
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        errors_item_type_0 = ProblemErrorsItemType0.from_dict(data)

                        return errors_item_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    if not isinstance(data, dict):
                        raise TypeError()
                    errors_item_type_1 = ProblemErrorsItemType1.from_dict(data)

                    return errors_item_type_1

                errors_item = _parse_errors_item(errors_item_data)

                errors.append(errors_item)

        errors_not_listed = d.pop("errors_not_listed", UNSET)

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            instance=instance,
            errors=errors,
            errors_not_listed=errors_not_listed,
        )

        problem.additional_properties = d
        return problem

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
