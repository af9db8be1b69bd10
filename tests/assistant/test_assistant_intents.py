"""Intent classifier: the shipped bilingual model, training on real Bitext messages, persistence, CLI."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from shopmind.assistant import intents as I

DATA = Path(__file__).resolve().parents[1] / "data" / "assistant"


@pytest.fixture(scope="module")
def default():
    return I.default_model()


def test_default_model_covers_bitext_and_shop_intents(default):
    assert set(I.INTENTS) == set(default.labels)
    assert len(default.labels) == 33
    assert default.encoder == "e5"


def test_default_model_understands_unseen_chinese(default):
    texts, labels = I.read_intent_csv(DATA / "intents_zh_test.csv")
    train_texts, _ = I.read_intent_csv(I.DEFAULT_EXAMPLES)
    assert len(texts) >= 150 and not set(texts) & set(train_texts)  # never seen in training
    assert set(labels) == set(I.INTENTS)
    res = I.evaluate(default, texts, labels)
    assert res["accuracy"] >= 0.90, res
    pred = dict(zip(texts, default.predict(texts)))
    assert pred["订单能撤销吗"] == "cancel_order"
    assert pred["能开增值税发票吗"] == "get_invoice"
    assert pred["快递怎么还没到"] == "track_order"


@pytest.fixture(scope="session")
def bitext_slice(data_dir):
    """A small stratified slice of the real Bitext data, encoded once: 12 messages per intent to train,
    4 held out to test ((texts, labels, vectors) for each side)."""
    texts, labels = I.read_intent_csv(data_dir / "support" / "bitext" / "support.csv")
    by = defaultdict(list)
    for t, l in zip(texts, labels):
        by[l].append(t)
    rng = np.random.default_rng(0)
    tr, te = [], []
    for l, items in sorted(by.items()):
        pick = rng.permutation(len(items))[:16]
        tr += [(items[i], l) for i in pick[:12]]
        te += [(items[i], l) for i in pick[12:]]
    vecs = I.encoder_fn("e5")([t for t, _ in tr + te])
    side = lambda rows, v: ([t for t, _ in rows], [l for _, l in rows], v)  # noqa: E731
    return side(tr, vecs[: len(tr)]), side(te, vecs[len(tr):])


FAMILY = {"order": ("cancel_order", "change_order", "place_order", "track_order"),
          "refund": ("check_refund_policy", "get_refund", "track_refund"),
          "delivery": ("delivery_options", "delivery_period"), "invoice": ("check_invoice", "get_invoice"),
          "payment": ("check_payment_methods", "payment_issue"),
          "account": ("create_account", "delete_account", "edit_account", "recover_password",
                      "registration_problems", "switch_account"),
          "address": ("change_shipping_address", "set_up_shipping_address"),
          "contact": ("contact_customer_service", "contact_human_agent"), "feedback": ("complaint", "review"),
          "fee": ("check_cancellation_fee",), "newsletter": ("newsletter_subscription",)}
FAMILY_OF = {i: f for f, members in FAMILY.items() for i in members}


def test_training_on_real_bitext_messages_each_family(bitext_slice, tmp_path):
    import csv

    (tr_texts, tr_labels, tr_vecs), (texts, gold, vecs) = bitext_slice
    path = tmp_path / "train.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["instruction", "intent", "category"])
        w.writerows([t, l, "x"] for t, l in zip(tr_texts, tr_labels))
    model = I.train_intents(path, out=tmp_path / "m.npz", vectors=tr_vecs)  # the CSV path, vectors reused
    assert len(model.labels) == 27 and set(FAMILY_OF) == set(model.labels)
    pred = model.predict(texts, vecs)
    for fam in FAMILY:
        idx = [i for i, g in enumerate(gold) if FAMILY_OF[g] == fam]
        acc = np.mean([FAMILY_OF[pred[i]] == fam for i in idx])  # right family, from held-out real messages
        assert acc >= 0.85, (fam, acc)
    assert np.mean(np.array(pred) == np.array(gold)) >= 0.85
    # the saved file gives the same probabilities (npz, no pickle)
    loaded = I.IntentModel.load(tmp_path / "m.npz")
    assert np.allclose(loaded.predict_proba(texts[:20], vecs[:20]), model.predict_proba(texts[:20], vecs[:20]), atol=2e-3)


def test_default_model_understands_english_bitext_messages(default, bitext_slice):
    """The shipped model never saw Bitext: its own English examples must carry over to real messages."""
    (tr_texts, tr_labels, tr_vecs), (te_texts, te_labels, te_vecs) = bitext_slice
    texts, gold = tr_texts + te_texts, tr_labels + te_labels
    pred = np.array(default.predict(texts, np.vstack([tr_vecs, te_vecs])))
    assert np.mean(pred == np.array(gold)) >= 0.95
    for fam in FAMILY:
        idx = [i for i, g in enumerate(gold) if FAMILY_OF[g] == fam]
        assert np.mean(pred[idx] == np.array(gold)[idx]) >= 0.85, fam
    train_texts, _ = I.read_intent_csv(I.DEFAULT_EXAMPLES)
    assert not {t.lower() for t in texts} & {t.lower() for t in train_texts}  # none of them in training


def test_read_intent_csv_names_bad_input(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("text,label\nhello,chit_chat\n")
    with pytest.raises(ValueError, match="missing column"):
        I.read_intent_csv(p)
    p.write_text("instruction,intent\nhello,chit_chat\n,track_order\n")
    with pytest.raises(ValueError, match="row 3: empty instruction"):
        I.read_intent_csv(p)
    with pytest.raises(FileNotFoundError):
        I.read_intent_csv(tmp_path / "missing.csv")


def test_classify_returns_ranked_probabilities(default):
    p = default.classify("I forgot my password")
    assert p.intent == "recover_password" and p.confidence > 0.5
    assert p.ranked[0][0] == p.intent and p.ranked[0][1] >= p.ranked[1][1]


def test_eval_intents_cli_prints_json(tmp_path):
    from typer.testing import CliRunner
    import typer

    from shopmind.cli.chat import eval_intents

    app = typer.Typer()
    app.command()(eval_intents)
    rows = (DATA / "intents_zh_test.csv").read_text(encoding="utf-8").splitlines()
    small = tmp_path / "small.csv"
    small.write_text("\n".join(rows[:1] + rows[1::12]) + "\n", encoding="utf-8")  # header + 14 messages
    r = CliRunner().invoke(app, ["--test", str(small), "--json"])
    assert r.exit_code == 0, r.output
    res = json.loads(r.output)
    assert res["n"] == 14 and res["model"] == "default" and res["accuracy"] >= 0.8 and 0 < res["macro_f1"] <= 1
    bad = tmp_path / "bad.csv"
    bad.write_text("message,label\nhi,chit_chat\n")
    r = CliRunner().invoke(app, ["--test", str(bad)])
    assert r.exit_code == 2 and "missing column" in r.output
