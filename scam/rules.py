"""Rule signals: wording that job scams use and honest ads do not.

Each rule is a kind, a weight and regular expressions over normalised text (Traditional, half-width,
lower case; scam.text.fold). A match preceded by a negation ("不收任何費用", "免保證金") does not
count. Weights: 3 = a scam by itself (asks for money, accounts, documents or cash runs, a loan or
instalments to buy what the job needs), 2 = strong warning, 1 = worth noticing. A kind may have
several rules of different weights (a bare 「提供個資」 is 1, ID photos are 2): the first rule of a kind
that matches gives its weight, so the stronger rule comes first.

Every pattern keeps its unbounded repeats apart from each other ([^，]{0,6} between keywords), so a
check is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scam.text import fold

_NEGATION = re.compile(r"(不|免|無|勿|沒有|絕不|拒絕|不會|不用|不需|不必|不須|無須|無需|禁止|嚴禁|不得)[^，。,.!！?？\n]{0,4}$")


@dataclass(frozen=True)
class Rule:
    kind: str
    weight: int
    patterns: tuple[re.Pattern[str], ...]
    negatable: bool = True
    exclude: re.Pattern[str] | None = None  # a match whose own text matches this is ignored


def _r(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _words(*words: str) -> str:
    """An alternation of literal words behind a one-character look-ahead on their first letters, so
    that the many positions where no word can start are rejected at once instead of word by word."""
    firsts = "".join(sorted({w[0] for w in words}))
    return "(?=[" + firsts + "])(" + "|".join(words) + ")"


MONEY_WORDS = _words(
    "保證金", "押金", "訂金", "訓練費", "培訓費", "教材費", "制服費", "裝備費", "服裝費", "手續費", "介紹費", "仲介費", "入會費",
    "會員費", "材料費", "行政費", "開通費", "解凍費", "認證費", "保證費", "工作證費", "報名費", "簽證費", "體驗費", "拍攝費",
    "作品集費", "保險費", "清潔費", "卡費", "設定費", "工本費", "識別證費", "上架費", "開戶費", "平台費", "系統費", "帳號費",
    "課程費", "設備費", "器材費", "耗材費", "加盟金", "啟動金", "入門費")
# what a scam job makes people buy, often on a loan or in instalments
GOODS = _words(
    "產品", "商品", "課程", "教材", "貨", "保養品", "化妝品", "保健食品", "健康食品", "營養品", "會員", "點數", "方案", "套組", "設備",
    "器材", "機器", "機台", "手機", "序號", "吸塵器", "淨水器", "濾水器", "清淨機", "按摩椅", "美容儀", "入門", "創業包", "啟動包",
    "裝備", "樣品", "庫存")
_C = r"[^，。,.!！?？\n]"  # within one clause

RULES: tuple[Rule, ...] = (
    Rule("fee", 3, _r(
        r"(先|要|須|需|得|必須|需要|要求|請)[^，。,.!！?？\n]{0,6}(繳|付|交|匯|轉|給|支付|繳交|繳納|匯款|轉帳)[^，。,.!！?？\n]{0,8}" + MONEY_WORDS,
        r"(收|收取|繳|繳交|繳納|支付|付)[^，。,.!！?？\n]{0,4}" + MONEY_WORDS,
        MONEY_WORDS + r"[^，。,.!！?？\n]{0,6}([0-9０-９一二兩三四五六七八九十百千萬]+ *(元|塊|萬)|退還|才能|才可以|從薪水)",
        r"(先|要|須|需)(繳|付|交)[^，。,.!！?？\n]{0,3}(錢|費用|[0-9]+ *元)",
        r"(先|要|須|需)[^，。,.!！?？\n]{0,6}(?<!月)(收|繳|付|交)(?!入)[^，。,.!！?？\n]{0,3}[0-9一二兩三四五六七八九十百千萬]+ *(元|塊|萬)",
        # the worker pays for the training or the kit: 「課程費一萬二要自己付」「自費受訓」
        r"(訓練費|培訓費|課程費|教材費|制服費|裝備費|設備費|器材費|材料費|保證金|押金)" + _C + r"{0,8}"
        r"(自付|自己付|自行負擔|自己出|自費|要付|要繳|得付|由你|由員工|由新人)",
        r"(自費|自掏腰包|自己出錢)" + _C + r"{0,4}(受訓|訓練|上課|培訓|課程)",
    ), exclude=re.compile(r"免費|不收|無須|無需")),
    Rule("buy_or_loan", 3, _r(
        r"(先|要|須|需|得|必須|需要|要求|請)?[^，。,.!！?？\n]{0,4}(購買|認購|自購|訂購|先買|買下|買斷)[^，。,.!！?？\n]{0,8}" + GOODS,
        r"(先|要|須|需|得|必須|需要|要求|叫|要我|叫我)" + _C + r"{0,4}買" + _C + r"{0,8}" + GOODS,
        r"(辦|申辦|申請|去辦|幫忙辦)[^，。,.!！?？\n]{0,4}(貸款|信貸|信用卡|門號|手機|分期|車貸|卡)",
        # a loan, instalments or a card swipe to pay for what the job needs: 「要先貸款買吸塵器」「刷卡買入門套組」
        # (as a condition, or for the goods such jobs sell; not 「員工購物享分期」 or 「分期購買機車」)
        r"(先|要|須|需|得|必須|需要|要求|叫|要我|叫我|請|才能|才可以)" + _C + r"{0,6}"
        r"(貸款|借貸|信貸|車貸|分期|信用卡|刷卡)" + _C + r"{0,10}(買|購買|購|添購|付清|支付|繳)",
        r"(貸款|借貸|信貸|分期|信用卡|刷卡)" + _C + r"{0,10}(買|購)" + _C + r"{0,8}" + GOODS,
        r"(買|購)" + _C + r"{0,8}" + GOODS + _C + r"{0,8}(貸款|分期|刷卡|信用卡)",
        r"(先|要|須|需|得|必須|需要|要求|叫|要我|叫我|請)" + _C + r"{0,6}(去)?(貸款|借貸|借錢|辦分期|分期付款)",
        r"(簽|簽下|開)[^，。,.!！?？\n]{0,8}(本票|借據|保證書)",
        r"(掛名|人頭)[^，。,.!！?？\n]{0,6}(負責人|公司|帳戶|門號)",
        r"(購買|買)[^，。,.!！?？\n]{0,4}(遊戲點數|點數卡|禮物卡)",
    )),
    Rule("bank_account", 3, _r(
        r"存摺(?!影本|封面|正面影本)",
        r"(存簿|簿子)",
        r"(驗證碼|otp|認證碼)",
        r"(帳戶|帳號)[^，。,.!！?？\n]{0,4}(借給|租給|借我|交給|給公司|讓公司|供公司)",
        r"(走帳|跑金流|洗金流)",
        r"(提款卡|金融卡|銀行卡|debit ?card|atm ?卡|atm ?card)",
        r"(網銀|網路銀行|網路帳號|銀行帳號|帳戶)[^，。,.!！?？\n]{0,6}(密碼|驗證)",
        r"(提供|給|告訴|傳|交出|交給|寄)" + _C + r"{0,6}密碼",
        r"(出租|租借|借用|借|租|收購|買)[^，。,.!！?？\n]{0,3}(你的|您的)?(帳戶|帳號|人頭)",
        r"(提供|交出|交給|寄|寄出|借出)[^，。,.!！?？\n]{0,6}(帳戶|帳號)[^，。,.!！?？\n]{0,6}(給|讓|使用|操作|收款|進出|匯)",
        r"(印章|印鑑)[^，。,.!！?？\n]{0,6}(交|寄|保管|給)",
        r"(交|寄|保管|給)[^，。,.!！?？\n]{0,6}(印章|印鑑)",
    ), exclude=re.compile(r"影本")),
    Rule("id_documents", 3, _r(
        r"(身分證|身份證|健保卡|護照|居留證|證件|駕照)[^，。,.!！?？\n]{0,8}(交給|交由|保管|留在|寄|扣|押|代管|代辦)",
        r"(交出|交|寄出|寄|扣留|扣押|保管|留置)[^，。,.!！?？\n]{0,6}(身分證|身份證|健保卡|護照|居留證|證件)(?!影本)",
        r"(身分證|身份證|健保卡|護照|居留證|證件)[^。!！?？\n]{0,8}(收走|拿走|扣住|扣著|不還|才會還|才還)",
    ), exclude=re.compile(r"影本|核對|查驗")),
    Rule("money_mule", 3, _r(
        r"(幫|替|代|為|協助)[^，。,.!！?？\n]{0,6}(收款|收錢|取款|提款|領錢|提領|領款|轉帳(?!戶)|匯款|轉匯|收現|收取現金|收貨款)",
        r"(收|領|拿)[^，。,.!！?？\n]{0,6}(錢|現金|款項|貨款)[^。!！?？\n]{0,6}(轉帳(?!戶)|轉給|匯給|匯到|匯出|交給|轉到|轉交)",
        r"(代收|代領|領取|領|收)[^，。,.!！?？\n]{0,4}包裹[^。!！?？\n]{0,14}(轉寄|轉交|交給|寄出|再寄)",
        r"(匯來|匯進來|轉進來|打進來|進來)的?(錢|款|款項)",
        r"(收到|錢進來|入帳)[^。!！?？\n]{0,10}(轉出|轉走|匯出|提領|領出來)",
        r"(代收|代轉|轉交)[^，。,.!！?？\n]{0,4}(包裹|款項|現金)",
        r"(車手|收水|取簿手|領錢手)",
        r"(atm|提款機)[^，。,.!！?？\n]{0,8}(提領|領錢|領出|領取|提款)",
        r"(提領|領出)[^，。,.!！?？\n]{0,6}(現金|款項)[^，。,.!！?？\n]{0,8}(交給|交付|轉交|面交)",
        r"(現金|款項)[^，。,.!！?？\n]{0,4}面交",
        r"(面交|收)[^，。,.!！?？\n]{0,6}(虛擬貨幣|泰達幣|usdt|比特幣)",
        r"(幣商|虛擬貨幣買賣員)",
        r"(匯進|匯入|轉進|轉入)[^，。,.!！?？\n]{0,6}(你的|您的|個人)[^，。,.!！?？\n]{0,2}(帳戶|帳號)",
    ), negatable=False),
    Rule("task_scam", 3, _r(
        r"(刷單|刷機|刷評論|刷好評|刷銷量|刷業績|衝單)",
        r"(按讚|點讚|追蹤|看影片|點擊廣告|評價)[^，。,.!！?？\n]{0,10}(佣金|賺|領|任務|獎金|元)",
        r"(做任務|接任務|領任務|任務單|派單|搶單)",
        r"(先|要|須|需)?[^，。,.!！?？\n]{0,4}(儲值|墊付|墊款|入金)",
        r"(返利|返佣|高額回報|保證獲利|穩賺|穩賺不賠|帶單|跟單|代操|連本帶利)",
        r"(先|自己)[^，。,.!！?？\n]{0,3}(出錢|墊錢|付款|付錢)[^。!！?？\n]{0,16}(還你|返還|退還|退給你|還給你|退回|加倍|回饋)",
        r"(娛樂城|博弈|博奕|線上賭場|百家樂|賭盤)",
        r"下單[^。!！?？\n]{0,6}(評價|好評|業績|銷量)",
        r"(usdt|泰達幣|虛擬貨幣|加密貨幣)[^，。,.!！?？\n]{0,10}(發薪|薪水|投資|獲利|錢包|帳戶|入金)",
        r"(投資|理財)[^，。,.!！?？\n]{0,6}(群組|老師|任務|獲利|回報|平台|助理)",
    )),
    Rule("personal_data", 2, _r(
        r"手持[^，。,.!！?？\n]{0,4}(證件|身分證|身份證)",
        r"(身分證|身份證|證件)[^，。,.!！?？\n]{0,4}(正反面|拍照|照片)",
        r"(拍|傳|上傳|提供)[^，。,.!！?？\n]{0,6}(身分證|身份證|證件)[^，。,.!！?？\n]{0,4}(照|正反面|給)",
        r"(通訊錄|聯絡人清單|家人[^，。,.!！?？\n]{0,4}(電話|資料)|父母[^，。,.!！?？\n]{0,4}(電話|資料)|親友[^，。,.!！?？\n]{0,4}(電話|資料))",
        r"(信用卡號|卡號|安全碼|cvv)",
        r"(點|點擊|點選)[^，。,.!！?？\n]{0,4}連結[^，。,.!！?？\n]{0,10}(填|登入|輸入|資料)",
        r"(裸照|私密照|全身照[^，。,.!！?？\n]{0,4}不穿)",
    )),
    # any personal data asked for up front (weaker than ID photos: honest employers need some, later)
    Rule("personal_data", 1, _r(
        r"(提供|填|填寫|傳|給|留下|交|上傳|寄|拍)" + _C + r"{0,6}(個人資料|個資|詳細資料)",
        r"(個人資料|個資)" + _C + r"{0,4}(給|傳|提供|寄|就能|就可以)",
    ), exclude=re.compile(r"保護|個資法")),
    # the classic lure wording, with or without a figure (the pay check weighs the figures)
    Rule("easy_money", 2, _r(
        r"(輕鬆|簡單)" + _C + r"{0,3}高薪|高薪" + _C + r"{0,3}(輕鬆|簡單|(免|無|不用|不需|零)經驗)",
        r"(免|無|不用|不需|零)經驗" + _C + r"{0,3}高薪",
        r"錢多事少|躺著(就能)?賺|輕鬆賺大錢|輕鬆(月入|日入|日領|賺)[0-9一二兩三四五六七八九十]|快速致富|賺快錢|高薪好康",
    )),
    # only a private channel, no phone or address: 「只接受LINE聯繫」「不接電話，請私訊」
    Rule("private_chat", 2, _r(
        r"(只|僅|一律|只能|只接受|只收|僅限|只用)" + _C + r"{0,4}(私訊|私聊|line|賴|telegram|飛機|微信|whatsapp)",
        r"(不接|不留|沒有|無|不提供)" + _C + r"{0,2}電話" + _C + r"{0,10}(line|賴|私訊|telegram|飛機|微信)",
    ), negatable=False, exclude=re.compile(r"官方")),
    Rule("private_chat", 1, _r(
        r"(加|加入)[^，。,.!！?？\n]{0,3}(line|賴|好友|微信|wechat|whatsapp|telegram|tg|飛機)",
        r"(私訊|私聊|私密|密我|密聊|小窗)",
        r"(line|賴) ?(id|帳號)?[:：]? ?@?[a-z0-9_.\-]{3,}",
        r"(telegram|飛機|whatsapp|微信)",
    ), negatable=False, exclude=re.compile(r"官方")),
)

HIGH_RISK_PLACES = re.compile(
    r"(柬埔寨|金邊|西哈努克|緬甸|妙瓦底|寮國|金三角|杜拜|迪拜|泰緬|緬泰|泰國邊境)")
ANY_ABROAD = re.compile(r"(海外|出國|國外|外派|境外|東南亞|泰國|菲律賓|馬來西亞|越南|印尼|日本|韓國|澳洲)")
ABROAD_LURES = re.compile(r"((不用|不需|免|無需)[^，。,\n]{0,3}經驗|高薪|薪水[^，。,\n]{0,6}倍|包機票|機票全包|機票免費|免費出國|包吃包住|簽證[^，。,.\n]{0,4}(全包|代辦|免費)|到了當地|當地再簽|護照[^，。,.\n]{0,4}(交|代辦|保管))")


@dataclass(frozen=True)
class Hit:
    kind: str
    weight: int
    evidence: str
    start: int


def _snippet(text: str, start: int, end: int, pad: int = 6) -> str:
    left = max(0, start - pad)
    right = min(len(text), end + pad)
    piece = text[left:right].strip()
    return ("…" if left > 0 else "") + piece + ("…" if right < len(text) else "")


def _negated(text: str, start: int) -> bool:
    return bool(_NEGATION.search(text[max(0, start - 8):start]))


def rule_hits(text: str) -> list[Hit]:
    """Every rule that matches, strongest first (at most one hit per kind)."""
    # same offsets as `text` (evidence is cut from the original); 臺 -> 台 so patterns need one spelling
    norm = fold(text)
    hits: dict[str, Hit] = {}
    for rule in RULES:
        if rule.kind in hits:  # a stronger rule of the same kind already matched
            continue
        for pattern in rule.patterns:
            for match in pattern.finditer(norm):
                if rule.exclude is not None and rule.exclude.search(match.group(0)):
                    continue
                if rule.negatable and _negated(norm, match.start()):
                    continue
                # evidence: the match with a little context, cut to a readable length
                hit = Hit(rule.kind, rule.weight, _snippet(text, match.start(), match.end()), match.start())
                if rule.kind not in hits:
                    hits[rule.kind] = hit
                break
            if rule.kind in hits:
                break
    overseas = overseas_hit(norm, text)
    if overseas:
        hits[overseas.kind] = overseas
    return sorted(hits.values(), key=lambda h: (-h.weight, h.start))


def overseas_hit(norm: str, original: str | None = None) -> Hit | None:
    """Risky places (柬埔寨, 緬甸, 杜拜 ...) or any job abroad with travel lures (包機票, 到了當地再簽約)."""
    original = original if original is not None and len(original) == len(norm) else norm
    place = HIGH_RISK_PLACES.search(norm)
    lure = ABROAD_LURES.search(norm)
    if place:
        weight = 3 if lure else 2
        end = lure.end() if lure and lure.start() > place.start() else place.end()
        return Hit("overseas", weight, _snippet(original, place.start(), min(end, place.start() + 30)), place.start())
    abroad = ANY_ABROAD.search(norm)
    if abroad and lure:
        return Hit("overseas", 2, _snippet(original, abroad.start(), max(abroad.end(), lure.end())), abroad.start())
    return None
