"""A REST input channel that answers with the bot's messages and the intent of the user's message.

POST /webhooks/rest_parse/webhook {"sender", "message", "metadata"} ->
{"messages": [...as the rest channel...], "intent": {"name", "confidence"}}.

The message is parsed once, here, and handed to Rasa's processor with that parse (so the NLU pipeline
does not run twice); the gateway then needs no second call (GET /conversations/{id}/tracker) to learn
the intent, which loads the whole conversation from the tracker store. Runs in .venv-rasa; registered
in credentials.yml as `bot.rest_parse.RestParseInput`.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


class RestParseInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest_parse"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """GET / (health) and POST /webhook."""
        webhook = Blueprint("rest_parse_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender_id, input_channel=self.name(),
                                  metadata=self.get_metadata(request))
            intent: Dict[Text, Any] = {}
            agent = getattr(request.app.ctx, "agent", None)
            processor = getattr(agent, "processor", None)
            if processor is not None:
                parse = await processor.parse_message(message)
                message.parse_data = parse
                intent = parse.get("intent") or {}
            await on_new_message(message)
            return response.json({
                "messages": collector.messages,
                "intent": {"name": intent.get("name") or "", "confidence": float(intent.get("confidence") or 0.0)},
            })

        return webhook
