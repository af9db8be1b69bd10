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


#: requests to harm someone else or the shop: break into another person's account, use stolen cards,
#: fake evidence for a refund. Answered with a polite refusal, never with a how-to passage.
_HARMFUL = [
    r"\b(crack|hack|break into|get into|steal|phish)\w*\b[^.?!]{0,40}\b(someone|somebody|other|another|"
    r"his|her|their|my (?:ex|wife|husband|boss|friend|neighbou?r)\w*|your (?:site|website|server|database|system))\b",
    r"\bhack\w*\s+(?:into\s+)?(?:your|the|a|an|this)\s+(?:site|website|server|database|system|shop|store|account)",
    r"\b(?:account|password)s?\b[^.?!]{0,20}\bwithout (?:the|their|his|her) (?:password|permission|knowing)",
    r"\b(?:use|using|buy with|pay with)\b[^.?!]{0,15}\bstolen\b|\bcarding\b|\bmoney launder",
    r"\b(?:fake|forge|doctor|photoshop)\w*\b[^.?!]{0,25}\b(?:photo|picture|receipt|invoice|delivery|order|id|proof|damage)",
    r"\b(?:scam|defraud|fraud)\w*\b[^.?!]{0,30}\b(?:refund|shop|store|you|seller|customers?)",
    r"(破解|盗取|盗用|窃取|偷看|偷|黑进|入侵|攻击)[^。？！]{0,8}(别人|他人|其他人|对方|前任|老公|老婆|朋友|网站|系统|服务器|数据库|密码|账号|账户|支付宝|微信)",
    r"盗号|盗别人|盗刷|(?:骗|诈骗|骗取)[^。？！]{0,6}(退款|钱|优惠|客服)|假订单|伪造|p图骗|刷单|套现|洗钱",
]
HARMFUL_RE = re.compile("|".join(f"(?:{p})" for p in _HARMFUL), re.IGNORECASE)


def is_harmful(text: str) -> bool:
    """True when the message asks how to harm another person or the shop (someone's account, fraud)."""
    return bool(HARMFUL_RE.search(text))


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
