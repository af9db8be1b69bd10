"""Personal data in free text, masked before anything is stored or logged (the one home of PII masking).

``mask_pii`` masks emails, IBANs (mod-97), Chinese national ids (18 digits with checksum, and any 15/18
digit id-like run), US SSNs, any 13-19 digit run (payment cards, Luhn-valid or not, with or without
spaces/dashes) and phone numbers (CN mobiles, +86, E.164, US formats). The last four digits stay
readable. Order numbers ("o-0042", or digits right after an order word), prices and model numbers
are left alone. Used for chat transcripts and tickets, conversation state, search and chat events,
and the HTTP access log.
"""

from __future__ import annotations

import logging
import re

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# IBAN: country, check digits, 11-30 alphanumerics, optionally in groups of four
IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
# a CN national id: 17 digits and a digit or X (the 15-digit first generation is a plain digit run)
CN_ID_RE = re.compile(r"(?<![A-Za-z0-9])\d{17}[\dXx](?![A-Za-z0-9])")
SSN_RE = re.compile(r"(?<![A-Za-z0-9-])\d{3}([- ])\d{2}\1\d{4}(?![A-Za-z0-9-])")
# 13-19 digits, single spaces or dashes between them (cards, bank accounts, 15/18-digit ids)
DIGIT_RUN_RE = re.compile(r"(?<![A-Za-z0-9+])\d(?:[ -]?\d){12,18}(?![0-9])")
_PHONES = [
    r"(?:\+|00)\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}",  # E.164 and +86 ...
    r"1[3-9]\d[ -]?\d{4}[ -]?\d{4}",  # CN mobile
    r"0\d{2,3}-\d{7,8}",  # CN landline 010-12345678
    r"(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}",  # US (415) 555-0132, 415-555-0132
]
PHONE_RE = re.compile(r"(?<![A-Za-z0-9+_-])(?:" + "|".join(_PHONES) + r")(?![A-Za-z0-9_-])")
# digits right after an order word are an order number, not a phone
_ORDER_WORD_RE = re.compile(r"(?:order|purchase|订单号?|单号)\s*(?:number|no\.?|id|#)?\s*(?:is|是|为|:|：|#|号)?\s*#?\s*$",
                            re.IGNORECASE)

_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK = "10X98765432"


def luhn_ok(number: str) -> bool:
    """The Luhn checksum that every payment card number passes (and random digit runs mostly fail)."""
    digits = [int(c) for c in number if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def cn_id_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of an 18-character Chinese national id."""
    s = number.upper()
    if len(s) != 18 or not s[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _CN_ID_WEIGHTS))
    return _CN_ID_CHECK[total % 11] == s[17]


def iban_ok(iban: str) -> bool:
    """The ISO 13616 mod-97 check of an IBAN (spaces ignored)."""
    s = iban.replace(" ", "").upper()
    if not 15 <= len(s) <= 34 or not s.isalnum():
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _last4(s: str) -> str:
    return "".join(c for c in s if c.isalnum())[-4:]


def _email(m: re.Match) -> str:
    local, _, domain = m.group(0).partition("@")
    return f"{local[:1]}***@{domain}"


def _iban(m: re.Match) -> str:
    s = m.group(0)  # the pattern may have taken a word after the IBAN: try the shorter prefixes too
    cuts = [i for i, c in enumerate(s) if c == " "]  # (an unbroken one ends where the pattern ends)
    for end in [len(s), *sorted(cuts, reverse=True)]:
        if iban_ok(s[:end]):
            return f"[iban ****{_last4(s[:end])}]" + s[end:]
    return s


def _cn_id(m: re.Match) -> str:
    # valid ones are ids for sure; an invalid 18-character run is masked too (a mistyped id is still one)
    return f"[id ****{_last4(m.group(0))}]"


def _digits(m: re.Match) -> str:
    s = m.group(0)
    n = sum(c.isdigit() for c in s)
    kind = "card" if luhn_ok(s) else "id" if n in (15, 18) else "number"
    return f"[{kind} ****{_last4(s)}]"


def mask_pii(text: str) -> str:
    """``text`` with its personal numbers and emails masked (idempotent: masked text stays as it is)."""
    if not text or not any(c.isdigit() or c == "@" for c in text):
        return text
    text = EMAIL_RE.sub(_email, text)
    text = IBAN_RE.sub(_iban, text)
    text = CN_ID_RE.sub(_cn_id, text)
    text = SSN_RE.sub(lambda m: f"[ssn ***-**-{m.group(0)[-4:]}]", text)
    text = DIGIT_RUN_RE.sub(_digits, text)

    def phone(m: re.Match) -> str:
        s = m.group(0)
        if sum(c.isdigit() for c in s) < 7 or _ORDER_WORD_RE.search(text[max(0, m.start() - 24):m.start()]):
            return s
        return f"[phone ***{_last4(s)}]"

    return PHONE_RE.sub(phone, text)


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask_pii(text)


class MaskingLogFilter(logging.Filter):
    """Masks PII in a log record's message and arguments (e.g. the search query in an access-log URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_pii(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(a) for a in record.args)
        return True


def _mask_arg(a: object) -> object:
    if not isinstance(a, str):
        return a
    from urllib.parse import unquote_plus

    plain = unquote_plus(a) if "%" in a or "+" in a else a
    masked = mask_pii(plain)
    return a if masked == plain else masked


def install_log_filter(*names: str) -> None:
    """Attach the masking filter (once) to the named loggers."""
    for name in names:
        lg = logging.getLogger(name)
        if not any(isinstance(f, MaskingLogFilter) for f in lg.filters):
            lg.addFilter(MaskingLogFilter())
