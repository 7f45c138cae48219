"""LINE end to end: fake LINE API -> gateway (real) -> Rasa + action server (real) -> fake LINE API."""

from __future__ import annotations

import re
import time

import pytest
from fakes.fake_line import PUSH, REPLY, accepted_for, is_outgoing, problems
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.secrets import LINE_SECRET

pytestmark = pytest.mark.e2e
CITATION = re.compile(r"勞動基準法第\d+條")


def post(gateway, body: bytes, signature: str | None = "sign"):
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Line-Signature"] = sign(body, LINE_SECRET)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    return gateway.client.post("/webhooks/line", content=body, headers=headers)


def flex_texts(node) -> list[str]:
    if isinstance(node, dict):
        return ([node["text"]] if node.get("type") == "text" else []) + [
            t for v in node.values() for t in flex_texts(v)
        ]
    if isinstance(node, list):
        return [t for v in node for t in flex_texts(v)]
    return []


def for_event(user: str, token: str):
    """Any reply with this token or push to this user, accepted or not."""
    return lambda r: is_outgoing(r) and (r.json().get("replyToken") == token or r.json().get("to") == user)


def test_a_labour_question_gets_a_flex_answer_with_citations(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    response = post(channel_gateway, line_body(line_event(user, "休息日加班費怎麼算", reply_token=token)))
    answered_at = time.perf_counter()
    assert response.status_code == 200
    [reply] = line_api.wait_for(accepted_for(user, token))
    assert reply.path == REPLY, "a fresh reply token is used, not a push"
    assert answered_at < reply.at, "the webhook is answered before the answer is sent"
    messages = reply.json()["messages"]
    assert problems(messages) == []
    flex = [m for m in messages if m["type"] == "flex" and m["contents"]["type"] == "bubble"]
    assert flex, f"no Flex bubble in {[m['type'] for m in messages]}"
    texts = flex_texts(flex[0]["contents"])
    assert any(CITATION.search(t) for t in texts), texts
    labels = [
        c["action"]["label"] for c in flex[0]["contents"]["footer"]["contents"] if c["type"] == "button"
    ]
    assert "看法條原文" in labels and "找真人" in labels
    assert "有幫助嗎？" in flex_texts(flex[0]["contents"]["footer"])


def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_sent_or_kept(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    event = line_event(user, "休息日加班費怎麼算", reply_token=token)
    body = line_body(event)
    assert post(channel_gateway, body, signature=None).status_code == 401
    assert post(channel_gateway, body, signature=sign(body, "not-the-secret")).status_code == 401
    assert post(channel_gateway, body, signature="").status_code == 401
    tampered = body.replace("加班費".encode(), "資遣費".encode())
    assert post(channel_gateway, tampered, signature=sign(body, LINE_SECRET)).status_code == 401
    assert line_api.quiet_for(for_event(user, token), 3.0) == []
    # The refused event was not remembered: the same event, properly signed, is answered.
    assert post(channel_gateway, body).status_code == 200
    line_api.wait_for(accepted_for(user, token))


def test_a_redelivered_event_is_answered_once(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    event = line_event(user, "特休沒休完可以換錢嗎", reply_token=token)
    assert post(channel_gateway, line_body(event)).status_code == 200
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    assert post(channel_gateway, line_body(again)).status_code == 200
    line_api.wait_for(accepted_for(user, token))
    assert len(line_api.quiet_for(for_event(user, token), 3.0)) == 1


def test_an_expired_reply_token_falls_back_to_push(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    line_api.bad_reply_tokens.add(token)
    assert (
        post(
            channel_gateway, line_body(line_event(user, "休息日加班費怎麼算", reply_token=token))
        ).status_code
        == 200
    )
    [pushed] = line_api.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == user)
    refused = line_api.matching(lambda r: r.path == REPLY and r.json().get("replyToken") == token)
    assert [r.status for r in refused] == [400]
    assert any(m["type"] == "flex" for m in pushed.json()["messages"])
    assert pushed.headers.get("x-line-retry-key")


def test_an_old_event_is_pushed_without_trying_its_reply_token(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    event = line_event(user, "你好", reply_token=token, age_s=300)
    assert post(channel_gateway, line_body(event)).status_code == 200
    line_api.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == user)
    assert line_api.matching(lambda r: r.path == REPLY and r.json().get("replyToken") == token) == []


def test_a_failed_push_is_retried_with_the_same_retry_key(channel_gateway, line_api):
    user, token = line_user(), "tok-" + line_user()
    line_api.bad_reply_tokens.add(token)
    line_api.fail_next(500, when=lambda r: r.path == PUSH and user in r.body.decode())
    assert post(channel_gateway, line_body(line_event(user, "你好", reply_token=token))).status_code == 200
    line_api.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == user)
    pushes = line_api.matching(lambda r: r.path == PUSH and r.json()["to"] == user)
    assert [p.status for p in pushes] == [500, 200]
    assert pushes[0].headers["x-line-retry-key"] == pushes[1].headers["x-line-retry-key"]


def test_messages_of_one_user_are_answered_in_arrival_order(channel_gateway, line_api):
    user = line_user()
    texts = ["你好", "休息日加班費怎麼算", '/choose_topic{"topic": "annual_leave"}', "/request_human", "謝謝"]
    tokens = [f"order-{i}-{user}" for i in range(len(texts))]
    for text, token in zip(texts, tokens, strict=True):
        assert post(channel_gateway, line_body(line_event(user, text, reply_token=token))).status_code == 200
    replies = line_api.wait_for(lambda r: r.path == REPLY and user in r.body.decode(), count=len(texts))
    assert [r.json()["replyToken"] for r in replies] == tokens


def test_several_events_in_one_webhook_and_a_follow(channel_gateway, line_api):
    user, other = line_user(), line_user()
    follow = line_event(user, kind="follow")
    sticker_user_text = line_event(other, "你好")
    assert post(channel_gateway, line_body(follow, sticker_user_text)).status_code == 200
    [welcome] = line_api.wait_for(accepted_for(user, follow["replyToken"]))
    line_api.wait_for(accepted_for(other, sticker_user_text["replyToken"]))
    messages = welcome.json()["messages"]
    assert "加入" in messages[0]["text"]
    assert len(messages[-1]["quickReply"]["items"]) >= 6


def test_a_pressed_button_postback_is_answered(channel_gateway, line_api):
    user = line_user()
    event = line_event(user, postback='/choose_topic{"topic": "overtime"}')
    assert post(channel_gateway, line_body(event)).status_code == 200
    [reply] = line_api.wait_for(accepted_for(user, event["replyToken"]))
    assert problems(reply.json()["messages"]) == []


def test_a_malformed_but_signed_body_is_a_clean_400(channel_gateway, line_api):
    body = b'{"destination": "U1", "events": "not a list"'
    assert post(channel_gateway, body).status_code == 400
