"""The JSON REST channel used by the CLI, tests and integrations: POST /api/messages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from channels.conversation import Incoming

router = APIRouter()


class MessageIn(BaseModel):
    user: str = Field(min_length=1, max_length=128, description="Conversation id chosen by the caller")
    text: str = Field(max_length=100_000)


@router.post("/api/messages")
async def post_message(body: MessageIn, request: Request) -> dict:
    """Send one message as `user`; the answer has the `labourbot ask --json` fields plus `messages`."""
    service = request.app.state.conversations
    reply = await service.handle(Incoming(channel="rest", user_id=body.user, text=body.text))
    return reply.to_json()
