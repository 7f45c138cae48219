"""The gateway's reply merging, on payloads in the shape Rasa's REST channel returns."""

from channels.replies import build_reply

KB_ANSWER = [
    {"recipient_id": "rest:u", "text": "休息日出勤…\n\n依據：勞動基準法第24條",
     "buttons": [{"title": "看法條原文", "payload": '/show_article{"citation": "勞動基準法第24條"}'},
                 {"title": "找真人", "payload": "/request_human"}]},
    {"recipient_id": "rest:u", "custom": {"meta": {"kind": "kb_answer", "topic": "overtime",
                                                    "citations": ["勞動基準法第24條"], "title": "休息日加班費"}}},
]


def test_custom_meta_attaches_to_the_text_before_it():
    reply = build_reply(KB_ANSWER, "ask_overtime", 0.97)
    assert len(reply.messages) == 1
    message = reply.messages[0]
    assert message.kind == "kb_answer"
    assert message.title == "休息日加班費"
    assert reply.citations == ["勞動基準法第24條"]
    assert reply.topic == "overtime"
    assert [b.title for b in reply.buttons] == ["看法條原文", "找真人"]


def test_summary_has_exactly_the_cli_fields():
    summary = build_reply(KB_ANSWER, "ask_overtime", 0.97123456).summary()
    assert list(summary) == ["text", "intent", "confidence", "topic", "citations", "handoff", "buttons"]
    assert summary["confidence"] == 0.9712
    assert summary["handoff"] is False


def test_topic_falls_back_to_the_intent_when_no_action_named_one():
    reply = build_reply([{"text": "您好！", "buttons": []}], "ask_annual_leave", 0.8)
    assert reply.topic == "annual_leave"
    assert build_reply([{"text": "您好！"}], "greet", 0.9).topic == "other"


def test_handoff_flag_and_unknown_topic_from_meta():
    raw = [{"text": "已為您建立案件 #12"}, {"custom": {"meta": {"handoff": True, "topic": "nonsense"}}}]
    reply = build_reply(raw, "request_human", 0.99)
    assert reply.handoff is True
    assert reply.topic == "other"


def test_malformed_pieces_are_ignored_not_fatal():
    raw = [{"custom": "not a dict"}, {"image": "http://x/y.png"}, {"text": "ok", "buttons": ["bad"]}]
    reply = build_reply(raw, "", 0.0)
    assert reply.text == "ok"
    assert reply.buttons == []


def test_a_button_repeated_across_messages_is_kept_on_the_last_only() -> None:
    from channels.replies import build_reply

    human = {"title": "找真人", "payload": "/request_human"}
    raw = [
        {"text": "答案", "buttons": [{"title": "有幫助", "payload": "/feedback"}, human]},
        {"text": "這需要同仁協助", "buttons": [human]},
    ]
    reply = build_reply(raw, "ask_wages", 0.9)
    assert [b.title for b in reply.messages[0].buttons] == ["有幫助"]
    assert [b.title for b in reply.messages[1].buttons] == ["找真人"]
    assert [b.title for b in reply.buttons] == ["有幫助", "找真人"]
