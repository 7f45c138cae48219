"""The gateway's answer to a message with danger words (built without Rasa, so it always goes out)."""

from __future__ import annotations

from typing import Optional

from cases.texts import RETENTION_DAYS
from channels.replies import BotReply, OutMessage

EMERGENCY = (
    "您的安全最重要。如果現在有危險，請立刻撥打：\n"
    "・110 報案（警察）\n"
    "・119 救護、消防\n"
    "・113 保護專線（家庭暴力、性侵害、性騷擾）\n"
    "・1925 安心專線（24 小時心理支持）\n"
    "・1955 勞工諮詢專線（24 小時、免付費）"
)
EMERGENCY_CASE = (
    "我已經把您的訊息優先轉給勞工局同仁（案件編號 #{case_id}），同仁會在這個對話和您聯絡。"
    f"這段對話會保存 {RETENTION_DAYS} 天，只有負責的同仁看得到，用來協助您。"
)
EMERGENCY_NO_CASE = "勞工局同仁會盡快協助您；如果情況緊急，請不要等待，立刻撥打上面的電話。"


def danger_reply(case_id: Optional[int]) -> BotReply:
    """The emergency numbers, then what happens next (the case number when it was written)."""
    follow = EMERGENCY_CASE.format(case_id=case_id) if case_id else EMERGENCY_NO_CASE
    return BotReply(
        messages=[
            OutMessage(text=EMERGENCY, kind="emergency", meta={"kind": "emergency"}),
            OutMessage(text=follow, kind="handoff",
                       meta={"kind": "handoff", "handoff": True, "case_id": case_id, "priority": "high"}),
        ],
        intent="",
        handoff=True,
    )
