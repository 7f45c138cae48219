"""A pipeline component that turns the gateway's language detection into the `language` entity.

The gateway (channels/language.py) puts `{"language": {"lang", "switch", "hint", ...}}` into each
message's metadata. A message long and sure enough to set the conversation's language ("switch": 4+
words, labourbot/language.py) becomes the entity `language`, which fills the `language` slot; a short
telling one ("halo", "xin chào") becomes `language_hint`, which the actions use only while the
conversation has no language yet (actions/i18n.py). Button payloads (/set_language{"language": "en"})
carry their own entity. Training messages have no metadata: nothing changes for them.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from labourbot.language import LANGUAGES

EXTRACTOR = "LanguageFromMetadata"


def language_entities(metadata: Any, text: str) -> List[Dict[Text, Any]]:
    """The `language` / `language_hint` entities for one message's metadata (none when it has none)."""
    found = metadata.get("language") if isinstance(metadata, dict) else None
    if not isinstance(found, dict) or found.get("lang") not in LANGUAGES:
        return []
    if found.get("switch"):
        name = "language"
    elif found.get("hint"):
        name = "language_hint"
    else:
        return []
    return [{"entity": name, "value": found["lang"], "start": 0, "end": len(text or ""),
             "confidence_entity": float(found.get("confidence") or 0.0), "extractor": EXTRACTOR}]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageFromMetadata(GraphComponent):
    """Add the message's language (from the gateway's metadata) as an entity."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageFromMetadata":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text.startswith("/"):
                continue  # a payload: its own entities, the conversation's language
            found = language_entities(message.get("metadata"), text or "")
            if found:
                message.set(ENTITIES, (message.get(ENTITIES) or []) + found, add_to_output=True)
        return messages
