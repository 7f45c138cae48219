"""Does a message describe a job offer at all? (A question about the law must never get a scam verdict.)

The NLU sometimes sends plain questions (「是否可以有試用期？」「育嬰假可以先搶先贏嗎」) to the scam
checker, which then answered 「詐騙風險：低」 as if they were job ads. `describes_job_offer` tells the
two apart with a handful of word features, so callers can route a non-offer to the knowledge base
and `check_text` can mark its report.

Two sums are kept (each feature counts once, whatever the number of matches):

offer evidence (the text is an ad, a hiring process, a recruiter's contact or an offer received)
    ad_heading      3  誠徵、急徵、徵才、招募、職缺、工作機會、徵○○員
    job_title_first 2  the first clause is a job, as ads start: 「電子廠作業員，…」「跑腿工作：…」 (not 「我是…」)
    recruiter       2  someone else makes the offer: 有人私訊我、對方說、仲介、人資、網友、朋友介紹、有工作要我、
                       這份工作、在臉書／Dcard 看到、收到簡訊
    hiring          2  應徵、面試、錄取、投履歷、求職、入職、上工前、報到那天
    scam_request    3  what scams ask for: 存摺、提款卡、保證金、訓練費、貸款、分期、刷單、車手、走帳、本票、個資…
    lure            2  ad wording: 日領、日結、月入、高薪、免經驗、不看學歷、在家打字、時間自由、佣金、包吃包住
    contact         2  how to answer an ad: 加LINE、私訊、Telegram、意者、有興趣、請電、寄履歷、名額有限
    check_question  2  asks whether an offer is genuine: 是詐騙嗎、可以做嗎、是真的嗎、可信嗎、合理嗎
    pay_figure      1  an amount with a period: 日領3000、月薪三萬三、1個月至少30萬、一件200元
    demand          1  someone asks the user to act: 要我／叫我（先）繳、付、寄、辦、買、簽、提供、傳
    ad_terms        1  ad layout words: 工作內容、工作地點、上班時間、薪資待遇、週休二日、供餐、歡迎學生

law evidence (the text is a question about rights, or about the user's own job)
    law_question    2  合法、違法、規定、勞基法、權益、怎麼算、幾天、怎麼辦、可以…嗎（permission）
    statutory_topic 2  試用期、育嬰、特休、資遣、勞保、加班費、工時、離職、扣薪、最低工資、職災…
                       (not 享勞健保／有加班費, which are ad wording)
    own_job         1  我的老闆、雇主、在職、做了三年、年資、我們公司

A text describes an offer when offer ≥ 3 and offer − law ≥ 2. So 「面試後說要先繳訓練費，合法嗎」
(hiring 2 + scam_request 3 + demand 1 − law 2) is an offer, 「派遣公司可以收仲介費嗎」 (scam_request 3 − law 2)
is not, and a bare 「這是詐騙嗎」 (check_question 2) is too thin to be either.

Pure and fast: one `str.translate` fold and a dozen regular-expression searches, all linear (no
nested unbounded repeats); about 0.5 ms on a 2,000-character message. The tables it was tuned and
tested on are in scam/data/offer_examples.yml; bench/scam.py prints its accuracy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scam.text import fold

OFFER_THRESHOLD = 3
OFFER_MARGIN = 2

_STOP = r"[^，。,.!！?？\n]"  # within one clause
_NUM = r"[0-9一二三四五六七八九十兩百千萬]"


@dataclass(frozen=True)
class Feature:
    name: str
    side: str  # "offer" | "law"
    weight: int
    pattern: re.Pattern[str]


def _f(name: str, side: str, weight: int, pattern: str) -> Feature:
    return Feature(name, side, weight, re.compile(pattern))


_ROLE = (r"(工程師|技師|司機|助理|助手|學徒|客服|店員|人員|專員|教練|實習生|工讀生|作業員|照服員|外送員|[^我]員|師|廚|行政|業務"
         r"|主管|經理|廠長|店長|小編|主播|直播主|模特兒|家教|老師|保全|保母|褓姆|看護|外務|櫃台|大夜班|夜班|兼職|打工"
         r"|臨時工|粗工|工作|職缺)")

FEATURES: tuple[Feature, ...] = (
    _f("ad_heading", "offer", 3,
       r"誠徵|急徵|急招|徵才|求才|招募|招聘|誠聘|聘請|高薪聘|hiring|職缺|(工作|打工|兼職)機會|缺人手?|徵人"
       r"|徵求" + _STOP + r"{0,6}(人員|夥伴|幫手|員)"
       r"|(?<![特象表應])徵(?!收|兆|信|詢|求職)" + _STOP + r"{0,8}?"
       r"(員|師|工|生|手|小編|助理|夥伴|人員|司機|客服|模特兒|主播|直播主|幫手)"),
    # an ad starts with the job: 「電子廠作業員，月薪3萬2…」「跑腿工作：…」 (not 「我是工讀生，…」)
    _f("job_title_first", "offer", 2,
       r"^[\s【\[(（]*(?!我)[^，。,.!！?？\n:：;；]{0,14}?" + _ROLE + r"[\s】\])）]*[，,:：;；\n ]"),
    _f("recruiter", "offer", 2,
       r"(有人|對方|仲介|人資|面試官|招募人員|網友|陌生人|學長|學姐|經紀公司|經紀人|獵頭|廠商"
       r"|某公司|有家公司|有間公司|有一家公司|有一間公司|那家公司|那間公司|這家公司|這間公司|一個帳號|粉專)"
       + _STOP + r"{0,10}(說|要我|叫我|提供|問我|傳|找我|約我|介紹|私訊|邀|給我|開出|加我|聯絡我|打給我|打電話|徵|招|在找|要找)"
       r"|有(一個|一份|個|份)?(工作|打工|兼職|職缺|案子)" + _STOP + r"{0,4}(要我|叫我|說|找我|給|只要)"
       r"|這(份|個)(工作|打工|兼職|職缺)|(朋友|同學|學長|學姐|網友|親戚)(介紹|推薦|找我|約我)"
       r"|(介紹|推薦)(我|給我)?" + _STOP + r"{0,4}(工作|打工|兼職|職缺)"
       r"|offer|工作邀約|收到(簡訊|訊息|私訊|來電)"
       r"|(網路上|網路|網站|臉書|fb|ig|threads|脆|抖音|tiktok|youtube|dcard|ptt|小紅書|社團|群組|人力銀行|104|1111|518)"
       + _STOP + r"{0,8}(看到|貼文|廣告|徵)"),
    _f("hiring", "offer", 2,
       r"應徵|面試|錄取|投履歷|寄履歷|履歷|求職|找工作|找打工|找兼職|上工前|入職|報到(那天|當天|時|前)|第一天報到"
       r"|職前訓練|新人訓|試鏡|報名"),
    _f("scam_request", "offer", 3,
       r"存摺|存簿|簿子|提款卡|金融卡|網銀|驗證碼|認證碼|保證金|押金|訓練費|培訓費|制服費|介紹費|仲介費|材料費|課程費"
       r"|刷單|車手|收水|代收包裹|轉寄|走帳|貸款|信貸|分期|(辦|申辦)" + _STOP + r"{0,3}(信用卡|門號)|刷卡買"
       r"|儲值|入金|帶單|本票|掛名|人頭|遊戲點數|柬埔寨|金邊|緬甸|妙瓦底|寮國|杜拜|個資|個人資料|手持證件|身[分份]證正反面"
       r"|(扣|收走|保管)" + _STOP + r"{0,4}(身[分份]證|護照|證件)|(身[分份]證|護照|證件)" + _STOP + r"{0,4}(交給|收走|保管)"
       r"|自費受訓|自購|先付|先繳|先匯|(拿|收|領)現金|指定的?(帳號|帳戶)|無卡|usdt|泰達幣|虛擬貨幣"),
    _f("lure", "offer", 2,
       r"日領|日結|週領|周領|當日領|月入|輕鬆賺|高薪|(免|無|不需|不用|不限|零)" + _STOP + r"{0,3}經驗|經驗不拘|不看學歷"
       r"|學歷不拘|時間自由|在家(打字|工作|兼職|賺|接案|代工|就能|包裝|做)|居家(工作|代工|客服|兼職)|家庭代工|代工"
       r"|工作(很|超)?(簡單|輕鬆)|學生主婦|寶媽|躺著賺|動動手指|多勞多得|起跳|抽成|佣金|分紅|包吃包住|包機票"
       r"|保證(月入|收入|賺|有)|任務"),
    _f("contact", "offer", 2,
       r"加(line|賴|我|好友|微信)|line ?id|私訊|私聊|密我|telegram|飛機|whatsapp|微信|wechat|意者|有意者"
       r"|有興趣(者|的|請|可|歡迎)|歡迎(私訊|洽詢|來電|加入|詢問)|請電|請洽|洽詢|面洽|請寄|名額有限|額滿為止|詳談|詳情"),
    _f("check_question", "offer", 2,
       r"(是不是|是|會不會是|算不算|像不像|會是)" + _STOP + r"{0,2}(詐騙|騙局|騙人)|可以做嗎|能做嗎|可以去嗎|該去嗎|要去嗎"
       r"|可信嗎|可以信嗎|可靠嗎|靠譜嗎|真的假的|是真的嗎|這是真的|安全嗎|有問題嗎|合理嗎"),
    _f("pay_figure", "offer", 1,
       r"(日領|日薪|時薪|月薪|月入|月領|日結|週領|年薪|底薪|每天|一天|個月|每月|一小時|每小時|一件|一單|每趟|一趟|每件|每單"
       r"|一張|每張|一場|一支|一篇|一則|每次)"
       + _STOP + r"{0,4}?" + _NUM + r"|給你?(" + _NUM + r"[0-9,.]{0,6} *(萬|千|k|元|塊)|[0-9]{3,})"
       r"|" + _NUM + r"[0-9,.]{0,6} *(萬|千|k|元|塊)" + _STOP + r"{0,2}(起|/|一天|每天|一個月|每月)"),
    _f("demand", "offer", 1,
       r"(要我|叫我|要求我|請我|讓我|要你|叫你|請你|需要你|要先|須先|需先|必須先)" + _STOP + r"{0,4}"
       r"(繳|付|匯|交|寄|辦|買|簽|提供|傳|加|拍|刷|借|領|轉)"),
    _f("ad_terms", "offer", 1,
       r"工作內容|工作地點|上班地點|上班時間|薪資待遇|待遇|需求人數|起薪|享勞健保|週休二日|可排班|供餐|供宿|宿舍"
       r"|歡迎學生|學生可|意者|津貼|獎金|月休|排休|輪班|輪值|可遠端|計酬|調薪|加薪|需(能|有|具)|需自備"
       r"|限" + _STOP + r"{0,6}(科系|學生|以上)|【|】|★|✅|☎|📍|💰"),
    _f("law_question", "law", 2,
       r"合法|違法|犯法|違反|勞基法|勞動基準法|法律(?!系|事務所)|法規|規定|權益|怎麼算|如何計算|怎麼計算|計算方式|算法"
       r"|幾天|幾個月|怎麼辦|該怎麼|要怎麼|怎麼申訴|多少(錢)?$|多少[?？]|拿多少|領多少|是否|可不可以|能不能|能否|會怎樣"
       r"|有沒有|(可以|要|需要|能)" + _STOP + r"{0,10}(嗎|呢)[\s?？]*$"),
    _f("statutory_topic", "law", 2,
       r"試用期|育嬰|產假|產檢|陪產|特休|特別休假|資遣|解僱|解雇|開除|辭退|裁員|(?<![享有保、])(勞保|勞健保|勞退)"
       r"|退休金|(?<!有)加班費(?!另計)|加班|工時|一例一休|例假|休息日|國定假日|颱風假|年資|預告|職災|公傷|工傷"
       r"|最低工資|基本工資|勞動契約|勞資|調解|申訴|離職|辭職|扣薪|扣錢|欠薪|積欠|拖欠|薪資單|請假|病假|事假|婚假|喪假"
       r"|生理假|家庭照顧假|性騷擾|歧視|懷孕|哺乳|留職停薪|留停|競業|失業給付|(?<!加)全勤|調職|調動|投保薪資|移工|外籍"
       r"|公開薪資|薪資範圍|就業服務法|就服法"),
    _f("own_job", "law", 1,
       r"我的(老闆|公司|主管|雇主)|(?<![有某一那這])(老闆|雇主)|在職|(做了|工作了|上班了|待了|做滿|工作滿|任職)" + _NUM
       + r"|年資|我們公司|目前的?(工作|公司)|現在的?(工作|公司)|(我|我們)(公司|店裡|工廠)"),
)


@dataclass(frozen=True)
class OfferAssessment:
    """The verdict with its reasons: `features` names each feature found and the words that matched."""

    is_offer: bool
    offer_score: int
    law_score: int
    features: tuple[tuple[str, str], ...]


_SCAM_MARKERS = frozenset({"scam_request", "lure", "contact", "check_question", "demand"})


def assess_offer(text: str) -> OfferAssessment:
    """Score `text` on the offer and law features (see the module docstring)."""
    folded = fold(text)
    offer = law = 0
    found: list[tuple[str, str]] = []
    for feature in FEATURES:
        match = feature.pattern.search(folded)
        if match is None:
            continue
        found.append((feature.name, text[match.start():match.end()]))
        if feature.side == "offer":
            offer += feature.weight
        else:
            law += feature.weight
    names = {name for name, _ in found}
    # 「這樣的徵才廣告合法嗎」 with nothing a scam asks for (money, documents, accounts, easy-money lures,
    # private contact, "is this a scam?") is a question about the rules for ads, not an offer to check.
    about_rules = "law_question" in names and not names & _SCAM_MARKERS
    is_offer = offer >= OFFER_THRESHOLD and offer - law >= OFFER_MARGIN and not about_rules
    return OfferAssessment(is_offer, offer, law, tuple(found))


def describes_job_offer(text: str) -> bool:
    """True for a pasted job ad, a hiring process, a recruiter's contact or an offer received;
    False for a question about the law or about one's own job, which the knowledge base answers."""
    return assess_offer(text).is_offer


__all__ = ["FEATURES", "Feature", "OfferAssessment", "assess_offer", "describes_job_offer"]
