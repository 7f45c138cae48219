"""Job listings and the job-scam checker in conversation (the libraries are jobs/ and scam/).

search_job ("幫我找永康區的兼職") and the 看更多 button (/more_jobs{"page": 2}) both run
action_search_jobs; the criteria of the last search are kept in the slot job_criteria.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime
from typing import Any, Dict, List, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import button, human_button, say
from actions.settings import action_settings
from labourbot.buttons import choose_topic

logger = logging.getLogger(__name__)

TAIPEI = ZoneInfo("Asia/Taipei")
RISK_HEADLINES = {"high": "🔴 詐騙風險：高", "medium": "🟠 詐騙風險：中", "low": "🟢 詐騙風險：低"}
SCAM_TIPS_BUTTON = button("求職防騙須知", choose_topic("job_scam"))
# The scam check runs in a thread with this budget (its patterns are linear: tests/unit/test_regex_safety.py;
# the budget is the net under them). A thread cannot be stopped: over budget, the user is answered at once.
SCAM_CHECK_BUDGET_S = 3.0
SCAM_CHECK_TOO_LONG = ("這段文字太長，我沒辦法一次看完 🙏 請只貼上徵才廣告或對方訊息的重點（薪水、工作內容、"
                       "要您做的事，例如繳錢、給存摺或加 LINE），我再幫您看；也可以點「找真人」。")


def _entities(tracker: Tracker) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("value") is not None:
            out.setdefault(str(entity.get("entity")), []).append(str(entity["value"]))
    return out


def _job_lines(jobs: List[Any], first: int) -> str:
    lines = []
    for n, job in enumerate(jobs, first):
        details = "｜".join(p for p in (job.district or job.city, job.wage_text(), job.nature_text, job.hours) if p)
        contact = " ".join(p for p in (job.contact, job.phone) if p)
        lines.append(f"{n}. {job.title}｜{job.company}\n   {details}\n   "
                     + (f"聯絡：{contact}｜" if contact else "") + f"更新 {job.updated.isoformat()}")
    return "\n".join(lines)


def job_list_reply(result: Any, criteria: Any, note: str = "") -> tuple[str, Dict[str, Any], List[Dict[str, str]]]:
    """(text, meta, buttons) of one page of results: text lines for web/CLI, meta["jobs"] for carousels."""
    described = criteria.describe()
    first = (result.page - 1) * result.page_size + 1
    last = first + len(result.jobs) - 1
    lead = (f"{note}" if note else "") + (
        f"找到 {result.total} 筆{('「' + described + '」') if described else '最新'}職缺，這是第 {first}–{last} 筆：")
    text = lead + "\n" + _job_lines(result.jobs, first) + (
        "\n\n提醒：應徵前先查證公司；要求先付錢、交存摺或證件的，都是詐騙。")
    buttons = []
    if result.has_more:
        buttons.append(button("看更多", "/more_jobs" + json.dumps({"page": result.page + 1})))
    buttons += [SCAM_TIPS_BUTTON, human_button()]
    meta = {"jobs": [job.card() for job in result.jobs], "page": result.page, "pages": result.pages,
            "total": result.total, "lead": lead}
    return text, meta, buttons


class ActionSearchJobs(Action):
    """List current job listings matching the message (or the next page of the last search)."""

    def name(self) -> Text:
        return "action_search_jobs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        from jobs import search_jobs
        from jobs.criteria import Criteria, criteria_from_message
        from jobs.store import open_store

        intent = (tracker.latest_message.get("intent") or {}).get("name")
        entities = _entities(tracker)
        if intent == "more_jobs":
            criteria = Criteria.from_slot(tracker.get_slot("job_criteria"))
            try:
                page = max(1, int(float((entities.get("page") or ["2"])[0])))
            except ValueError:
                page = 2
        else:
            criteria = criteria_from_message(tracker.latest_message.get("text") or "", entities)
            page = 1
        settings = action_settings().jobs
        today = datetime.now(TAIPEI).date()

        def run(c: Any, p: int) -> Any:
            return search_jobs(c.keyword, district=c.district, nature=c.nature, min_salary=c.min_amount,
                               salary_period=c.period, page=p, page_size=settings.jobs_page_size, today=today,
                               store=open_store(settings))

        try:
            result = run(criteria, page)
            note = ""
            if result.total == 0 and criteria.keyword and page == 1:
                dropped = criteria.keyword
                criteria.keyword = ""
                result = run(criteria, page)
                note = f"沒有找到和「{dropped}」有關的職缺，改列出其他條件相同的職缺。\n"
        except Exception:  # the database is unreachable: say so instead of failing the turn
            logger.exception("job search failed")
            say(dispatcher, "抱歉，職缺資料暫時無法查詢。您可以到臺南市各就業服務站或台灣就業通網站查詢，"
                "也可以輸入「找真人」請同仁協助。", buttons=[human_button()], topic="job_search", kind="holding")
            return []
        events = [SlotSet("job_criteria", criteria.to_slot()), SlotSet("topic", "job_search")]
        if not result.jobs:
            described = criteria.describe()
            say(dispatcher,
                f"目前沒有找到{('「' + described + '」的') if described else ''}職缺。可以換個地區或條件再找一次，"
                "或到臺南市各就業服務站、台灣就業通網站查詢。",
                buttons=[SCAM_TIPS_BUTTON, human_button()], topic="job_search", kind="job_list",
                jobs=[], page=page, pages=result.pages, total=result.total)
            return events
        text, meta, buttons = job_list_reply(result, criteria, note)
        say(dispatcher, text, buttons=buttons, topic="job_search", kind="job_list", **meta)
        return events


class ActionCheckJobScam(Action):
    """Check the pasted ad or described offer for job-scam signals and answer with the risk and advice."""

    def name(self) -> Text:
        return "action_check_job_scam"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        from actions.knowledge import answer_question
        from labourbot.textnorm import normalize
        from scam import check_text, describes_job_offer

        text = tracker.latest_message.get("text") or ""

        def assess() -> Any:
            """None for a question about the law or one's own job (no verdict), else the report."""
            if len(normalize(text)) >= 12 and not describes_job_offer(text):
                return None
            return check_text(text)

        try:  # off the action server's event loop, within a budget: other users' answers never wait on it
            report = await asyncio.wait_for(asyncio.to_thread(assess), timeout=SCAM_CHECK_BUDGET_S)
        except asyncio.TimeoutError:
            logger.warning("scam check over its %.1f s budget (%d characters)", SCAM_CHECK_BUDGET_S, len(text))
            say(dispatcher, SCAM_CHECK_TOO_LONG, buttons=[SCAM_TIPS_BUTTON, human_button()], topic="job_scam",
                kind="scam_check_prompt")
            return [SlotSet("topic", "job_scam")]
        if report is None:
            return answer_question(dispatcher, text, "job_scam")
        if not report.signals and len(normalize(text)) < 12:
            say(dispatcher, "請把徵才廣告、對方傳的訊息，或您遇到的情況貼上來，我幫您看看有沒有詐騙的警訊。"
                "例如：「在家打字日領3000，要先加LINE並提供存摺」。",
                buttons=[SCAM_TIPS_BUTTON, human_button()], topic="job_scam", kind="scam_check_prompt")
            return [SlotSet("topic", "job_scam")]
        lines = [RISK_HEADLINES[report.risk]]
        if report.signals:
            lines.append("看到的警訊：")
            lines += [f"・{signal.label}：「{signal.evidence}」" for signal in report.signals]
        lines += ["", report.advice]
        if report.citations:
            lines += ["", "依據：" + "、".join(report.citations)]
        say(dispatcher, "\n".join(lines), buttons=[SCAM_TIPS_BUTTON, human_button()], topic="job_scam",
            citations=report.citations, kind="scam_check", title="求職防騙檢查", risk=report.risk,
            signals=[s.to_dict() for s in report.signals])
        return [SlotSet("topic", "job_scam"), SlotSet("last_citations", list(report.citations))]
