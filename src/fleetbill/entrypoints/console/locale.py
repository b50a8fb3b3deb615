"""Japanese for the operator's console: English text -> Japanese."""

JA: dict[str, str] = {
    # layout
    "Console": "管理コンソール",
    "Operator console": "運用管理コンソール",
    "Accounts": "アカウント",
    "Suspended": "停止中",
    "Invoices": "請求書",
    "Plans and prices": "プランと料金",
    "Tax rates": "税率",
    "Close and collection": "締めと回収",
    "Audit log": "監査ログ",
    "Log in": "ログイン",
    "Log out": "ログアウト",
    "Email": "メールアドレス",
    "Password": "パスワード",
    "Not done:": "実行されませんでした:",
    "Done. It is in the audit log.": "完了しました。監査ログに記録されています。",
    # lists
    "Search": "検索",
    "Show": "表示",
    "all": "すべて",
    "Filter": "絞り込み",
    "previous": "前へ",
    "next": "次へ",
    "first page": "最初のページ",
    # accounts
    "Suspended accounts": "停止中のアカウント",
    "name, email or id": "名前・メール・ID",
    "suspended": "停止中",
    "active": "利用中",
    "paying by bank transfer": "銀行振込で支払い",
    "{n} accounts": "{n} 件のアカウント",
    "Name": "名前",
    "Plan": "プラン",
    "Pays by": "支払方法",
    "Status": "状態",
    "card": "カード",
    "bank transfer": "銀行振込",
    "No account matches.": "該当するアカウントはありません。",
    "since {day}:": "{day} から:",
    "Account id": "アカウント ID",
    "Country/region, time zone": "国・地域、タイムゾーン",
    "default": "既定",
    "Credit points": "クレジットポイント",
    "This account's audit log": "このアカウントの監査ログ",
    "Grant credit points": "クレジットポイントを付与",
    "Points (1 point = 1 JPY)": "ポイント (1 ポイント = 1 円)",
    "Reason": "理由",
    "Expires on (optional)": "失効日 (任意)",
    "Points pay the invoices issued from now on (R16); an invoice already issued keeps what it says.": (
        "ポイントはこれから発行される請求書に使われます (R16)。発行済みの請求書は変わりません。"
    ),
    (
        "Points expire at 00:00 of that day in {zone}, and pay only the months that end before it: "
        "points expiring on March 1 pay January, not February."
    ): (
        "ポイントはその日の 0:00 ({zone}) に失効し、それより前に終わる月の請求にだけ使われます。"
        "3 月 1 日に失効するポイントは 1 月分に使われ、2 月分には使われません。"
    ),
    "Grant points": "ポイントを付与",
    "grant": "付与",
    "use": "利用",
    "expire": "失効",
    "Plan and payment": "プランと支払方法",
    "Move to plan": "変更先のプラン",
    "Change plan": "プランを変更",
    "An upgrade invoices its prorated first period and starts when paid; a downgrade starts at the next renewal.": (
        "アップグレードは初回期間を日割りで請求し、支払い後に開始します。ダウングレードは次回更新時に開始します。"
    ),
    "Save": "保存",
    # invoices
    "Number": "請求書番号",
    "Account": "アカウント",
    "Month": "対象月",
    "Total": "合計",
    "To pay": "請求額",
    "Received": "入金済み",
    "Left to pay": "未入金",
    "purchase": "購入",
    "open": "未払い",
    "overdue": "期限超過",
    "paid": "支払済み",
    "void": "無効",
    # credit notes (R15)
    "credited": "全額返還済み",
    "uncollectible": "回収不能",
    "Credit notes": "返還請求書（クレジットノート）",
    "No credit note.": "返還請求書はありません。",
    "Issue a credit note": "返還請求書を発行",
    "Line": "明細",
    "an amount instead": "明細ではなく金額で",
    "Units (empty: all left)": "台数（空欄: 残り全部）",
    "or an amount before tax (JPY)": "または税抜金額（円）",
    "Money received goes back": "受領済みの代金の返金方法",
    "(nothing was received)": "（受領なし）",
    "points": "ポイント",
    "bank_transfer": "銀行振込",
    "Bank transfer reference": "振込の照会番号",
    "Issue credit note": "返還請求書を発行",
    "refund {amount} JPY ({method}): {state}": "返金 {amount} 円（{method}）：{state}",
    "{points} points back": "{points} ポイント返還",
    "pending": "処理中",
    "succeeded": "完了",
    "failed": "失敗",
    "unknown": "不明",
    "transfer due {day}": "振込期限 {day}",
    "collection failed": "回収失敗",
    "No invoice.": "請求書はありません。",
    "number or account name": "請求書番号またはアカウント名",
    "{n} invoices": "{n} 件の請求書",
    "issued {day}": "{day} 発行",
    "Tax {rate}% on {base} JPY": "消費税 {rate}% (対象 {base} 円)",
    "Credit points used": "利用したクレジットポイント",
    "Payments": "入金",
    "No payment yet.": "入金はまだありません。",
    "Card charges": "カード決済",
    "try {n}": "{n} 回目",
    "Record a bank transfer": "銀行振込の入金を記録",
    "Amount received (JPY)": "入金額 (円)",
    "Bank reference or payer": "振込の照会番号または振込人",
    "Record transfer": "入金を記録",
    "this invoice is collected by card": "この請求書はカードで回収します",
    "Dates and times are in {zone}.": "日付と時刻は {zone} のものです。",
    # plans and tax
    "monthly": "月契約",
    "yearly": "年契約",
    "notice {n} days": "予告 {n} 日",
    "bank transfer allowed": "銀行振込可",
    "From": "適用開始",
    "Announced": "告知日",
    "Fixed fee": "固定料金",
    "Prices a device a month": "1 台 1 か月あたりの料金",
    "Announce new prices": "新しい料金を告知",
    "From month (YYYY-MM)": "適用開始月 (YYYY-MM)",
    "Fixed fee a period (JPY)": "期間あたりの固定料金 (円)",
    "Prices, one tier a line: device type, up to (or -), JPY": (
        "料金 (1 行に 1 段階: デバイス種別、上限台数 (なければ -)、円)"
    ),
    "Announce": "告知する",
    "Every account on the plan is notified; a month inside the notice period, or already closed, is refused.": (
        "プランの全アカウントに通知します。予告期間内の月や締め済みの月は指定できません。"
    ),
    # a price change's impact before it is announced (R9, issue 12 item 3)
    "Preview the impact": "影響を確認",
    (
        "Preview the impact first: what these prices would have billed each account, beside the notice-period "
        "check. Nothing is written until you announce."
    ): (
        "告知の前に影響を確認できます。この料金で各アカウントにいくら請求していたかを、予告期間の確認と"
        "並べて表示します。告知するまで何も保存されません。"
    ),
    "Before announcing": "告知の前に",
    "Notice period": "予告期間",
    "Can be announced now: prices from {month} must be announced by {at}.": (
        "いま告知できます。{month} からの料金は {at} までに告知が必要です。"
    ),
    "What these prices would have billed": "この料金だった場合の請求額",
    (
        "Each account's last {n} closed months, device usage re-rated with these prices against what was billed; "
        "JPY before tax."
    ): (
        "各アカウントの締め済みの直近 {n} か月のデバイス利用料を、この料金で計算し直して実際の請求額と"
        "比べます。金額は税抜 (円) です。"
    ),
    "Billed": "請求額",
    "With these prices": "この料金では",
    "Change": "差額",
    "Of {n} accounts compared: {more} would pay more, {less} less, {same} the same.": (
        "比較した {n} 件のアカウントのうち、増額 {more} 件、減額 {less} 件、変わらず {same} 件。"
    ),
    "Not compared, with no closed month yet: {n}.": "締め済みの月がまだないため比較していないもの: {n} 件。",
    "Compared over fewer than {m} months, all they have: {n}.": (
        "締め済みの月が {m} か月に満たず、ある月だけで比較したもの: {n} 件。"
    ),
    "Per device type": "デバイス種別ごと",
    "Largest increases": "増額の大きいアカウント",
    "No account would pay more.": "増額になるアカウントはありません。",
    "Fixed fee a period: {before} JPY now, {after} JPY with these prices (not in the figures above).": (
        "期間あたりの固定料金: 現在 {before} 円、この料金では {after} 円 (上の金額には含みません)。"
    ),
    "Country/region": "国・地域",
    "Rate": "税率",
    "Add a rate": "税率を追加",
    "Country (ISO code)": "国 (ISO コード)",
    "Subdivision (optional)": "地域 (任意)",
    "Rate %": "税率 %",
    "From (date or date-time with offset)": "適用開始 (日付、またはオフセット付き日時)",
    "Add rate": "税率を追加",
    "Accounts take a new rate at their next renewal.": "新しい税率は各アカウントの次回更新から適用されます。",
    # jobs and audit
    "Closed {months}: {n} invoices, {billed} JPY billed; {opened} collections opened.": (
        "{months} を締めました: 請求書 {n} 件、請求額 {billed} 円、回収 {opened} 件を開始。"
    ),
    "{n} downgrades took effect at their renewal.": "{n} 件のダウングレードが更新日に適用されました。",
    "{n} more ended months are still open: run the close again.": (
        "終了した月がまだ {n} か月分締められていません。もう一度締めてください。"
    ),
    "Collection: {paid} paid, {declined} declined, {unknown} awaiting the gateway, {suspended} suspended.": (
        "回収: 支払済み {paid} 件、拒否 {declined} 件、決済代行の応答待ち {unknown} 件、停止 {suspended} 件。"
    ),
    "The worker runs both every hour; running them here does the same, and a second run finds nothing left to do.": (
        "ワーカーが毎時どちらも実行します。ここで実行しても同じ処理で、2 回目の実行では何も起きません。"
    ),
    "Close ended months": "終了した月を締める",
    "Collect due payments": "期日の支払いを回収",
    "Action": "操作",
    "Who": "実行者",
    "{n} entries": "{n} 件",
    "When ({zone})": "日時 ({zone})",
    "Subject": "対象",
    "Amount": "金額",
    "Details": "詳細",
    "Nothing logged yet.": "記録はまだありません。",
    # webhooks (R22)
    "Webhooks": "Webhook",
    (
        "fleetbill signs every event it sends to these endpoints (Standard Webhooks) and retries a failed "
        "delivery for about three days; an endpoint with no success for five days is disabled."
    ): (
        "fleetbill はこれらのエンドポイントに送るすべてのイベントに署名し (Standard Webhooks)、失敗した配信を"
        "約 3 日間再試行します。5 日間一度も成功しないエンドポイントは無効になります。"
    ),
    "The signing secret of {url}:": "{url} の署名シークレット:",
    "Copy it now: it is shown this once. Verify each delivery's signature with it.": (
        "今すぐコピーしてください。表示はこの 1 回だけです。各配信の署名をこれで検証します。"
    ),
    "The old secret also signs until {at}.": "{at} までは古いシークレットでも署名されます。",
    "No endpoint yet.": "エンドポイントはまだありません。",
    "enabled": "有効",
    "disabled": "無効",
    "Events": "イベント",
    "every type": "すべての種類",
    "{pending} waiting, {succeeded} delivered, {failed} failed": (
        "待機 {pending} 件、配信済み {succeeded} 件、失敗 {failed} 件"
    ),
    "failing since {at}": "{at} から失敗中",
    "Event": "イベント",
    "State": "状態",
    "Last attempt": "最後の試行",
    "Next try": "次の試行",
    "Disable": "無効にする",
    "Enable": "有効にする",
    "Rotate the secret": "シークレットを更新",
    "Add an endpoint": "エンドポイントを追加",
    "URL (https)": "URL (https)",
    "Description": "説明",
    "Events (none ticked: every type)": "イベント (選択なし: すべての種類)",
    "Add endpoint": "エンドポイントを追加",
    "Deliver an event again": "イベントを再配信",
    "Event id": "イベント ID",
    "Endpoint": "エンドポイント",
    "every endpoint that takes it": "受け取るすべてのエンドポイント",
    "Redeliver": "再配信",
    "It is sent with the same webhook-id as before, so a receiver that already has it can ignore it.": (
        "前回と同じ webhook-id で送られるので、受信済みの受信側はそれを無視できます。"
    ),
    # API keys (R22)
    "API keys": "API キー",
    (
        "The keys the operator's platform calls the API with. A read-only key may only read. Create and revoke "
        "them with `fleetbill api-key` or the API (/v1/api-keys); a key's secret is shown once, to whoever created "
        "it, and never here."
    ): (
        "運用側のプラットフォームが API を呼ぶためのキーです。読み取り専用のキーは読み取りしかできません。作成と失効は "
        "`fleetbill api-key` または API (/v1/api-keys) で行います。キーのシークレットは作成した人に一度だけ表示され、"
        "ここには表示されません。"
    ),
    "Key id": "キー ID",
    "Scope": "権限",
    "Created ({zone})": "作成日時 ({zone})",
    "Created by": "作成者",
    "Last used": "最終使用",
    "Revoked": "失効",
    "full": "フルアクセス",
    "read-only": "読み取り専用",
    "never": "未使用",
    "No API key yet: `fleetbill api-key create NAME` makes one.": (
        "API キーはまだありません。`fleetbill api-key create NAME` で作成できます。"
    ),
    # account settings and emails (issue 10)
    "Account settings": "アカウント設定",
    "Attachment": "添付",
    "Billing contacts (one email address a line, up to 5)": "請求先メールアドレス（1 行に 1 件、5 件まで）",
    "Country": "国",
    "Emails": "メール",
    "Every email to this account": "このアカウントへのすべてのメール",
    "Kind": "種類",
    "Language": "言語",
    "Language of emails": "メールの言語",
    "Name, contacts, language and address change at once. Country/region and tax status change from the next "
    "contract period (R13): the current period keeps the tax it began with.": (
        "名称、請求先、言語、住所はすぐに変わります。国・地域と課税区分は次の契約期間から変わります（R13）。"
        "今の契約期間は始まったときの税のままです。"
    ),
    "No email yet.": "メールはまだありません。",
    "Outcome": "結果",
    "Postal address": "住所",
    "Postal address (printed on the invoices)": "住所（請求書に印字）",
    "Sent to": "送信先",
    "Tax status": "課税区分",
    "failed: {why}": "失敗：{why}",
    "from {day}: {region}, {status}": "{day}から：{region}、{status}",
    "sent {when}": "{when} に送信",
    "the account": "アカウント",
    "waiting": "送信待ち",
    "{n} emails": "{n} 件",
    "{n} tries: {why}": "{n} 回試行：{why}",
    # a plan's default budget (R20, issue 12 item 4)
    "Default monthly budget (JPY; empty: none)": "既定の月額予算（円、空欄はなし）",
    "Accounts on the plan that set no budget of their own are emailed when their month's projected bill reaches 80% "
    "and 100% of it.": (
        "予算を設定していないこのプランのアカウントには、今月のご請求見込み額が 80% と 100% に達したときに"
        "メールで通知します。"
    ),
}
