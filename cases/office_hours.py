"""Office hours of the bureau and what to tell a user about when staff will answer.

Open Monday to Friday 08:00-12:00 and 13:30-17:30, Asia/Taipei. National holidays, make-up workdays
and typhoon days are not known here: on those days the estimate is too early by a day or so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
PERIODS: tuple[tuple[time, time], ...] = ((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30)))
WEEKDAYS = "一二三四五六日"
HOURS_TEXT = "週一至週五 08:00–12:00、13:30–17:30"
REPLY_WITHIN_HOURS = 2  # typical answer time during office hours


def _local(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return now.astimezone(TAIPEI)


def is_open(now: datetime) -> bool:
    """Whether staff are at work at `now`."""
    local = _local(now)
    if local.weekday() >= 5:
        return False
    return any(start <= local.time() < end for start, end in PERIODS)


def next_opening(now: datetime) -> datetime:
    """`now` when open, otherwise the start of the next office period (Asia/Taipei)."""
    local = _local(now)
    if is_open(local):
        return local
    day = local.date()
    for _ in range(8):
        if day.weekday() < 5:
            for start, _end in PERIODS:
                candidate = datetime.combine(day, start, TAIPEI)
                if candidate > local:
                    return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: a weekday comes within a week")


def _day_word(target: date, today: date) -> str:
    weekday = f"週{WEEKDAYS[target.weekday()]}"
    if target == today:
        return "今天"
    if target == today + timedelta(days=1):
        return f"明天（{weekday}）"
    return f"{weekday}（{target.month}/{target.day}）"


def expected_reply(now: datetime, priority: str = "normal") -> str:
    """One sentence for the user: when a person will answer."""
    local = _local(now)
    if is_open(local):
        if priority == "high":
            return "同仁會優先處理，請留意這個對話的訊息。"
        return f"現在是上班時間，同仁通常會在 {REPLY_WITHIN_HOURS} 小時內在這個對話回覆您。"
    opening = next_opening(local)
    when = f"{_day_word(opening.date(), local.date())} {opening:%H:%M}"
    pause = "午休時間" if opening.date() == local.date() and opening.time() == PERIODS[1][0] else "非上班時間"
    return (f"現在是{pause}（上班時間：{HOURS_TEXT}），同仁會在{when} 起盡快在這個對話回覆您；"
            "急需協助請撥 1955 勞工諮詢專線（24 小時、免付費）。")
