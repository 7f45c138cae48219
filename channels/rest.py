"""The JSON REST channel used by the CLI, tests and integrations: POST /api/messages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator

from channels.conversation import Incoming
from channels.limits import request_address

router = APIRouter()

# The id becomes part of Rasa URLs and of the case store's sender: letters, digits and _ . : @ - only,
# and never "..", so that no id can be read as a path (rest:/../line:U.../tracker).
USER_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}$"


class MessageIn(BaseModel):
    user: str = Field(pattern=USER_PATTERN, description="Conversation id chosen by the caller")
    text: str = Field(max_length=100_000)

    @field_validator("user")
    @classmethod
    def _no_dot_dot(cls, value: str) -> str:
        if ".." in value:
            raise ValueError("the id may not contain '..'")
        return value


@router.post("/api/messages")
async def post_message(body: MessageIn, request: Request) -> dict:
    """Send one message as `user`; the answer has the `labourbot ask --json` fields plus `messages`."""
    service = request.app.state.conversations
    reply = await service.handle(
        Incoming(channel="rest", user_id=body.user, text=body.text, address=request_address(request))
    )
    return reply.to_json()
