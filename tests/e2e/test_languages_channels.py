"""English, Indonesian, Vietnamese and Thai through LINE and Telegram (the real stack and the fake platform
APIs): a labour-law question answered in the language with its citation, the card's and keyboard's own
labels in the language (channels/labels.py), then a handoff opened from the answer's button with the
language on the case (docs/languages.md)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest
from fakes.fake_line import PUSH, REPLY
from fakes.fake_telegram import params, visible_text
from fakes.payloads import line_body, line_event, line_user, sign, telegram_button, telegram_chat, telegram_text
from fakes.secrets import LINE_SECRET, TELEGRAM_SECRET

from actions.i18n import CATALOG
from cases.config import CaseSettings
from cases.db import CaseStore
from cases.models import Case
from channels.labels import label
from labourbot.buttons import REQUEST_HUMAN
from labourbot.language import detect

pytestmark = pytest.mark.e2e

# Questions written for this test (not the entries' own questions), one per language and channel.
QUESTIONS: dict[str, dict[str, str]] = {
    "en": {"line": "The company keeps my passport and ARC in the office and will not return them, is that legal?",
           "telegram": "My broker is holding my passport, is he allowed to do that?"},
    "id": {"line": "Majikan menahan paspor saya dan tidak mau memberikan, apakah itu boleh?",
           "telegram": "Agensi pegang ARC saya terus, apakah itu melanggar hukum?"},
    "vi": {"line": "Chủ giữ hộ chiếu của tôi không trả lại, như vậy có đúng luật không?",
           "telegram": "Công ty môi giới giữ thẻ cư trú của tôi, họ có được làm vậy không?"},
    "th": {"line": "นายจ้างยึดหนังสือเดินทางของฉันไว้ไม่ยอมคืน แบบนี้ทำได้ไหม",
           "telegram": "นายหน้าเก็บบัตรถิ่นที่อยู่ของฉันไว้ ทำได้หรือเปล่า"},
}
LANGS = tuple(QUESTIONS)
CJK = re.compile(r"[\u3400-\u9fff]")
# The renderings' own Chinese labels, which a conversation in another language must not see (the answer
# itself names the Chinese laws and the bureau beside their translations, and the citations are Chinese).
CHINESE_LABELS = re.compile("法源依據|看法條原文|找真人|有幫助|勞動法令小幫手|請選擇")


# ---------------------------------------------------------------------------------------------- LINE

_tokens: dict[str, set[str]] = {}


def _to_user(user: str) -> Any:
    """Predicate: an accepted reply made with one of `user`'s reply tokens, or an accepted push to `user`."""
    def match(r: Any) -> bool:
        if r.path not in (REPLY, PUSH) or r.status != 200:
            return False
        body = r.json()
        return body.get("replyToken") in _tokens.get(user, ()) or body.get("to") == user
    return match


def line_send(gateway: Any, line_api: Any, user: str, text: str | None = None, postback: str | None = None,
              until: Any = None) -> list[dict[str, Any]]:
    """The LINE messages sent to `user` in answer to one text or postback (a reply, and pushes when the
    answer has more than five messages), once `until(messages)` holds (default: anything came)."""
    seen = len(line_api.matching(_to_user(user)))
    token = "langch-" + uuid.uuid4().hex
    _tokens.setdefault(user, set()).add(token)
    body = line_body(line_event(user, text, postback=postback, reply_token=token))
    response = gateway.client.post("/webhooks/line", content=body,
                                   headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200, response.text
    count = 1
    while True:
        found = line_api.wait_for(_to_user(user), count=seen + count, timeout=90)[seen:]
        messages = [m for r in found for m in r.json()["messages"]]
        if until is None or until(messages):
            return messages
        count += 1


def actions_in(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for v in node.values() for a in actions_in(v)]
    if isinstance(node, list):
        return [a for v in node for a in actions_in(v)]
    return []


def texts_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" and "text" in node else []
        return own + [t for v in node.values() for t in texts_in(v)]
    if isinstance(node, list):
        return [t for v in node for t in texts_in(v)]
    return []


def line_tap(gateway: Any, line_api: Any, user: str, action: dict[str, Any], needle: str) -> list[dict[str, Any]]:
    """Tap a button as LINE does (a message action says its text, a postback posts its data); the
    messages sent in answer, once one of them shows `needle`."""
    def shows(messages: list[dict[str, Any]]) -> bool:
        return needle in "\n".join(texts_in(messages))

    if action["type"] == "message":
        return line_send(gateway, line_api, user, text=action["text"], until=shows)
    return line_send(gateway, line_api, user, postback=action["data"], until=shows)


def button_titled(messages: list[dict[str, Any]], title: str) -> dict[str, Any]:
    found = [a for a in actions_in(messages) if a.get("label") == title]
    assert found, (title, [a.get("label") for a in actions_in(messages)])
    return found[0]


# ---------------------------------------------------------------------------------------------- Telegram

def telegram_post(gateway: Any, update: dict[str, Any]) -> None:
    response = gateway.client.post("/webhooks/telegram", json=update,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 200, response.text


def telegram_until(telegram_api: Any, chat: int, seen: int, needle: str) -> list[dict[str, Any]]:
    """The messages sent to `chat` after the first `seen`, once one of them shows `needle`."""
    def match(r: Any) -> bool:
        return r.path.endswith("/sendMessage") and r.status == 200 and int(params(r).get("chat_id", 0)) == chat

    def shown(count: int) -> bool:
        sent = [params(r) for r in telegram_api.matching(match)][seen:]
        return len(sent) >= count and any(needle in visible_text(str(p.get("text", ""))) for p in sent)

    count = 1
    while True:
        telegram_api.wait_for(match, count=seen + count, timeout=90)
        if shown(count):
            return [params(r) for r in telegram_api.matching(match)][seen:]
        count += 1


def keyboard_of(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [key for p in sent for row in (p.get("reply_markup") or {}).get("inline_keyboard", []) for key in row]


def key_for(sent: list[dict[str, Any]], payload: str) -> dict[str, Any]:
    found = [k for k in keyboard_of(sent) if k.get("callback_data") == payload]
    assert found, (payload, keyboard_of(sent))
    return found[0]


# ---------------------------------------------------------------------------------------------- fixtures

def case_language(stack: Any, case_id: int) -> tuple[str, str]:
    store = CaseStore(CaseSettings(data_dir=stack.config.data_dir))  # type: ignore[call-arg]
    with store.session() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.language, case.channel


def case_number(text: str) -> int:
    match = re.search(r"#(\d+)", text)
    assert match, text
    return int(match.group(1))


@pytest.fixture(scope="module", autouse=True)
def warm_knowledge_base(channel_gateway) -> None:
    """The action server opens each language's index of the translated entries on first use, which may
    take longer than one answer may: ask once in each language before the tests."""
    for lang in LANGS:
        for _ in range(4):
            try:
                response = channel_gateway.client.post("/api/messages", json={
                    "user": "langch-warm-" + uuid.uuid4().hex[:8], "text": QUESTIONS[lang]["line"]}, timeout=120)
            except httpx.TimeoutException:  # still being built: ask again
                continue
            if all(m.get("kind") != "unavailable" for m in response.json().get("messages", [])):
                break


# ---------------------------------------------------------------------------------------------- tests

@pytest.mark.parametrize("lang", LANGS)
def test_line_answers_in_the_language_with_its_citation_and_opens_a_case_in_it(
        lang, channel_gateway, line_api, stack):
    user = line_user()
    messages = line_send(channel_gateway, line_api, user, QUESTIONS[lang]["line"],
                         until=lambda sent: any(m["type"] == "flex" for m in sent))
    card = next(m for m in messages if m["type"] == "flex")
    texts = texts_in(card["contents"])
    # the answer in the language, its Chinese citation (the law is Chinese), the card's labels in the language
    body = max(texts, key=len)
    assert detect(body).lang == lang, body
    assert any(t.startswith("📖 就業服務法第") for t in texts), texts
    for key in ("legal_basis", "helpful", "app_name"):
        assert label(key, lang) in texts, (key, texts)
    assert not CHINESE_LABELS.search(json.dumps(card, ensure_ascii=False)), card
    header = texts_in(card["contents"]["header"])
    assert card["altText"].startswith(header[-1] + label("title_separator", lang))  # "Title: answer…"

    notice = line_tap(channel_gateway, line_api, user, button_titled(messages, label("human", lang)),
                      CATALOG["handoff_notice"][lang][:40])
    contact = line_tap(channel_gateway, line_api, user, button_titled(notice, CATALOG["consent_yes"][lang]),
                       CATALOG["ask_contact"][lang][:30])
    opened = line_tap(channel_gateway, line_api, user, button_titled(contact, CATALOG["skip"][lang]), "#")
    case_id = case_number("\n".join(texts_in(opened)))
    assert case_language(stack, case_id) == (lang, "line")


@pytest.mark.parametrize("lang", LANGS)
def test_telegram_answers_in_the_language_with_its_citation_and_opens_a_case_in_it(
        lang, channel_gateway, telegram_api, stack):
    chat = telegram_chat()
    telegram_post(channel_gateway, telegram_text(chat, QUESTIONS[lang]["telegram"]))
    legal_basis = label("legal_basis", lang)
    sent = telegram_until(telegram_api, chat, 0, legal_basis)
    answer = next(p for p in sent if legal_basis in str(p["text"]))
    shown = visible_text(str(answer["text"]))
    head, _, cited = shown.partition("📖 " + legal_basis)
    assert detect(head).lang == lang, head
    assert "・就業服務法第" in cited and cited.rstrip().endswith(label("helpful_answer", lang))
    assert not CHINESE_LABELS.search(answer["text"]), answer["text"]
    keys = keyboard_of([answer])
    assert keys and not any(CJK.search(k["text"]) for k in keys), keys  # the keyboard in the language
    human = key_for([answer], REQUEST_HUMAN)

    seen = len(sent)
    telegram_post(channel_gateway, telegram_button(chat, human["callback_data"]))
    notice = telegram_until(telegram_api, chat, seen, CATALOG["handoff_notice"][lang][:40])
    seen += len(notice)
    consent = next(k for k in keyboard_of(notice) if k["text"] == CATALOG["consent_yes"][lang])
    telegram_post(channel_gateway, telegram_button(chat, consent["callback_data"]))
    contact = telegram_until(telegram_api, chat, seen, CATALOG["ask_contact"][lang][:30])
    seen += len(contact)
    skip = next(k for k in keyboard_of(contact) if k["text"] == CATALOG["skip"][lang])
    telegram_post(channel_gateway, telegram_button(chat, skip["callback_data"]))
    opened = telegram_until(telegram_api, chat, seen, "#")
    case_id = case_number("\n".join(visible_text(str(p["text"])) for p in opened))
    assert case_language(stack, case_id) == (lang, "telegram")


def test_the_labels_of_an_answer_in_chinese_stay_chinese(channel_gateway, line_api):
    messages = line_send(channel_gateway, line_api, line_user(), "老闆可以扣我的護照嗎")
    card = next(m for m in messages if m["type"] == "flex")
    shown = json.dumps(card["contents"], ensure_ascii=False)
    assert "法源依據" in shown and "勞動法令小幫手" in shown and "Legal basis" not in shown
