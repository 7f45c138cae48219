"""A person's data on request: everything we hold about one conversation id, to hand over or to delete.

A conversation id is Rasa's sender id, `<channel>:<user id>` (`line:Uxxxx`, `telegram:123`, `web:w-…`,
`rest:…`), the same as `Case.sender`. What it covers:

* cases of the conversation, with their transcript and thread, internal notes and outbox rows;
* pending messages (staff replies waiting for the web page or a REST client);
* outbox rows addressed to the person's chat (LINE user or group id, Telegram chat id);
* webhook inbox rows: stored under the platform's own id, `Uxxxx` for `line:Uxxxx` and `chat:123`
  (or `user:123`) for `telegram:123` (channels/line and channels/telegram set them);
* Rasa's tracker events of the conversation (cases/retention.py EVENTS), when the tracker is reachable.

Button payloads are not covered: they are stored under a hash of the payload, not of the person, and
since the 再試一次 button no longer carries long texts (channels/canned.py) they hold no user text.
Deleting a done inbox row also forgets its dedupe key: a platform redelivering that very event within
the inbox's keep time would see it answered again.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from cases.db import CaseStore
from cases.models import Base, Case, CaseMessage, CaseNote, InboxEvent, OutboxMessage, PendingMessage, utcnow
from cases.retention import EVENTS
from cases.service import split_sender


def _inbox_senders(sender: str) -> list[tuple[str, str]]:
    """(inbox channel, inbox sender) pairs under which the platform's events of `sender` are stored."""
    channel, user = split_sender(sender)
    if channel == "line":
        return [("line", user)]
    if channel == "telegram":
        return [("telegram", f"chat:{user}"), ("telegram", f"user:{user}")]
    return []


def _as_dict(row: Base) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _inbox_filter(sender: str) -> Any:
    pairs = _inbox_senders(sender)
    if not pairs:
        return None
    return or_(*((InboxEvent.channel == channel) & (InboxEvent.sender == user) for channel, user in pairs))


def _addressed_to(sender: str) -> Any:
    channel, user = split_sender(sender)
    return (OutboxMessage.destination == channel) & (OutboxMessage.address == user)


def _case_ids(session: Session, sender: str) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.sender == sender).order_by(Case.id)))


def _export_case(session: Session, case: Case) -> dict[str, Any]:
    out = _as_dict(case)
    out["messages"] = [_as_dict(m) for m in case.messages]
    out["notes"] = [_as_dict(n) for n in case.notes]
    out["outbox"] = [_as_dict(o) for o in session.scalars(
        select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id))]
    # What the case kinds keep beside the case (deleted with it: their foreign keys cascade)
    from cases.booking import ConsultationBooking
    from cases.followup import InjuryCheckin
    from cases.mediation_models import MediationApplication

    application = session.get(MediationApplication, case.id)
    out["mediation_application"] = _as_dict(application) if application is not None else None
    out["bookings"] = [_as_dict(b) for b in session.scalars(
        select(ConsultationBooking).where(ConsultationBooking.case_id == case.id).order_by(ConsultationBooking.id))]
    out["injury_checkins"] = [_as_dict(c) for c in session.scalars(
        select(InjuryCheckin).where(InjuryCheckin.case_id == case.id).order_by(InjuryCheckin.id))]
    return out


def _export_store(session: Session, sender: str) -> dict[str, Any]:
    cases = session.scalars(select(Case).where(Case.sender == sender).order_by(Case.id)).unique()
    inbox = _inbox_filter(sender)
    return {
        "cases": [_export_case(session, case) for case in cases],
        "pending_messages": [_as_dict(p) for p in session.scalars(
            select(PendingMessage).where(PendingMessage.sender == sender).order_by(PendingMessage.id))],
        "outbox": [_as_dict(o) for o in session.scalars(
            select(OutboxMessage).where(_addressed_to(sender), OutboxMessage.case_id.is_(None))
            .order_by(OutboxMessage.id))],
        "inbox_events": [] if inbox is None else [_as_dict(e) for e in session.scalars(
            select(InboxEvent).where(inbox).order_by(InboxEvent.id))],
    }


def tracker_events(tracker: Engine, sender: str) -> list[dict[str, Any]]:
    """The conversation's Rasa events, oldest first, as Rasa stored them."""
    with tracker.connect() as connection:
        rows = connection.scalars(
            select(EVENTS.c.data).where(EVENTS.c.sender_id == sender).order_by(EVENTS.c.id))
        return [json.loads(data or "{}") for data in rows]


def export_person(store: CaseStore, sender: str, tracker: Optional[Engine]) -> dict[str, Any]:
    """Everything held about the conversation `sender`, ready for json.dumps (times as ISO 8601 text).
    `tracker_events` is None when Rasa's tracker database is not there (tracker None)."""
    with store.read() as session:
        held = _export_store(session, sender)
    out = {"sender": sender, "exported_at": utcnow(), **held,
           "tracker_events": None if tracker is None else tracker_events(tracker, sender)}
    return json.loads(json.dumps(out, default=_jsonable, ensure_ascii=False))


def held_counts(export: dict[str, Any]) -> dict[str, int]:
    """How many of each kind an export holds (what `delete_person` would delete)."""
    cases = export["cases"]
    return {
        "cases": len(cases),
        "case_messages": sum(len(c["messages"]) for c in cases),
        "case_notes": sum(len(c["notes"]) for c in cases),
        "outbox": sum(len(c["outbox"]) for c in cases) + len(export["outbox"]),
        "pending_messages": len(export["pending_messages"]),
        "inbox_events": len(export["inbox_events"]),
        "tracker_events": len(export["tracker_events"] or []),
    }


def _delete_store(session: Session, sender: str) -> dict[str, int]:
    ids = _case_ids(session, sender)
    counts: dict[str, int] = {}
    for name, model in (("case_messages", CaseMessage), ("case_notes", CaseNote), ("outbox", OutboxMessage),
                        ("pending_messages", PendingMessage)):
        # explicit deletes: foreign-key cascades are not enabled on every SQLite connection
        counts[name] = session.execute(delete(model).where(model.case_id.in_(ids))).rowcount or 0
    counts["cases"] = session.execute(delete(Case).where(Case.id.in_(ids))).rowcount or 0
    counts["outbox"] += session.execute(delete(OutboxMessage).where(_addressed_to(sender))).rowcount or 0
    counts["pending_messages"] += session.execute(
        delete(PendingMessage).where(PendingMessage.sender == sender)).rowcount or 0
    inbox = _inbox_filter(sender)
    if inbox is not None:
        counts["inbox_events"] = session.execute(delete(InboxEvent).where(inbox)).rowcount or 0
    else:
        counts["inbox_events"] = 0
    return counts


def delete_person(store: CaseStore, sender: str, tracker: Optional[Engine]) -> dict[str, int]:
    """Delete everything held about the conversation `sender` (the case store in one transaction, then
    the tracker); returns how many rows of each kind."""
    with store.session() as session:
        counts = _delete_store(session, sender)
    if tracker is not None:
        with tracker.begin() as connection:
            counts["tracker_events"] = connection.execute(
                delete(EVENTS).where(EVENTS.c.sender_id == sender)).rowcount or 0
    return counts
