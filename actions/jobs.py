"""Job search, scam checks and the campus quiz (conversation entry points)."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.kb_client import knowledge_base
from actions.knowledge import answer_with_entry, not_sure
from actions.replies import human_button, say


class ActionCheckJobScam(Action):
    """Answer a suspicious offer with the closest job-scam guidance."""

    def name(self) -> Text:
        return "action_check_job_scam"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        kb = knowledge_base()
        hits = [h for h in (kb.search(text, k=8, kinds=("entry",)) if kb else []) if h.topic == "job_scam"]
        if hits:
            return answer_with_entry(dispatcher, kb.entry(hits[0].id))
        return not_sure(dispatcher, "job_scam", [])


class ActionSearchJobs(Action):
    def name(self) -> Text:
        return "action_search_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        district = next(tracker.get_latest_entity_values("district"), None)
        where = f"{district}的" if district else ""
        say(
            dispatcher,
            f"職缺查詢功能還在建置中，暫時無法列出{where}職缺。您可以到公立就業服務機構（臺南市各就業服務站）"
            "或台灣就業通網站查詢，也可以輸入「找真人」請同仁協助。",
            buttons=[human_button()],
            topic="job_search",
            kind="holding",
        )
        return []


class ActionStartQuiz(Action):
    def name(self) -> Text:
        return "action_start_quiz"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        say(
            dispatcher,
            "校園測驗功能還在建置中。現在可以先問我打工、求職防騙或最低工資的問題喔！",
            topic="part_time_students",
            kind="holding",
        )
        return []
