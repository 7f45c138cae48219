"""Job-scam checker: each signal on its own (and the honest wording it must not flag), the risk
levels, the advice (165, 110, 1955, 就業服務法第5條), the semantic layer and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from scam import check_text
from scam.pay import check_pay, pay_mentions
from scam.semantic import PatternMatcher, load_patterns

ON = date(2026, 6, 1)  # minimum wage 29,500/month, 196/hour


def kinds(text: str) -> set[str]:
    return {s.kind for s in check_text(text, semantic=False, on=ON).signals}


@pytest.mark.parametrize("kind,text", [
    ("fee", "錄取後要先繳交3000元保證金，做滿半年退還"),
    ("fee", "上工前請先付制服費1500元"),
    ("fee", "公司說培訓費兩萬要從第一份薪水扣"),
    ("buy_or_loan", "入職前要先購買公司產品當業績"),
    ("buy_or_loan", "主管要我去銀行辦貸款和信用卡"),
    ("buy_or_loan", "面試時要我簽一張十萬元的本票"),
    ("bank_account", "為了發薪請把存摺和提款卡寄到公司"),
    ("bank_account", "請提供網路銀行帳號密碼給會計"),
    ("bank_account", "把你的帳戶借給公司使用，每月給租金"),
    ("bank_account", "等一下會收到簡訊驗證碼，請傳給我"),
    ("id_documents", "報到時身分證要交給公司保管"),
    ("id_documents", "經理把我的護照收走，說離職才還"),
    ("money_mule", "工作內容是幫公司向客戶收款再轉帳給主管"),
    ("money_mule", "到ATM提領現金後交給外務人員"),
    ("money_mule", "在家代收包裹，收到後轉寄到指定地址"),
    ("high_pay", "在家打字免經驗，日領3000"),
    ("high_pay", "只要一支手機，每天輕鬆賺兩千"),
    ("high_pay", "月入十二萬，不看學歷"),
    ("private_chat", "詳情請加LINE私聊"),
    ("private_chat", "有興趣請私訊我"),
    ("overseas", "柬埔寨高薪工作，包機票包吃住"),
    ("overseas", "緬甸的公司缺人"),
    ("overseas", "杜拜打工，簽證機票全包"),
    ("task_scam", "網購刷單，一單佣金50元"),
    ("task_scam", "幫影片按讚就有佣金可以領"),
    ("task_scam", "下載APP先儲值才能接任務"),
    ("task_scam", "投資群組助理，老師帶單穩賺"),
    ("personal_data", "請傳身分證正反面照片和手持證件自拍"),
    ("personal_data", "應徵要填父母電話和手機通訊錄"),
    ("below_min_wage", "誠徵店員，時薪180"),
    ("below_min_wage", "全職門市，月薪27000"),
])
def test_each_signal_on_its_own(kind, text):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    "本公司不收取任何保證金或訓練費",
    "提供免費制服與員工餐",
    "報到請攜帶身分證影本與存摺封面影本（薪資轉帳用）",
    "身分證正本僅供核對，當場歸還",
    "收銀、補貨，時薪200",
    "會計：處理應收帳款與付款",
    "軟體工程師，三年以上經驗，月薪12萬",
    "外派越南廠長，需十年管理經驗，年薪150萬",
    "兼職工讀生，月薪15000（每週兩天）",
    "時薪1100日圓的打工度假農場",
    "公司在西港區，月薪32000",
])
def test_honest_wording_is_not_a_signal(text):
    assert kinds(text) - {"private_chat"} == set()


def test_risk_levels_and_scores():
    assert check_text("要先繳3000元保證金", semantic=False, on=ON).risk == "high"          # one strong signal
    assert check_text("在家打字免經驗，日領3000", semantic=False, on=ON).risk == "medium"    # strong warning
    assert check_text("在家打字免經驗，日領3000，加LINE詳談", semantic=False, on=ON).risk == "high"
    assert check_text("有興趣請加LINE詢問", semantic=False, on=ON).risk == "low"          # worth noticing only
    assert check_text("緬甸的公司缺人", semantic=False, on=ON).risk == "medium"
    legit = check_text("誠徵飲料店兼職，時薪200，享勞健保，意者請電(06)000-0101", semantic=False, on=ON)
    assert (legit.risk, legit.signals) == ("low", [])


def test_advice_names_the_hotlines_and_the_article_where_it_applies():
    high = check_text("公司要我把提款卡和存摺寄過去，先加LINE", semantic=False, on=ON)
    assert high.risk == "high"
    assert all(number in high.advice for number in ("165", "110", "1955"))
    assert high.citations == ["就業服務法第5條"]
    mule = check_text("幫公司向客戶收款再轉帳", semantic=False, on=ON)
    assert "共犯" in mule.advice and mule.citations == []
    low_pay = check_text("誠徵店員，時薪180", semantic=False, on=ON)
    assert low_pay.risk == "medium" and low_pay.citations == ["最低工資法第5條"]
    fine = check_text("誠徵店員，時薪200", semantic=False, on=ON)
    assert fine.risk == "low" and "165" in fine.advice and fine.citations == []


def test_evidence_quotes_the_users_own_words():
    report = check_text("在家工作，請把存摺寄到台北公司", semantic=False, on=ON)
    evidence = next(s.evidence for s in report.signals if s.kind == "bank_account")
    assert "存摺寄到台北公司" in evidence  # original spelling (台, not the normalised 臺)


def test_pay_mentions_with_periods_ranges_and_units():
    found = [(str(m.amount), m.period) for m in pay_mentions("時薪200，月入3萬5，日領2,000元，一單50，收入6到10萬")]
    assert found == [("200", "hourly"), ("35000", "monthly"), ("2000", "daily"), ("50", "task"), ("60000", "monthly")]
    assert pay_mentions("薪水是台灣的三倍") == []
    assert check_pay("時薪196", ON) == [] and check_pay("時薪195", ON)[0].kind == "below_min_wage"
    assert check_pay("時薪195", date(2025, 6, 1)) == []  # 190/hour in 2025
    assert check_pay("一天只要兩小時，月入四萬五，在家做", ON)[0].kind == "high_pay"


@pytest.fixture(scope="module")
def matcher() -> PatternMatcher:
    return PatternMatcher()  # the bundled USE-m encoder


def test_patterns_file_is_well_formed():
    scams, legit = load_patterns()
    assert len(scams) >= 30 and len(legit) >= 20
    from scam import LABELS

    assert {p.kind for p in scams} <= set(LABELS)


def test_semantic_layer_recognises_a_known_pattern_in_new_words(matcher):
    # no rule fires on this wording; it is close to the 代收包裹 pattern
    text = "在家幫忙收快遞，收到以後原封不動再寄出去"
    assert kinds(text) == set()
    report = check_text(text, matcher=matcher, on=ON)
    similar = [s for s in report.signals if s.kind == "similar_pattern"]
    assert similar and "包裹" in similar[0].evidence
    assert report.risk in ("medium", "high")


def test_semantic_layer_leaves_ordinary_ads_alone(matcher):
    for text in ("誠徵物流倉儲理貨員，月薪三萬三，週休二日", "補習班徵數學老師，需相關科系，時薪四百"):
        report = check_text(text, matcher=matcher, on=ON)
        assert report.risk == "low" and report.signals == [], report.extra


def test_without_an_encoder_the_rules_still_work(monkeypatch):
    import scam.semantic as semantic

    monkeypatch.setattr(semantic, "_matcher", None)
    monkeypatch.setattr(semantic, "_failed", True)
    report = check_text("要先繳3000元保證金", on=ON)
    assert report.risk == "high" and all(s.kind != "similar_pattern" for s in report.signals)


def test_cli_scam_check_json():
    from cli.main import app

    result = CliRunner().invoke(app, ["scam-check", "--json", "--no-semantic", "--on", "2026-06-01",
                                      "日領3000免經驗，先加LINE，要提供存摺"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"risk", "signals", "advice", "citations", "is_job_offer"}
    assert data["risk"] == "high" and data["citations"] == ["就業服務法第5條"] and data["is_job_offer"] is True
    assert [s["kind"] for s in data["signals"]] == ["bank_account", "high_pay", "private_chat"]
    assert all(set(s) == {"kind", "evidence"} for s in data["signals"])
    plain = CliRunner().invoke(app, ["scam-check", "--no-semantic", "誠徵店員，時薪200"])
    assert plain.exit_code == 0 and plain.output.startswith("風險：低風險")
