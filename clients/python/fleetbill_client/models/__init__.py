"""Contains all the data models used in inputs/outputs"""

from .account_change_in import AccountChangeIn
from .account_change_in_language_type_0 import AccountChangeInLanguageType0
from .account_change_in_tax_status_type_0 import AccountChangeInTaxStatusType0
from .account_change_out import AccountChangeOut
from .account_in import AccountIn
from .account_in_language_type_0 import AccountInLanguageType0
from .account_in_tax_status import AccountInTaxStatus
from .account_out import AccountOut
from .api_key_created import ApiKeyCreated
from .api_key_created_scope import ApiKeyCreatedScope
from .api_key_in import ApiKeyIn
from .api_key_in_scope import ApiKeyInScope
from .api_key_list import ApiKeyList
from .api_key_out import ApiKeyOut
from .api_key_out_scope import ApiKeyOutScope
from .attempt_out import AttemptOut
from .billing_link_out import BillingLinkOut
from .billing_state_out import BillingStateOut
from .billing_state_out_state import BillingStateOutState
from .budget_in import BudgetIn
from .budget_out import BudgetOut
from .bulk_status_in import BulkStatusIn
from .card_added import CardAdded
from .card_in import CardIn
from .card_out import CardOut
from .charge_attempt_out import ChargeAttemptOut
from .charge_attempt_out_outcome import ChargeAttemptOutOutcome
from .clock_advance_in import ClockAdvanceIn
from .clock_out import ClockOut
from .clock_set_in import ClockSetIn
from .close_out import CloseOut
from .close_out_skipped_item import CloseOutSkippedItem
from .collect_out import CollectOut
from .collection_method_in import CollectionMethodIn
from .collection_method_in_method import CollectionMethodInMethod
from .credit_note_in import CreditNoteIn
from .credit_note_in_refund_method_type_0 import CreditNoteInRefundMethodType0
from .credit_note_line_out import CreditNoteLineOut
from .credit_note_out import CreditNoteOut
from .credit_note_tax_out import CreditNoteTaxOut
from .default_budget_in import DefaultBudgetIn
from .delivery_attempt_out import DeliveryAttemptOut
from .delivery_out import DeliveryOut
from .delivery_page import DeliveryPage
from .device_at_peak_out import DeviceAtPeakOut
from .device_created import DeviceCreated
from .device_in import DeviceIn
from .device_out import DeviceOut
from .device_status_in import DeviceStatusIn
from .device_type_change_out import DeviceTypeChangeOut
from .device_type_in import DeviceTypeIn
from .device_type_out import DeviceTypeOut
from .due_jobs_out import DueJobsOut
from .effective_budget_out import EffectiveBudgetOut
from .effective_budget_out_source import EffectiveBudgetOutSource
from .endpoint_change_in import EndpointChangeIn
from .endpoint_in import EndpointIn
from .endpoint_out import EndpointOut
from .endpoint_with_secret import EndpointWithSecret
from .entitlement_out import EntitlementOut
from .entitlements_out import EntitlementsOut
from .estimate_out import EstimateOut
from .event_out import EventOut
from .event_out_data import EventOutData
from .event_page import EventPage
from .event_type import EventType
from .get_credit_note_pdf_lang import GetCreditNotePdfLang
from .get_invoice_pdf_lang import GetInvoicePdfLang
from .grant_in import GrantIn
from .import_out import ImportOut
from .invoice_collection_out import InvoiceCollectionOut
from .invoice_collection_out_method import InvoiceCollectionOutMethod
from .invoice_collection_out_state import InvoiceCollectionOutState
from .invoice_out import InvoiceOut
from .invoice_out_status import InvoiceOutStatus
from .invoice_page import InvoicePage
from .invoice_payments_out import InvoicePaymentsOut
from .invoice_payments_out_collection_type_0 import InvoicePaymentsOutCollectionType0
from .line_credit_in import LineCreditIn
from .line_out import LineOut
from .list_invoices_status_type_0 import ListInvoicesStatusType0
from .month_peaks_out import MonthPeaksOut
from .month_preview_out import MonthPreviewOut
from .month_preview_out_billable_devices_after import MonthPreviewOutBillableDevicesAfter
from .month_preview_out_billable_devices_before import MonthPreviewOutBillableDevicesBefore
from .new_delivery import NewDelivery
from .notice_check_out import NoticeCheckOut
from .payment_out import PaymentOut
from .plan_change_in import PlanChangeIn
from .plan_change_out import PlanChangeOut
from .plan_change_out_kind import PlanChangeOutKind
from .plan_in import PlanIn
from .plan_in_counting_mode import PlanInCountingMode
from .plan_in_prices import PlanInPrices
from .plan_in_term import PlanInTerm
from .plan_out import PlanOut
from .plan_preview_out import PlanPreviewOut
from .plan_preview_out_kind_type_0 import PlanPreviewOutKindType0
from .planned_change_in import PlannedChangeIn
from .point_entry_out import PointEntryOut
from .points_out import PointsOut
from .price_impact_out import PriceImpactOut
from .price_version_created import PriceVersionCreated
from .price_version_in import PriceVersionIn
from .price_version_in_prices import PriceVersionInPrices
from .price_version_out import PriceVersionOut
from .price_version_out_prices import PriceVersionOutPrices
from .problem import Problem
from .problem_errors_item_type_0 import ProblemErrorsItemType0
from .problem_errors_item_type_1 import ProblemErrorsItemType1
from .redeliver_event_in import RedeliverEventIn
from .redeliver_range_in import RedeliverRangeIn
from .redelivered_event import RedeliveredEvent
from .redelivered_range import RedeliveredRange
from .refund_in import RefundIn
from .refund_in_method import RefundInMethod
from .refund_out import RefundOut
from .refund_out_method import RefundOutMethod
from .refund_out_state import RefundOutState
from .sandbox_card_in import SandboxCardIn
from .sandbox_charge_out import SandboxChargeOut
from .sandbox_fault_in import SandboxFaultIn
from .sandbox_fault_in_fault import SandboxFaultInFault
from .sandbox_faults_out import SandboxFaultsOut
from .sandbox_faults_out_next_charge_type_0 import SandboxFaultsOutNextChargeType0
from .sandbox_update_in import SandboxUpdateIn
from .status_change_out import StatusChangeOut
from .switch_out import SwitchOut
from .tax_change_out import TaxChangeOut
from .tax_out import TaxOut
from .tax_rate_in import TaxRateIn
from .tax_rate_out import TaxRateOut
from .test_clock_advance_in import TestClockAdvanceIn
from .test_clock_advance_out import TestClockAdvanceOut
from .test_clock_in import TestClockIn
from .test_clock_out import TestClockOut
from .test_clock_out_status import TestClockOutStatus
from .threshold_reached_out import ThresholdReachedOut
from .tier_charge_out import TierChargeOut
from .tier_in import TierIn
from .transfer_in import TransferIn
from .transfer_out import TransferOut
from .type_peak_out import TypePeakOut
from .usage_out import UsageOut
from .usage_out_active_now import UsageOutActiveNow
from .usage_out_billable_devices import UsageOutBillableDevices
from .what_if_in import WhatIfIn
from .what_if_out import WhatIfOut
from .write_off_in import WriteOffIn
from .write_off_out import WriteOffOut

__all__ = (
    "AccountChangeIn",
    "AccountChangeInLanguageType0",
    "AccountChangeInTaxStatusType0",
    "AccountChangeOut",
    "AccountIn",
    "AccountInLanguageType0",
    "AccountInTaxStatus",
    "AccountOut",
    "ApiKeyCreated",
    "ApiKeyCreatedScope",
    "ApiKeyIn",
    "ApiKeyInScope",
    "ApiKeyList",
    "ApiKeyOut",
    "ApiKeyOutScope",
    "AttemptOut",
    "BillingLinkOut",
    "BillingStateOut",
    "BillingStateOutState",
    "BudgetIn",
    "BudgetOut",
    "BulkStatusIn",
    "CardAdded",
    "CardIn",
    "CardOut",
    "ChargeAttemptOut",
    "ChargeAttemptOutOutcome",
    "ClockAdvanceIn",
    "ClockOut",
    "ClockSetIn",
    "CloseOut",
    "CloseOutSkippedItem",
    "CollectionMethodIn",
    "CollectionMethodInMethod",
    "CollectOut",
    "CreditNoteIn",
    "CreditNoteInRefundMethodType0",
    "CreditNoteLineOut",
    "CreditNoteOut",
    "CreditNoteTaxOut",
    "DefaultBudgetIn",
    "DeliveryAttemptOut",
    "DeliveryOut",
    "DeliveryPage",
    "DeviceAtPeakOut",
    "DeviceCreated",
    "DeviceIn",
    "DeviceOut",
    "DeviceStatusIn",
    "DeviceTypeChangeOut",
    "DeviceTypeIn",
    "DeviceTypeOut",
    "DueJobsOut",
    "EffectiveBudgetOut",
    "EffectiveBudgetOutSource",
    "EndpointChangeIn",
    "EndpointIn",
    "EndpointOut",
    "EndpointWithSecret",
    "EntitlementOut",
    "EntitlementsOut",
    "EstimateOut",
    "EventOut",
    "EventOutData",
    "EventPage",
    "EventType",
    "GetCreditNotePdfLang",
    "GetInvoicePdfLang",
    "GrantIn",
    "ImportOut",
    "InvoiceCollectionOut",
    "InvoiceCollectionOutMethod",
    "InvoiceCollectionOutState",
    "InvoiceOut",
    "InvoiceOutStatus",
    "InvoicePage",
    "InvoicePaymentsOut",
    "InvoicePaymentsOutCollectionType0",
    "LineCreditIn",
    "LineOut",
    "ListInvoicesStatusType0",
    "MonthPeaksOut",
    "MonthPreviewOut",
    "MonthPreviewOutBillableDevicesAfter",
    "MonthPreviewOutBillableDevicesBefore",
    "NewDelivery",
    "NoticeCheckOut",
    "PaymentOut",
    "PlanChangeIn",
    "PlanChangeOut",
    "PlanChangeOutKind",
    "PlanIn",
    "PlanInCountingMode",
    "PlanInPrices",
    "PlanInTerm",
    "PlannedChangeIn",
    "PlanOut",
    "PlanPreviewOut",
    "PlanPreviewOutKindType0",
    "PointEntryOut",
    "PointsOut",
    "PriceImpactOut",
    "PriceVersionCreated",
    "PriceVersionIn",
    "PriceVersionInPrices",
    "PriceVersionOut",
    "PriceVersionOutPrices",
    "Problem",
    "ProblemErrorsItemType0",
    "ProblemErrorsItemType1",
    "RedeliveredEvent",
    "RedeliveredRange",
    "RedeliverEventIn",
    "RedeliverRangeIn",
    "RefundIn",
    "RefundInMethod",
    "RefundOut",
    "RefundOutMethod",
    "RefundOutState",
    "SandboxCardIn",
    "SandboxChargeOut",
    "SandboxFaultIn",
    "SandboxFaultInFault",
    "SandboxFaultsOut",
    "SandboxFaultsOutNextChargeType0",
    "SandboxUpdateIn",
    "StatusChangeOut",
    "SwitchOut",
    "TaxChangeOut",
    "TaxOut",
    "TaxRateIn",
    "TaxRateOut",
    "TestClockAdvanceIn",
    "TestClockAdvanceOut",
    "TestClockIn",
    "TestClockOut",
    "TestClockOutStatus",
    "ThresholdReachedOut",
    "TierChargeOut",
    "TierIn",
    "TransferIn",
    "TransferOut",
    "TypePeakOut",
    "UsageOut",
    "UsageOutActiveNow",
    "UsageOutBillableDevices",
    "WhatIfIn",
    "WhatIfOut",
    "WriteOffIn",
    "WriteOffOut",
)
