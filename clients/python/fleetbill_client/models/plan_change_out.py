from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_change_out_kind import PlanChangeOutKind

T = TypeVar("T", bound="PlanChangeOut")


@_attrs_define
class PlanChangeOut:
    """
    Attributes:
        id (str):
        from_plan_id (str):
        to_plan_id (str):
        kind (PlanChangeOutKind):
        requested_at (datetime.datetime):
        effective_at (datetime.datetime):
        applied_at (datetime.datetime | None):
        purchase_invoice_id (None | str):
    """

    id: str
    from_plan_id: str
    to_plan_id: str
    kind: PlanChangeOutKind
    requested_at: datetime.datetime
    effective_at: datetime.datetime
    applied_at: datetime.datetime | None
    purchase_invoice_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        from_plan_id = self.from_plan_id

        to_plan_id = self.to_plan_id

        kind = self.kind.value

        requested_at = self.requested_at.isoformat()

        effective_at = self.effective_at.isoformat()

        applied_at: None | str
        if isinstance(self.applied_at, datetime.datetime):
            applied_at = self.applied_at.isoformat()
        else:
            applied_at = self.applied_at

        purchase_invoice_id: None | str
        purchase_invoice_id = self.purchase_invoice_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "from_plan_id": from_plan_id,
                "to_plan_id": to_plan_id,
                "kind": kind,
                "requested_at": requested_at,
                "effective_at": effective_at,
                "applied_at": applied_at,
                "purchase_invoice_id": purchase_invoice_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        from_plan_id = d.pop("from_plan_id")

        to_plan_id = d.pop("to_plan_id")

        kind = PlanChangeOutKind(d.pop("kind"))

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))

        effective_at = datetime.datetime.fromisoformat(d.pop("effective_at"))

        def _parse_applied_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                applied_at_type_0 = datetime.datetime.fromisoformat(data)

                return applied_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        applied_at = _parse_applied_at(d.pop("applied_at"))

        def _parse_purchase_invoice_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        purchase_invoice_id = _parse_purchase_invoice_id(d.pop("purchase_invoice_id"))

        plan_change_out = cls(
            id=id,
            from_plan_id=from_plan_id,
            to_plan_id=to_plan_id,
            kind=kind,
            requested_at=requested_at,
            effective_at=effective_at,
            applied_at=applied_at,
            purchase_invoice_id=purchase_invoice_id,
        )

        plan_change_out.additional_properties = d
        return plan_change_out

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
