"""A pipeline component that normalises message text before tokenisation.

Simplified input is mapped to Taiwan Traditional and full-width ASCII to half-width, so that the
tokenizer, the lookup tables and the classifiers see one script. The mapping keeps the text length,
so entity offsets in the training data stay valid.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from labourbot.textnorm import normalize_same_length


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ChineseTextNormalizer(GraphComponent):
    """OpenCC Simplified -> Taiwan Traditional, full-width -> half-width, control chars removed."""

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
    ) -> "ChineseTextNormalizer":
        return cls()


    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and text:
                message.set(TEXT, normalize_same_length(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            original = example.get(TEXT)
            self.process([example])
            self._normalise_entity_values(example, original)
        return training_data

    @staticmethod
    def _normalise_entity_values(example: Message, original: Any) -> None:
        """Keep annotated values in step with the normalised text.

        An annotation whose value is its own span ("三年两个月") would otherwise no longer match
        the normalised span ("三年兩個月"), and EntitySynonymMapper would learn a synonym that
        turns every Traditional mention back into Simplified.
        """
        if not isinstance(original, str):
            return
        text = example.get(TEXT)
        for entity in example.get(ENTITIES) or []:
            start, end = entity.get("start"), entity.get("end")
            if start is None or end is None:
                continue
            if entity.get("value") == original[start:end]:
                entity["value"] = text[start:end]
