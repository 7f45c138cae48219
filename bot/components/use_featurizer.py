"""Dense features from the bundled multilingual Universal Sentence Encoder.

Sentence features are the embedding of the whole message; sequence features are the embeddings of
each token, so DIET gets one dense row per token as it expects. Token embeddings are cached, since
the vocabulary of a labour-law assistant is small and repeats.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from labourbot.encoders import UniversalSentenceEncoder

logger = logging.getLogger(__name__)

_BATCH = 256


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class UniversalSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds USE-m (512-d) sentence and per-token features to the TEXT attribute."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]


    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": None}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._encoder: Optional[UniversalSentenceEncoder] = None
        self._token_cache: Dict[str, np.ndarray] = {}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        """Nothing to validate: the only option is an optional model path."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UniversalSentenceFeaturizer":
        return cls(config, execution_context.node_name)

    @property
    def encoder(self) -> UniversalSentenceEncoder:
        if self._encoder is None:  # loaded on first use, not at import or graph build time
            self._encoder = UniversalSentenceEncoder(self._config.get("model_path"))
        return self._encoder

    def _token_vectors(self, tokens: List[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(tokens) if t not in self._token_cache]
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start : start + _BATCH]
            for token, vector in zip(chunk, self.encoder.encode(chunk)):
                self._token_cache[token] = vector
        return np.stack([self._token_cache[t] for t in tokens])

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        for start in range(0, len(todo), _BATCH):
            batch = todo[start : start + _BATCH]
            sentences = self.encoder.encode([m.get(TEXT) for m in batch])
            for message, sentence in zip(batch, sentences):
                tokens = [t.text for t in message.get(TOKENS_NAMES[TEXT])]
                self.add_features_to_message(
                    sequence=self._token_vectors(tokens),
                    sentence=sentence[np.newaxis, :],
                    attribute=TEXT,
                    message=message,
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
