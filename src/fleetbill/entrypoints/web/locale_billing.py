"""Japanese for the customer's pages (billing, device settings, the card form): English -> Japanese.

Terms follow the FAQ's own: デバイス, アクティブ / 非アクティブ, デバイスキー, クレジットポイント."""

JA: dict[str, str] = {
    # layout
    "Billing": "請求",
    "Device settings": "デバイス設定",
    "Nothing was changed.": "変更されていません。",
    # this month
    "This month so far ({month})": "今月の利用状況（{month}）",
    "Device type": "デバイスタイプ",
    "Billable ({mode})": "課金対象（{mode}）",
    "peak": "最大同時稼働",
    "distinct": "延べ台数",
    "Active now": "現在アクティブ",
    "No devices yet.": "デバイスはまだありません。",
    "Devices Active at once this month, one line per device type: each type's peak so far is marked, "
    "and the bill counts each type's peak.": (
        "今月同時にアクティブだったデバイス数（デバイスタイプごとに 1 本の線）。"
        "印はタイプごとのここまでの最大値で、請求はタイプごとの最大値に基づきます。"
    ),
    "Devices Active at once this month, one line per device type": "今月同時にアクティブだったデバイス数（デバイスタイプ別）",
    "{type}: peak {peak}, first reached on {day}.": "{type}：最大 {peak} 台（{day}に到達）。",
    "{type}: peak {peak}": "{type}：最大 {peak} 台",
    "No device was Active this month.": "今月アクティブだったデバイスはありません。",
    "Estimated charge for {month}": "{month} のご請求見込み",
    "{name}: peak active devices": "{name}：月間最大稼働台数",
    "Tax {rate}% on {amount} JPY": "消費税 {rate}%（{amount} 円に対して）",
    "Total": "合計",
    "Credit points that will be used": "充当されるクレジットポイント",
    "To pay": "請求額",
    "Tax exempt: no consumption tax is charged.": "非課税：消費税は課されません。",
    "Reverse charge: the recipient accounts for the tax.": "リバースチャージ：消費税は受領者が申告・納付します。",
    # banners
    # an account's billing state (domain.billing_state), the same on the console and the billing page
    "payment failing": "支払い失敗",
    "awaiting payment": "支払い待ち",
    "Billing state": "請求の状態",
    "The plan's features are on.": "プランの機能はご利用いただけます。",
    "Suspended: invoice {number} is unpaid, so the plan's features are off until it is paid.": (
        "利用停止中：請求書 {number} が未払いのため、お支払いいただくまでプランの機能は停止しています。"
    ),
    "The plan's features are off until its purchase invoice {number} is paid.": (
        "購入の請求書 {number} のお支払いが済むまで、プランの機能は開始されません。"
    ),
    "A payment failed. Invoice {number} could not be charged; the plan's features stay on, "
    "and we try again on {date}.": (
        "お支払いに失敗しました。請求書 {number} を決済できませんでした。プランの機能は引き続きご利用いただけます。"
        "{date} に再度決済します。"
    ),
    "A payment failed. Invoice {number} could not be charged; the plan's features stay on "
    "until it is paid or the account is suspended.": (
        "お支払いに失敗しました。請求書 {number} を決済できませんでした。お支払いいただくか利用停止となるまで、"
        "プランの機能は引き続きご利用いただけます。"
    ),
    "Payment overdue. Invoice {number} was due by {date} and is not paid yet; the plan's features stay on for now.": (
        "お支払い期限超過。請求書 {number} のお支払い期限は {date} でしたが、まだ入金がありません。"
        "プランの機能は現在ご利用いただけます。"
    ),
    "Add a card that can pay: the invoice is charged at once and the features start.": (
        "支払いのできるカードを登録してください。請求はすぐに決済され、機能が開始されます。"
    ),
    "Add another card to pay now.": "今すぐ支払うには別のカードを登録してください。",
    "Pay it by bank transfer; the account is suspended if it stays unpaid.": (
        "銀行振込でお支払いください。未払いのままの場合、アカウントは利用停止となります。"
    ),
    "Add a card that can pay: the unpaid invoice is charged at once and the features come back.": (
        "支払いのできるカードを登録してください。未払いの請求はすぐに決済され、機能が再開します。"
    ),
    "Pay it by bank transfer; the features come back as soon as it is recorded.": (
        "銀行振込でお支払いください。入金が確認され次第、機能が再開します。"
    ),
    "Your {brand} card ending {last4} expires soon.": "末尾 {last4} の {brand} カードはまもなく有効期限が切れます。",
    "Add a new card, then remove this one.": "新しいカードを登録してから、このカードを削除してください。",
    # invoices
    "Invoices": "請求書",
    "Number": "請求書番号",
    "Month": "対象月",
    "Status": "状態",
    "Files": "ファイル",
    "purchase": "購入",
    "Paid": "支払済み",
    "Unpaid": "未払い",
    "Void": "無効",
    "Credited": "全額返還済み",
    "Written off": "回収不能",
    "Credit notes": "返還請求書（クレジットノート）",
    "Invoice": "請求書",
    "Reason": "理由",
    "Returned": "返還額",
    "PDF (Japanese)": "PDF（日本語）",
    "PDF (English)": "PDF（英語）",
    "No invoice yet: the first comes after this month ends.": (
        "請求書はまだありません。最初の請求書は今月の締め後に発行されます。"
    ),
    # cards
    "Payment methods": "お支払い方法",
    "expires {month}/{year}": "有効期限 {month}/{year}",
    "Default": "既定",
    "Make default": "既定にする",
    "Remove": "削除",
    "No card on file.": "登録済みのカードはありません。",
    "Add a card": "カードを登録",
    "An account keeps two cards at most: remove one to add another. A card cannot be edited: "
    "add the new one, then remove the old.": (
        "カードは2枚まで登録できます。追加するには1枚削除してください。カードは編集できません。"
        "新しいカードを登録してから古いカードを削除してください。"
    ),
    "The default card is charged first, then the other one. Card numbers go straight to the payment processor: "
    "we keep only the brand, the last 4 digits and the expiry.": (
        "既定のカードから先に決済し、失敗した場合はもう1枚のカードで決済します。カード番号は決済代行会社に直接送られ、"
        "当社はブランド・末尾4桁・有効期限のみを保存します。"
    ),
    "Card added.": "カードを登録しました。",
    "Card added. The unpaid invoices were charged to it at once; see their status below.": (
        "カードを登録しました。未払いの請求はこのカードですぐに決済しました。結果は下の請求書の状態をご覧ください。"
    ),
    "This card is now the default: it is charged first.": (
        "このカードを既定にしました。今後はこのカードから決済します。"
    ),
    "Card removed.": "カードを削除しました。",
    # the card form
    "Card number": "カード番号",
    "Expiry (MM / YY)": "有効期限（月 / 年）",
    "Security code (CVC)": "セキュリティコード（CVC）",
    "Make it the default card": "既定のカードにする",
    "Add the card": "カードを登録する",
    "Cancel": "キャンセル",
    "The card number goes straight from your browser to the payment processor, which gives us a token for it: "
    "we keep only the brand, the last 4 digits and the expiry.": (
        "カード番号はお使いのブラウザから決済代行会社へ直接送られ、当社はその代わりのトークンを受け取ります。"
        "当社が保存するのはブランド・末尾4桁・有効期限のみです。"
    ),
    "Your first card is the default one.": "最初に登録したカードが既定のカードになります。",
    "Adding a card needs JavaScript: the card number goes to the payment processor from your browser, never to us.": (
        "カードの登録には JavaScript が必要です。カード番号はブラウザから決済代行会社へ送られ、当社には送られません。"
    ),
    # points
    "Credit points: {balance}": "クレジットポイント：{balance}",
    "Granted": "付与",
    "Used": "利用",
    "Expired": "失効",
    "No points.": "ポイントはありません。",
    # device settings
    "Register a device": "デバイスを追加",
    "Type": "タイプ",
    "Name": "名前",
    "e.g. greenhouse-7": "例: greenhouse-7",
    "Register and show its key": "追加してデバイスキーを表示",
    "The device is Active, and counts toward this month's peak, from the moment its key is made. "
    "The key is shown once.": (
        "デバイスはキーが発行された時点からアクティブとなり、今月の最大稼働台数に数えられます。キーは一度だけ表示されます。"
    ),
    "Your plan has no device type to register.": "ご利用のプランで追加できるデバイスタイプはありません。",
    "Devices": "デバイス一覧",
    "all": "すべて",
    "Active": "アクティブ",
    "Inactive": "非アクティブ",
    "Filter": "絞り込み",
    "{n} devices": "{n} 台",
    "Inactive devices are not charged from next month; a device Active at any moment this month already counts "
    "toward this month's peak.": (
        "非アクティブにしたデバイスは翌月から課金されません。今月一度でもアクティブだったデバイスは、"
        "今月の最大稼働台数にすでに数えられています。"
    ),
    "Key": "デバイスキー",
    "select {name}": "{name} を選択",
    "issued {date}, ends {last4}": "{date} 発行（末尾 {last4}）",
    "Make Inactive": "非アクティブに",
    "Make Active": "アクティブに",
    "The ones chosen:": "選択したデバイスを",
    "Switch Inactive": "非アクティブにする",
    "Switch Active": "アクティブにする",
    "← previous": "← 前へ",
    "next →": "次へ →",
    "first page": "最初のページ",
    "{n} devices switched Inactive.": "{n} 台を非アクティブにしました。",
    "{n} devices switched Active.": "{n} 台をアクティブにしました。",
    "1 device switched Inactive.": "1 台を非アクティブにしました。",
    "1 device switched Active.": "1 台をアクティブにしました。",
    "1 device": "1 台",
    "Already counted this month if it was Active; not charged from next month while it stays Inactive.": (
        "今月アクティブだった場合は今月分にすでに数えられています。非アクティブのままなら翌月からは課金されません。"
    ),
    "Counts toward this month's peak from now on.": "今から今月の最大稼働台数に数えられます。",
    "This form was sent already: the device it registered is in the list, and its key was shown then.": (
        "このフォームは送信済みです。追加したデバイスは一覧にあり、キーはその際に表示しました。"
    ),
    # the key, once
    "Device registered": "デバイスを追加しました",
    "{name} ({type}) is registered and Active from now.": "{name}（{type}）を追加しました。今からアクティブです。",
    "Its device key, shown this once: copy it now. We keep only a fingerprint of it and cannot show it again.": (
        "デバイスキーは今回だけ表示されます。今すぐコピーしてください。当社はキーの指紋（ハッシュ）のみを保存するため、"
        "再表示できません。"
    ),
    "Back to device settings": "デバイス設定に戻る",
    "Show all {n} invoices": "請求書を全 {n} 件表示",
    # billing contacts and language (issue 10)
    "Billing contacts and language": "請求先メールアドレスと言語",
    "Saved: invoices and notices go to these addresses, in this language.": (
        "保存しました。請求書とお知らせはこのアドレスへ、この言語でお送りします。"
    ),
    "Billing contacts: one email address a line, up to 5": "請求先メールアドレス（1 行に 1 件、5 件まで）",
    "Language of the emails": "メールの言語",
    "Save": "保存",
    "Each invoice is emailed with its PDF when it is issued, and a receipt when a card pays it.": (
        "請求書は発行時に PDF を添付してメールでお送りし、カードでのお支払い後には領収のお知らせをお送りします。"
    ),
    # the monthly budget (R20, issue 12 item 4)
    "Monthly budget": "月額予算",
    "Budget saved.": "予算を保存しました。",
    "Projected bill for {month}: {projection} JPY, {share}% of your budget of {budget} JPY.": (
        "{month} のご請求見込み額：{projection} 円（予算 {budget} 円の {share}%）。"
    ),
    "{share}% of the budget": "予算の {share}%",
    "{threshold}% of the budget reached on {day}: projected {projection} JPY. We email you once about it.": (
        "{day}に予算の {threshold}% に達しました（見込み額 {projection} 円）。メールで 1 回お知らせします。"
    ),
    "This is your plan's budget; set your own below.": "これはプランの既定の予算です。下でご自身の予算を設定できます。",
    "No budget yet: set one and we email you when this month's projected bill reaches 80% and 100% of it.": (
        "予算は未設定です。設定すると、今月のご請求見込み額が予算の 80% と 100% に達したときにメールでお知らせします。"
    ),
    "Monthly budget (JPY, tax included)": "月額予算（円、税込）",
    "The projection is this month's bill if the devices Active now stay Active to the month's end: the peak so far, "
    "with fees and tax, less credit points. You are told once at 80% and once at 100% each month; leave the field "
    "empty to remove your budget.": (
        "見込み額は、現在アクティブなデバイスが月末までアクティブのままの場合の今月のご請求額です（ここまでの最大同時稼働台数、"
        "固定料金と消費税を含み、クレジットポイント充当後）。"
        "80% と 100% に達したとき、それぞれ月に 1 回お知らせします。"
        "予算を削除するには欄を空にして保存してください。"
    ),
}
