"""Which sentences of a retrieved policy/FAQ document answer the question, and in what order.

A shopper who asks "what is the return policy?" or "价保有多少天" wants the rule with its number
("7 days"), not the menu path to file a request; one who asks "how do I start a return" wants the path.
So sentences with a number gain when the question asks for a rule, a period or an amount; step-by-step
sentences ("My Orders > ...") lose unless the question asks how to do something; and the answer comes
first, the steps after it.
"""

from __future__ import annotations

import re

#: questions that ask for a rule, a period, an amount or a status
RULE_Q = re.compile(
    r"what (?:should|do|can) i do|what if|polic|rules?\b|how long|how many|how much|how soon|when\b|what is|what's|what are|period|minimum|limit|"
    r"cost|fee|price|deadline|days?\b|hours?\b|free|covered|eligible|can i|do you|is there|are there|"
    r"政策|规则|多少|几天|几年|几个|多久|期限|什么时候|多长|时效|运费|是什么|有哪些|能不能|可以|吗|怎么办", re.I)
#: questions that ask how to do something (they want the steps)
HOWTO_Q = re.compile(r"how (?:do|can|to|should)|where (?:do|can)|steps?\b|怎么申请|如何申请|怎么操作|在哪|流程|步骤|入口", re.I)
#: sentences that give steps rather than the rule
STEPS = re.compile(r"\s>\s|申请路径|^(?:start|open|go to)\b|^进入", re.I)
_NUMBER = re.compile(r"\d")
#: words shoppers use that the documents spell differently (fed to the lexical side of retrieval only)
QUERY_TERMS: dict[str, str] = {
    "价保": "价格保护 降价 差价", "降价": "价格保护 差价", "付款": "支付", "分期": "花呗分期 分期",
    "专票": "增值税专用发票", "烂": "坏果 烂果", "price drop": "price protection", "installment": "pay in 4",
}

#: words that name a document topic outright: the document on it gains like an intent's topic does,
#: so a misread intent ("下单后多久内要付款" read as delivery time) does not pull in another document
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "payment": ("付款", "支付方式", "分期", "货到付款", "payment method", "pay in", "installment", "cash on delivery"),
    "price-protection": ("价保", "价格保护", "降价", "price protection", "price drop"),
    "warranty": ("保修", "warranty"),
    "invoice": ("发票", "invoice", "receipt"),
    "fresh-food": ("水果", "生鲜", "fruit"),
    "installation": ("安装", "installation", "install"),
    "membership": ("积分", "reward point", "会员"),
    "coupons": ("优惠券", "coupon"),
}
TOPIC_BONUS = 0.1

NUMBER_BONUS = 0.12  # a sentence with a number, for a question about a rule/period/amount
NUMBER_HINT = 0.04  # a sentence with a number, for any other question
FIRST_BONUS = 0.03  # a policy's first sentence usually states the rule
STEPS_PENALTY = 0.10  # steps for a question that did not ask how


def expand(question: str) -> str:
    """Extra lexical terms for the question's words that the documents write another way."""
    q = question.lower()
    return " ".join(v for k, v in QUERY_TERMS.items() if k in q)


def topics_named(question: str) -> set[str]:
    """Document topics the question names in so many words."""
    q = question.lower()
    return {topic for topic, words in TOPIC_WORDS.items() if any(w in q for w in words)}


def choose(question: str, scored: list[tuple[int, float]], sentences: list[str], margin: float = 0.12,
           limit: int = 2) -> list[int]:
    """Indices of the sentences to quote from one document, the answer first and steps last.

    ``scored`` holds (sentence index, retrieval score) for the document's candidate sentences."""
    if not scored:
        return []
    rule, howto = bool(RULE_Q.search(question)), bool(HOWTO_Q.search(question))

    def adjusted(i: int, score: float) -> float:
        text = sentences[i]
        if _NUMBER.search(text):
            score += NUMBER_BONUS if rule and not howto else NUMBER_HINT
        if rule and i == 0:
            score += FIRST_BONUS
        if STEPS.search(text) and not howto:
            score -= STEPS_PENALTY
        return score

    ranked = sorted(((i, adjusted(i, s)) for i, s in scored), key=lambda x: -x[1])
    best = ranked[0][1]
    chosen = [i for i, a in ranked if a >= best - margin][:limit]
    return sorted(chosen, key=lambda i: (bool(STEPS.search(sentences[i])) and not howto, chosen.index(i)))
