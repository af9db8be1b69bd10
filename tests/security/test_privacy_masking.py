"""PII masking (shopmind.text.pii): real-looking numbers with checksums computed here, valid and invalid,
and no false positives on the demo shop's order numbers, prices and product names."""

from __future__ import annotations

import random

import pytest

from shopmind.text.pii import cn_id_ok, iban_ok, luhn_ok, mask_pii

RNG = random.Random(7)
W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def cn_id(valid: bool = True) -> str:
    body = "110105" + f"{RNG.randint(1950, 2005)}{RNG.randint(1, 12):02d}{RNG.randint(1, 28):02d}" + f"{RNG.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
    if not valid:
        check = "10X98765432"[("10X98765432".index(check) + 1) % 11]
    return body + check


def luhn_complete(prefix: str, length: int, valid: bool = True) -> str:
    body = prefix + "".join(str(RNG.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    for d in "0123456789":
        if luhn_ok(body + d) == valid:
            return body + d
    raise AssertionError


def iban(country: str, bban: str, valid: bool = True) -> str:
    num = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    check = 98 - num % 97
    if not valid:
        check = check % 97 + 1 if check != 97 else 2
    return f"{country}{check:02d}{bban}"


def grouped(s: str, sep: str = " ", n: int = 4) -> str:
    return sep.join(s[i:i + n] for i in range(0, len(s), n))


def test_checksums_are_the_real_ones():
    assert cn_id_ok("11010519491231002X")  # the GB 11643 example
    assert iban_ok("DE89370400440532013000") and iban_ok("GB82 WEST 1234 5698 7654 32")
    assert not iban_ok("DE88370400440532013000")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    for _ in range(20):
        assert cn_id_ok(cn_id()) and not cn_id_ok(cn_id(valid=False))
        assert iban_ok(iban("DE", f"{RNG.randrange(10**17, 10**18)}")) and not iban_ok(iban("FR", "3000600001123456789018"[:23], False))


@pytest.mark.parametrize("valid", [True, False])
def test_national_ids_masked_valid_or_not(valid):
    for _ in range(10):
        i = cn_id(valid)
        for text in (f"我的身份证号是{i}，请核实", f"ID {i.lower()}", f"id:{i}"):
            out = mask_pii(text)
            assert i not in out and i.lower() not in out and "[id ****" in out, out
        old = i[:6] + i[8:17]  # a 15-digit first-generation id
        assert old not in mask_pii(f"旧身份证 {old}")


def test_ssn_iban_cards_and_digit_runs():
    assert mask_pii("my SSN is 123-45-6789.") == "my SSN is [ssn ***-**-6789]."
    assert "987 65 4321" not in mask_pii("ssn 987 65 4321")
    good = iban("DE", "370400440532013000")
    for text in (f"IBAN {good} please", f"IBAN {grouped(good)} please", f"refund to {grouped(good)} THEN thanks"):
        out = mask_pii(text)
        assert "[iban ****3000]" in out and "0532" not in out, out
    bad = iban("DE", "370400440532013000", valid=False)
    assert "[iban" not in mask_pii(f"IBAN {bad}")
    assert "0532 0130" not in mask_pii(f"IBAN {grouped(bad)}")  # its digits are still a long run
    for length, prefix in ((16, "4"), (15, "37"), (13, "4"), (19, "62")):
        for valid in (True, False):
            n = luhn_complete(prefix, length, valid)
            for text in (n, grouped(n), grouped(n, "-"), f"卡号{n}谢谢"):
                out = mask_pii(f"card {text}")
                assert n[4:-4] not in out.replace(" ", "").replace("-", ""), out
                assert f"****{n[-4:]}]" in out
                assert ("[card" in out) == valid or length in (15, 18), out


def test_phones_and_emails():
    cases = {
        "call me at 13812345678": "5678", "手机：138 1234 5678": "5678", "+86 139-1234-5678": "5678",
        "+8613912345678 thanks": "5678", "UK +44 20 7946 0958": "0958", "(415) 555-0132": "0132",
        "415-555-0199": "0199", "+1 415 555 0123": "0123", "座机 010-12345678": "5678",
    }
    for text, last in cases.items():
        out = mask_pii(text)
        assert f"[phone ***{last}]" in out, (text, out)
        digits = "".join(c for c in text if c.isdigit())
        assert digits not in "".join(c for c in out if c.isdigit())
    assert mask_pii("mail li.wei+shop@example.com.cn") == "mail l***@example.com.cn"
    assert mask_pii("order 13812345678") == "order 13812345678"  # after an order word: an order number


def test_idempotent_and_plain_text_untouched():
    text = f"id {cn_id()} card {luhn_complete('4', 16)} tel 13812345678 mail a@b.co ssn 123-45-6789"
    once = mask_pii(text)
    assert mask_pii(once) == once
    assert mask_pii("") == "" and mask_pii("no numbers here") == "no numbers here"


def test_no_false_positives_on_the_demo_shop():
    """Every demo product title, price, order number, date and the demo users' own queries pass unchanged."""
    from shopmind.demo import generate

    data = generate.build_all()
    texts = [p["title"] for p in data["products"]]
    texts += [f"{p['price']}" for p in data["products"]] + [f"¥{p['price']:,.2f}" for p in data["products"]]
    texts += [f"$ {p['price']:.2f} and ￥{int(p['price'])}" for p in data["products"]]
    texts += [f"where is order {o['id']}" for o in data["orders"]] + [f"我的订单{o['id']}到哪了" for o in data["orders"]]
    texts += [e["query"] for e in data["events"] if e.get("query")]
    texts += ["2024-05-01 12:30", "RTX 4090 24GB", "WH-1000XM5", "骁龙8 Gen 3", "iPhone 15 Pro Max 256GB", "A2894",
              "5000mAh 120W", "1920x1080 144Hz", "3-5 days", "1,299.00", "SKU-1234-5678"]
    changed = [(t, mask_pii(t)) for t in texts if mask_pii(t) != t]
    assert not changed, changed[:10]
    assert len(texts) > 300


def test_staff_notes_user_names_and_search_events_are_stored_masked(secure_server, admin):
    from shopmind.kb.models import TicketIn

    store = secure_server.shop.store
    store.add_ticket(TicketIn(id="T-privacy-mask", conversation_id="c-mask", reason="handoff"))
    r = admin.patch("/api/tickets/T-privacy-mask", json={"status": "pending", "note": "called back on 13912345678"})
    assert r.status_code == 200
    assert store.get_ticket("T-privacy-mask").notes[-1]["text"] == "called back on [phone ***5678]"
    assert admin.post("/api/users", json={"id": "u-privacy-mask", "name": "Bo (tel 415-555-0123)"}).status_code == 200
    assert store.get_user("u-privacy-mask").name == "Bo (tel [phone ***0123])"
    card = luhn_complete("5", 16)
    assert admin.get("/api/search", params={"q": f"wallet {card}", "session_id": "s-privacy-mask"}).status_code == 200
    import time

    deadline = time.time() + 10  # with real time running, a search event joins the next group commit
    while True:
        queries = [e.query for e in store.iter_events(types=["search"]) if e.session_id == "s-privacy-mask"]
        if queries or time.time() > deadline:
            break
        time.sleep(0.1)
    assert queries == [f"wallet [card ****{card[-4:]}]"]
