"""The topic vocabulary shared by NLU intents, knowledge entries, the gateway and the CLI."""

from __future__ import annotations

from typing import Final

TOPICS: Final[tuple[str, ...]] = (
    "wages",
    "overtime",
    "working_hours",
    "leave",
    "annual_leave",
    "termination_severance",
    "retirement_pension",
    "occupational_injury",
    "discrimination_gender",
    "sexual_harassment",
    "job_scam",
    "dispute_mediation",
    "part_time_students",
    "foreign_workers",
    "job_search",
    "insurance",
    "labour_relations",
    "other",
)

TOPIC_LABELS: Final[dict[str, str]] = {
    "wages": "工資與最低工資",
    "overtime": "加班與加班費",
    "working_hours": "工時與例假休息日",
    "leave": "請假",
    "annual_leave": "特別休假",
    "termination_severance": "資遣、解僱與離職",
    "retirement_pension": "退休與勞退",
    "occupational_injury": "職業災害",
    "discrimination_gender": "就業歧視與性別平等",
    "sexual_harassment": "職場性騷擾",
    "job_scam": "求職防騙",
    "dispute_mediation": "勞資爭議調解",
    "part_time_students": "兼職與學生打工",
    "foreign_workers": "移工權益",
    "job_search": "求職與就業服務",
    "insurance": "勞保、就保與健保",
    "labour_relations": "工會與勞資關係",
    "other": "其他與勞工局服務",
}

_INTENT_TOPIC: Final[dict[str, str]] = {f"ask_{t}": t for t in TOPICS if t != "other"} | {
    "check_job_scam": "job_scam",
    "search_job": "job_search",
    "start_quiz": "part_time_students",
}


def topic_for_intent(intent: str | None) -> str:
    """The topic an intent belongs to; 'other' for greetings, chit-chat and unknown intents."""
    return _INTENT_TOPIC.get(intent or "", "other")
