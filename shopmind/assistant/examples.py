"""The project's own English training phrases for the default intent model, as small phrase grammars.

Each intent lists verb phrases (``vp``, base form), noun phrases (``np``) and whole sentences (``say``)
written for this project; ``compose()`` wraps them in customer-style frames (polite, curt, angry, "pls",
"ur", typos) and fills the slots with made-up order numbers, amounts, places and names. Run
``python -m shopmind.assistant.examples`` to rewrite ``data/intents_default.csv`` from the hand-written
rows in ``data/intents_handwritten.csv`` plus the composed ones (deterministic, seed 0).
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from shopmind.assistant.examples_grammar import GRAMMAR, SLOTS

DATA = Path(__file__).parent / "data"
HANDWRITTEN = DATA / "intents_handwritten.csv"
OUT = DATA / "intents_default.csv"
PER_INTENT = 110

# -- frames ------------------------------------------------------------------------------------------
VP_FRAMES = (
    "{vp}", "{vp}", "I want to {vp}", "I'd like to {vp}", "I need to {vp}", "I have to {vp}", "help me {vp}",
    "can you help me {vp}?", "could you help me {vp} please", "how do I {vp}?", "how can I {vp}", "how to {vp}",
    "where can I {vp}?", "where do I {vp}", "what do I need to do to {vp}?", "what should I do to {vp}",
    "I don't know how to {vp}", "is it possible to {vp}?", "can I {vp}?", "I'm trying to {vp}",
    "I wanna {vp}", "pls {vp}", "I want help to {vp}", "tell me how to {vp}", "would it be possible to {vp}?",
    "I have to {vp}, can you help?", "show me how to {vp}", "is there a way to {vp}?", "I would like to {vp}",
    "hey, I need to {vp}", "please {vp}", "I am trying to {vp} but I can't", "what's the procedure to {vp}",
    "how would I {vp}?", "i need u to {vp}", "can u {vp} for me", "I've been trying to {vp} for an hour",
    "why is it so hard to {vp}?", "where is the option to {vp}", "what are the steps to {vp}",
    "need to {vp} asap", "I'm not sure how to {vp}", "do you know how I can {vp}?", "i would need to {vp}",
    "can someone {vp}", "I must {vp} today", "let me {vp}", "I was wondering how to {vp}",
)
ING_FRAMES = (
    "{ving}", "help {ving}", "I need help {ving}", "assistance {ving}", "I'd like some help {ving}",
    "I have a problem {ving}", "I'm having trouble {ving}", "can you help with {ving}?", "help me with {ving}",
    "could you assist me with {ving}", "I need assistance {ving}", "question about {ving}", "I want help {ving}",
    "support for {ving}", "i have issues {ving}", "info about {ving}", "I'm stuck {ving}", "need a hand {ving}",
)
NP_FRAMES = (
    "{np}", "{np}", "{np} please", "help with {np}", "question about {np}", "info on {np}",
    "I need information about {np}", "{np}?", "I have a question about {np}", "what about {np}",
    "can you tell me about {np}?", "i need help with {np}", "{np}!!", "about {np}",
)
PREFIX = ("", "", "", "", "", "hi, ", "hello ", "hey ", "excuse me, ", "good morning, ", "sorry, ", "ok ",
          "hi there, ", "um ", "quick question: ", "hello, ")
SUFFIX = ("", "", "", "", "", "", " please", " thanks", " asap", "!!", " now", ", it's urgent", " thank you",
          " pls", "?", " right now", ". thanks in advance", " :(")
ANGRY = ("", "", "", "", "", "", "damn ", "stupid ", "freaking ", "bloody ", "fricking ")
_ANGRY_NOUNS = re.compile(r"\b(the|my|your|this|that) (order|purchase|account|profile|invoice|bill|refund|"
                          r"payment|package|parcel|address|newsletter|password|item|product|agent)\b")

_IRREGULAR_ING = {
    "get": "getting", "set": "setting", "put": "putting", "stop": "stopping", "cancel": "cancelling",
    "drop": "dropping", "swap": "swapping", "chat": "chatting", "submit": "submitting", "reset": "resetting",
    "shop": "shopping", "see": "seeing", "opt": "opting", "log": "logging", "plan": "planning", "ship": "shipping",
}


def gerund(vp: str) -> str:
    """'cancel my order' -> 'cancelling my order' (the first word is the verb)."""
    verb, _, rest = vp.partition(" ")
    if verb in _IRREGULAR_ING:
        ing = _IRREGULAR_ING[verb]
    elif verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith("ee"):
        ing = verb[:-1] + "ing"
    else:
        ing = verb + "ing"
    return f"{ing} {rest}".strip()


# -- noise -------------------------------------------------------------------------------------------
_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip: a dropped, doubled, swapped or wrong letter, or two words run together."""
    words = text.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not cand:
        return text
    i = rng.choice(cand)
    w = words[i]
    j = rng.randrange(1, len(w) - 1)
    op = rng.randrange(5)
    if op == 0:
        w = w[:j] + w[j + 1:]
    elif op == 1:
        w = w[:j] + w[j] + w[j:]
    elif op == 2:
        w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    elif op == 3:
        w = w[:j] + rng.choice(_KEYS) + w[j + 1:]
    elif i + 1 < len(words):
        words[i:i + 2] = [w + words[i + 1]]
        return " ".join(words)
    words[i] = w
    return " ".join(words)


_CHAT = ((r"\byou\b", "u"), (r"\byour\b", "ur"), (r"\bwant to\b", "wanna"), (r"\bgoing to\b", "gonna"),
         (r"\bplease\b", "pls"), (r"\bI'm\b", "im"), (r"\bdon't\b", "dont"), (r"\bcan't\b", "cant"))


def chatty(text: str, rng: random.Random) -> str:
    for pat, rep in _CHAT:
        if rng.random() < 0.5:
            text = re.sub(pat, rep, text)
    return text


def fill(template: str, rng: random.Random) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SLOTS[m.group(1)](rng) if callable(SLOTS[m.group(1)])
                  else rng.choice(SLOTS[m.group(1)]), template)


def _one(g: dict, rng: random.Random) -> str:
    kinds = [k for k in ("vp", "ing", "np", "say") if g.get("vp" if k == "ing" else k)]
    weights = {"vp": 4, "ing": 2, "np": 1.2, "say": 2.5}
    kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
    if kind == "vp":
        s = rng.choice(VP_FRAMES).format(vp=rng.choice(g["vp"]))
    elif kind == "ing":
        s = rng.choice(ING_FRAMES).format(ving=gerund(rng.choice(g["vp"])))
    elif kind == "np":
        s = rng.choice(NP_FRAMES).format(np=rng.choice(g["np"]))
    else:
        s = rng.choice(g["say"])
    s = fill(s, rng)
    if kind != "say" or rng.random() < 0.3:
        s = rng.choice(PREFIX) + s + rng.choice(SUFFIX)
    adj = rng.choice(ANGRY)
    if adj:
        s = _ANGRY_NOUNS.sub(lambda m: f"{m.group(1)} {adj}{m.group(2)}", s, count=1)
    if rng.random() < 0.35:
        s = chatty(s, rng)
    r = rng.random()
    if r < 0.25:
        s = typo(s, rng)
    elif r < 0.32:
        s = typo(typo(s, rng), rng)
    if rng.random() < 0.5:
        s = s.lower()
    elif rng.random() < 0.1:
        s = s[:1].upper() + s[1:]
    return re.sub(r"\s+", " ", s).strip(" ,")


def compose(per_intent: int = PER_INTENT, seed: int = 0) -> list[tuple[str, str]]:
    """(message, intent) rows: ``per_intent`` distinct messages for every intent in the grammar."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for intent, g in GRAMMAR.items():
        seen: set[str] = set()
        n = int(per_intent * g.get("share", 1.0))
        tries = 0
        while len(seen) < n and tries < n * 50:
            tries += 1
            s = _one(g, rng)
            key = s.lower()
            if len(s) >= 2 and key not in seen:
                seen.add(key)
                rows.append((s, intent))
    return rows


def write_default(out: Path = OUT, per_intent: int = PER_INTENT, seed: int = 0) -> int:
    """Hand-written rows + composed rows -> the default model's training CSV; returns the row count."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    with HANDWRITTEN.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["instruction"], r["intent"], r["language"]))
            seen.add((r["instruction"].lower(), r["intent"]))
    for text, intent in compose(per_intent, seed):
        if (text.lower(), intent) not in seen:
            rows.append((text, intent, "en"))
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["instruction", "intent", "language"])
        w.writerows(rows)
    return len(rows)


if __name__ == "__main__":  # pragma: no cover - authoring entry point
    print(f"wrote {OUT} ({write_default()} rows)")
