"""Regression guard against catastrophic backtracking in the scam checker (issue 12).

The old pay pattern split a run of digits every possible way: 8.4 s on 1,000 digits, cubic in the
length. Parsing is linear now; these tests run the whole rule + pay check (and the offer detector) on
2,000-character inputs under a generous ceiling. The ceiling is not a benchmark (bench/scam.py
measures time per check); it only fails when the work done grows like the old patterns did.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from scam import check_text, describes_job_offer
from scam.pay import pay_mentions

ON = date(2026, 6, 1)
CEILING = 0.5  # seconds; the old code took seconds on 400 digits and minutes on 2,000

HOSTILE = {
    "digits": "1" * 2000,
    "chinese numerals": "三" * 2000,
    "digits with commas": "1," * 1000,
    "digits with points": "1." * 1000,
    "mixed": ("日領3000元/天，月薪3萬5，保證金12345678901234567890，一天" * 60)[:2000],
    "fee word then digits": "保證金" + "9" * 1997,
    "pay word then digits": "月薪" + "8" * 1998,
    "repeated demands": "先繳" * 1000,
    "repeated lures": ("輕鬆高薪免經驗加LINE私訊" * 200)[:2000],
    "spaces": "月薪" + " " * 1998,
    "one day digits": ("一天" + "7" * 98) * 20,
    "question then spaces": "可以要嗎" + " " * 1995 + "x",
    "ad title then spaces": "徵" + " " * 1998 + "員",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_two_thousand_characters_are_checked_quickly(name):
    text = HOSTILE[name]
    assert len(text) == 2000
    check_text("暖身", semantic=False, on=ON)  # build the folding table outside the timing
    started = time.perf_counter()
    check_text(text, semantic=False, on=ON)
    describes_job_offer(text)
    assert time.perf_counter() - started < CEILING


def test_long_digit_run_is_read_once_as_one_number():
    # the digits are one token: not a wage (no period word), and never re-split into smaller numbers
    assert pay_mentions("1" * 2000) == []
    assert [str(m.amount) for m in pay_mentions("日領" + "3" * 4 + "，" + "1" * 1000)] == ["3333"]
