"""The credit notes' bodies (R15)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from .schemas import In

MAX_AMOUNT = 10**12


class LineCreditIn(In):
    line: StrictInt = Field(ge=1, description="The invoice line's position (1, 2...), as the invoice lists them.")
    quantity: StrictInt | None = Field(
        None, ge=1, description="How many of its units to credit (the last ones, highest tier first); null: all left."
    )


class CreditNoteIn(In):
    reason: str = Field(min_length=1, max_length=300, examples=["device billed by mistake"])
    lines: list[LineCreditIn] = Field([], max_length=100, description="Whole lines, or part of a line's quantity.")
    amount: StrictInt | None = Field(None, ge=1, le=MAX_AMOUNT, description="An amount before tax, at `rate`.")
    rate: Decimal | None = Field(
        None,
        ge=0,
        lt=1,
        max_digits=8,
        decimal_places=6,
        description="The tax rate of `amount` (0.10); null: the invoice's only rate.",
    )
    refund_method: Literal["card", "points", "bank_transfer"] | None = Field(
        None,
        description="How money received beyond what the invoice still asks goes back: required when there is some.",
    )
    refund_reference: str = Field("", max_length=200, description="bank_transfer: the transfer that sends it back.")


class RefundIn(In):
    method: Literal["card", "points", "bank_transfer"]
    reference: str = Field("", max_length=200, description="bank_transfer: the transfer that sends it back.")


class WriteOffIn(In):
    reason: str = Field(min_length=1, max_length=300, examples=["customer went out of business"])


class WriteOffOut(BaseModel):
    invoice_id: str
    status: Literal["uncollectible"]
    amount_left: int = Field(description="Still owed: a transfer received later pays it.")


class CreditNoteLineOut(BaseModel):
    invoice_line: int | None = Field(description="The invoice line credited; null for an amount.")
    description: str
    quantity: int
    amount: int
    tax_rate: str


class CreditNoteTaxOut(BaseModel):
    rate: str
    taxable_amount: int = Field(description="Returned at this rate, before tax.")
    tax: int = Field(description="The tax returned at this rate, rounded once as the invoice's was (R12).")


class RefundOut(BaseModel):
    id: str
    method: Literal["card", "points", "bank_transfer"]
    amount: int
    state: Literal["pending", "succeeded", "failed", "unknown"]
    reference: str | None
    failure_code: str | None
    resolved_at: datetime | None


class CreditNoteOut(BaseModel):
    id: str
    number: str = Field(description="In the credit notes' own gapless series: <prefix>-CN-00000001.")
    invoice_id: str
    invoice_number: str
    account_id: str
    currency: str
    subtotal: int
    tax_total: int
    total: int
    points_back: int = Field(description="The part points had paid, given back as points (R16).")
    refund_due: int = Field(description="Money received beyond what the invoice now asks, sent back.")
    reason: str
    issued_at: datetime
    lines: list[CreditNoteLineOut]
    taxes: list[CreditNoteTaxOut]
    refunds: list[RefundOut]
