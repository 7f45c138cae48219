"""Message parsing stays fast on hostile text and reads the spacing people type as before.

The parsers run for every message inside the action server (and the NLU router inside Rasa); a regex
that backtracks over a long run turned one message of the gateway's 2,000 characters into seconds of
CPU for every user: "月薪" and 2,000 spaces took 37 s, "1萬" and 2,000 digits never finished.
tests/unit/test_regex_safety.py times each pattern; this times the whole functions on such messages
(in a child process, so that a regression fails instead of hanging the run) and pins what the
rewritten patterns read around whitespace, units and numerals.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from labourbot.config import PROJECT_ROOT
from labourbot.parsing import Wage, extract_calc_values, parse_duration, parse_wage
from labourbot.parsing.durations import Duration
from labourbot.questions import parse

TODAY = date(2025, 6, 15)
GATEWAY_MAX_CHARS = 2000
BOUND_S = 0.5  # per message for all the parsers together; linear parsing takes a few milliseconds


def _hostile(seed: str, run: str, tail: str) -> str:
    return seed + run * (GATEWAY_MAX_CHARS - len(seed) - len(tail)) + tail


HOSTILE = {
    "wage-word-then-spaces": _hostile("月薪", " ", "x"),
    "numeral-run": _hostile("", "三", "年"),
    "unit-then-digits": _hostile("1萬", "1", "年"),
    "number-then-spaces": _hostile("1", " ", "x"),
    "spaces": _hostile("", " ", "x"),
    "question-then-spaces": _hostile("嗎", " ", "x"),
    "filler-run": _hostile("3年", "多", "x"),
}

CHILD = textwrap.dedent('''
    import json, sys, time
    sys.path.insert(0, {root!r})
    from labourbot.parsing import extract_calc_values, parse_duration, parse_hours, parse_wage
    from labourbot.questions import parse
    for label, text in json.loads(sys.stdin.read()).items():
        start = time.perf_counter()
        extract_calc_values(text)
        parse(text)
        for parser in (parse_duration, parse_hours, parse_wage):
            try:
                parser(text)
            except ValueError:
                pass
        print(json.dumps([label, time.perf_counter() - start]), flush=True)
''')


def test_hostile_messages_are_parsed_in_linear_time() -> None:
    try:
        run = subprocess.run([sys.executable, "-c", CHILD.format(root=str(PROJECT_ROOT))], input=json.dumps(HOSTILE),
                             capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as exc:
        done = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        raise AssertionError(f"parsing hung; finished before it: {done!r}") from None
    assert run.returncode == 0, run.stderr[-2000:]
    times = dict(json.loads(line) for line in run.stdout.splitlines())
    assert set(times) == set(HOSTILE)
    slow = {label: seconds for label, seconds in times.items() if seconds > BOUND_S}
    assert slow == {}


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("月薪 大約 NT$ 32000", {"wage": Wage(Decimal(32000), "monthly")}, id="word-filler-currency-spaced"),
    pytest.param("時薪 : 190 元", {"wage": Wage(Decimal(190), "hourly")}, id="word-colon-spaced"),
    pytest.param("190 元 / 小時", {"wage": Wage(Decimal(190), "hourly")}, id="per-hour-spaced"),
    pytest.param("用3萬5 的月薪算", {"wage": Wage(Decimal(35000), "monthly")}, id="amount-of-wage-spaced"),
    pytest.param("月薪1萬2千3", {"wage": Wage(Decimal(12300), "monthly")}, id="digits-after-units"),
    pytest.param("NT$500  30000", {"wage": Wage(Decimal(500), None)}, id="two-bare-amounts"),
    pytest.param("月薪 3萬5  加班 3  小時", {"wage": Wage(Decimal(35000), "monthly"), "hours": Fraction(3)},
                 id="double-spaces"),
    pytest.param("平日加班 9 個半 小時", {"hours": Fraction(19, 2), "day_type": "weekday"}, id="hours-and-a-half-spaced"),
    pytest.param("那天做了 11 小時", {"total_hours": Fraction(11)}, id="total-hours-spaced"),
    pytest.param("3小時 的加班", {"hours": Fraction(3)}, id="overtime-word-after"),
    pytest.param("2 小時 ot", {"hours": Fraction(2)}, id="ot-lower-case-after"),
    pytest.param("113年3月1日 起", {"start": date(2024, 3, 1)}, id="start-word-after"),
    pytest.param("113年3月1日  為止", {"end": date(2024, 3, 1)}, id="end-word-after"),
    pytest.param("113年8月1日 生", {"birth": date(2024, 8, 1)}, id="birth-word-after"),
    pytest.param("三年兩個月 的年資", {"service": Duration(3, 2)}, id="service-word-after"),
    pytest.param("兩年前到職", {"start": date(2023, 6, 15)}, id="numerals-years-ago"),
])
def test_values_around_whitespace_and_numerals(text: str, expected: dict[str, object]) -> None:
    values = extract_calc_values(text, today=TODAY)
    assert {name: getattr(values, name) for name in expected} == expected


def test_trailing_words_are_dropped_from_durations_and_wages() -> None:
    assert parse_duration("三年兩個月多") == Duration(3, 2)
    assert parse_duration("約 2 年左右") == Duration(2, 0)
    assert parse_wage("3萬5左右") == Wage(Decimal(35000), None)


def test_numbered_questions_with_spaced_markers() -> None:
    parsed = parse("( 1 ) 可以請假嗎？\n( 2 ) 會被扣薪嗎 。 ")
    assert parsed.questions == ("可以請假嗎？", "會被扣薪嗎 。")
    assert parsed.numbered
