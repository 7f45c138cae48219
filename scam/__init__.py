"""Job-scam checker: rule signals + similarity to known scam patterns + a pay check.

    from scam import check_text
    report = check_text("在家打字日領3000，先加LINE，要提供存摺")
    report.risk      # "high" | "medium" | "low"
    report.signals   # [Signal(kind, evidence), ...]
    report.advice, report.citations
    report.is_job_offer  # False for a question about the law: do not show report.risk as a verdict

    from scam import describes_job_offer
    describes_job_offer("是否可以有試用期？")   # False: route to the knowledge base, not to the checker

Risk: the weights of the signals found (one per kind) are added; 3 or more is high, 2 is medium.
A single strong signal (asks for money, bank accounts, documents, cash runs, task scams, a loan or
instalments to buy what the job needs, pay five times the minimum wage for no qualification) is high.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scam.advice import build_advice
from scam.detect import OfferAssessment, assess_offer, describes_job_offer
from scam.pay import check_pay
from scam.rules import ANY_ABROAD, rule_hits
from scam.text import fold

HIGH, MEDIUM = 3, 2

LABELS: dict[str, str] = {
    "fee": "要求先付費用（保證金、訓練費、制服費等）",
    "buy_or_loan": "要求購買產品、課程或裝備，或為此辦貸款、分期、刷卡、信用卡、門號",
    "bank_account": "索取存摺、提款卡、密碼、驗證碼或借用帳戶",
    "id_documents": "要求交出或保管身分證等證件",
    "money_mule": "替公司收款、提領或轉帳（車手）",
    "high_pay": "薪水遠高於一般行情，工作卻很輕鬆",
    "easy_money": "標榜「輕鬆高薪」「免經驗高薪」",
    "private_chat": "只用私訊、LINE、Telegram 等私人通訊軟體聯絡",
    "overseas": "海外高薪工作（柬埔寨、緬甸、杜拜等）",
    "task_scam": "刷單、按讚任務、儲值或投資獲利",
    "personal_data": "索取與工作無關的個人資料（證件照、家人資料、卡號）",
    "below_min_wage": "薪資低於最低工資",
    "similar_pattern": "和已知的詐騙手法相似",
}


@dataclass(frozen=True)
class Signal:
    kind: str
    evidence: str
    weight: int = 1

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "evidence": self.evidence}


@dataclass
class ScamReport:
    risk: str
    signals: list[Signal]
    advice: str
    citations: list[str]
    score: int = 0
    similar_to: str | None = None  # title of the closest known pattern, when it counted
    similarity: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # whether the text looked like a job ad, a hiring process or an offer (scam.detect); when False the
    # text is probably a question about the law, and `risk` must not be shown as a verdict on it
    is_job_offer: bool = True

    @property
    def verdict(self) -> str | None:
        """The risk to show the user, or None when the text was not a job offer at all."""
        return self.risk if self.is_job_offer else None

    def to_dict(self) -> dict[str, Any]:
        return {"risk": self.risk, "signals": [s.to_dict() for s in self.signals], "advice": self.advice,
                "citations": self.citations, "is_job_offer": self.is_job_offer}


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Taipei")).date()


def risk_of(score: int) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def check_text(text: str, *, semantic: bool = True, matcher: Any | None = None, on: date | None = None) -> ScamReport:
    """Assess a job ad or a description of an offer. `matcher`: a scam.semantic.PatternMatcher (default:
    the shared one with USE-m); semantic=False uses the rules and the pay check only.

    Safe on any text: `is_job_offer` (scam.detect) says whether it looked like an ad or an offer at all;
    when it is False, show `verdict` (None) rather than `risk`, since a legal question has no scam risk."""
    signals: list[Signal] = [Signal(h.kind, h.evidence, h.weight) for h in rule_hits(text)]
    for finding in check_pay(text, on or _today()):
        signals = _merge(signals, Signal(finding.kind, finding.evidence, finding.weight))
    abroad = _abroad_with_high_pay(text, signals)
    if abroad is not None:
        signals.append(abroad)
    report_extra: dict[str, Any] = {}
    similar_to, similarity = None, None
    if semantic:
        if matcher is None:
            from scam.semantic import default_matcher

            matcher = default_matcher()
        if matcher is not None:
            match = matcher.match(text)
            report_extra = {"closest_pattern": match.pattern.id, "similarity": round(match.similarity, 3),
                            "margin": round(match.margin, 3)}
            if match.weight:
                similar_to, similarity = match.pattern.title, match.similarity
                signals.append(Signal("similar_pattern", f"近似「{match.pattern.title}」（相似度 {match.similarity:.2f}）",
                                      match.weight))
    signals.sort(key=lambda s: -s.weight)  # strongest first (stable: rules before pay before similarity)
    score = sum(s.weight for s in signals if s.kind != "below_min_wage")
    risk = risk_of(score)
    if risk == "low" and any(s.kind == "below_min_wage" for s in signals):
        risk = "medium"  # not a scam sign, but an ad that breaks the minimum wage law deserves a warning
    advice, citations = build_advice(risk, [s.kind for s in signals])
    offer = assess_offer(text)
    report_extra["offer_features"] = [name for name, _ in offer.features]
    return ScamReport(risk, signals, advice, citations, score, similar_to, similarity, report_extra,
                      is_job_offer=offer.is_offer)


def _merge(signals: list[Signal], new: Signal) -> list[Signal]:
    """One signal per kind, so that one warning is not counted twice: a second signal of a kind already
    found (the rules and the pay check may both see one) replaces the first only when it weighs more."""
    same = [s for s in signals if s.kind == new.kind]
    if not same:
        return signals + [new]
    if new.weight > same[0].weight:
        return [new if s.kind == new.kind else s for s in signals]
    return signals


def _abroad_with_high_pay(text: str, signals: list[Signal]) -> Signal | None:
    """Pay far above normal for a job abroad is the overseas lure even without 包機票 or a risky place
    (the pay check already leaves qualified jobs such as 外派廠長 alone)."""
    if any(s.kind == "overseas" for s in signals) or not any(s.kind == "high_pay" for s in signals):
        return None
    place = ANY_ABROAD.search(fold(text))
    if place is None:
        return None
    return Signal("overseas", f"海外工作（{text[place.start():place.end()]}）又開出遠高於行情的薪水", 2)


__all__ = ["LABELS", "OfferAssessment", "ScamReport", "Signal", "assess_offer", "check_text",
           "describes_job_offer", "risk_of"]
