"""Button payloads are Rasa intents with JSON entities (Rasa parses `/intent{...}` without NLU)."""

import json

from labourbot.buttons import choose_topic, intent_payload


def test_topic_payload_is_the_intent_with_its_entity_as_json() -> None:
    payload = choose_topic("job_scam")
    assert payload == '/choose_topic{"topic": "job_scam"}'
    assert json.loads(payload[len("/choose_topic"):]) == {"topic": "job_scam"}


def test_payload_without_entities_is_the_bare_intent_and_chinese_stays_readable() -> None:
    assert intent_payload("request_human") == "/request_human"
    assert intent_payload("search_job", district="東區") == '/search_job{"district": "東區"}'
