from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.billing_state_out import BillingStateOut
    from ..models.entitlement_out import EntitlementOut


T = TypeVar("T", bound="EntitlementsOut")


@_attrs_define
class EntitlementsOut:
    """
    Attributes:
        account_id (str):
        plan_id (str):
        suspended (bool):
        billing_state (BillingStateOut): Where the account stands (docs/decisions.md, "An account's billing state"): the
            same state
            and sentence as the operator's console and the customer's billing page show.
        features (list[EntitlementOut]):
    """

    account_id: str
    plan_id: str
    suspended: bool
    billing_state: BillingStateOut
    features: list[EntitlementOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        plan_id = self.plan_id

        suspended = self.suspended

        billing_state = self.billing_state.to_dict()

        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "plan_id": plan_id,
                "suspended": suspended,
                "billing_state": billing_state,
                "features": features,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.billing_state_out import BillingStateOut  # noqa: PLC0415
        from ..models.entitlement_out import EntitlementOut  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        plan_id = d.pop("plan_id")

        suspended = d.pop("suspended")

        billing_state = BillingStateOut.from_dict(d.pop("billing_state"))

        features = []
        _features = d.pop("features")
        for features_item_data in _features:
            features_item = EntitlementOut.from_dict(features_item_data)

            features.append(features_item)

        entitlements_out = cls(
            account_id=account_id,
            plan_id=plan_id,
            suspended=suspended,
            billing_state=billing_state,
            features=features,
        )

        entitlements_out.additional_properties = d
        return entitlements_out

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
