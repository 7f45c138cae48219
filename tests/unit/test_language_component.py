"""bot/components/language.py in the Rasa venv: the gateway's metadata becomes the `language` entity
(a 4+ word message) or `language_hint` (a short telling one); payloads and plain messages get none."""

from __future__ import annotations

from rasa_venv import run_probe

PROBE = r"""
import json
from rasa.shared.nlu.training_data.message import Message
from bot.components.language import LanguageFromMetadata

def run(text, metadata):
    m = Message(data={"text": text, "metadata": metadata})
    LanguageFromMetadata().process([m])
    return [(e["entity"], e["value"]) for e in m.get("entities") or []]

print(json.dumps({
    "switch": run("saya tidak dapat gaji", {"language": {"lang": "id", "switch": True, "hint": True}}),
    "hint": run("halo", {"language": {"lang": "id", "switch": False, "hint": True}}),
    "short": run("ok", {"language": {"lang": "en", "switch": False, "hint": False}}),
    "unknown": run("hola amigos como estan", {"language": {"lang": "es", "switch": True}}),
    "none": run("你好", None),
    "payload": run('/set_language{"language": "th"}', {"language": {"lang": "en", "switch": True}}),
}))
"""


def test_metadata_becomes_the_language_entities() -> None:
    found = run_probe(PROBE)
    assert found["switch"] == [["language", "id"]]
    assert found["hint"] == [["language_hint", "id"]]
    assert found["short"] == found["unknown"] == found["none"] == found["payload"] == []
