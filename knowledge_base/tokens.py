"""Word tokens for BM25: normalise, OpenCC t2s, jieba (with labour-law terms), drop stop words."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

# Labour-law terms jieba's general dictionary splits apart (Simplified, as jieba sees them).
LABOUR_TERMS = (
    "特休", "特休假", "特别休假", "加班费", "延长工时", "延长工作时间", "资遣", "资遣费", "预告期间", "预告工资",
    "职灾", "职业灾害", "劳保", "劳健保", "劳退", "劳退金", "退休金", "提缴", "自提", "育婴假", "育婴留职停薪",
    "产假", "产检假", "陪产假", "陪产检假", "生理假", "家庭照顾假", "病假", "事假", "婚假", "丧假", "公假", "公伤病假",
    "底薪", "本薪", "全勤奖金", "最低工资", "基本工资", "时薪", "月薪", "日薪", "试用期", "工作规则", "性骚扰",
    "求职陷阱", "押金", "保证金", "劳资争议", "劳资会议", "劳动契约", "调解", "仲裁", "移工", "外籍移工", "看护工",
    "工读生", "打工", "兼职", "部分工时", "轮班", "变形工时", "例假", "例假日", "休息日", "国定假日", "补休",
    "离职", "辞职", "自请离职", "解雇", "解僱", "开除", "大量解雇", "积欠工资", "垫偿", "雇主", "劳工",
    "劳基法", "性平法", "性工法", "就服法", "劳退条例", "职安法", "劳保条例", "就保法", "灾保法", "勞動部",
    "劳动部", "劳工局", "就业服务站", "仲介", "中介", "服务费", "扣薪", "扣钱", "欠薪", "薪水", "薪资",
    "工时", "工资", "平均工资", "年资", "加班", "值班", "待命", "出勤", "打卡", "加保", "投保", "失业给付",
    "职训", "就业歧视", "怀孕", "哺乳", "育儿", "留职停薪", "雇主责任", "申诉", "检举", "诈骗", "博弈",
    "人头帐户", "网路兼职", "高薪", "童工", "未成年", "法定代理人",
)

# Colloquial and formal words for the same thing (Simplified); each adds a shared "§" token.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("兼职", "打工", "兼差", "工读", "工读生", "部分工时", "计时人员"),
    ("特休", "特休假", "特别休假", "年假"),
    ("移工", "外劳", "外籍劳工", "外籍移工", "外籍看护", "外籍看护工"),
    ("职灾", "工伤", "职业灾害", "公伤"),
    ("薪水", "工资", "薪资", "薪俸"),
    ("开除", "解雇", "解僱", "辞退", "炒鱿鱼", "裁员"),
    ("老板", "雇主", "资方"),
    ("辞职", "离职", "自请离职"),
    ("加班", "延长工时", "延长工作时间"),
    ("劳退", "劳工退休金", "退休金"),
    ("育婴假", "育婴留职停薪", "育婴留停"),
    ("受伤", "摔伤", "跌伤", "骨折", "割伤", "烫伤", "压伤", "扭伤", "夹伤", "撞伤", "挫伤", "骨裂"),
)
_SYNONYM_OF = {w: "§" + group[0] for group in SYNONYMS for w in group}
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")

STOP_WORDS = frozenset(
    "的 了 吗 嗎 呢 吧 啊 呀 喔 哦 耶 欸 嘛 么 什么 怎么 怎样 怎么样 如何 是 我 你 他 她 我们 要 会 可以 能 "
    "有 没有 没 在 就 都 也 还 和 跟 与 及 或 请问 想 问 一下 这 那 这样 那样 么 个 吗？ 呢？ 之 其 者 于 为 "
    "被 把 给 让 对 到 从 但 而 并 该 应 得 将 已 若 如 及其 或其 等 所 以 依 之前 之后 有没有 是不是 会不会 "
    "可不可以 能不能 要不要".split()
)
_KEEP = re.compile(r"[\w]")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    with _LOCK:
        tok.initialize()
        for word in LABOUR_TERMS:
            tok.add_word(word, freq=200000)
    return tok


def synonym_token(word: str) -> str | None:
    """The shared "§" token of a word that has listed synonyms, else None."""
    return _SYNONYM_OF.get(word)


def _prepare(text: str) -> str:
    from labourbot.textnorm import normalize, to_simplified

    return to_simplified(normalize(text))


def tokenize(text: str) -> list[str]:
    """BM25 tokens of `text`, all from its Simplified, normalised form.

    - jieba search-mode words, without stop words;
    - a shared "§" token for each word with listed synonyms (打工 and 兼職 meet);
    - "~" character bigrams of every CJK run, so typos (加斑費) and unseen compounds still match in part.
    """
    prepared = _prepare(text)
    words = [w for w in (w.strip() for w in _jieba().lcut_for_search(prepared))
             if w and _KEEP.search(w) and w not in STOP_WORDS]
    tokens = words + [_SYNONYM_OF[w] for w in words if w in _SYNONYM_OF]
    for run in _CJK_RUN.findall(prepared):
        tokens.extend("~" + run[i:i + 2] for i in range(len(run) - 1))
    return tokens


# ---------------------------------------------------------------- other languages (translated entries)

# Small function-word lists; content words ("pay", "gaji", "lương") stay.
FOREIGN_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "a an the is are was were be been am do does did i me my we our you your he she it its they them "
        "their to of in on at for from by with and or but if so can could should would will may might "
        "what when where which who how why this that these those there here have has had not no yes "
        "please pls hi hello sir madam maam about any some just also get got".split()),
    "id": frozenset(
        "yang dan di ke dari ini itu saya aku kami kita anda kamu dia mereka apa apakah bagaimana gimana "
        "kenapa mengapa kapan dimana mana adalah ada atau tapi tetapi juga dengan untuk pada sudah udah "
        "belum bisa boleh akan jika kalau kalo tidak tak nggak gak ga enggak ya tolong mohon pak bu kak "
        "min admin halo hai dong sih kah lah nya".split()),
    "vi": frozenset(
        "tôi toi em anh chị chi bạn ban mình minh là la có co không khong của cua và va thì thi được duoc "
        "bị bi cho với voi ở o này nay đó do nào nao gì gi sao thế the như nhu làm lam ạ a ơi oi vậy vay "
        "khi nếu neu hay hoặc hoac để de rồi roi".split()),
    "th": frozenset(),
}
_LATIN_WORD = re.compile(r"[^\W\d_\u3400-\u9fff]+|\d+(?:[.,]\d+)*")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_CJK_ANY = re.compile(r"[\u3400-\u9fff]")
_ID_SUFFIX = re.compile(r"(?:nya|lah|kah|pun|ku|mu)$")


def fold(text: str) -> str:
    """Lower-case, without diacritics (lương -> luong, đ -> d): Vietnamese typed on a plain keyboard."""
    import unicodedata

    text = text.lower().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _latin_tokens(text: str, language: str) -> list[str]:
    """Words (with and without diacritics), a 5-letter prefix token for longer words (employer ~
    employers, overtime ~ overtim), Indonesian suffixes split off (gajinya -> gaji), and word bigrams
    (Vietnamese words are two syllables: hộ chiếu)."""
    stop = FOREIGN_STOP_WORDS.get(language, frozenset())
    words = [w for w in _LATIN_WORD.findall(text.lower()) if w not in stop and fold(w) not in stop]
    tokens: list[str] = []
    plain: list[str] = []
    for w in words:
        f = fold(w)
        if language == "id" and len(f) > 5:
            f = _ID_SUFFIX.sub("", f)
        tokens.append(f)
        if f != w:
            tokens.append(w)
        if language == "id" and f.startswith("di") and len(f) > 5:  # passive: dipotong -> potong
            tokens.append(f[2:])
        if len(f) > 5 and not f[0].isdigit():
            tokens.append("^" + f[:5])
        plain.append(f)
    tokens.extend(f"{a}_{b}" for a, b in zip(plain, plain[1:]))
    return tokens


def _thai_tokens(text: str) -> list[str]:
    """Thai is written without spaces: character bi- and trigrams of each Thai run."""
    tokens: list[str] = []
    for run in _THAI_RUN.findall(text):
        tokens.extend("~" + run[i:i + 2] for i in range(len(run) - 1))
        tokens.extend("~" + run[i:i + 3] for i in range(len(run) - 2))
    return tokens


def tokenize_language(text: str, language: str) -> list[str]:
    """BM25 tokens for a message or document in `language` ("zh" is `tokenize`).

    Latin words of any language count (people mix "ARC", "boss", "overtime" into every language), Thai
    runs give character n-grams, and Chinese runs go through the Chinese tokenizer (居留證, 加班費).
    """
    import unicodedata

    if language == "zh":
        return tokenize(text)
    text = unicodedata.normalize("NFKC", text)
    tokens = _latin_tokens(_THAI_RUN.sub(" ", text), language) + _thai_tokens(text)
    if _CJK_ANY.search(text):
        tokens.extend(t for t in tokenize("".join(_CJK_RUN.findall(text))) if t[:1] != "~")
    return tokens
