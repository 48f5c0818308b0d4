"""Texts for what the patient pays, the validity states and the card's certificate.

Keys used by ``clinic_desk.domain.copay``, ``clinic_desk.domain.validity`` and
``clinic_desk.domain.certificate``; merged into ``CATALOGUE``.
"""

from __future__ import annotations

from typing import Literal

from clinic_desk.texts.keys import TextKey

ELIGIBILITY_TEXTS: dict[TextKey, dict[Literal["ja", "en"], str]] = {
    # --- what the patient pays (copay.py) ---------------------------------------------
    "copay.insured": {
        "ja": "本人：一部負担 {ratio}",
        "en": "Insured person: pays {ratio}",
    },
    "copay.dependent": {
        "ja": "家族：一部負担 {ratio}",
        "en": "Dependent: pays {ratio}",
    },
    "copay.preschool": {
        "ja": "未就学児：一部負担 {ratio}",
        "en": "Child before school age: pays {ratio}",
    },
    "copay.elderly": {
        "ja": "高齢受給者：一部負担 {ratio}（高齢受給者証の割合）",
        "en": "Elderly recipient (70–74): pays {ratio} (the elderly recipient's ratio)",
    },
    "copay.elderly_not_valid": {
        "ja": "注意：高齢受給者証の有効期間外です。受給者証を確認してください。",
        "en": "Check: the elderly recipient certificate is not valid today; ask to see it.",
    },
    "copay.record_ratio_differs": {
        "ja": "注意：資格情報の負担割合（{record_ratio}）と異なります。確認してください。",
        "en": "Check: the qualification's own ratio ({record_ratio}) differs.",
    },
    "copay.ceiling": {
        "ja": "限度額適用：{category}（{certificate}）",
        "en": "High-cost ceiling: {category} ({certificate})",
    },
    "copay.ceiling_not_consented": {
        "ja": "限度額適用区分：情報提供の同意がないため表示できません（認定証の提示で確認）。",
        "en": "High-cost ceiling: not shown, the patient did not consent to share it "
        "(ask for the certificate).",
    },
    "copay.ceiling_not_valid": {
        "ja": "注意：限度額適用認定の有効期間外です。",
        "en": "Check: the high-cost ceiling certification is not valid today.",
    },
    "copay.specific_disease": {
        "ja": "特定疾病：{disease}（自己負担限度額 月{self_pay}円）",
        "en": "Specific disease: {disease} (self-pay up to {self_pay} yen a month)",
    },
    "copay.specific_disease_not_valid": {
        "ja": "注意：特定疾病（{disease}）の有効期間外です。",
        "en": "Check: the specific-disease certification ({disease}) is not valid today.",
    },
    "copay.specific_disease_consent_expired": {
        "ja": "特定疾病：情報提供の同意の期限が切れています（受療証の提示で確認）。",
        "en": "Specific disease: the consent to share it has expired (ask for the certificate).",
    },
    "copay.public_expense": {
        "ja": "公費：負担者番号 {payer}　受給者番号 {recipient}",
        "en": "Public expense: payer {payer}, recipient {recipient}",
    },
    "copay.public_expense_self_pay": {
        "ja": "公費：負担者番号 {payer}　受給者番号 {recipient}（自己負担上限 月{self_pay}円）",
        "en": "Public expense: payer {payer}, recipient {recipient} "
        "(self-pay up to {self_pay} yen a month)",
    },
    "copay.public_expense_no_charge": {
        "ja": "公費：負担者番号 {payer}　受給者番号 {recipient}（自己負担なし）",
        "en": "Public expense: payer {payer}, recipient {recipient} (no self-pay)",
    },
    "copay.public_expense_not_valid": {
        "ja": "注意：公費（負担者番号 {payer}）の有効期間外です。",
        "en": "Check: the public expense (payer {payer}) is not valid today.",
    },
    "copay.public_expense_check_digit": {
        "ja": "注意：公費の番号（{payer}／{recipient}）の検証番号が合いません。",
        "en": "Check: the public-expense numbers ({payer} / {recipient}) fail their check digit.",
    },
    # --- validity states (validity.py) -------------------------------------------------
    "validity.1": {"ja": "資格有効", "en": "Insurance valid"},
    "validity.2": {
        "ja": "資格無効：この保険の資格は終了しています。",
        "en": "Not valid: this insurance has ended.",
    },
    "validity.2.ask": {
        "ja": "現在の保険をお尋ねください。なければ被保険者資格申立書で受け付けます。",
        "en": "Ask for the patient's current insurance; if they have none, use the "
        "insurance self-declaration form.",
    },
    "validity.3": {
        "ja": "資格無効（新しい資格あり）：より新しい保険の資格があります。",
        "en": "Not valid, newer insurance exists: the patient has a newer qualification.",
    },
    "validity.3.ask": {
        "ja": "新しい保険の資格確認書・資格情報のお知らせ、またはマイナ保険証をお尋ねください。",
        "en": "Ask for the new insurance: its eligibility certificate, the eligibility "
        "notice, or the My Number card.",
    },
    "validity.3.ask_named": {
        "ja": "新しい保険（{insurer}）の資格確認書・資格情報のお知らせ、"
        "またはマイナ保険証をお尋ねください。",
        "en": "ask for the new insurance ({insurer}): its eligibility certificate, the "
        "eligibility notice, or the My Number card.",
    },
    "validity.4": {
        "ja": "該当資格なし：資格が見つかりません。",
        "en": "No qualification found.",
    },
    "validity.4.ask": {
        "ja": "番号の誤り（3と8など）や、加入直後で未登録の場合があります。"
        "入力内容を確認してください。",
        "en": "Often a typo (a 3 read as an 8) or an enrolment the insurer has not "
        "registered yet. Check what was typed.",
    },
    "validity.5": {
        "ja": "複数の資格が該当：ひも付け誤りの可能性があるため表示しません（管理者確認）。",
        "en": "Several qualifications match: possibly a wrong link, so nothing is shown "
        "(manager review).",
    },
    # --- the card's certificate (certificate.py) -----------------------------------------
    "certificate.expires_soon": {
        "ja": "このカードの電子証明書は {date} に有効期限を迎えます（あと{days}日）。"
        "市区町村窓口での更新をご案内ください。",
        "en": "This card's certificate expires on {date} ({days} days left). Tell the "
        "patient to renew it at the municipal office.",
    },
    "certificate.eligibility_only": {
        "ja": "電子証明書の期限切れ（{date}）：資格情報のみ確認できます。"
        "薬剤情報は表示できません。",
        "en": "Certificate expired on {date}: eligibility only, no medication history.",
    },
    "certificate.expired_renew": {
        "ja": "カードの電子証明書の有効期限が切れています（{date}）。{renew_by} までは資格確認のみ"
        "できます。お住まいの市区町村窓口で更新してください。",
        "en": "Your card's certificate expired on {date}. Until {renew_by} it can be used "
        "for eligibility only. Please renew it at your municipal office.",
    },
    "certificate.expired_refused": {
        "ja": "カードの電子証明書の有効期限（{date}）から3か月を過ぎたため、このカードでは"
        "確認できません。お住まいの市区町村窓口で更新してください。",
        "en": "Your card's certificate expired on {date}, more than three months ago, so "
        "the card cannot be used. Please renew it at your municipal office.",
    },
    "certificate.revoked": {
        "ja": "このカードの電子証明書は失効しています。カードを再発行された場合は新しいカードを、"
        "心当たりがない場合は市区町村窓口にお問い合わせください。",
        "en": "This card's certificate has been revoked. If the card was reissued, please "
        "use the new card; otherwise ask your municipal office.",
    },
    # --- the result screen: what the patient pays, the newer insurance --------------------
    "pays.ratio": {
        "ja": "本日の負担割合：{ratio}",
        "en": "Copay to charge today: {ratio}",
    },
    "pays.not_confirmed": {
        "ja": "本日の負担割合：未確定（この資格の割合は使えません）",
        "en": "Share today: not settled (this record's ratio does not apply)",
    },
    "validity.3.newer": {
        "ja": "新しい資格：{insurer}（保険者番号 {number}、{since} から）",
        "en": "Newer insurance: {insurer} (insurer number {number}, since {since})",
    },
    "result.eligibility_only": {
        "ja": "電子証明書の期限切れのため、薬剤情報は取得していません（資格情報のみ）。",
        "en": "The card's certificate has expired: eligibility only, no medication history.",
    },
    "reason.newer_coverage": {
        "ja": "新しい資格あり（請求先の確認が必要）",
        "en": "newer insurance exists (the claim needs its new insurer)",
    },
    "review.reason.newer_coverage": {
        "ja": "新しい資格あり：請求先の確認",
        "en": "Newer insurance: check the claim",
    },
    # --- the manager's review: claims to check, names the gate has learned ----------------
    "key.claims": {"ja": "新しい資格あり", "en": "Newer insurance"},
    "key.aliases": {"ja": "登録済みの表記", "en": "Name aliases"},
    "key.approve": {"ja": "承認", "en": "Approve"},
    "key.revoke": {"ja": "取り消し", "en": "Revoke"},
    "aliases.title": {
        "ja": "登録済みの氏名表記（カードと資格情報の表記の組）",
        "en": "Name aliases (the card's spelling and the record's)",
    },
    "aliases.line": {
        "ja": "【{status}】{card} ⇔ {record}　{ref}　{on} {by}",
        "en": "[{status}] {card} = {record}  {ref}  {on} {by}",
    },
    "aliases.none": {"ja": "登録された表記はありません。", "en": "No name aliases yet."},
    "aliases.approved": {
        "ja": "承認しました。次回から職員の確認なしで受付できます。",
        "en": "Approved: the next check-ins of this card pass without a staff decision.",
    },
    "aliases.revoked": {
        "ja": "取り消しました。次回は職員が確認します。",
        "en": "Revoked: staff decide again at the next check-in.",
    },
    "aliases.not_now": {
        "ja": "この表記は今の状態では変更できません。",
        "en": "This alias cannot be changed in its present state.",
    },
    "aliases.status.proposed": {"ja": "承認待ち", "en": "PROPOSED"},
    "aliases.status.approved": {"ja": "承認済み", "en": "APPROVED"},
    "aliases.status.revoked": {"ja": "取り消し", "en": "REVOKED"},
    "demo.card.expired-certificate": {"ja": "証明書の期限切れ", "en": "Expired certificate"},
    "demo.card.ceiling-and-public-expense": {
        "ja": "限度額と公費",
        "en": "Ceiling + public expense",
    },
    "certificate.not_yet_valid": {
        "ja": "このカードの電子証明書はまだ有効になっていません。",
        "en": "This card's certificate is not valid yet.",
    },
}
