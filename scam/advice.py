"""What to tell the user, by risk and by the kinds of signals found (own words; numbers from CONTRACTS)."""

from __future__ import annotations

EMPLOYMENT_SERVICES_ART5 = "就業服務法第5條"  # no deposits, no keeping of documents or property, no needless private data
MIN_WAGE_ART5 = "最低工資法第5條"

_ART5_KINDS = {"fee", "bank_account", "id_documents", "personal_data"}


def build_advice(risk: str, kinds: list[str]) -> tuple[str, list[str]]:
    """(advice text, citations) for a risk level and the signal kinds found."""
    kinds_set = set(kinds)
    parts: list[str] = []
    citations: list[str] = []
    if risk == "high":
        parts.append("這很像求職詐騙，請先停下來：不要付任何錢，不要交出存摺、提款卡、密碼、驗證碼或證件，"
                     "也不要依對方指示去領錢、轉帳或收送包裹。")
    elif risk == "medium":
        parts.append("這則內容有值得小心的地方。應徵前先查證公司是否合法登記、實際地址與電話，"
                     "面試選在公司或公開場所，並請家人朋友知道行程。")
    else:
        parts.append("目前沒有看到常見的求職詐騙警訊。仍請記得：正派的雇主不會要求先付錢，"
                     "也不會要你交出存摺、提款卡、密碼或證件。")
    if kinds_set & _ART5_KINDS:
        parts.append("依就業服務法第5條，雇主招募員工時不可以收保證金、扣留求職者的財物或證件，"
                     "也不可以要求提供和工作無關的隱私資料。")
        citations.append(EMPLOYMENT_SERVICES_ART5)
    if "money_mule" in kinds_set or "bank_account" in kinds_set:
        parts.append("把帳戶交給別人或替人領錢、轉帳，可能被當成詐騙集團的共犯，觸犯刑事與洗錢相關法律。"
                     "依洗錢防制法第22條，沒有正當理由不可以把存摺、提款卡或帳戶交給別人使用；"
                     "為了報酬交出帳戶，可處3年以下有期徒刑。")
    if "buy_or_loan" in kinds_set:
        parts.append("為了工作去辦貸款、分期或刷卡買產品、課程、裝備，錢最後都是你要還；"
                     "正派的雇主不會要求員工先借錢買東西才能上班。")
    if "overseas" in kinds_set:
        parts.append("海外高薪工作要特別小心，曾有人被騙出國後遭拘禁、強迫工作；出國前務必向 165 與外交部查證。")
    if "easy_money" in kinds_set or "high_pay" in kinds_set:
        parts.append("「輕鬆高薪、免經驗」又開出遠高於行情的薪水，是求職詐騙最常見的誘餌；"
                     "一般工作的薪水大約落在每月最低工資到兩倍之間。")
    if "task_scam" in kinds_set:
        parts.append("刷單、按讚任務或要先儲值、入金的「工作」，幾乎都是詐騙，前面給的小錢只是誘餌。")
    if "below_min_wage" in kinds_set:
        parts.append("工資不可以低於最低工資；約定的工資較低時，依最低工資法第5條以最低工資計算，"
                     "可以向勞工局申訴或撥 1955 詢問。")
        citations.append(MIN_WAGE_ART5)
    if risk in ("high", "medium"):
        parts.append("不確定時請撥 165 反詐騙諮詢專線查證；已經付錢或交出帳戶、證件，請立刻撥 110 報警並通知銀行。"
                     "勞動權益問題可撥 1955 勞工諮詢專線。")
    else:
        parts.append("有疑問可以撥 165 反詐騙諮詢專線，勞動權益問題可撥 1955。")
    return "\n".join(parts), citations
