"""Japanese for why a month counts what it does (R5, R20; issue 12 item 1). The sentence of when
a peak was reached is written by domain/line_words.peak_words in either language."""

JA: dict[str, str] = {
    "Why {month} counts what it does": "{month} の台数の内訳",
    "These are the counts of the month's invoice: for each device type, the most devices Active at the "
    "same time, when that was first reached, and which devices were Active then.": (
        "この月の請求書の台数です。デバイスタイプごとに、同時にアクティブだったデバイスの最大数、"
        "それに初めて達した日時、そのときアクティブだったデバイスを示します。"
    ),
    "The month so far, as of {at}: for each device type, the most devices Active at the same time, when "
    "that was first reached, and which devices were Active then.": (
        "{at} 時点の今月の状況です。デバイスタイプごとに、同時にアクティブだったデバイスの最大数、"
        "それに初めて達した日時、そのときアクティブだったデバイスを示します。"
    ),
    "The month has ended and its invoice is being made: for each device type, the most devices Active at "
    "the same time, when that was first reached, and which devices were Active then.": (
        "この月は終わり、請求書を作成中です。デバイスタイプごとに、同時にアクティブだったデバイスの最大数、"
        "それに初めて達した日時、そのときアクティブだったデバイスを示します。"
    ),
    "{type}: {n} devices billed": "{type}：{n} 台分のご請求",
    "Devices of this type Active at once through the month; the mark is where the peak was first reached.": (
        "このタイプで同時にアクティブだったデバイス数の推移。印は最大値に初めて達した時点です。"
    ),
    "The {n} devices Active then": "そのときアクティブだった {n} 台",
    "Device key": "デバイスキー",
    "… and {n} more.": "… ほか {n} 台。",
    "Download the {n} devices (CSV)": "{n} 台をダウンロード（CSV）",
    "No device was Active in {month}: nothing is billed for devices.": (
        "{month} にアクティブだったデバイスはありません。デバイスのご請求はありません。"
    ),
    "Why this count?": "この台数の理由",
    "Why these counts": "台数の内訳",
}
