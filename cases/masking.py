"""Masking of personal data in text shown in lists and written to logs.

`mask_personal_data` is pure and keeps the length and the layout of the text (each hidden character
becomes `*`, separators stay), so masked text still reads naturally:

* national ID / resident certificate numbers: A123456789 -> A1******89
* mobile phones: 0912-345-678 -> 0912-***-678, 0912345678 -> 0912***678, +886912345678 -> +886912***678
* landlines: 06-2991111 -> 06-29***11, (02)2345-6789 -> (02)23**-**89
* bank account numbers (10-16 digits, dashes or spaces allowed): all but the last 4 digits
* e-mail addresses: the local part after its first character

`PersonalDataFilter` applies it to every log record a handler emits (message, traceback and stack);
`install_log_filter` puts it on the handlers of this process.
"""

from __future__ import annotations

import logging
import re

from labourbot.textnorm import to_halfwidth

_NOT_BEFORE = r"(?<![0-9A-Za-z*])"
_NOT_AFTER = r"(?![0-9])"
_SEP = r"[-\s\u2010-\u2015]?"

NATIONAL_ID = re.compile(_NOT_BEFORE + r"[A-Za-z][12489ABCDabcd]\d{8}" + _NOT_AFTER, re.ASCII)
MOBILE = re.compile(_NOT_BEFORE + r"(?:\+?886" + _SEP + r"|0)9\d{2}" + _SEP + r"\d{3}" + _SEP + r"\d{3}"
                    + _NOT_AFTER, re.ASCII)
LANDLINE = re.compile(
    _NOT_BEFORE + r"(?P<area>\(0\d{1,3}\)\s?|0[2-8]\d{0,2}[-\s\u2010-\u2015]|0[2-8])\d{2,4}" + _SEP
    + r"\d{3,4}" + _NOT_AFTER,
    re.ASCII,
)
BANK_ACCOUNT = re.compile(_NOT_BEFORE + r"\d(?:-?\d){9,15}" + _NOT_AFTER, re.ASCII)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-](?P<hide>[\w.+-]*)@[\w-]+(?:\.[\w-]+)+", re.ASCII)


def _digits_except(text: str, start: int, keep_head: int, keep_tail: int) -> list[int]:
    """Positions (offset by `start`) of the digits of `text` but the first `keep_head` and last `keep_tail`."""
    positions = [start + i for i, ch in enumerate(text) if ch.isdigit()]
    return positions[keep_head: len(positions) - keep_tail]


def _national_id(match: re.Match[str]) -> list[int]:
    return list(range(match.start() + 2, match.start() + 8))


def _mobile(match: re.Match[str]) -> list[int]:
    value = match.group(0)
    digits = sum(ch.isdigit() for ch in value)
    return _digits_except(value, match.start(), digits - 6, 3)  # keep 09xx (or +886 9xx) and the last 3


def _landline(match: re.Match[str]) -> list[int]:
    area = match.group("area")
    area_digits = sum(ch.isdigit() for ch in area) if not area[-1].isdigit() else 2  # 062991111: keep 2
    return _digits_except(match.group(0), match.start(), area_digits + 2, 2)


def _bank_account(match: re.Match[str]) -> list[int]:
    return _digits_except(match.group(0), match.start(), 0, 4)


def _email(match: re.Match[str]) -> list[int]:
    return list(range(match.start("hide"), match.end("hide")))


_RULES = ((NATIONAL_ID, _national_id), (MOBILE, _mobile), (LANDLINE, _landline),
          (BANK_ACCOUNT, _bank_account), (EMAIL, _email))


def mask_personal_data(text: str) -> str:
    """`text` with national IDs, phone numbers, bank account numbers and e-mail addresses masked.

    Matching runs on a half-width copy (full-width ０９１２… is found too); the original characters are
    replaced position by position, so the length never changes.
    """
    if not text:
        return text
    chars = list(text)
    probe = to_halfwidth(text)
    for pattern, hide in _RULES:
        hidden: list[int] = []
        for match in pattern.finditer(probe):
            hidden += hide(match)
        if hidden:
            probe_chars = list(probe)
            for i in hidden:
                chars[i] = probe_chars[i] = "*"
            probe = "".join(probe_chars)
    return "".join(chars)


class PersonalDataFilter(logging.Filter):
    """Masks personal data in everything a record prints: the message (its args merged), the traceback
    and the stack.

    Why the traceback too: an exception's text often quotes what the user wrote (a database error with
    its statement, a validation error with the value). The traceback is formatted here once, masked and
    cached in `exc_text`, and `exc_info` is dropped, so that no formatter can format the raw one again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        self._mask_message(record)
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = record.exc_text or _FORMATTER.formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True

    @staticmethod
    def _mask_message(record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's business, not ours
            return
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None


_FORMATTER = logging.Formatter()
_FILTER = PersonalDataFilter()


def install_log_filter() -> None:
    """Put the filter on every handler of this process (root, named loggers, the last-resort handler)."""
    handlers: list[logging.Handler] = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers += logger.handlers
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
