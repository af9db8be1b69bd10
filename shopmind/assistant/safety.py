"""Safety checks of the assistant: prompt-injection text, abuse; PII masking lives in shopmind.text.pii.

The assistant never executes instructions found in messages or documents (it has no instruction-following
model on its path); these checks decide how to reply to such text and keep it out of extractive answers.
"""

from __future__ import annotations

import re

from shopmind.text.pii import mask_pii  # noqa: F401  (the one home of PII masking; re-exported here)

_INJECTION = [
    r"\b(ignore|disregard|forget|override|bypass)\b[^.?!。？！]{0,40}\b(instruction|instructions|rules?|prompts?|guidelines|polic(?:y|ies)|restrictions?|above|previous|prior)\b",
    r"\b(system|developer|hidden|initial)\s+(prompt|message|instructions?)\b",
    r"\byou are now\b|\bact as (?:an? )?(?:admin|administrator|developer|root|dan)\b|\bpretend (?:to be|you are)\b",
    r"\b(developer|admin|god|debug|jailbreak)\s+mode\b",
    r"\b(reveal|print|show|repeat|output)\b[^.?!]{0,30}\b(prompt|instructions|system message|api key|password|secrets?)\b",
    r"\b(all|every|other)\s+(?:the\s+)?(users?'?|customers?'?)\s*(orders?|data|emails?|addresses|accounts?)\b",
    r"\borders? of (?:another|other|all)\b|\bsomeone else'?s (?:order|account|data)\b",
    r"(忽略|无视|忘记|绕过|跳过)[^。？！]{0,12}(指令|指示|规则|提示|设定|要求|限制|以上|之前|上面)",
    r"(系统提示|系统指令|提示词|开发者模式|管理员模式|越狱)",
    r"你现在是|假装你是|扮演(?:管理员|开发者)",
    r"(所有|全部|其他|别人|其它)(用户|客户|人)的?(订单|数据|信息|邮箱|地址|账号)",
]
INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION), re.IGNORECASE)

_ABUSE = [
    r"\b(fuck\w*|shit\w*|bitch\w*|bastard|asshole|idiot\w*|stupid|moron|dumb\w*|useless|crap|suck\w*|wtf|stfu|damn you|go to hell|screw you)\b",
    r"(傻逼|傻b|sb(?![a-z])|煞笔|白痴|蠢货|废物|垃圾客服|去死|滚蛋|滚开|他妈|妈的|你妈|混蛋|王八蛋|智障|脑残|狗屎)",
]
ABUSE_RE = re.compile("|".join(f"(?:{p})" for p in _ABUSE), re.IGNORECASE)


def is_injection(text: str) -> bool:
    """True when the text tries to change the assistant's instructions or reach others' data."""
    return bool(INJECTION_RE.search(text))


def is_abusive(text: str) -> bool:
    return bool(ABUSE_RE.search(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？\n])")


def strip_injection(text: str) -> str:
    """Drop the sentences of a retrieved passage that carry instruction-like text (documents are data)."""
    # split only at sentence ends ("12.99" and "shop.example" stay whole) and keep the rest as written
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start:m.end()])
        start = m.end()
    out.append(text[start:])
    return "".join(p for p in out if p and not INJECTION_RE.search(p)).strip()
