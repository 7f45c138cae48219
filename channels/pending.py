"""Staff replies for the pull channels: the web chat page polls GET /chat/api/pending, REST clients
GET /api/messages/{user}/pending. Each message is handed out once, oldest first."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from cases.service import fetch_pending

router = APIRouter(include_in_schema=True)


async def _fetch(request: Request, sender: str) -> list[dict[str, Any]]:
    runtime = getattr(request.app.state, "cases", None)
    if runtime is None or runtime.store is None:
        raise HTTPException(503, "case store not started")

    def work() -> list[dict[str, Any]]:
        with runtime.store.session() as session:
            return fetch_pending(session, sender)

    return await asyncio.to_thread(work)


def _message(item: dict[str, Any]) -> dict[str, Any]:
    return {"text": item.get("text", ""), "kind": item.get("kind", "staff_reply"), "case_id": item.get("case_id"),
            "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                        for b in item.get("buttons") or []]}


@router.get("/api/messages/{user}/pending")
async def rest_pending(request: Request, user: str = Path(min_length=1, max_length=128)) -> dict[str, Any]:
    """Messages from staff (and the closing survey) for REST user `user` that were not fetched yet."""
    return {"messages": [_message(m) for m in await _fetch(request, f"rest:{user}")]}


@router.get("/chat/api/pending")
async def web_pending(request: Request,
                      user: str = Query(pattern=r"^[A-Za-z0-9_-]{8,64}$")) -> dict[str, Any]:
    """For the web chat page's polling: messages from staff for this anonymous id (same shape as
    POST /chat/api/messages answers)."""
    return {"messages": [_message(m) for m in await _fetch(request, f"web:{user}")]}
