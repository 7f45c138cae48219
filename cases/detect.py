"""Keyword rules on the user's text: danger (checked by the gateway before Rasa) and topics that need a
person (checked by the action server). Pure functions over the normalised text (Simplified input and
full-width characters work too)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from labourbot.textnorm import normalize

# Words of danger to life or body, or of self-harm. A false alarm costs a staff member a look; a miss
# costs more, so the list is broad. Phrases that only look alike are excluded (被打卡, 被打槍 ...).
DANGER = re.compile(
    r"自殺|自殘|想死|好想死|不想活|活不下去|不如死|死了算了|去死|輕生|尋短|尋死|結束(?:自己的)?生命|了結(?:自己|生命)"
    r"|割腕|跳樓|燒炭|上吊|吞藥|傷害自己"
    r"|被打(?!卡|槍|工|零|折|擾|電話|疫苗|針|球|分|字|掃|包|烊|印|甲|乙|丙|丁|考|低|回|入|成|壓|擊|臉|斷|敗|發)"
    r"|打我(?!電話|手機)|毆打|揍我|家暴|性侵|強暴|強姦"
    r"|威脅|恐嚇|要殺|殺了我|砍我|拿刀"
)

_HARASSMENT = re.compile(r"性騷|騷擾|毛手毛腳|摸我|亂摸|偷拍|強吻|襲胸|猥褻")
_NOW = re.compile(r"現在|正在|一直|還在|今天|剛剛|剛才|每天|持續|天天|又來|不敢去上班|怎麼辦")
_INJURY = re.compile(r"職災|工傷|受傷|骨折|燒傷|燙傷|壓傷|夾傷|截肢|斷指|摔傷|跌落|墜落")
_HOSPITAL = re.compile(r"住院|開刀|手術|加護病房|icu|急診|病房|昏迷")
_MEDIATION = re.compile(r"(?:申請|聲請|想要|要|想|辦理|提出)[^。！？\n]{0,6}調解|調解申請")
_UNPAID = re.compile(
    r"欠薪|積欠|拖欠|沒發薪|薪水沒發|沒給薪|不發薪|領不到薪|拿不到薪|沒拿到薪|工資沒|薪資沒|沒領到"
)
_EMPLOYER_GONE = re.compile(
    r"跑了|落跑|跑路|倒閉|失聯|找不到老闆|聯絡不到|聯繫不到|人不見|歇業|關門|捲款|不見了"
)


@dataclass(frozen=True)
class Sensitive:
    topic: str  # the topic vocabulary of docs/dev/CONTRACTS.md
    why: str  # a few words for the user and the case list


def _clean(text: str) -> str:
    return normalize(text or "").replace(" ", "")


def detect_danger(text: str) -> bool:
    """Whether the message speaks of danger to life or body, or of self-harm."""
    return bool(DANGER.search(_clean(text)))


def sensitive_topic(text: str) -> Sensitive | None:
    """A situation that needs a person rather than an article: ongoing sexual harassment, an occupational
    injury with a hospital stay, applying for dispute mediation, unpaid wages with the employer gone."""
    clean = _clean(text)
    if _HARASSMENT.search(clean) and _NOW.search(clean):
        return Sensitive("sexual_harassment", "正在發生的職場性騷擾")
    if _INJURY.search(clean) and _HOSPITAL.search(clean):
        return Sensitive("occupational_injury", "職災受傷住院")
    if _MEDIATION.search(clean):
        return Sensitive("dispute_mediation", "申請勞資爭議調解")
    if _UNPAID.search(clean) and _EMPLOYER_GONE.search(clean):
        return Sensitive("wages", "積欠工資且雇主失聯")
    return None
