"""Staff replies for the pull channels: the web chat page polls GET /chat/api/pending, REST clients
GET /api/messages/{user}/pending.

Polling with a cursor: `after` is the id of the last message the client showed. Messages up to it are
acknowledged; later ones are returned, oldest first, each with its `id`, on every poll until a later
cursor acknowledges them, so a response lost on a phone's network loses nothing. Without `after`: all
messages not acknowledged yet, and nothing is acknowledged. Messages expire after 7 days
(cases.service.fetch_pending)."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Path, Query, Request

from cases.service import fetch_pending
from channels.webchat.routes import CHAT_ID, ID_PATTERN

router = APIRouter(include_in_schema=True)

MAX_ID = 2**31 - 1  # ids are 32-bit integers
AFTER = Query(None, ge=0, le=MAX_ID, description="id of the last message shown (it and older are acknowledged)")


async def _fetch(request: Request, sender: str, after: Optional[int]) -> list[dict[str, Any]]:
    runtime = getattr(request.app.state, "cases", None)
    if runtime is None or runtime.store is None:
        raise HTTPException(503, "case store not started")

    def work() -> list[dict[str, Any]]:
        with runtime.store.session() as session:
            return fetch_pending(session, sender, after)

    return await asyncio.to_thread(work)


def _message(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": item["id"], "text": item.get("text", ""), "kind": item.get("kind", "staff_reply"),
            "case_id": item.get("case_id"),
            "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                        for b in item.get("buttons") or []]}


@router.get("/api/messages/{user}/pending")
async def rest_pending(request: Request, user: str = Path(min_length=1, max_length=128),
                       after: Optional[int] = AFTER) -> dict[str, Any]:
    """Messages from staff (and the closing survey) for REST user `user` after the cursor `after`."""
    return {"messages": [_message(m) for m in await _fetch(request, f"rest:{user}", after)]}


@router.get("/chat/api/pending")
async def web_pending(request: Request, chat_id: Optional[str] = CHAT_ID,
                      user: Optional[str] = Query(None, pattern=ID_PATTERN, deprecated=True),
                      after: Optional[int] = AFTER) -> dict[str, Any]:
    """For the web chat page's polling: messages from staff for the anonymous id in X-Chat-Id after the
    cursor `after` (same shape as POST /chat/api/messages answers, plus each message's id). The id in
    the query (`user`) is read for one release when the header is absent (tests still send it there)."""
    web_user = chat_id or user
    if web_user is None:
        raise HTTPException(422, "the X-Chat-Id header is missing")
    return {"messages": [_message(m) for m in await _fetch(request, f"web:{web_user}", after)]}
