"""The gateway's answer to a message with danger words (built without Rasa, so it always goes out)."""

from __future__ import annotations

from typing import Optional

from cases import texts
from channels.replies import BotReply, OutMessage


def danger_reply(case_id: Optional[int]) -> BotReply:
    """The emergency numbers, then what happens next (the case number when it was written)."""
    follow = texts.EMERGENCY_CASE.format(case_id=case_id) if case_id else texts.EMERGENCY_NO_CASE
    return BotReply(
        messages=[
            OutMessage(text=texts.EMERGENCY, kind="emergency", meta={"kind": "emergency"}),
            OutMessage(text=follow, kind="handoff",
                       meta={"kind": "handoff", "handoff": True, "case_id": case_id, "priority": "high"}),
        ],
        intent="",
        handoff=True,
    )
