"""Job-scam checker: rule signals + similarity to known scam patterns + a pay check.

    from scam import check_text
    report = check_text("在家打字日領3000，先加LINE，要提供存摺")
    report.risk      # "high" | "medium" | "low"
    report.signals   # [Signal(kind, evidence), ...]
    report.advice, report.citations

Risk: the weights of the signals found (one per kind) are added; 3 or more is high, 2 is medium.
A single strong signal (asks for money, bank accounts, documents, cash runs, task scams) is high.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scam.advice import build_advice
from scam.pay import check_pay
from scam.rules import rule_hits

HIGH, MEDIUM = 3, 2

LABELS: dict[str, str] = {
    "fee": "要求先付費用（保證金、訓練費、制服費等）",
    "buy_or_loan": "要求購買產品、辦貸款、信用卡或門號",
    "bank_account": "索取存摺、提款卡、密碼、驗證碼或借用帳戶",
    "id_documents": "要求交出或保管身分證等證件",
    "money_mule": "替公司收款、提領或轉帳（車手）",
    "high_pay": "薪水遠高於一般行情，工作卻很輕鬆",
    "private_chat": "要求私訊或加 LINE 等私人通訊軟體",
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

    def to_dict(self) -> dict[str, Any]:
        return {"risk": self.risk, "signals": [s.to_dict() for s in self.signals], "advice": self.advice,
                "citations": self.citations}


def _today() -> date:
    return datetime.now(ZoneInfo("Asia/Taipei")).date()


def risk_of(score: int) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def check_text(text: str, *, semantic: bool = True, matcher: Any | None = None, on: date | None = None) -> ScamReport:
    """Assess a job ad or a description of an offer. `matcher`: a scam.semantic.PatternMatcher (default:
    the shared one with USE-m); semantic=False uses the rules and the pay check only."""
    signals: list[Signal] = [Signal(h.kind, h.evidence, h.weight) for h in rule_hits(text)]
    for finding in check_pay(text, on or _today()):
        if all(s.kind != finding.kind for s in signals):
            signals.append(Signal(finding.kind, finding.evidence, finding.weight))
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
    return ScamReport(risk, signals, advice, citations, score, similar_to, similarity, report_extra)


__all__ = ["LABELS", "ScamReport", "Signal", "check_text", "risk_of"]
