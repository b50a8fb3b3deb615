"""Japanese for the customer's pages (billing, device settings): English text -> Japanese."""

JA: dict[str, str] = {
    "Billing": "請求",
    "Device settings": "デバイス設定",
}
