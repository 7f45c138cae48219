"""Routes of the web chat. The page is static (no templating of user data on the server); the script
writes every text with textContent, so nothing a user or the bot says is ever parsed as HTML.

The page's anonymous id travels in the `X-Chat-Id` header, never in a URL (URLs end up in proxy and
access logs, and the page polls every 5 s). The id in the JSON body is still read, for one release, when
the header is absent: the API tests and bench/burst.py send it there."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Header, HTTPException, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from channels.conversation import Incoming
from channels.canned import card_body
from channels.labels import reply_language, web_labels
from channels.limits import request_address
from channels.replies import BotReply
from channels.settings import ChannelSettings

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
CHANNEL = "web"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter()


ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"  # the page's anonymous id (chat.js ID_PATTERN)
CHAT_ID = Header(None, alias="X-Chat-Id", pattern=ID_PATTERN, description="The page's anonymous id")


class WebMessageIn(BaseModel):
    user: str | None = Field(None, pattern=ID_PATTERN, description="Old place of the id (read one release)")
    text: str = Field(max_length=5000)


def to_web(reply: BotReply) -> dict[str, Any]:
    """What the page shows: each message's text (without the 依據 line when citations are listed),
    its title, citations and buttons."""
    lang = reply_language(reply)
    return {
        "messages": [
            {
                "text": card_body(m.text, m.citations, m.title, lang) if m.kind == "kb_answer" else m.text,
                "kind": m.kind,
                "title": m.title,
                "citations": m.citations,
                "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons],
            }
            for m in reply.messages
        ],
        "topic": reply.topic,
        "handoff": reply.handoff,
        # The page's own texts (法源依據, 送出…) in the reply's language (channels/labels.py).
        "language": lang,
        "labels": web_labels(lang),
    }


@router.get("/chat", include_in_schema=False)
async def chat_page() -> Response:
    """The chat page (zh-TW, mobile first)."""
    return FileResponse(
        STATIC / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.post("/chat/api/messages")
async def post_web_message(body: WebMessageIn, request: Request,
                           chat_id: str | None = CHAT_ID) -> dict[str, Any]:
    """One message from the page; the answer's messages with their buttons and citations."""
    user = chat_id or body.user
    if user is None:
        raise HTTPException(422, "the X-Chat-Id header is missing")
    reply = await request.app.state.conversations.handle(
        Incoming(channel=CHANNEL, user_id=user, text=body.text, address=request_address(request))
    )
    return to_web(reply)


def setup(app: FastAPI, settings: ChannelSettings | None = None) -> None:
    """Mount the page, its static files and its API (no secrets needed)."""
    app.include_router(router)
    app.mount("/chat/static", StaticFiles(directory=STATIC), name="webchat-static")
    logger.info("web chat on: GET /chat")
    return None
