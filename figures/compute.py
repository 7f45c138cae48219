"""The service figures over a range of days (Asia/Taipei), as SQL aggregates on SQLite and PostgreSQL.

`compute(session, since, until)` returns `Figures` with exact counts; only `Figures.public()` leaves this
module towards people (the console page, its CSV, `labourbot stats`): there every count from 1 to 4 is
the string "<5", and a share, a median or an average is left out (None) when it rests on fewer than five
(or on a count shown as "<5"), so that no figure points at one person.

Days and weeks are Taipei's (UTC+8 all year, no daylight saving since 1979); a week starts on Monday and
is named by that Monday's date.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable, Optional, Union

from sqlalchemy import ColumnElement, and_, case, distinct, func, literal_column, select
from sqlalchemy.orm import Session

from cases.models import Case, CaseMessage
from figures.models import MessageEvent

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")
SUPPRESS_BELOW = 5
ANSWER_KINDS = ("kb_answer", "did_you_mean", "not_answered")
SERVICES = ("calculator", "job_search", "scam_check", "quiz")
HANDOFF_KINDS = ("handoff", "emergency")
PRIORITIES = ("normal", "high")
Shown = Union[int, str]


def shown(count: int) -> Shown:
    """A count as people see it: 0 and 5 or more as they are, 1-4 as "<5"."""
    return "<5" if 0 < count < SUPPRESS_BELOW else int(count)


def share(part: int, whole: int) -> Optional[float]:
    """part/whole (3 decimals), or None when the part, the rest or the whole is from 1 to 4 (the share
    and a shown count would tell the hidden one: 6 有幫助 at 86% means 1 沒幫助)."""
    if whole < SUPPRESS_BELOW or 0 < part < SUPPRESS_BELOW or 0 < whole - part < SUPPRESS_BELOW:
        return None
    return round(part / whole, 3)


def percentile(values: list[float], p: float) -> Optional[float]:
    """The p-th percentile (0-100, linear between ranks); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the Taipei days since..until (both included)."""
    start = datetime.combine(since, time(0), TAIPEI).astimezone(timezone.utc)
    end = datetime.combine(until + timedelta(days=1), time(0), TAIPEI).astimezone(timezone.utc)
    return start, end


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day(column: Any, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Taipei", column), "YYYY-MM-DD")
    return func.date(column, literal_column("'+8 hours'"))


def _week(column: Any, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", func.timezone("Asia/Taipei", column)), "YYYY-MM-DD")
    # Back six days, then forward to the next Monday (or stay on it): the Monday of the day's week.
    return func.date(column, literal_column("'+8 hours'"), literal_column("'-6 days'"),
                     literal_column("'weekday 1'"))


@dataclass
class Figures:
    """Exact figures of one range (see the module docstring before showing any of them)."""

    since: date
    until: date
    messages: int = 0
    conversations: int = 0
    per_day: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> messages, conversations
    per_day_channel: dict[str, dict[str, int]] = field(default_factory=dict)  # day -> channel -> messages
    per_week: dict[str, dict[str, int]] = field(default_factory=dict)
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    by_topic: dict[str, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    handoff_conversations: int = 0
    cases_opened: dict[str, int] = field(default_factory=dict)  # priority -> cases opened in the range
    first_reply_minutes: list[float] = field(default_factory=list)  # per case opened in the range
    cases_per_week: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)  # week -> priority -> opened/closed
    feedback: dict[str, dict[str, int]] = field(default_factory=dict)  # entry -> helpful / not_helpful
    quiz_takers: int = 0
    quiz_rounds: int = 0
    quiz_scores: list[int] = field(default_factory=list)
    quiz_questions: dict[str, dict[str, int]] = field(default_factory=dict)  # question -> answered / correct

    def kind(self, name: str, what: str = "messages") -> int:
        return self.by_kind.get(name, {}).get(what, 0)

    @property
    def days(self) -> list[str]:
        count = (self.until - self.since).days + 1
        return [(self.since + timedelta(days=i)).isoformat() for i in range(max(count, 0))]

    @property
    def weeks(self) -> list[str]:
        return sorted({week_of(date.fromisoformat(d)).isoformat() for d in self.days})

    def public(self) -> dict[str, Any]:
        """The figures as shown on the page, in the CSV and by `labourbot stats --json`."""
        questions = sum(self.kind(k) for k in ANSWER_KINDS)
        opened = sum(self.cases_opened.values())
        first = self.first_reply_minutes
        enough = len(first) >= SUPPRESS_BELOW
        helpful = [(entry, counts.get("helpful", 0), counts.get("not_helpful", 0))
                   for entry, counts in sorted(self.feedback.items())]
        return {
            "since": self.since.isoformat(), "until": self.until.isoformat(), "timezone": "Asia/Taipei",
            "suppressed_below": SUPPRESS_BELOW,
            "messages": shown(self.messages),
            "conversations": shown(self.conversations),
            "per_day": [{"day": d, "messages": shown(self.per_day.get(d, {}).get("messages", 0)),
                         "conversations": shown(self.per_day.get(d, {}).get("conversations", 0)),
                         "by_channel": {c: shown(n) for c, n in sorted(self.per_day_channel.get(d, {}).items())}}
                        for d in self.days],
            "per_week": [{"week": w, "messages": shown(self.per_week.get(w, {}).get("messages", 0)),
                          "conversations": shown(self.per_week.get(w, {}).get("conversations", 0))}
                         for w in self.weeks],
            "by_channel": _shown_table(self.by_channel),
            "by_topic": _shown_table(self.by_topic),
            "answers": {
                "questions": shown(questions),
                **{k: shown(self.kind(k)) for k in ANSWER_KINDS},
                **{f"{k}_share": share(self.kind(k), questions) for k in ANSWER_KINDS},
            },
            "services": {s: {"messages": shown(self.kind(s)), "conversations": shown(self.kind(s, "conversations"))}
                         for s in SERVICES},
            "handoff": {
                "conversations": shown(self.handoff_conversations),
                "rate": share(self.handoff_conversations, self.conversations),
                "cases_opened": shown(opened),
                "cases_by_priority": {p: shown(self.cases_opened.get(p, 0)) for p in PRIORITIES},
                "first_reply_cases": shown(len(first)),
                "first_reply_median_min": round(percentile(first, 50), 1) if enough else None,  # type: ignore[arg-type]
                "first_reply_p90_min": round(percentile(first, 90), 1) if enough else None,  # type: ignore[arg-type]
            },
            "cases_per_week": [
                {"week": w, "priority": p, "opened": shown(self.cases_per_week.get(w, {}).get(p, {}).get("opened", 0)),
                 "closed": shown(self.cases_per_week.get(w, {}).get(p, {}).get("closed", 0))}
                for w in self.weeks for p in PRIORITIES],
            "cases_weekly": [
                {"week": w, **{what: shown(sum(c.get(what, 0) for c in self.cases_per_week.get(w, {}).values()))
                               for what in ("opened", "closed")}}
                for w in self.weeks],
            "feedback": [{"entry_id": e, "helpful": shown(h), "not_helpful": shown(n),
                          "helpful_share": share(h, h + n)} for e, h, n in helpful],
            "quiz": {
                "takers": shown(self.quiz_takers),
                "rounds_finished": shown(self.quiz_rounds),
                "average_score": (round(sum(self.quiz_scores) / len(self.quiz_scores), 2)
                                  if len(self.quiz_scores) >= SUPPRESS_BELOW else None),
                "questions": [{"question": q, "answered": shown(c.get("answered", 0)),
                               "correct": shown(c.get("correct", 0)),
                               "correct_share": share(c.get("correct", 0), c.get("answered", 0))}
                              for q, c in sorted(self.quiz_questions.items())],
            },
        }


def _shown_table(table: dict[str, dict[str, int]]) -> dict[str, dict[str, Shown]]:
    ordered = sorted(table.items(), key=lambda item: (-item[1].get("messages", 0), item[0]))
    return {key: {k: shown(v) for k, v in counts.items()} for key, counts in ordered}


def compute(session: Session, since: date, until: date) -> Figures:
    """Every figure of the Taipei days since..until (both included)."""
    dialect = session.get_bind().dialect.name
    start, end = bounds(since, until)
    ev = MessageEvent
    in_range = and_(ev.at >= start, ev.at < end)
    out = Figures(since=since, until=until)
    conversations = func.count(distinct(ev.conversation))

    _traffic(session, out, ev.at, in_range, dialect)
    for column, target in ((ev.topic, out.by_topic), (ev.kind, out.by_kind)):
        for key, messages, people in session.execute(
                select(column, func.count(), conversations).where(in_range).group_by(column)):
            target[str(key)] = {"messages": messages, "conversations": people}
    out.handoff_conversations = session.scalar(
        select(conversations).where(in_range, ev.kind.in_(HANDOFF_KINDS))) or 0
    _feedback(session, out, in_range)
    _quiz(session, out, in_range)
    _cases(session, out, start, end, dialect)
    return out


def _traffic(session: Session, out: Figures, at: Any, in_range: Any, dialect: str) -> None:
    """Messages and conversations in all, per day, week and channel, from one scan: the rows per day and
    conversation (a conversation hash includes its channel, and most conversations last one day)."""
    ev = MessageEvent
    day = _day(at, dialect)
    everyone: set[str] = set()
    weeks: dict[str, set[str]] = defaultdict(set)
    channels: dict[str, set[str]] = defaultdict(set)
    for d, channel, who, messages in session.execute(
            select(day, ev.channel, ev.conversation, func.count()).where(in_range)
            .group_by(day, ev.channel, ev.conversation)):
        d, channel = str(d), str(channel)
        week = week_of(date.fromisoformat(d)).isoformat()
        out.messages += messages
        everyone.add(who)
        weeks[week].add(who)
        channels[channel].add(who)
        today = out.per_day.setdefault(d, {"messages": 0, "conversations": 0})
        today["messages"] += messages
        today["conversations"] += 1
        by_channel = out.per_day_channel.setdefault(d, {})
        by_channel[channel] = by_channel.get(channel, 0) + messages
        this_week = out.per_week.setdefault(week, {"messages": 0, "conversations": 0})
        this_week["messages"] += messages
        channel_total = out.by_channel.setdefault(channel, {"messages": 0, "conversations": 0})
        channel_total["messages"] += messages
    out.conversations = len(everyone)
    for week, people in weeks.items():
        out.per_week[week]["conversations"] = len(people)
    for channel, people in channels.items():
        out.by_channel[channel]["conversations"] = len(people)


def _feedback(session: Session, out: Figures, in_range: Any) -> None:
    ev = MessageEvent
    helpful = ev.detail["helpful"].as_boolean()
    rows = session.execute(
        select(ev.entry_id, func.sum(case((helpful.is_(True), 1), else_=0)),
               func.sum(case((helpful.is_(False), 1), else_=0)))
        .where(in_range, ev.kind == "feedback", ev.entry_id.is_not(None)).group_by(ev.entry_id))
    for entry, yes, no in rows:
        out.feedback[str(entry)] = {"helpful": int(yes or 0), "not_helpful": int(no or 0)}


def _quiz(session: Session, out: Figures, in_range: Any) -> None:
    ev = MessageEvent
    quiz = and_(in_range, ev.kind == "quiz")
    out.quiz_takers = session.scalar(
        select(func.count(distinct(ev.conversation))).where(quiz, ev.detail["start"].as_boolean().is_(True))) or 0
    out.quiz_scores = [int(s or 0) for s in session.scalars(
        select(ev.detail["score"].as_integer()).where(quiz, ev.detail["finished"].as_boolean().is_(True)))]
    out.quiz_rounds = len(out.quiz_scores)
    question = ev.detail["question"].as_string()
    correct = ev.detail["correct"].as_boolean()
    for q, answered, right in session.execute(
            select(question, func.count(), func.sum(case((correct.is_(True), 1), else_=0)))
            .where(quiz, question.is_not(None)).group_by(question)):
        out.quiz_questions[str(q)] = {"answered": int(answered), "correct": int(right or 0)}


def _cases(session: Session, out: Figures, start: datetime, end: datetime, dialect: str) -> None:
    opened = and_(Case.created_at >= start, Case.created_at < end)
    for priority, count in session.execute(
            select(Case.priority, func.count()).where(opened).group_by(Case.priority)):
        out.cases_opened[str(priority)] = count
    for column, what in ((Case.created_at, "opened"), (Case.closed_at, "closed")):
        week = _week(column, dialect)
        rows = session.execute(select(week, Case.priority, func.count())
                               .where(column >= start, column < end).group_by(week, Case.priority))
        for w, priority, count in rows:
            out.cases_per_week.setdefault(str(w), {}).setdefault(str(priority), {})[what] = count
    first = (select(CaseMessage.case_id, func.min(CaseMessage.created_at).label("first"))
             .where(CaseMessage.author == "staff", CaseMessage.part == "thread")
             .group_by(CaseMessage.case_id).subquery())
    for created, replied in session.execute(
            select(Case.created_at, first.c.first).join(first, first.c.case_id == Case.id).where(opened)):
        out.first_reply_minutes.append(max((_aware(replied) - _aware(created)).total_seconds() / 60, 0.0))


def _aware(value: Any) -> datetime:
    """A datetime read through a subquery (no UTCDateTime there): naive UTC on SQLite, a string at worst."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


# ---- the CSV (the page's download and `labourbot stats --csv`) ------------------------------------------

ROW_KEYS = ("day", "week", "entry_id", "question")


def rows(public: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The public figures as (figure, item, value) rows: one row per number, None as ""."""
    out: list[tuple[str, str, Any]] = []

    def walk(section: str, prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(section, f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            for item in value:
                name = ".".join(str(item[k]) for k in ("week", "priority") if k in item) if "priority" in item \
                    else next((str(item[k]) for k in ROW_KEYS if k in item), "")
                walk(section, f"{prefix}.{name}" if prefix else name,
                     {k: v for k, v in item.items() if k not in ROW_KEYS and k != "priority"})
        else:
            out.append((section, prefix, "" if value is None else value))

    for key, value in public.items():
        walk(key, "", value)
    return out


def to_csv(public: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("figure", "item", "value"))
    writer.writerows(rows(public))
    return buffer.getvalue()


def last_days(days: int, today: Optional[date] = None) -> tuple[date, date]:
    """The range of the last `days` Taipei days, today included."""
    today = today or datetime.now(TAIPEI).date()
    return today - timedelta(days=days - 1), today


def parse_range(since: Optional[str], until: Optional[str], default_days: int = 30,
                today: Optional[date] = None) -> tuple[date, date]:
    """since/until as YYYY-MM-DD (either may be missing); ValueError with a readable reason."""
    today = today or datetime.now(TAIPEI).date()
    end = _date(until, "until") if until else today
    start = _date(since, "since") if since else end - timedelta(days=default_days - 1)
    if start > end:
        raise ValueError("起始日期晚於結束日期")
    if (end - start).days > 3 * 366:
        raise ValueError("期間最長三年")
    return start, end


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name} 的日期格式應為 YYYY-MM-DD（例如 2026-12-01）") from None


def values(items: Iterable[Shown]) -> list[float]:
    """Counts for a plot: "<5" is not drawn (NaN)."""
    return [float("nan") if isinstance(v, str) else float(v) for v in items]
