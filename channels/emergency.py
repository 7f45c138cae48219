"""The gateway's answer to a message with danger words (built without Rasa, so it always goes out).

In another language (channels/labels.py `message_language`) the Chinese numbers and text stay first —
whoever helps the person reads them too — and the same in the person's language follows.
"""

from __future__ import annotations

from typing import Optional

from cases.texts import RETENTION_DAYS
from channels.labels import label
from channels.replies import BotReply, OutMessage

EMERGENCY = label("emergency", "zh")
EMERGENCY_CASE = label("emergency_case", "zh").replace("{days}", str(RETENTION_DAYS))
EMERGENCY_NO_CASE = label("emergency_no_case", "zh")


def _both(key: str, lang: Optional[str], **values: object) -> str:
    """The Chinese text, and under it the same in `lang` when that is not Chinese."""
    chinese = label(key, "zh", **values)
    if lang in (None, "zh"):
        return chinese
    return chinese + "\n\n" + label(key, lang, **values)


def danger_reply(case_id: Optional[int], lang: Optional[str] = None) -> BotReply:
    """The emergency numbers, then what happens next (the case number when it was written); in Chinese,
    and also in `lang` when the person writes another language."""
    if case_id:
        follow = _both("emergency_case", lang, case_id=case_id, days=RETENTION_DAYS)
    else:
        follow = _both("emergency_no_case", lang)
    meta = {"kind": "emergency"}
    if lang not in (None, "zh"):
        meta["language"] = str(lang)
    return BotReply(
        messages=[
            OutMessage(text=_both("emergency", lang), kind="emergency", meta=meta),
            OutMessage(text=follow, kind="handoff",
                       meta={"kind": "handoff", "handoff": True, "case_id": case_id, "priority": "high"}),
        ],
        intent="",
        handoff=True,
    )
