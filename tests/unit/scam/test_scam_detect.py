"""Job-offer detection (scam.describes_job_offer) and the signals widened for issue 12: a question about
the law never gets a scam verdict, and the three scams rated low before (a loan to buy a vacuum
cleaner, 「輕鬆高薪」 for personal data, 「1個月至少30萬」) are now rated high with the right signals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from scam import LABELS, assess_offer, check_text, describes_job_offer
from scam.pay import pay_mentions
from scam.text import fold

ON = date(2026, 6, 1)  # minimum wage 29,500/month, 196/hour
ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = yaml.safe_load((ROOT / "scam" / "data" / "offer_examples.yml").read_text(encoding="utf-8"))


def rules_only(text: str):
    return check_text(text, semantic=False, on=ON)


def kinds(text: str) -> set[str]:
    return {s.kind for s in rules_only(text).signals}


# --- the examples of the issue, both directions ---------------------------------------------------

@pytest.mark.parametrize("text", [
    "面試後說要先繳訓練費",
    "有人私訊我說在家打字日領3000",
    "徵人：輕鬆高薪 免經驗 加LINE",
])
def test_issue_examples_of_offers(text):
    assert describes_job_offer(text), assess_offer(text)


@pytest.mark.parametrize("text", [
    "做了三年被資遣，資遣費怎麼算",
    "是否可以有試用期？",
    "育嬰假可以先搶先贏嗎",
    "老闆說試用期不用保勞保",
    "月薪3萬2加班3小時多少",
])
def test_issue_examples_of_legal_questions(text):
    assert not describes_job_offer(text), assess_offer(text)


# --- the tables (scam/data/offer_examples.yml) -----------------------------------------------------

TABLES = ("offer", "not_offer", "round2_offer", "round2_not_offer", "fresh_offer", "fresh_not_offer")


def test_tables_are_big_enough_and_disjoint():
    assert len(EXAMPLES["offer"]) >= 25 and len(EXAMPLES["not_offer"]) >= 25
    assert len(EXAMPLES["fresh_offer"]) >= 20 and len(EXAMPLES["fresh_not_offer"]) >= 20
    everything = [t for key in TABLES for t in EXAMPLES[key]]
    assert len(everything) == len(set(everything))


@pytest.mark.parametrize("text", EXAMPLES["offer"])
def test_offer_table(text):
    assert describes_job_offer(text), assess_offer(text)


@pytest.mark.parametrize("text", EXAMPLES["not_offer"])
def test_not_offer_table(text):
    assert not describes_job_offer(text), assess_offer(text)


def _accuracy(offers: list[str], questions: list[str]) -> tuple[float, float]:
    return (sum(map(describes_job_offer, offers)) / len(offers),
            sum(not describes_job_offer(t) for t in questions) / len(questions))


def test_later_tables_stay_above_a_floor():
    """Round 2 helped tuning a little; the fresh round did not (its figure is in bench/scam.py). Floors,
    not targets: a legal question taken for an offer is the costly mistake, so that side is held higher."""
    offers, questions = _accuracy(EXAMPLES["round2_offer"], EXAMPLES["round2_not_offer"])
    assert offers >= 0.9 and questions == 1.0
    offers, questions = _accuracy(EXAMPLES["fresh_offer"], EXAMPLES["fresh_not_offer"])
    assert offers >= 0.7 and questions >= 0.95


def test_every_ad_of_the_scam_dev_set_is_an_offer():
    dev = yaml.safe_load((ROOT / "bench" / "data" / "scam_dev.yml").read_text(encoding="utf-8"))
    missed = [item["text"] for item in dev if not describes_job_offer(item["text"])]
    assert missed == []


def test_assessment_names_its_reasons():
    offer = assess_offer("面試後說要先繳訓練費，這樣合法嗎")
    names = [name for name, _ in offer.features]
    assert offer.is_offer and {"hiring", "scam_request", "law_question"} <= set(names)
    assert ("scam_request", "先繳") in offer.features or ("scam_request", "訓練費") in offer.features
    law = assess_offer("派遣公司可以收仲介費嗎")  # a fee word, but a question about what the law allows
    assert not law.is_offer and law.law_score >= 2
    assert not describes_job_offer("") and not describes_job_offer("這是詐騙嗎")  # nothing to check


def test_simplified_and_full_width_text_is_read_too():
    assert describes_job_offer("有人私讯我说在家打字日领３０００")
    assert describes_job_offer("诚征店员，时薪200，意者请电")
    assert not describes_job_offer("育婴假可以先抢先赢吗")


# --- check_text marks its report -------------------------------------------------------------------

def test_check_text_says_whether_the_text_was_an_offer():
    question = rules_only("是否可以有試用期？")
    assert question.is_job_offer is False and question.verdict is None and question.signals == []
    assert question.to_dict()["is_job_offer"] is False
    ad = rules_only("徵人：輕鬆高薪 免經驗 加LINE")
    assert ad.is_job_offer is True and ad.verdict == ad.risk == "high"


# --- the three scams that were rated low -------------------------------------------------------------

def test_loan_to_buy_a_vacuum_cleaner_is_high():
    for text in ("應徵清潔工作，公司說要先貸款買一台吸塵器才能上工", "工作要先辦分期買吸塵器",
                 "面試官說入職前要刷卡買一套兩萬元的入門套組"):
        report = rules_only(text)
        assert report.risk == "high" and "buy_or_loan" in {s.kind for s in report.signals}, text
    assert "貸款" in LABELS["buy_or_loan"] and "分期" in LABELS["buy_or_loan"]
    assert "錢最後都是你要還" in rules_only("工作要先貸款買吸塵器").advice


def test_easy_high_pay_for_personal_data_is_high():
    report = rules_only("學生打工輕鬆高薪，只要提供個人資料就能領錢")
    assert report.risk == "high" and {"easy_money", "personal_data"} <= {s.kind for s in report.signals}
    assert rules_only("徵人：輕鬆高薪 免經驗 加LINE").risk == "high"  # lure + private contact
    assert rules_only("輕鬆高薪，歡迎來電").risk == "medium"  # the lure alone


def test_three_hundred_thousand_a_month_is_high():
    report = rules_only("對方提供1個月至少30萬台幣的薪資")
    [signal] = report.signals
    assert report.risk == "high" and signal.kind == "high_pay" and signal.weight == 3
    assert "1個月至少30萬" in signal.evidence and "倍" in signal.evidence


# --- the widened signals, and the honest wording they must leave alone -----------------------------

@pytest.mark.parametrize("kind,text", [
    ("buy_or_loan", "用分期付款買公司的入門套組才能上工"),
    ("buy_or_loan", "購買淨水器可以辦分期，賣出去再還"),
    ("buy_or_loan", "主管叫我先去貸款，說是買設備"),
    ("fee", "錄取後先上三天課，課程費一萬二要自己付"),
    ("fee", "剛應徵上的公司要我自費受訓"),
    ("fee", "領裝備前要先付押金兩千"),
    ("bank_account", "錄取後請把網銀和提款卡密碼提供給會計"),
    ("bank_account", "要我把存摺、提款卡寄過去"),
    ("personal_data", "只要填寫個人資料就能領錢"),
    ("easy_money", "錢多事少，歡迎學生"),
    ("easy_money", "免經驗高薪，名額有限"),
    ("private_chat", "只接受LINE聯繫，不接電話"),
    ("private_chat", "請加TG：@job_123"),
    ("high_pay", "日領8000 搬家工作 無經驗可"),
    ("high_pay", "每個月穩定收入二十萬，不用經驗"),
    ("overseas", "菲律賓客服，月薪25萬"),  # abroad + pay far above normal, no other lure
])
def test_widened_signals(kind, text):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "上下班需刷卡，月薪32000",
    "員工購物享分期零利率優惠",
    "需自備機車，公司補助油資",
    "本公司依個資法保護您的個人資料",
    "公司會協助辦理薪轉帳戶",
    "訓練期間薪水照付，制服費由公司負擔",
    "餐廳外場，薪水8000（每週兩天）",
    "月薪15萬，需醫師執照",
    "日本打工度假，月薪20萬日圓",
    "高薪徵求工程師，需三年經驗",
    "外派越南廠長，需十年管理經驗，年薪150萬",
])
def test_widened_signals_leave_honest_wording_alone(text):
    assert kinds(text) == set()


def test_overseas_with_high_pay_counts_once():
    report = rules_only("柬埔寨客服，月薪十萬，包機票")
    assert [s.kind for s in report.signals].count("overseas") == 1 and report.risk == "high"


def test_pay_parsing_reads_the_new_period_words():
    found = [(str(m.amount), m.period, m.guessed) for m in pay_mentions("1個月至少30萬，每個月3萬5，薪水8000")]
    assert found == [("300000", "monthly", False), ("35000", "monthly", False), ("8000", "daily", True)]
    # a full-width comma ends the clause: not a thousands separator (「時薪200，12點上班」 was missed)
    assert [(str(m.amount), m.period) for m in pay_mentions("時薪190，12點到5點")] == [("190", "hourly")]
    assert "below_min_wage" in kinds("誠徵店員，時薪190，12點到5點")


def test_fold_keeps_length_and_traditional_text():
    for text in ("臺南市公里只有后面", "ＬＩＮＥ：ａｂｃ　１２３", "这个工作说要先缴保证金\u200b", "a\x00b\tc\nd"):
        assert len(fold(text)) == len(text)
    assert fold("臺南市公里只有后面") == "台南市公里只有后面"  # 里, 只, 后 are Traditional too: left alone
    assert fold("ＬＩＮＥ：ａｂｃ　１２３") == "line:abc 123"
    assert fold("诚征 存折 轻松高薪 老板") == "誠徵 存摺 輕鬆高薪 老闆"
