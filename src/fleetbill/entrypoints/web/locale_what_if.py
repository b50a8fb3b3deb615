"""Japanese for the bill before the switch (R21, R25; issue 12 item 2): the device settings page's
preview of a bulk switch. Its sentence is written by domain/what_if_words.py in either language."""

JA: dict[str, str] = {
    "Before you switch": "切り替える前に",
    "Switching this device Active now": "このデバイスを今アクティブにすると",
    "Switching this device Inactive now": "このデバイスを今非アクティブにすると",
    "Switching these {n} devices Active now": "これら {n} 台を今アクティブにすると",
    "Switching these {n} devices Inactive now": "これら {n} 台を今非アクティブにすると",
    "As it stands": "現在のまま",
    "After the switch": "切り替え後",
    "Difference": "差額",
    "Each month's bill with tax, as the month's close will count it: a device Active at any moment of a "
    "month counts toward that month's peak. Next month assumes no other change. Nothing has been changed yet.": (
        "各月の税込みご請求額（月末の締めと同じ計算）。月内に一度でもアクティブだったデバイスはその月の最大台数に"
        "数えられます。来月分はほかに変更がないものとしています。まだ何も変更されていません。"
    ),
    "Confirm: switch Inactive": "確定：非アクティブにする",
    "Confirm: switch Active": "確定：アクティブにする",
    "You see what it changes on your bill before you confirm.": "確定する前に、ご請求額がどう変わるかを表示します。",
}
