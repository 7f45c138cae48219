"""Texts in five languages (actions/i18n.py, the domain's response variants) and the actions that use
them: greeting, the language menu and switch, answers from translated entries and the honest limit,
the handoff in the person's language with the language on the case."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.knowledge as knowledge
from actions import i18n
from actions.menu import ActionGreet, ActionSetLanguage
from labourbot.config import PROJECT_ROOT
from labourbot.language import LANGUAGES

DOMAIN_DIR = PROJECT_ROOT / "bot" / "domain"
# Responses given a variant per language (the ones a migrant worker meets in the dialogue acts).
TRANSLATED_RESPONSES = ("utter_goodbye", "utter_thank", "utter_affirm", "utter_deny", "utter_iamabot",
                        "utter_default")
_SCRIPT = {"th": re.compile(r"[\u0e00-\u0e7f]"), "zh": re.compile(r"[\u4e00-\u9fff]")}


def test_every_catalog_key_has_all_five_languages_and_the_same_placeholders() -> None:
    for key, texts in i18n.CATALOG.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(t) if f} for lang, t in texts.items()}
        # the translations fill the same values; the Chinese text may name more (sensitive_offer's {why})
        assert len({frozenset(f) for lang, f in fields.items() if lang != "zh"}) == 1, (key, fields)
        assert fields["en"] <= fields["zh"] or not texts["zh"], (key, fields)
        for lang in ("en", "id", "vi", "th"):
            assert texts[lang].strip(), (key, lang)
            if lang == "th" and key != "about":
                assert _SCRIPT["th"].search(texts[lang]), (key, "Thai text in Thai")
            assert not _SCRIPT["zh"].search(texts[lang].replace("語言", "")) or key in ("about",), (key, lang)


def test_the_starter_questions_are_in_their_own_language() -> None:
    from labourbot.language import detect

    for lang, questions in i18n.STARTER_QUESTIONS.items():
        assert len(questions) >= 4
        assert all(detect(q).lang == lang for q in questions), lang


def _responses() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for path in DOMAIN_DIR.glob("*.yml"):
        found.update((yaml.safe_load(path.read_text("utf-8")) or {}).get("responses") or {})
    return found


@pytest.mark.parametrize("name", TRANSLATED_RESPONSES)
def test_translated_responses_have_a_variant_per_language_and_a_chinese_default(name: str) -> None:
    variants = _responses()[name]
    by_lang = {}
    for v in variants:
        cond = v.get("condition") or []
        assert all(c["type"] == "slot" and c["name"] == "language" for c in cond)
        by_lang[cond[0]["value"] if cond else "zh"] = v
    assert set(by_lang) == set(LANGUAGES), name
    assert _SCRIPT["zh"].search(by_lang["zh"]["text"])
    assert _SCRIPT["th"].search(by_lang["th"]["text"])
    buttons = {lang: [b["payload"] for b in v.get("buttons") or []] for lang, v in by_lang.items()}
    assert len({tuple(b) for b in buttons.values()}) == 1, "the same buttons in every language"


def test_the_language_slot_and_intents_are_declared() -> None:
    core = yaml.safe_load((DOMAIN_DIR / "core.yml").read_text("utf-8"))
    slot = core["slots"]["language"]
    assert slot["type"] == "text" and slot["influence_conversation"] is False
    assert {"entity": "language", "type": "from_entity"} in [dict(m) for m in slot["mappings"]]
    assert {"set_language", "choose_language"} <= set(core["intents"])
    nlu = yaml.safe_load((PROJECT_ROOT / "bot" / "data" / "nlu" / "multilingual.yml").read_text("utf-8"))
    counts = {item["intent"]: len([x for x in item["examples"].splitlines() if x.strip()]) for item in nlu["nlu"]}
    assert all(n >= 32 for n in counts.values()), counts  # at least 8 per language


# ------------------------------------------------------------------ actions

def tracker(text: str, slots: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None,
            intent: str = "nlu_fallback") -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    events = [{"event": "user", "text": text, "timestamp": 1.0, "parse_data": latest}]
    return Tracker("line:Ulang", slots or {}, latest, events, False, None, {}, None)


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return events, dispatcher.messages


def test_language_of_prefers_the_slot_then_the_hint_then_chinese() -> None:
    hint = [{"entity": "language_hint", "value": "id"}]
    assert i18n.language_of(tracker("halo", {"language": "vi"}, hint)) == "vi"
    assert i18n.language_of(tracker("halo", {}, hint)) == "id"
    assert i18n.language_of(tracker("你好")) == "zh"
    assert i18n.language_events(tracker("halo", {}, hint))[0]["value"] == "id"
    assert i18n.language_events(tracker("halo", {"language": "en"}, hint)) == []


async def test_a_short_indonesian_hello_is_greeted_in_indonesian_and_sets_the_language() -> None:
    events, [message] = await run(ActionGreet(), tracker("halo", {}, [{"entity": "language_hint", "value": "id"}],
                                                         intent="greet"))
    assert message["text"] == i18n.CATALOG["greeting"]["id"]
    assert [b["payload"] for b in message["buttons"]][:5] == list(i18n.STARTER_QUESTIONS["id"])
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "id"}]


async def test_the_chinese_greeting_has_the_language_button() -> None:
    _, [message] = await run(ActionGreet(), tracker("你好", intent="greet"))
    assert message["text"].startswith("您好") and i18n.LANGUAGE_BUTTON in [b["title"] for b in message["buttons"]]


@pytest.mark.parametrize(("text", "entities", "expected"), [
    ('/set_language{"language": "th"}', [{"entity": "language", "value": "th"}], "th"),
    ("bisa pakai bahasa Inggris", [{"entity": "language", "value": "id"}], "en"),
    ("tiếng Việt", [], "vi"),
    ("請用中文回答", [], "zh"),
    ("I don't understand Chinese", [{"entity": "language", "value": "en"}], "en"),
])
async def test_set_language_confirms_in_the_chosen_language(text, entities, expected) -> None:
    events, [message] = await run(ActionSetLanguage(), tracker(text, {"language": "en"}, entities, "set_language"))
    assert message["text"] == i18n.CATALOG["language_set"][expected]
    assert events[-1]["name"] == "language" and events[-1]["value"] == expected


async def test_set_language_without_a_name_shows_the_menu() -> None:
    _, [message] = await run(ActionSetLanguage(), tracker("change language", {}, [], "set_language"))
    assert [b["title"] for b in message["buttons"]] == list(i18n.LANGUAGE_NAMES.values())


# ------------------------------------------------------------------ answers (a fake knowledge base)

@dataclass
class FakeEntry:
    id: str
    title: str
    answer: str
    topic: str = "foreign_workers"
    citations: tuple[str, ...] = ("就業服務法第57條",)
    language: str = "zh"
    translates: str = ""


@dataclass
class FakeHit:
    id: str
    title: str
    topic: str = "foreign_workers"
    language: str = "zh"
    kind: str = "entry"


@dataclass
class FakeKB:
    hits: list[FakeHit]
    confident: bool
    entries: dict[str, FakeEntry] = field(default_factory=dict)
    asked: list[dict[str, Any]] = field(default_factory=list)

    def search(self, query: str, k: int = 5, kinds: Any = ("entry",), language: str | None = None) -> list[FakeHit]:
        self.asked.append({"query": query, "language": language})
        return self.hits[:k]

    def is_confident(self, hits: Any) -> bool:
        return self.confident

    def entry(self, entry_id: str) -> FakeEntry | None:
        e = self.entries.get(entry_id)
        return e if e and e.language == "zh" else None

    def translated_entry(self, entry_id: str) -> FakeEntry | None:
        e = self.entries.get(entry_id)
        return e if e and e.language != "zh" else None

    def translation(self, entry_id: str, language: str) -> FakeEntry | None:
        return next((e for e in self.entries.values() if e.translates == entry_id and e.language == language), None)


PASSPORT_EN = FakeEntry("en-fw-passport", "Can my employer keep my passport?", "No. An employer must not keep it.",
                        language="en", translates="fw-passport")
PASSPORT_ZH = FakeEntry("fw-passport", "雇主可以扣留護照嗎", "不可以。")


def use_kb(monkeypatch, kb: FakeKB) -> None:
    monkeypatch.setattr(knowledge, "knowledge_base", lambda: kb)


async def test_an_english_question_is_answered_from_the_english_entry_with_its_citation(monkeypatch) -> None:
    kb = FakeKB([FakeHit("en-fw-passport", PASSPORT_EN.title, language="en")], True,
                {e.id: e for e in (PASSPORT_EN, PASSPORT_ZH)})
    use_kb(monkeypatch, kb)
    events, messages = await run(knowledge.ActionAnswerQuestion(),
                                 tracker("my boss keeps my passport, is that legal?", {"language": "en"}))
    assert kb.asked[0]["language"] == "en"
    answer = messages[0]
    assert answer["custom"]["meta"]["citations"] == ["就業服務法第57條"] and answer["custom"]["meta"]["language"] == "en"
    assert "No. An employer must not keep it." in answer["text"] and "Legal basis: 就業服務法第57條" in answer["text"]
    assert "Talk to a person" in [b["title"] for b in answer["buttons"]]
    english = [m for m in messages if m["custom"]["meta"]["kind"] == "statute_english"]
    if english:  # where the official English translation is readable (../shared/law/en)
        assert "passport" in english[0]["text"].lower()


async def test_no_confident_translation_says_so_in_the_language_with_1955_and_a_person(monkeypatch) -> None:
    kb = FakeKB([FakeHit("fw-passport", PASSPORT_ZH.title)], False, {PASSPORT_ZH.id: PASSPORT_ZH})
    use_kb(monkeypatch, kb)
    _, [message] = await run(knowledge.ActionAnswerQuestion(),
                             tracker("bagaimana cara klaim asuransi kecelakaan kerja di kapal", {"language": "id"}))
    assert message["text"].startswith(i18n.CATALOG["no_answer"]["id"]) and "1955" in message["text"]
    assert i18n.CATALOG["chinese_only"]["id"] in message["text"]  # the closest entries are Chinese ones
    titles = [b["title"] for b in message["buttons"]]
    assert titles == [PASSPORT_ZH.title, i18n.CATALOG["human_button"]["id"]]


async def test_a_chinese_entry_button_in_an_english_conversation_gives_the_translation(monkeypatch) -> None:
    kb = FakeKB([], True, {e.id: e for e in (PASSPORT_EN, PASSPORT_ZH)})
    use_kb(monkeypatch, kb)
    _, messages = await run(knowledge.ActionAnswerEntry(),
                            tracker('/kb_entry{"entry_id": "fw-passport"}', {"language": "en"},
                                    [{"entity": "entry_id", "value": "fw-passport"}], "kb_entry"))
    assert PASSPORT_EN.answer in messages[0]["text"]


def test_english_statute_texts_map_to_chinese_citations(tmp_path: Path) -> None:
    from knowledge_base.laws_en import load_english

    (tmp_path / "x.json").write_text(
        '{"中文法規名稱": "勞動基準法", "法規內容": [{"編章節": "Chapter I"}, {"條號": "Article 9-1", "條文內容": "A\\r\\nB"},'
        ' {"條號": "Article 24", "條文內容": "Overtime."}]}', "utf-8")
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    found = load_english([tmp_path / "missing", tmp_path])
    assert found == {"勞動基準法第9條之1": "A\nB", "勞動基準法第24條": "Overtime."}
