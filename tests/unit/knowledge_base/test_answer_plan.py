"""The reply plan (knowledge_base/answer.py) on the shipped entries and the official statutes: one answer
per question, the closest entries when not sure, statute articles when no entry fits. Messages written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base import config
from knowledge_base.answer import MAX_PARTS, article_relevant, plan, split_parts
from knowledge_base.kb import Hit, KnowledgeBase
from knowledge_base.laws import LawStore, import_laws
from knowledge_base.general_codes import select_articles


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    data: Path = tmp_path_factory.mktemp("kb-plan")
    law = config.shared_law_dir()
    import_laws([law / "ChLaw-labour.json", law / "zh-general"], LawStore(data / "laws"), select=select_articles)
    return KnowledgeBase.open(data, "use-m", entries_dir=config.ENTRIES_DIR)


def test_numbered_questions_become_parts_and_one_question_stays_whole() -> None:
    assert split_parts("1. 特休沒休完可以換錢嗎？ 2. 年終獎金可以不發嗎？") == ["特休沒休完可以換錢嗎？", "年終獎金可以不發嗎？"]
    text = "我在飲料店做了兩年，老闆說店要收了。請問我可以拿資遣費嗎？"
    assert split_parts(text) == [text]


def test_each_numbered_question_gets_its_own_answer(kb: KnowledgeBase) -> None:
    p = plan(kb, "想請教兩件事：1. 特休沒休完，年底可以換成錢嗎？ 2. 公司可以說不發年終獎金就不發嗎？")
    answers = [part.answer for part in p.parts]
    assert all(answers), [part.question for part in p.parts]
    assert answers[0].topic == "annual_leave"
    assert "年終" in answers[1].title
    assert answers[0].id != answers[1].id


def test_a_story_is_answered_by_its_question(kb: KnowledgeBase) -> None:
    p = plan(kb, "我在一家飲料店做了快兩年，上個月店長說生意不好叫我下禮拜不用來了，也沒說有沒有錢可以拿。請問這樣我可以拿資遣費嗎？")
    assert p.answered
    assert p.parts[0].answer.topic == "termination_severance"
    assert p.topic == "termination_severance"


def test_questions_beyond_the_limit_come_back_as_follow_ups(kb: KnowledgeBase) -> None:
    text = "1. 特休怎麼算？ 2. 加班費怎麼算？ 3. 資遣費怎麼算？ 4. 產假有幾週？ 5. 生理假有薪水嗎？"
    p = plan(kb, text)
    assert len(p.parts) == MAX_PARTS
    assert p.more_questions == ["產假有幾週？", "生理假有薪水嗎？"]


@pytest.mark.parametrize("text", ["嗯嗯那個我想問一下喔就是公司那個", "asdfgh qwerty", "今天晚餐吃什麼好呢"])
def test_an_unclear_message_still_gets_options(kb: KnowledgeBase, text: str) -> None:
    p = plan(kb, text)
    assert p.answered or p.alternatives or p.statutes


def test_a_question_with_no_entry_shows_the_closest_statutes_only_when_relevant(kb: KnowledgeBase) -> None:
    p = plan(kb, "勞動檢查員到事業單位檢查時，可以要求雇主提出哪些文件？檢查員要出示什麼證明？")
    shown = [h.id for part in p.parts if part.answer for h in [part.answer]] + [h.id for h in p.statutes]
    assert shown
    if p.statutes:
        assert all(h.kind == "article" and article_relevant(h) for h in p.statutes)


def _hit(**kw) -> Hit:
    base = dict(id="勞動基準法第24條", kind="article", title="勞動基準法第24條", topic="overtime", citations=("勞動基準法第24條",),
                score=0.1, text="…", dense=0.2, bm25=1.0, coverage=0.1, named=False)
    return Hit(**{**base, **kw})


def test_article_gate() -> None:
    assert article_relevant(_hit(named=True))
    assert article_relevant(_hit(dense=0.5))
    assert article_relevant(_hit(dense=0.35, coverage=0.6))
    assert not article_relevant(_hit(dense=0.35, coverage=0.2))
    assert not article_relevant(_hit(dense=0.1, coverage=0.9))


def test_a_side_question_is_answered_only_when_the_story_points_to_its_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A side question read alone can match another subject's entry word for word (「我要去哪裡申訴？」 is
    one of the discrimination entry's own questions here); inside a story about a boss's harassment it
    must not become a second answer unless the whole message's first CONTEXT entries hold that entry."""
    from knowledge_base import answer
    from knowledge_base.testing import HashEncoder, entry, write_entries

    pad = "可以撥打1955專線詢問，或向臺南市政府勞工局申訴，也可以請律師協助。"
    write_entries(tmp_path / "entries", "sexual_harassment", [
        entry("boss-harasser", "老闆性騷擾我怎麼辦", "老闆摸你或傳色情照片給你，可以直接向勞工局申訴。" + pad,
              ["老闆摸我的腰怎麼辦", "老闆傳色情照片給我"]),
    ])
    write_entries(tmp_path / "entries", "discrimination_gender", [
        entry("disc-complain", "被歧視要去哪裡申訴", "因性別或年齡被差別待遇，可以向勞工局申訴。" + pad,
              ["我要去哪裡申訴？", "被歧視去哪裡檢舉"]),
    ])
    write_entries(tmp_path / "entries", "wages", [
        entry(f"filler-{i}", f"薪水問題第{i}種", f"第{i}種薪水問題的說明。" + pad, [f"薪水問題{i}"]) for i in range(3)
    ])
    kb = KnowledgeBase.open(tmp_path / "var", HashEncoder(), entries_dir=tmp_path / "entries", languages=False)
    text = "老闆常常摸我的腰，還傳色情照片給我，公司只有五個人沒有人資。我要去哪裡申訴？可以不用先跟公司講嗎？"
    side = kb.search("我要去哪裡申訴？", k=1, kinds=("entry",))[0]
    assert side.id == "disc-complain" and side.dense >= answer.EXTRA_PART_MIN_DENSE
    monkeypatch.setattr(answer, "CONTEXT", 1)  # the whole message's best entry is the harassment one
    assert kb.search(text, k=1, kinds=("entry",))[0].id == "boss-harasser"
    assert "disc-complain" not in [part.answer.id for part in plan(kb, text).parts if part.answer]
    monkeypatch.setattr(answer, "CONTEXT", 5)  # within the story's entries the side answer is kept
    assert "disc-complain" in [part.answer.id for part in plan(kb, text).parts if part.answer]


def test_a_long_story_with_a_vague_question_is_searched_with_its_facts(kb: KnowledgeBase) -> None:
    """A message over FOCUS_OVER characters whose question sentence says little ("這種情況…") is embedded
    together with its story, so the entry the story is about is found and the reply answers."""
    text = ("我在電子廠當工程師，這半年每個月加班都超過八十個小時，週末也常常被叫回公司。上個月開會的時候"
            "突然胸口很痛倒下，送醫說是心肌梗塞。這種情況勞保局會認定是因為工作嗎？")
    assert len(text) > kb.FOCUS_OVER
    ids = [h.id for h in kb.search(text, k=3, kinds=("entry",))]
    assert ids[0] == "occ-disease-types", ids  # the question sentence alone ranks the overtime-cap exception first
    p = plan(kb, text)
    assert p.parts[0].answer is not None and p.parts[0].answer.id == "occ-disease-types"
