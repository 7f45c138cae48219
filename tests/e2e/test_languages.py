"""Conversations in English, Indonesian and Vietnamese through the real stack (Rasa, action server,
gateway) and the fake LINE and Telegram APIs (docs/languages.md)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fakes.fake_line import accepted_for
from fakes.fake_telegram import params, sends_to
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text
from fakes.secrets import LINE_SECRET, TELEGRAM_SECRET

from actions.i18n import CATALOG
from cases.config import CaseSettings
from cases.db import CaseStore
from cases.models import Case

pytestmark = pytest.mark.e2e


def line_say(gateway: Any, line_api: Any, user: str, text: str) -> list[dict[str, Any]]:
    """The LINE messages of the reply (text messages and Flex cards)."""
    token = "lang-" + uuid.uuid4().hex
    body = line_body(line_event(user, text, reply_token=token))
    response = gateway.client.post("/webhooks/line", content=body,
                                   headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200, response.text
    [first] = line_api.wait_for(accepted_for(user, token))[:1]
    return list(first.json()["messages"])


def rest_say(gateway: Any, user: str, text: str) -> dict[str, Any]:
    response = gateway.client.post("/api/messages", json={"user": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module", autouse=True)
def warm_knowledge_base(channel_gateway) -> None:
    """The action server opens the knowledge base and the translated entries' indexes on first use,
    which may take longer than one answer may (a stale index is rebuilt): ask once before the tests."""
    for _ in range(3):
        reply = rest_say(channel_gateway, "lang-warm-" + uuid.uuid4().hex[:8], "Can my employer keep my passport?")
        if all(m.get("kind") != "unavailable" for m in reply["messages"]):
            return


def test_an_english_question_on_line_is_answered_in_english_with_its_citation(channel_gateway, line_api):
    messages = line_say(channel_gateway, line_api, line_user(), "Can my employer keep my passport and my ARC?")
    card = messages[0]  # the answer card: English text, the Chinese citation (the law is Chinese)
    assert card["type"] == "flex" and card["altText"].startswith("Can my employer keep my passport")
    shown = json.dumps(card["contents"], ensure_ascii=False)
    assert "must not unlawfully keep" in shown and "📖 就業服務法第57條" in shown
    english = [m for m in messages[1:] if "Official English translation of 就業服務法第57條" in (m.get("text") or "")]
    assert english and "passport" in english[0]["text"].lower()


def test_an_indonesian_hello_on_telegram_is_greeted_in_indonesian(channel_gateway, telegram_api):
    chat = telegram_chat()
    response = channel_gateway.client.post("/webhooks/telegram", json=telegram_text(chat, "halo selamat pagi"),
                                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 200
    first = telegram_api.wait_for(sends_to(chat))[0]
    assert str(params(first).get("text", "")).startswith(CATALOG["greeting"]["id"][:30])


def test_the_language_switch_sticks_until_a_long_message_in_another_language(channel_gateway):
    user = "lang-" + uuid.uuid4().hex[:10]
    chosen = rest_say(channel_gateway, user, '/set_language{"language": "vi"}')
    assert chosen["messages"][0]["text"] == CATALOG["language_set"]["vi"]
    thanks = rest_say(channel_gateway, user, "thanks")  # short: the chosen language stays
    assert thanks["intent"] == "thank" and "Không có gì" in thanks["messages"][0]["text"]
    menu = rest_say(channel_gateway, user, "/choose_language")
    assert [b["title"] for b in menu["messages"][0]["buttons"]][:2] == ["中文", "English"]
    switched = rest_say(channel_gateway, user, "hello, can my employer keep my passport?")
    assert all("Không" not in m["text"] for m in switched["messages"])
    bye = rest_say(channel_gateway, user, "bye")
    assert bye["messages"][0]["text"].startswith("Thank you")


def test_a_handoff_from_a_vietnamese_conversation_records_the_language(channel_gateway, stack):
    user = "lang-" + uuid.uuid4().hex[:10]
    rest_say(channel_gateway, user, "chủ không trả lương cho tôi hai tháng rồi")
    notice = rest_say(channel_gateway, user, "tôi muốn nói chuyện với nhân viên")
    assert CATALOG["handoff_notice"]["vi"][:40] in notice["messages"][0]["text"]
    contact = rest_say(channel_gateway, user, "同意")  # the consent button's payload in every language
    assert CATALOG["ask_contact"]["vi"][:30] in contact["messages"][0]["text"]
    opened = rest_say(channel_gateway, user, "略過")
    text = opened["messages"][0]["text"]
    assert "số hồ sơ #" in text, text
    case_id = int(text.split("#", 1)[1].split(".")[0].split()[0].rstrip("."))
    store = CaseStore(CaseSettings(data_dir=stack.config.data_dir))  # type: ignore[call-arg]
    with store.session() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.language == "vi"
