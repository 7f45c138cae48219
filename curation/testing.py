"""Helpers for tests: an invented knowledge base folder (statute and entries) and a draft that passes
every check. The statute text is knowledge_base.testing's invented one."""

from __future__ import annotations

from pathlib import Path

from curation.checks import DraftInput

PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴；也可以帶著薪資單、出勤紀錄等資料到勞工局諮詢。"
TYPHOON_QUESTION = "颱風天政府宣布停班停課，老闆可以扣我薪水嗎"


def write_kb_folder(root: Path) -> tuple[Path, Path]:
    """(data folder with the invented 勞動基準法 imported, entries folder with two entries) under `root`."""
    from knowledge_base.laws import LawStore, import_laws
    from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, entry, write_entries, write_law_json

    data, entries = root / "var", root / "entries"
    write_entries(entries, "overtime", [
        entry("overtime-pay-rate", "加班費怎麼算", "平日延長工時，前兩小時加給三分之一以上，再延長加給三分之二以上。" + PAD,
              ["加班費怎麼算", "加班費的倍率", "延長工時工資"], ["勞動基準法第24條"],
              [("勞動基準法第24條", "前二小時加給三分之一以上")]),
    ])
    write_entries(entries, "annual_leave", [
        entry("annual-leave-days", "特休有幾天", "特別休假天數依年資計算，年資越久天數越多，雇主應主動告知。" + PAD,
              ["特休有幾天", "特別休假天數", "年假怎麼算"], ["勞動基準法第38條"]),
    ])
    import_laws([write_law_json(root / "law.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)], LawStore(data / "laws"))
    return data, entries


def good_draft(**changes: object) -> DraftInput:
    """A typhoon-day entry: no numbers, cites the invented act's 第1條, passes every check."""
    values: dict[str, object] = dict(
        title="颱風停班那天的工資",
        topic="wages",
        answer=("縣市政府宣布停止上班時，勞工可以不出勤，雇主不能把這天記成曠職，也不能因此扣全勤獎金或做不利的處分。"
                "這一天有沒有工資，法律沒有強制規定，要看勞動契約、工作規則或雙方的約定；"
                "仍然出勤的，雇主宜另外加給工資或補休。" + PAD),
        questions=[TYPHOON_QUESTION, "颱風假沒上班會被扣錢嗎", "颱風天停班薪水怎麼算"],
        citations=["勞動基準法第1條"],
        evidence=[("勞動基準法第1條", "本測試法用來驗證匯入流程")],
        audience=["worker"],
    )
    values.update(changes)
    return DraftInput(**values)  # type: ignore[arg-type]
