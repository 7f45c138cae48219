"""Which messages are dialogue acts or tool requests, and which are questions for the knowledge base.

The intent classifier is trained on short, clean messages; real messages are long posts that tell a
story, ask several things and contain numbers. So the classifier decides only what it is good at
(greetings, thanks, yes/no, buttons, naming an article) and explicit requests are recognised by their
words; everything else is a question, answered from the knowledge base. Pure functions over the text,
used by the Rasa NLU component `bot.components.intent_router` (Python 3.10) and by the actions (3.11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from labourbot.language import detect
from labourbot.parsing.extract import extract_calc_values
from labourbot.parsing.languages import asks_to_calculate_lang
from labourbot.questions import parse

# Intents that are dialogue acts: right for short messages, wrong for a long question that starts
# with 「你好」 or 「謝謝」.
DIALOGUE_ACTS: Final[frozenset[str]] = frozenset(
    {"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope", "set_language"})
# Intents that start a tool; they need the request's own words, not only the classifier.
TOOLS: Final[frozenset[str]] = frozenset({"calculate", "check_job_scam", "search_job", "start_quiz"})
# Below this, a tool or dialogue-act prediction is not trusted and the message goes to the knowledge base.
MIN_TOOL_CONFIDENCE: Final[float] = 0.6
# A dialogue act longer than this (content characters) that also asks something is a question.
MAX_DIALOGUE_ACT_CHARS: Final[int] = 14
KB_INTENT: Final[str] = "nlu_fallback"  # the rules answer it with action_answer_question

_PERSON = re.compile(
    r"(?:找|轉|接|要|想|跟|和|同|請|給我|換)\s*(?:個|一個|一位)?\s*(?:真人|專人|人工|承辦人?|客服|真正的人|服務人員|同仁|社工)"
    r"|真人(?:客服|服務|回覆|回答|協助|談|聊)|轉接|人工客服|(?:勞工局|勞動局|勞工處)的?(?:人|同仁|承辦)"
    r"|找人(?:談|聊|幫忙|協助|處理)|跟人(?:談|講|說)|打給(?:勞工局|你們)"
)
_NOT_PERSON = re.compile(r"(?:是|還是|是不是|不是|在跟|在和)\s*真人|真人(?:講話|說話|聊天|回覆|回答)?嗎|機器人")
_CALC_VERB = re.compile(
    r"幫(?:我|忙)?(?:算|計算|試算|估)|算(?:一下|算看|給我|看看|出來)|試算|計算(?:一下|看看)?(?:我|看)|我要算|想算|請算|"
    r"計算機|幫我看(?:一下)?(?:要|可以|能)?(?:領|拿)多少"
)
# 「幾天」「多少」 ask for the person's own figure; 「怎麼算」 asks how the rule works, unless pay is given.
_VALUE_QUESTION = re.compile(r"多少|幾天|幾日|幾週|幾個月|算多少")
_HOW_QUESTION = re.compile(r"怎麼算|如何計算|怎麼計算|如何算")
_CALC_TARGET = re.compile(r"加班費|特休|特別休假|資遣費|資遣|預告|(?<!陪)產假|最低工資|時薪|月薪|勞退|退休金")
# The bureau's services (bot/domain/services.yml) keep a predicted intent only when the message has the
# request's own words: 「勞工局有免費法律諮詢嗎」 is a question, 「我想預約法律諮詢」 a booking.
_BOOK = re.compile(r"(?:預約|预约|約|报名|報名|登記|排|名額|時段)[^。？?!！]{0,8}(?:諮詢|咨询|律師|律师|面談)"
                   r"|(?:律師|律师|諮詢|咨询)[^。？?!！]{0,6}(?:預約|预约|名額|時段)")
SERVICE_WORDS: Final[dict[str, re.Pattern[str]]] = {
    "book_consultation": _BOOK,
    "cancel_booking": re.compile(r"取消"),
    "move_booking": re.compile(r"改|換|换|更改"),
    "request_followup": re.compile(r"關心|關懷|追蹤|追踪|关怀"),
    "stop_followup": re.compile(r"停止|不要再|別再|不用再|不需要|取消"),
}


def asks_to_book(text: str) -> bool:
    """「我想預約法律諮詢」「律師諮詢還有名額嗎」: a request to book a consultation."""
    return bool(_BOOK.search(text))


@dataclass(frozen=True)
class Route:
    """The intent to act on, and why it differs from the classifier's (empty when it does not)."""

    intent: str
    reason: str = ""


def _content_chars(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def asks_for_person(text: str) -> bool:
    """「我想找真人談」「幫我轉接勞工局的人」: an explicit request for a person (not 「你是真人嗎」)."""
    return bool(_PERSON.search(text)) and not _NOT_PERSON.search(text)


def asks_to_calculate(text: str) -> bool:
    """An explicit request to compute: 「幫我算特休」, or a figure asked with the person's own values
    (「月薪3萬2，平日加班3小時，加班費多少？」「到職日2022年3月1日，今年有幾天特休」). 「做了三年被
    資遣，資遣費怎麼算」 asks how the rule works: it is answered first, then offered the calculator."""
    if _CALC_VERB.search(text) or asks_to_calculate_lang(text):  # en/id/vi/th: "calculate my overtime"
        return True
    if not _CALC_TARGET.search(text):
        return False
    # The calculators' own reader decides what counts as the person's figures (one reading for both).
    values = extract_calc_values(text)
    figures = bool(values.wage or values.hours or values.total_hours or values.start or values.end
                   or values.birth or values.leave_start or values.dates)
    if _VALUE_QUESTION.search(text) and (figures or values.service):
        return True
    return bool(_HOW_QUESTION.search(text) and values.wage)


def is_question(text: str) -> bool:
    """The message asks something about the law or the person's situation (beyond a greeting)."""
    parsed = parse(text)
    return _content_chars(text) > MAX_DIALOGUE_ACT_CHARS and bool(parsed.questions)


def route(text: str, intent: str, confidence: float) -> Route:
    """The intent to act on for `text`, which the classifier labelled `intent` with `confidence`.

    Order: an explicit request for a person wins; then an explicit calculation; then tools and dialogue
    acts keep their intent only when the message is what they are for; everything else is a question.
    Button payloads (/intent{...}) never reach this (Rasa parses them without the pipeline's classifier).
    """
    text = text or ""
    if intent == "request_human":
        return Route(intent)
    if asks_for_person(text):
        return Route("request_human", "asks for a person")
    if asks_to_calculate(text):
        return Route("calculate", "" if intent == "calculate" else "asks to calculate")
    if intent == "calculate":
        return Route(KB_INTENT, "a question that mentions an amount, not a request to calculate")
    if intent in TOOLS - {"calculate", "start_quiz"} and _in_other_language(text):
        # job search and scam check speak Chinese; translated entries answer (the calculators and the quiz
        # speak the five languages: actions/calculators.py, actions/quiz.py)
        return Route(KB_INTENT, "a tool asked for in another language")
    if intent in SERVICE_WORDS and not SERVICE_WORDS[intent].search(text):
        return Route(KB_INTENT, "a service predicted without the request's words")
    if intent not in SERVICE_WORDS and asks_to_book(text):
        return Route("book_consultation", "asks to book a consultation")
    if intent in TOOLS and confidence < MIN_TOOL_CONFIDENCE:
        return Route(KB_INTENT, "tool predicted with low confidence")
    if intent in DIALOGUE_ACTS and intent != "out_of_scope" and not _CJK.search(text):
        # another language (docs/languages.md): the Chinese question reader does not apply, length does
        if _words(text) > MAX_DIALOGUE_ACT_WORDS:
            return Route(KB_INTENT, "a message in another language, longer than a dialogue act")
        return Route(intent)
    if intent in DIALOGUE_ACTS and _content_chars(text) > MAX_DIALOGUE_ACT_CHARS and parse(text).questions \
            and intent != "out_of_scope":
        return Route(KB_INTENT, "a question that starts with a greeting or thanks")
    return Route(intent)


_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDS = re.compile(r"[^\W\d_]+")
# Words (Thai: four characters) beyond which an English, Indonesian, Vietnamese or Thai message is a
# question rather than "hello" or "thank you very much" (docs/languages.md).
MAX_DIALOGUE_ACT_WORDS: Final[int] = 6


def _in_other_language(text: str) -> bool:
    """A message long enough to tell, in English, Indonesian, Vietnamese or Thai (labourbot/language.py)."""
    found = detect(text)
    return found.lang not in (None, "zh") and found.switches()


def _words(text: str) -> int:
    """Words of a message without Chinese (Thai has no spaces: four characters count as one)."""
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    return len(_WORDS.findall(re.sub(r"[\u0e00-\u0e7f]+", " ", text))) + thai // 4
