"""A pipeline component that decides which intents the dialogue acts on (labourbot/routing.py).

It runs after the classifiers and FallbackClassifier: an explicit request for a person or for a
calculation wins over the predicted intent, tools and dialogue acts keep their intent only for the
messages they are for, and every other message becomes `nlu_fallback`, which the rules answer from the
knowledge base. The classifier's own choice is kept in the intent as `predicted`, for the logs and the
benchmark. Button payloads ("/kb_entry{...}") are left alone: Rasa sets their intent itself.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from labourbot.routing import route


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentRouter(GraphComponent):
    """Re-route the predicted intent by the message's own words (explicit requests, questions)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentRouter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = message.get(INTENT) or {}
            if not isinstance(text, str) or text.startswith("/") or not intent.get("name"):
                continue
            decided = route(text, intent["name"], float(intent.get("confidence") or 0.0))
            if decided.intent != intent["name"]:
                message.set(INTENT, {"name": decided.intent, "confidence": 1.0,
                                     "predicted": intent["name"], "reason": decided.reason},
                            add_to_output=True)
        return messages
