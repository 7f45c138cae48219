"""Mediation applications (勞資爭議調解申請, docs/mediation.md): what the application holds, the texts
around it, and the case-store operations (submit from the chat, read and correct in the console).

The application is one JSON document (`Application.to_data`), stored in `mediation_applications` next to
a case of kind 'mediation'. What it must state follows 勞資爭議處理法第10條 (the parties, what is asked,
the way of mediating of 第11條第1項); it is filed with the authority of the place where the worker works
(第9條第1項), for a worker in Tainan 臺南市政府勞工局 (labourbot/bureau.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.orm import Session

from cases.mediation_models import MediationApplication
from cases.models import MEDIATION, Case, CaseMessage, StaffUser, utcnow
from cases.service import MAX_TEXT, CaseDraft, CaseError, TranscriptLine, can_open, get_case, open_case
from labourbot.bureau import BUREAU
from labourbot.textnorm import clip

# The disputes a worker can tick (code -> label on the form and the PDF), in the order shown.
DISPUTES: dict[str, str] = {
    "wage_arrears": "積欠工資",
    "overtime": "加班費",
    "severance": "資遣費",
    "annual_leave": "特休未休工資",
    "injury": "職災補償",
    "dismissal": "解僱爭議",
    "other": "其他",
}
# 勞資爭議處理法第11條第1項: the applicant chooses one of the two.
METHODS: dict[str, str] = {"mediator": "指派調解人", "committee": "組成勞資爭議調解委員會"}
DOCUMENTS: tuple[str, ...] = (
    "身分證件（代理人另帶委任書）",
    "勞動契約、聘僱通知或工作規則",
    "薪資單、薪資轉帳紀錄",
    "出勤紀錄（打卡、排班表）",
    "資遣或解僱通知、離職證明",
    "勞保、勞退投保或提繳紀錄",
    "職災：診斷證明書、醫療收據",
    "其他證據（對話紀錄、照片、錄音）",
)
LAW = "勞資爭議處理法"
WHERE_CITATION = f"{LAW}第9條"  # filed where the worker works
CONTENT_CITATION = f"{LAW}第10條"  # what the application states
METHOD_CITATION = f"{LAW}第11條"  # mediator or committee
TIMELINE_CITATION = f"{LAW}第12條"  # 3 days to appoint a mediator, 7 to start, 10 to propose
PROTECTION_CITATION = f"{LAW}第8條"  # no dismissal for the dispute while it is mediated
APPOINT_DAYS, START_DAYS, PROPOSAL_DAYS = 3, 7, 10  # 第12條第1、2、5項

MAX_FIELD = 200
MAX_FACTS = 1500
MAX_AMOUNT = 100_000_000
_PHONE = re.compile(r"^(?:\+?886|0)\d(?:[-\s]?\d){6,9}(?:\s*(?:#|轉|分機)\s*\d{1,6})?$")


@dataclass
class Claim:
    """One amount asked for: a dispute code, whole NTD, and where it came from ('calculator' | 'user')."""

    item: str
    amount: int
    source: str = "user"

    @property
    def label(self) -> str:
        return DISPUTES.get(self.item, self.item)


@dataclass
class Application:
    applicant_name: str = ""
    applicant_phone: str = ""
    applicant_address: str = ""
    employer_name: str = ""
    employer_address: str = ""
    employer_representative: str = ""
    disputes: list[str] = field(default_factory=list)
    other_dispute: str = ""
    facts: str = ""
    claims: list[Claim] = field(default_factory=list)
    method: str = "mediator"
    consent_at: Optional[str] = None  # ISO time of the consent to the personal-data notice

    # ---- JSON ---------------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        return {
            "applicant": {"name": self.applicant_name, "phone": self.applicant_phone,
                          "address": self.applicant_address},
            "employer": {"name": self.employer_name, "address": self.employer_address,
                         "representative": self.employer_representative},
            "disputes": list(self.disputes),
            "other_dispute": self.other_dispute,
            "facts": self.facts,
            "claims": [{"item": c.item, "amount": c.amount, "source": c.source} for c in self.claims],
            "method": self.method,
            "documents": list(DOCUMENTS),
            "consent_at": self.consent_at,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Application":
        """Tolerant of missing keys (an older document); wrong types become empty values."""
        applicant = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
        employer = data.get("employer") if isinstance(data.get("employer"), dict) else {}
        claims: list[Claim] = []
        for raw in data.get("claims") or []:
            try:
                claims.append(Claim(str(raw["item"]), int(raw["amount"]), str(raw.get("source", "user"))))
            except (KeyError, TypeError, ValueError):
                continue
        return cls(
            applicant_name=str(applicant.get("name") or ""),
            applicant_phone=str(applicant.get("phone") or ""),
            applicant_address=str(applicant.get("address") or ""),
            employer_name=str(employer.get("name") or ""),
            employer_address=str(employer.get("address") or ""),
            employer_representative=str(employer.get("representative") or ""),
            disputes=[str(d) for d in data.get("disputes") or [] if str(d) in DISPUTES],
            other_dispute=str(data.get("other_dispute") or ""),
            facts=str(data.get("facts") or ""),
            claims=claims,
            method=str(data.get("method") or "mediator"),
            consent_at=data.get("consent_at"),
        )

    # ---- reading -------------------------------------------------------------------------------------

    @property
    def dispute_labels(self) -> list[str]:
        labels = [DISPUTES[d] for d in self.disputes if d in DISPUTES and d != "other"]
        if "other" in self.disputes:
            labels.append(f"其他：{self.other_dispute}" if self.other_dispute else "其他")
        return labels

    @property
    def total(self) -> int:
        return sum(c.amount for c in self.claims)

    def problems(self) -> list[str]:
        """What keeps the application from being filed (empty: complete)."""
        out = []
        for value, label in ((self.applicant_name, "申請人姓名"), (self.applicant_phone, "申請人電話"),
                             (self.applicant_address, "申請人地址"), (self.employer_name, "雇主名稱"),
                             (self.employer_address, "雇主地址"), (self.facts, "爭議事實")):
            if not value.strip():
                out.append(f"缺少{label}")
        if self.applicant_phone and not valid_phone(self.applicant_phone):
            out.append("申請人電話格式不對")
        if not self.disputes:
            out.append("至少要選一種爭議類型")
        if self.method not in METHODS:
            out.append("調解方式只能是指派調解人或調解委員會")
        if any(not 0 <= c.amount <= MAX_AMOUNT for c in self.claims):
            out.append("請求金額不合理")
        return out


def valid_phone(text: str) -> bool:
    return bool(_PHONE.match(text.strip()))


def money(amount: int) -> str:
    return f"{amount:,} 元"


def summary_text(app: Application) -> str:
    """The application in words, for the worker to confirm in the chat (and the case summary)."""
    claims = "；".join(f"{c.label} {money(c.amount)}" for c in app.claims) or "（未填金額，調解時再說明）"
    lines = [
        "【勞資爭議調解申請 摘要】",
        f"申請人：{app.applicant_name}／{app.applicant_phone}",
        f"地址：{app.applicant_address}",
        f"雇主：{app.employer_name}" + (f"（負責人 {app.employer_representative}）"
                                        if app.employer_representative else ""),
        f"雇主地址：{app.employer_address}",
        f"爭議類型：{'、'.join(app.dispute_labels)}",
        f"請求金額：{claims}" + (f"（合計 {money(app.total)}）" if len(app.claims) > 1 else ""),
        f"事實經過：{app.facts}",
        f"調解方式：{METHODS.get(app.method, app.method)}",
    ]
    return "\n".join(lines)


def next_steps_text(case_id: int) -> str:
    """What the worker is told once the application is a case (numbers: 勞資爭議處理法第8、9、12條)."""
    offices = "、".join(BUREAU.offices)
    return (
        f"已收到您的調解申請，案件編號 #{case_id}。\n"
        f"接下來：{BUREAU.name}同仁會用您留的電話和您確認資料，並安排調解。"
        f"依{TIMELINE_CITATION}，指派調解人的話，勞工局收到申請書後 {APPOINT_DAYS} 日內指派，"
        f"調解人自指派之日起 {START_DAYS} 日內開始調解。\n"
        f"地點：{offices}；電話：{BUREAU.phone_hint}。\n"
        "調解當天請帶：" + "、".join(DOCUMENTS[:4]) + " 等文件（完整清單在申請書 PDF）。\n"
        f"調解期間，雇主不得因這件爭議解僱您或做其他不利的處置（{PROTECTION_CITATION}）。"
    )


# ---- the case store --------------------------------------------------------------------------------------


def submit(session: Session, sender: str, app: Application, now: Optional[datetime] = None
           ) -> tuple[Case, bool]:
    """File the application as a case of kind mediation (with staff notified), in the caller's transaction.

    Returns (case, True); or (the sender's open mediation case, False) when there is one: the new
    application is then kept in that case's thread for staff to compare (nothing sent is lost)."""
    problems = app.problems()
    if problems:
        raise CaseError("；".join(problems))
    now = now or utcnow()
    text = summary_text(app)
    draft = CaseDraft(sender=sender, kind=MEDIATION, topic="dispute_mediation", reason="request_human",
                      summary=clip(f"{'、'.join(app.dispute_labels)}：{app.facts}", 300),
                      contact=app.applicant_phone, transcript=[TranscriptLine("user", text, now)])
    case, created = open_case(session, draft, now)
    if created:
        session.add(MediationApplication(case_id=case.id, data=app.to_data(), revision=1, created_at=now,
                                         updated_at=now))
    else:
        session.add(CaseMessage(case_id=case.id, part="thread", author="user", created_at=now,
                                text=clip("（民眾再次送出調解申請）\n" + text, MAX_TEXT)))
        case.updated_at = now
    return case, created


def pdf_token(secret: str, case_id: int, sender: str) -> str:
    """The token of the worker's PDF link: only who has the link (sent to the conversation that filed the
    application) can download it; it names the case and the conversation, so it opens nothing else."""
    message = f"mediation-pdf:{case_id}:{sender}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def pdf_token_ok(secret: str, case: Case, token: str) -> bool:
    expected = pdf_token(secret, case.id, case.sender)
    return case.kind == MEDIATION and hmac.compare_digest(expected, token or "")


def application_of(session: Session, case_id: int) -> Optional[MediationApplication]:
    return session.get(MediationApplication, case_id)


# Fields staff may correct in the console: form name -> (path in the JSON document, label).
EDITABLE: dict[str, tuple[tuple[str, ...], str]] = {
    "applicant_name": (("applicant", "name"), "申請人姓名"),
    "applicant_phone": (("applicant", "phone"), "申請人電話"),
    "applicant_address": (("applicant", "address"), "申請人地址"),
    "employer_name": (("employer", "name"), "雇主名稱"),
    "employer_address": (("employer", "address"), "雇主地址"),
    "employer_representative": (("employer", "representative"), "雇主負責人"),
    "other_dispute": (("other_dispute",), "其他爭議說明"),
    "facts": (("facts",), "爭議事實"),
}


def correct(session: Session, case_id: int, user: StaffUser, changes: dict[str, str],
            disputes: Optional[list[str]] = None, claims: Optional[dict[str, str]] = None,
            method: Optional[str] = None, now: Optional[datetime] = None) -> list[str]:
    """Staff correct the application: the changed fields (labels) are returned and noted in the thread
    (not the values: the thread line says what changed, the document holds the new value)."""
    now = now or utcnow()
    case = get_case(session, case_id)
    if not can_open(user, case):
        from cases.service import Forbidden

        raise Forbidden("這件案件已由其他同仁負責")
    row = application_of(session, case_id)
    if row is None:
        raise CaseError(f"案件 #{case_id} 沒有調解申請資料")
    app = Application.from_data(row.data)
    before = app.to_data()
    for name, value in changes.items():
        if name in EDITABLE:
            limit = MAX_FACTS if name == "facts" else MAX_FIELD
            setattr(app, name, clip(value, limit).strip())
    if disputes is not None:
        app.disputes = [d for d in DISPUTES if d in disputes]
    if method is not None:
        app.method = method
    if claims is not None:
        app.claims = _claims_from_form(claims)
    problems = app.problems()
    if problems:
        raise CaseError("；".join(problems))
    after = app.to_data()
    changed = _changed_labels(before, after)
    if not changed:
        return []
    row.data, row.revision, row.updated_at, row.updated_by = after, row.revision + 1, now, user.id
    session.add(CaseMessage(case_id=case_id, part="thread", author="system", staff_id=user.id, created_at=now,
                            text=f"{user.name} 更正調解申請：{'、'.join(changed)}"))
    case.updated_at = now
    return changed


def _claims_from_form(claims: dict[str, str]) -> list[Claim]:
    """{dispute code: amount text} from the console form; empty amounts drop the claim."""
    out = []
    for item in DISPUTES:
        raw = (claims.get(item) or "").replace(",", "").replace("，", "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            raise CaseError(f"{DISPUTES[item]}的金額要是整數")
        out.append(Claim(item, int(raw), "staff"))
    return out


def _changed_labels(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = [label for path, label in EDITABLE.values() if _at(before, path) != _at(after, path)]
    for key, label in (("disputes", "爭議類型"), ("claims", "請求金額"), ("method", "調解方式")):
        if before.get(key) != after.get(key):
            out.append(label)
    return out


def _at(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def console_panel(session: Session, case_id: int) -> Optional[dict[str, Any]]:
    """What the console's case page shows of the application (None: the case has none)."""
    row = application_of(session, case_id)
    if row is None:
        return None
    app = Application.from_data(row.data)
    amounts = {c.item: c.amount for c in app.claims}
    return {
        "fields": [(name, label, getattr(app, name)) for name, (_path, label) in EDITABLE.items()],
        "disputes": [(code, label, code in app.disputes) for code, label in DISPUTES.items()],
        "claims": [(code, label, amounts.get(code, "")) for code, label in DISPUTES.items()],
        "sources": {c.item: c.source for c in app.claims},
        "total": money(app.total),
        "methods": list(METHODS.items()),
        "method": app.method,
        "documents": DOCUMENTS,
        "consent_at": _parse_time(app.consent_at),
        "revision": row.revision,
        "updated_at": row.updated_at,
        "max_facts": MAX_FACTS,
        "max_field": MAX_FIELD,
    }


def _parse_time(iso: Optional[str]) -> Optional[datetime]:
    try:
        value = datetime.fromisoformat(iso) if iso else None
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None
