"""What the account's emails say, in Japanese and English (issue 10 item 4): each kind's subject,
the labels of its details, the greeting and the closing. Adding a kind is one entry in SUBJECTS
(and, if it attaches the invoice, in domain.notices.ATTACHES_INVOICE); services/notify writes its rows and
services/emails lays it out."""

from __future__ import annotations

from ..adapters.pdf.invoice_pdf import money
from ..domain.local_time import day_text
from ..domain.notices import ATTACHES_INVOICE
from ..domain.periods import BillingMonth

LANGUAGES = ("ja", "en")
__all__ = ["ATTACHES_INVOICE", "SUBJECTS", "WORDS", "subject"]

# kind -> language -> the subject, formatted with the fields the consumer gives.
SUBJECTS: dict[str, dict[str, str]] = {
    "invoice": {
        "en": "Invoice {number} for {month}: {total}",
        "ja": "【請求書】{month}分 {number}（{total}）",
    },
    "purchase_invoice": {
        "en": "Invoice {number}: {total}",
        "ja": "【請求書】{number}（{total}）",
    },
    "credit_note": {
        "en": "Credit note {number} for {invoice}: {total} returned",
        "ja": "【返還請求書】{invoice} に対する {number}（{total}）",
    },
    "receipt": {
        "en": "Receipt: {amount} paid for {number}",
        "ja": "【領収】{number} のお支払い {amount} を受け付けました",
    },
    "overpaid": {
        "en": "{number} was paid {amount} too much; it will be refunded",
        "ja": "{number} のお支払いが {amount} 多すぎました。差額は返金します",
    },
    "payment_received": {
        "en": "Transfer of {amount} received for {number}",
        "ja": "{number} のお振込み {amount} を受け取りました",
    },
    "card_declined": {
        "en": "Your {brand} card ending {last4} was declined; {number} was paid with your other card",
        "ja": "末尾 {last4} の {brand} カードは使えませんでした。{number} はもう一枚のカードでお支払いいただきました",
    },
    "payment_failed": {
        "en": "Payment for {number} failed",
        "ja": "{number} のお支払いができませんでした",
    },
    "payment_retry": {
        "en": "Payment for {number} failed; we retry on {day}",
        "ja": "{number} のお支払いができませんでした。{day}に再度お手続きします",
    },
    "bank_transfer_reminder": {
        "en": "{number} was due on {day}",
        "ja": "{number} のお支払い期限（{day}）を過ぎています",
    },
    "card_expiring": {
        "en": "Your {brand} card ending {last4} expires at the end of {expiry}; add a new card",
        "ja": "末尾 {last4} の {brand} カードの有効期限は {expiry} 末です。新しいカードをご登録ください",
    },
    "upgrade_cancelled": {
        "en": "Your upgrade was cancelled: {number} could not be paid; your plan stays as it was",
        "ja": "{number} のお支払いができなかったため、プランの変更を取り消しました。プランは変わりません",
    },
    "price_change": {
        "en": "New prices for {plan} from {month}",
        "ja": "{month}から {plan} の料金が変わります",
    },
    "suspended": {
        "en": "Features disabled: {number} is unpaid",
        "ja": "{number} が未払いのため、プランの機能を停止しました",
    },
    "budget_threshold": {
        "en": "Your bill for {month} is projected at {projection}: {threshold}% of your budget",
        "ja": "{month}分のご請求見込み額が予算の{threshold}%に達しました（{projection}）",
    },
    "reinstated": {
        "en": "Your plan's features are back on",
        "ja": "プランの機能を再開しました",
    },
}


# The labels of the details an email lists, in Japanese (English: the key, spaced).
LABELS_JA = {
    "invoice": "請求書",
    "amount": "金額",
    "reason": "理由",
    "next try at": "次回のお手続き",
    "plan": "プラン",
    "effective month": "適用月",
    "fixed fee": "固定料金",
    "prices": "料金",
    "credit note": "返還請求書",
    "returned": "返還額（税込）",
    "points back": "ポイントで返還",
    "refund": "返金",
    "billing month": "請求月",
    "projected bill": "ご請求見込み額（税込、ポイント充当後）",
    "budget": "予算",
    "share of budget": "予算に対する割合",
}

WORDS = {
    "en": dict(
        greeting="{name},",
        closing=[
            "Your billing page (open it from the developer's console) shows your usage, invoices,",
            "cards and points.",
            "",
            "fleetbill",
        ],
        total="Total (tax included)",
        subtotal="Subtotal (tax excluded)",
        tax="Consumption tax",
        points="Paid with credit points",
        due="Amount to pay",
        nothing_due="Nothing is left to pay: credit points paid this invoice.",
        card="It is charged to your {brand} card ending {last4}.",
        card_on="It is charged to your {brand} card ending {last4} on {day}.",
        card_paid="It was paid with your {brand} card ending {last4}.",
        card_missing="Add a card on your billing page: it is charged to your default card.",
        transfer="Please pay by bank transfer by {day}, quoting {number}, to:",
        transfer_unknown="Please pay by bank transfer by {day}, quoting {number}; ask us for the bank account.",
        attached="The invoice is attached as a PDF ({file}).",
        invoice_intro="Your invoice {number} has been issued.",
        month="Billing month",
    ),
    "ja": dict(
        greeting="{name} 御中",
        closing=[
            "ご利用状況、請求書、カード、ポイントは請求ページ（開発者コンソールから開けます）でご確認いただけます。",
            "",
            "fleetbill",
        ],
        total="合計（税込）",
        subtotal="小計（税抜）",
        tax="消費税",
        points="ポイントでのお支払い",
        due="ご請求額",
        nothing_due="ポイントでお支払いいただいたため、お支払いいただく金額はありません。",
        card="ご登録の {brand} カード（末尾 {last4}）に請求します。",
        card_on="{day}に、ご登録の {brand} カード（末尾 {last4}）に請求します。",
        card_paid="ご登録の {brand} カード（末尾 {last4}）でお支払いいただきました。",
        card_missing="請求ページでカードをご登録ください。既定のカードに請求します。",
        transfer="{day}までに、下記の口座へお振込みください（振込名義に {number} を添えてください）。",
        transfer_unknown="{day}までにお振込みください（振込名義に {number} を添えて）。口座はお問い合わせください。",
        attached="請求書を PDF で添付しています（{file}）。",
        invoice_intro="請求書 {number} を発行しました。",
        month="請求月",
    ),
}


def subject(kind: str, lang: str, **fields) -> str:
    """The subject of a `kind` email in `lang` (English where the kind has no Japanese)."""
    words = SUBJECTS[kind]
    return (words.get(lang) or words["en"]).format(**fields)


def amount(value: int, currency: str, lang: str) -> str:
    """1,900 JPY, or 1,900円 in Japanese: as the invoice PDF writes money."""
    return money(value, currency, lang)


def month_text(month: str | None, lang: str) -> str:
    """2026-01, or 2026年1月 in Japanese."""
    if not month:
        return ""
    if lang != "ja":
        return month
    m = BillingMonth.parse(month)
    return f"{m.year}年{m.month}月"


def day(value, lang: str) -> str:
    return day_text(value, lang)


def label(key: str, lang: str) -> str:
    text = key.replace("_", " ")
    return LABELS_JA.get(text, text) if lang == "ja" else text
