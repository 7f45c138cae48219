"""Draft and question checks: the knowledge base's entry rules, shown to staff in zh-TW."""

from __future__ import annotations

from curation.testing import good_draft

from curation.checks import canonical_citations, check_draft, check_question, in_chinese, parse_form


def test_a_good_draft_has_no_problems(articles) -> None:
    assert check_draft(good_draft(), articles, entry_id="wages-console-1") == []


def test_a_citation_that_is_not_in_the_imported_statutes_is_refused(articles) -> None:
    problems = check_draft(good_draft(citations=["勞動基準法第1條", "勞動基準法第999條"]), articles,
                           entry_id="wages-console-1")
    assert problems == ["引用的「勞動基準法第999條」不在已匯入的法規裡，請確認法規名稱與條號。"]
    assert check_draft(good_draft(citations=["快樂工作法第3條"], evidence=[]), articles, entry_id="x-1") == [
        "引用的「快樂工作法第3條」不在已匯入的法規裡，請確認法規名稱與條號。"]


def test_a_quote_that_is_not_verbatim_is_refused(articles) -> None:
    problems = check_draft(good_draft(evidence=[("勞動基準法第1條", "本法用來驗證匯入的流程")]), articles,
                           entry_id="wages-console-1")
    assert problems == ["佐證摘句「本法用來驗證匯入的流程」不是「勞動基準法第1條」的原文，摘句必須與條文逐字相同。"]


def test_a_number_without_evidence_is_refused(articles) -> None:
    draft = good_draft(answer=good_draft().answer + "停班超過3天的，雇主應照付工資。", evidence=[])
    assert check_draft(draft, articles, entry_id="wages-console-1") == [
        "回答裡的數字（3）沒有佐證：請加上含有這些數字的法條原文摘句。"]


def test_sizes_topic_audience_and_taken_ids_are_all_reported(articles) -> None:
    draft = good_draft(title="", topic="weather", questions=["颱風天"], answer="太短", audience=[])
    problems = check_draft(draft, articles, taken_ids=["wages-console-1"], entry_id="wages-console-1")
    assert problems == [
        "請填寫標題。", "請從清單選擇主題。", "例句需要 3 到 8 句（目前 1 句），一行一句。",
        "回答需要 80 到 400 字（目前 2 字）。", "請至少選一個適用對象。", "條目代號「wages-console-1」已經有人使用，請換一個。"]


def test_copying_a_statute_sentence_and_personal_data_are_refused(articles) -> None:
    law = "延長工作時間者，雇主應加給工資：前二小時加給三分之一以上。再延長者加給三分之二以上。"
    copied = good_draft(answer=law + good_draft().answer, citations=["勞動基準法第24條"],
                        evidence=[("勞動基準法第24條", "前二小時加給三分之一以上")])
    assert any("連續 30 字" in p for p in check_draft(copied, articles, entry_id="a-1"))
    leaky = good_draft(questions=[*good_draft().questions, "我電話0912345678，颱風天被扣薪"])
    assert check_draft(leaky, articles, entry_id="a-1") == [
        "例句裡還有個人資料（電話、身分證號、帳號或 e-mail），請刪除後再送出。"]


def test_rewritten_questions_may_not_hold_personal_data_or_masked_numbers() -> None:
    assert check_question("颱風天停班會扣薪嗎") == []
    assert check_question("   ") == ["例句不能是空白的。"]
    for leaky in ("請回電0912-345-678", "身分證A123456789", "我的帳號0912***678被扣款", "寄到abc@example.com"):
        assert check_question(leaky) == ["例句裡還有個人資料或遮蔽過的號碼（***），請改寫成不含個資的一般問法。"], leaky


def test_form_fields_are_split_and_loose_citations_made_canonical() -> None:
    canon = canonical_citations(["勞基法第24條", "勞動基準法 第 38 條", "亂寫的"], ["勞動基準法"])
    assert canon == {"勞基法第24條": "勞動基準法第24條", "勞動基準法 第 38 條": "勞動基準法第38條"}
    draft, problems = parse_form("標題", "wages", "回答\n  第二行", "問一\n\n問二\n問一", "勞基法第24條、勞動基準法第38條",
                                 "勞基法第24條｜前二小時加給三分之一以上\n沒有分隔的一行", ["worker", "worker"], "", canon)
    assert draft.questions == ["問一", "問二"] and draft.answer == "回答 第二行"
    assert draft.citations == ["勞動基準法第24條", "勞動基準法第38條"]
    assert draft.evidence == [("勞動基準法第24條", "前二小時加給三分之一以上")] and draft.audience == ["worker"]
    assert problems == ["佐證「沒有分隔的一行」的格式不對：請寫成「法規第N條｜原文摘句」，一行一則。"]


def test_an_unknown_rule_is_shown_in_its_own_words() -> None:
    assert in_chinese("console:x: something new") == "其他問題：something new"
