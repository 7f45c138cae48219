"""The mediation application in the conversation (勞資爭議調解申請, docs/mediation.md).

action_start_mediation (intent apply_mediation) clears the form's slots, remembers a severance or
overtime amount the worker has just calculated, and starts mediation_form: consent to the personal-data
notice first (nothing is kept without it), then the applicant, the employer, the disputes, the facts,
the amounts (the calculated ones offered), the way of mediating, and a summary to confirm or edit.
action_submit_mediation files it as a case of kind mediation (cases/mediation.py) and tells the worker
the case number, what happens next and where, with a link to the filled application (PDF).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import consent_answer
from actions.replies import button, human_button, say
from actions.settings import action_settings
from cases import texts
from cases.mediation import (
    DISPUTES,
    DOCUMENTS,
    MAX_FACTS,
    MAX_FIELD,
    METHOD_CITATION,
    METHODS,
    WHERE_CITATION,
    Application,
    Claim,
    money,
    next_steps_text,
    summary_text,
    valid_phone,
)
from labourbot.bureau import BUREAU
from labourbot.parsing.amounts import parse_amount
from labourbot.textnorm import normalize

logger = logging.getLogger(__name__)

FORM = "mediation_form"
SLOTS = ("med_consent", "med_name", "med_phone", "med_address", "med_employer", "med_employer_address",
         "med_employer_rep", "med_disputes", "med_other", "med_facts", "med_claims", "med_method",
         "med_confirm")
CUSTOM_SLOTS = ("med_calc", "med_cancelled")
SKIP = "skip"
CONFIRM, CANCEL = "確認送出", "取消申請"
# 「修改…」 buttons of the summary: which answers are asked again.
EDITS: dict[str, tuple[str, ...]] = {
    "修改申請人": ("med_name", "med_phone", "med_address"),
    "修改雇主": ("med_employer", "med_employer_address", "med_employer_rep"),
    "修改爭議類型": ("med_disputes", "med_other", "med_claims"),
    "修改事實": ("med_facts",),
    "修改金額": ("med_claims",),
    "修改調解方式": ("med_method",),
}
CALCULATED = {"severance": "severance", "overtime": "overtime"}  # calc_type -> dispute code
_CANCEL = re.compile(r"^(?:取消(?:申請|調解)?|不(?:要)?申請了?|算了|不用了)$")  # the whole answer: facts may say 取消
_SKIP = re.compile(r"^(?:略過|跳過|沒有|不知道|不清楚|無|免|不用|skip)$|調解時(?:再)?(?:說|講|談)")
# Looked for in this order, each found word taken out of the text: 「特休未休工資」 is not also 積欠工資.
_DISPUTE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("annual_leave", ("特休未休工資", "特休", "特別休假", "年假")),
    ("injury", ("職災補償", "職災", "工傷", "受傷")),
    ("dismissal", ("解僱爭議", "解僱", "解雇", "開除", "被辭退", "復職")),
    ("overtime", ("加班",)),
    ("severance", ("資遣",)),
    ("wage_arrears", ("積欠工資", "欠薪", "薪水", "工資", "薪資")),
    ("other", ("其他",)),
)
_NUMBERS = re.compile(r"(?<![\d萬千])([1-7])(?![\d萬千元])")
# digits (「48,750」「6萬4」「35k」), or Chinese numerals with a unit word (「三萬五」, not the 一 of 「一下」)
# (bounded runs of numerals: an unbounded run before a required unit word is quadratic on a long run)
_AMOUNT = re.compile(r"\d[\d,]{0,15}(?:\.\d+)?\s?[萬千kK]?\s?\d{0,4}"
                     r"|[一二三四五六七八九兩零〇]{0,4}[十百千萬][一二三四五六七八九十兩零〇百千萬]{0,12}")


# ---- reading answers (pure) --------------------------------------------------------------------------


def disputes_answer(text: str) -> Optional[list[str]]:
    """Dispute codes from 「欠薪、資遣費」 or 「1 3」 (the numbers of the list); None when none is named."""
    clean = normalize(text or "")
    found = set()
    for code, words in _DISPUTE_WORDS:
        for word in words:
            if word in clean:
                found.add(code)
                clean = clean.replace(word, " ")
    codes = list(DISPUTES)
    found |= {codes[int(n) - 1] for n in _NUMBERS.findall(clean)}
    return [code for code in codes if code in found] or None


def claims_answer(text: str, disputes: list[str], calc: dict[str, int]) -> Optional[list[dict[str, Any]]]:
    """Amounts from 「資遣費 48750，欠薪6萬4」 (one amount alone goes to the only dispute chosen), the
    calculated amount of a 「用試算的…」 button, or [] for 略過. None when not understood."""
    clean = normalize(text or "").strip()
    if _SKIP.search(clean.replace(" ", "")):
        return []
    claims: dict[str, dict[str, Any]] = {}
    if clean.startswith("用試算"):
        for calc_type, code in CALCULATED.items():
            if calc_type in calc and DISPUTES[code] in clean:
                claims[code] = {"item": code, "amount": int(calc[calc_type]), "source": "calculator"}
    for piece in re.split(r"[、，,;；\n]|\s{2,}|以及|還有|和", clean):
        if not piece.strip() or piece.startswith("用試算"):
            continue
        amount = _amount_in(piece)
        if amount is None:
            continue
        named = disputes_answer(re.sub(r"\d", "", piece)) or []
        code = named[0] if named else (disputes[0] if len(disputes) == 1 else None)
        if code is None:
            return None  # an amount for which dispute? ask again
        claims[code] = {"item": code, "amount": amount, "source": "user"}
    return list(claims.values()) or None


def _amount_in(piece: str) -> Optional[int]:
    for match in _AMOUNT.finditer(piece):
        try:
            value = parse_amount(match.group(0).strip())
        except ValueError:
            continue
        if 0 < value <= 100_000_000:
            return int(value)
    return None


def method_answer(text: str) -> Optional[str]:
    clean = normalize(text or "")
    if "委員會" in clean or "委員" in clean:
        return "committee"
    if "調解人" in clean or "指派" in clean or clean.strip() in ("1", "一"):
        return "mediator"
    if clean.strip() in ("2", "二"):
        return "committee"
    return None


def calculated_amounts(events: List[Dict[str, Any]]) -> dict[str, int]:
    """Severance / overtime results the bot has said in this conversation (the latest of each), read from
    the meta block of action_calc_result's messages."""
    found: dict[str, int] = {}
    for event in reversed(events):
        if event.get("event") != "bot":
            continue
        meta = ((event.get("data") or {}).get("custom") or {}).get("meta") or {}
        kind = meta.get("calc_type")
        if meta.get("kind") == "calc_result" and kind in CALCULATED and kind not in found:
            try:
                found[kind] = int(meta["result"])
            except (KeyError, TypeError, ValueError):
                continue
    return found


def application_from_slots(slots: Dict[str, Any], consent_at: Optional[str] = None) -> Application:
    def text(name: str) -> str:
        value = slots.get(name)
        return "" if value in (None, SKIP) else str(value)

    claims = [Claim(str(c["item"]), int(c["amount"]), str(c.get("source", "user")))
              for c in slots.get("med_claims") or [] if isinstance(c, dict)]
    return Application(
        applicant_name=text("med_name"), applicant_phone=text("med_phone"),
        applicant_address=text("med_address"),
        employer_name=text("med_employer"), employer_address=text("med_employer_address"),
        employer_representative=text("med_employer_rep"), disputes=list(slots.get("med_disputes") or []),
        other_dispute=text("med_other"), facts=text("med_facts"), claims=claims,
        method=text("med_method") or "mediator", consent_at=consent_at,
    )


# ---- actions ---------------------------------------------------------------------------------------------


_QUESTION = re.compile(r"嗎|怎麼|怎樣|如何|哪裡|哪邊|多久|什麼|是否|可不可以|能不能|要不要|[?？]")
START_PAYLOAD = "/apply_mediation"


def asks_about_mediation(text: str) -> bool:
    """「可以線上申請調解嗎」「要怎麼申請調解」 ask how it works (answered, with the form offered); 「我要申請調解」
    asks to start. A button's payload (/apply_mediation) always starts."""
    return not text.startswith("/") and bool(_QUESTION.search(normalize(text)))


class ActionStartMediation(Action):
    def name(self) -> Text:
        return "action_start_mediation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        if asks_about_mediation(text):
            from actions.knowledge import answer_question

            events = answer_question(dispatcher, text, "dispute_mediation")
            say(dispatcher, "想直接在這裡填「勞資爭議調解申請書」的話，請按「線上申請調解」。",
                buttons=[button("線上申請調解", START_PAYLOAD)], kind="mediation_offer", topic="dispute_mediation")
            return events
        calc = calculated_amounts(tracker.events)
        say(dispatcher,
            "我來協助您填「勞資爭議調解申請書」，大約 10 個問題，隨時可以輸入「取消」。\n"
            f"調解申請要向您「工作地點」所在的縣市政府提出（{WHERE_CITATION}）；"
            f"這裡送出的申請由{BUREAU.name}受理，工作地點不在臺南市的話，請改向當地政府申請。",
            kind="mediation_intro", citations=[WHERE_CITATION], topic="dispute_mediation")
        return ([SlotSet(slot, None) for slot in SLOTS]
                + [SlotSet("med_calc", calc or None), SlotSet("med_cancelled", None), FollowupAction(FORM)])


def _ask(dispatcher: CollectingDispatcher, text: str, kind: str, buttons: List[Dict[str, str]] = ()) -> None:
    say(dispatcher, text, buttons=list(buttons) + [button("取消", CANCEL)], kind=kind, form=FORM)


class ActionAskMedConsent(Action):
    def name(self) -> Text:
        return "action_ask_med_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        again = tracker.get_slot("requested_slot") == "med_consent"
        text = ((texts.ASK_CONSENT_AGAIN + "\n\n" if again else "")
                + "【個人資料告知】調解申請需要您的姓名、電話、地址和雇主資料，只用於"
                + f"{BUREAU.name}處理您的勞資爭議調解，由承辦同仁查看，保存 {action_settings().cases.retention_days} 天後刪除。"
                + "同意後才會開始填寫。")
        say(dispatcher, text, buttons=[button(texts.CONSENT_YES, texts.CONSENT_YES),
                                       button(texts.CONSENT_NO, texts.CONSENT_NO)],
            kind="mediation_notice", form=FORM)
        return []


class ActionAskMedDisputes(Action):
    def name(self) -> Text:
        return "action_ask_med_disputes"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        listing = "\n".join(f"{i}. {label}" for i, label in enumerate(DISPUTES.values(), 1))
        _ask(dispatcher, f"請問爭議的是哪些事？可以複選，輸入號碼或名稱（例如「1 3」或「欠薪、資遣費」）：\n{listing}",
             "mediation_ask", [button(label, label) for label in DISPUTES.values()])
        return []


class ActionAskMedClaims(Action):
    def name(self) -> Text:
        return "action_ask_med_claims"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        calc = tracker.get_slot("med_calc") or {}
        chosen = tracker.get_slot("med_disputes") or []
        offers = [(code, int(calc[kind])) for kind, code in CALCULATED.items()
                  if kind in calc and code in chosen]
        text = "請問各項請求的金額？例如「欠薪 64000、資遣費 48750」。不確定可以按「略過」，調解時再說明。"
        buttons = [button(f"用試算的{DISPUTES[code]} {money(amount)}", f"用試算的{DISPUTES[code]}")
                   for code, amount in offers]
        if offers:
            text = ("剛才的試算結果可以直接填入："
                    + "、".join(f"{DISPUTES[c]} {money(a)}" for c, a in offers) + "。\n" + text)
        _ask(dispatcher, text, "mediation_ask", buttons + [button("略過", "略過")])
        return []


class ActionAskMedMethod(Action):
    def name(self) -> Text:
        return "action_ask_med_method"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        _ask(dispatcher, f"調解方式請選一種（{METHOD_CITATION}第1項）：\n"
                         "1. 指派調解人：由一位調解人處理，通常比較快。\n"
                         "2. 組成勞資爭議調解委員會：勞資雙方各選一位委員，加上勞工局代表。",
             "mediation_ask", [button(label, label) for label in METHODS.values()])
        return []


class ActionAskMedConfirm(Action):
    def name(self) -> Text:
        return "action_ask_med_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        app = application_from_slots({s: tracker.get_slot(s) for s in SLOTS})
        documents = "\n".join(f"☐ {doc}" for doc in DOCUMENTS)
        say(dispatcher, f"{summary_text(app)}\n\n調解時請帶：\n{documents}\n\n資料正確請按「{CONFIRM}」，"
                        "要改哪一項請按「修改…」。",
            buttons=[button(CONFIRM, CONFIRM), *(button(label, label) for label in EDITS),
                     button(CANCEL, CANCEL)],
            kind="mediation_summary", form=FORM)
        return []


class ValidateMediationForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_mediation_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """Nothing more after 不同意 or 取消; 「其他」 needs its description."""
        if tracker.get_slot("med_consent") is not True or tracker.get_slot("med_cancelled"):
            return ["med_consent"]
        slots = list(domain_slots)
        if "other" not in (tracker.get_slot("med_disputes") or []):
            slots.remove("med_other")
        return slots

    def _cancelled(self, value: Any) -> Optional[Dict[Text, Any]]:
        if isinstance(value, str) and _CANCEL.search(normalize(value).strip()):
            return {"med_cancelled": True}
        return None

    def _text(self, slot: str, value: Any, dispatcher: CollectingDispatcher, limit: int = MAX_FIELD,
              minimum: int = 2, skippable: bool = False) -> Dict[Text, Any]:
        if value is None:
            return {slot: None}
        cancel = self._cancelled(value)
        if cancel:
            return {**cancel, slot: SKIP}
        text = str(value).strip()
        if skippable and _SKIP.search(normalize(text).replace(" ", "")):
            return {slot: SKIP}
        if len(text) < minimum:
            say(dispatcher, f"這一項至少要 {minimum} 個字，請再輸入一次。", kind="reask")
            return {slot: None}
        if len(text) > limit:
            say(dispatcher, f"內容太長了（最多 {limit} 字），請精簡後再輸入。", kind="reask")
            return {slot: None}
        return {slot: text}

    def validate_med_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {"med_consent": value}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {"med_consent": consent_answer(str(value), intent)}

    def validate_med_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_name", value, dispatcher, limit=50)

    def validate_med_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {"med_phone": None}
        cancel = self._cancelled(value)
        if cancel:
            return {**cancel, "med_phone": SKIP}
        phone = normalize(str(value)).strip()
        if not valid_phone(phone):
            say(dispatcher, "電話格式看起來不對，請輸入手機或市話（例如 0912-345-678、06-2991111）。", kind="reask")
            return {"med_phone": None}
        return {"med_phone": phone}

    def validate_med_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_address", value, dispatcher, minimum=5)

    def validate_med_employer(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_employer", value, dispatcher)

    def validate_med_employer_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_employer_address", value, dispatcher, minimum=5)

    def validate_med_employer_rep(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_employer_rep", value, dispatcher, limit=50, skippable=True)

    def validate_med_disputes(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        if value is None or isinstance(value, list):
            return {"med_disputes": value}
        cancel = self._cancelled(value)
        if cancel:
            return {**cancel, "med_disputes": ["other"]}
        codes = disputes_answer(str(value))
        if codes is None:
            say(dispatcher, "沒看懂是哪一種爭議，請輸入清單上的號碼或名稱（例如「1 3」）。", kind="reask")
        return {"med_disputes": codes}

    def validate_med_other(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_other", value, dispatcher, limit=100)

    def validate_med_facts(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        return self._text("med_facts", value, dispatcher, limit=MAX_FACTS, minimum=6)

    def validate_med_claims(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        if value is None or isinstance(value, list):
            return {"med_claims": value}
        cancel = self._cancelled(value)
        if cancel:
            return {**cancel, "med_claims": []}
        claims = claims_answer(str(value), tracker.get_slot("med_disputes") or [],
                               tracker.get_slot("med_calc") or {})
        if claims is None:
            say(dispatcher, "沒看懂金額是哪一項，請寫「項目 金額」，例如「欠薪 64000、資遣費 48750」，"
                            "或按「略過」。", kind="reask")
        return {"med_claims": claims}

    def validate_med_method(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {"med_method": None}
        cancel = self._cancelled(value)
        if cancel:
            return {**cancel, "med_method": "mediator"}
        method = method_answer(str(value))
        if method is None:
            say(dispatcher, "請選「指派調解人」或「組成勞資爭議調解委員會」。", kind="reask")
        return {"med_method": method}

    def validate_med_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        if value is None:
            return {"med_confirm": None}
        clean = normalize(str(value)).strip()
        edit = next((label for label in EDITS if normalize(label) == clean), None)
        if edit is not None:
            return {"med_confirm": None, **{slot: None for slot in EDITS[edit]}}
        if _CANCEL.search(clean):
            return {"med_cancelled": True, "med_confirm": "no"}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if "確認" in clean or "送出" in clean or consent_answer(clean, intent) is True:
            return {"med_confirm": "yes"}
        say(dispatcher, f"請按「{CONFIRM}」送出，或按「修改…」改資料。", kind="reask")
        return {"med_confirm": None}


def _store() -> Any:
    from cases.db import shared_store
    from cases.masking import install_log_filter

    install_log_filter()
    return shared_store(action_settings().cases)


def _submit(sender: str, app: Application) -> tuple[int, bool]:
    from cases.mediation import submit

    with _store().session() as session:
        case, created = submit(session, sender, app)
        return case.id, created


def pdf_link(case_id: int, sender: str) -> Optional[str]:
    """The worker's link to the filled application, or None when the gateway's address or the signing
    secret is not configured (channels/console/mediation.py checks the signature)."""
    from cases.mediation import pdf_token

    settings = action_settings().cases
    key = settings.console_key()
    if key is None or not settings.public_url:
        return None
    secret = key.secret
    return f"{settings.public_url.rstrip('/')}/mediation/{case_id}.pdf?t={pdf_token(secret, case_id, sender)}"


class ActionSubmitMediation(Action):
    """After the form: file the application (or say that nothing was kept)."""

    def name(self) -> Text:
        return "action_submit_mediation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        reset = [SlotSet(slot, None) for slot in SLOTS + CUSTOM_SLOTS]
        slots = {s: tracker.get_slot(s) for s in SLOTS}
        filed = slots["med_consent"] is True and slots["med_confirm"] == "yes"
        if not filed or tracker.get_slot("med_cancelled"):
            say(dispatcher, "好的，調解申請已取消，剛才填的資料不會保存。需要時再說「我要申請調解」就可以重新開始。",
                kind="mediation_cancelled")
            return reset
        app = application_from_slots(slots, datetime.now(timezone.utc).isoformat(timespec="seconds"))
        try:
            case_id, created = await asyncio.to_thread(_submit, tracker.sender_id, app)
        except Exception as exc:
            logger.error("mediation: application could not be filed (%s)", type(exc).__name__, exc_info=exc)
            say(dispatcher, "抱歉，申請暫時無法送出（系統忙碌）。請稍後再說「我要申請調解」，或找真人協助。",
                buttons=[human_button()], kind="mediation_failed")
            return reset
        logger.info("mediation: case #%s %s", case_id, "filed" if created else "already open, added to it")
        if not created:
            say(dispatcher, f"您已經有一件調解申請（案件 #{case_id}）在處理中，這次填的內容已補充到同一件，"
                            "同仁會一併確認。", kind="mediation_filed", case_id=case_id)
            return reset
        text = next_steps_text(case_id)
        link = pdf_link(case_id, tracker.sender_id)
        buttons = []
        if link:
            text += f"\n\n申請書 PDF（可下載列印，簽名後帶到勞工局）：{link}"
        say(dispatcher, text, buttons=buttons, kind="mediation_filed", case_id=case_id, pdf=link,
            topic="dispute_mediation")
        return reset
