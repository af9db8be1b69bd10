"""Sentiment benchmark: shopmind's models side by side with snownlp and TF-IDF + logistic regression.

Chinese: reviews/online-shopping-zh, stratified 80/20 split (seed 0): train on 80 %, test on 20 %.
English: train on reviews/womens-clothing-en (rating >= 4 positive, <= 2 negative; all negatives plus
5,600 sampled positives, seed 0 — MiniLM encoding of long reviews is the slow part on 2 cores); the
shipped model uses the review titles; test on
a 20 % clothing split (in-domain) and on tests/data/reviews_electronics_en.csv (phones, headphones,
laptops, accessories: hand-written, out-of-domain).

Run:    HF_HUB_OFFLINE=1 python benchmarks/text_sentiment.py [--cache DIR] [--skip-snownlp]
Ship:   HF_HUB_OFFLINE=1 python benchmarks/text_sentiment.py --train-default   (writes shopmind/text/models/)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from shopmind.config import data_dir
from shopmind.text.catlinear import CategoryNgramClassifier
from shopmind.text.embedclf import EmbeddingClassifier
from shopmind.text.linear import LinearNgramClassifier
from shopmind.text.sentiment import MODELS_DIR

ROOT = Path(__file__).resolve().parents[1]
EN_TEST = ROOT / "tests" / "data" / "reviews_electronics_en.csv"
EN_POS_SAMPLE = 5600


def metrics(y, p) -> dict:
    pred = (np.asarray(p) >= 0.5).astype(int)
    return {"accuracy": round(float(accuracy_score(y, pred)), 4), "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
            "n": int(len(y))}


def zh_split():
    d = pd.read_csv(data_dir() / "reviews/online-shopping-zh/reviews.csv").dropna(subset=["review", "label"])
    tr, te = train_test_split(d, test_size=0.2, random_state=0, stratify=d.label)
    return (tr.review.astype(str).tolist(), tr.label.to_numpy(int), te.review.astype(str).tolist(), te.label.to_numpy(int),
            tr.cat.astype(str).tolist(), te.cat.astype(str).tolist())


def en_clothing():
    """The clothing sample: texts (title + review), titles (None when missing), labels; and all rows."""
    e = pd.read_parquet(data_dir() / "reviews/womens-clothing-en/reviews.parquet")
    e = e[e["Review Text"].notna() & (e["Rating"] != 3)]
    full = e
    e = pd.concat([e[e.Rating <= 2], e[e.Rating >= 4].sample(EN_POS_SAMPLE, random_state=0)]).sample(frac=1, random_state=0)
    text = lambda df: (df["Title"].fillna("") + ". " + df["Review Text"]).str.strip(". ").tolist()  # noqa: E731
    titles = [t if isinstance(t, str) and t.strip() else None for t in e["Title"]]
    return text(e), titles, (e["Rating"] >= 4).to_numpy(int), text(full), (full["Rating"] >= 4).to_numpy(int)


def _cached(cache: Path | None, name: str, texts: list[str], clf: EmbeddingClassifier) -> np.ndarray:
    path = cache / name if cache else None
    if path and path.exists():
        return np.load(path, allow_pickle=False)["X"]
    t = time.time()
    X = clf.embed(texts, progress=True)
    print(f"encoded {len(texts)} texts in {time.time() - t:.0f}s", flush=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, X=X)
    return X


def tfidf_lr(analyzer: str, ngram, tr_x, tr_y, te_xs, tokenizer=None):
    kw = {"analyzer": analyzer, "ngram_range": ngram, "sublinear_tf": True, "min_df": 2}
    if tokenizer:
        kw.update(analyzer="word", tokenizer=tokenizer, token_pattern=None, lowercase=False)
    vec = TfidfVectorizer(**kw)
    X = vec.fit_transform(tr_x)
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(X, tr_y)
    return [lr.predict_proba(vec.transform(x))[:, 1] for x in te_xs]


def run_zh(args, out: dict) -> CategoryNgramClassifier:
    tr_x, tr_y, te_x, te_y, tr_cat, te_cat = zh_split()
    res = out.setdefault("zh", {})
    if not args.skip_baselines:
        import jieba

        t = time.time()
        res["tfidf_char13_lr"] = metrics(te_y, tfidf_lr("char", (1, 3), tr_x, tr_y, [te_x])[0])
        res["tfidf_jieba_lr"] = metrics(te_y, tfidf_lr("word", (1, 1), tr_x, tr_y, [te_x], tokenizer=jieba.lcut)[0])
        print("zh baselines", res, f"{time.time() - t:.0f}s", flush=True)
        if not args.skip_snownlp:
            from snownlp import SnowNLP

            t = time.time()
            res["snownlp"] = metrics(te_y, [SnowNLP(x).sentiments for x in te_x])
            print("snownlp", res["snownlp"], f"{time.time() - t:.0f}s", flush=True)
    if args.with_old:  # the previous default (no categories), for the side-by-side table
        t = time.time()
        old = LinearNgramClassifier().fit(tr_x, tr_y)
        fit_s = time.time() - t
        t = time.time()
        p = old.predict_proba(te_x)
        res["shopmind_linear_ngram"] = {**metrics(te_y, p), "train_s": round(fit_s, 1), "predict_per_s": round(len(te_x) / (time.time() - t), 1)}
        print("zh shopmind (old)", res["shopmind_linear_ngram"], flush=True)
    # the category ("cat" column) is used at training time only; at prediction it is predicted from the text
    t = time.time()
    model = CategoryNgramClassifier().fit(tr_x, tr_y, tr_cat)
    fit_s = time.time() - t
    t = time.time()
    p = model.predict_proba(te_x)
    pred_s = time.time() - t
    cat_acc = float(np.mean(np.array(model.predict_category(te_x)) == np.array(te_cat)))
    res["shopmind_category_ngram"] = {**metrics(te_y, p), "train_s": round(fit_s, 1), "predict_per_s": round(len(te_x) / pred_s, 1),
                                      "category_accuracy": round(cat_acc, 4)}
    print("zh shopmind", res["shopmind_category_ngram"], flush=True)
    model.meta["trained_on"] = "reviews/online-shopping-zh 80% stratified split, seed 0"
    return model


def run_en(args, out: dict) -> EmbeddingClassifier:
    """Review titles ("Love this dress!", "Some major design flaws") are short, domain-neutral verdicts:
    the shipped model is trained on their MiniLM vectors. Full reviews and both are reported too."""
    x, titles, y, full_x, full_y = en_clothing()
    clf = EmbeddingClassifier("minilm")
    cache = Path(args.cache) if args.cache else None
    X = _cached(cache, f"clothing_minilm_{len(x)}.npz", x, clf)
    has = np.array([t is not None for t in titles])
    TV = _cached(cache, f"clothing_titles_minilm_{len(x)}.npz", [t for t in titles if t], clf)
    test = pd.read_csv(EN_TEST)
    T = clf.embed(test.text.tolist())
    idx = np.arange(len(x))
    tr, te = train_test_split(idx, test_size=0.2, random_state=0, stratify=y)
    tr_mask = np.zeros(len(x), bool)
    tr_mask[tr] = True
    title_row = np.cumsum(has) - 1  # row of each sample's title vector in TV
    variants = {
        "reviews": (X[tr], y[tr]),
        "titles": (TV[title_row[tr_mask & has]], y[tr_mask & has]),
        "reviews+titles": (np.vstack([X[tr], TV[title_row[tr_mask & has]]]), np.r_[y[tr], y[tr_mask & has]]),
    }
    res = out.setdefault("en", {})
    for name, (A, b) in variants.items():
        m = EmbeddingClassifier("minilm").fit_vectors(A, b)
        res[f"shopmind_minilm_lr_{name}"] = {"n_train": int(len(b)),
                                              "clothing_heldout": metrics(y[te], m.predict_proba_vectors(X[te])),
                                              "electronics": metrics(test.label, m.predict_proba_vectors(T))}
    xs = [x[i] for i in tr]
    b_te, b_el = tfidf_lr("word", (1, 2), xs, y[tr], [[x[i] for i in te], test.text.tolist()])
    res["tfidf_word12_lr"] = {"clothing_heldout": metrics(y[te], b_te), "electronics": metrics(test.label, b_el)}
    (b_all,) = tfidf_lr("word", (1, 2), full_x, full_y, [test.text.tolist()])
    res["tfidf_word12_lr_all_clothing"] = {"electronics": metrics(test.label, b_all), "n_train": len(full_x)}
    print("en", json.dumps(res), flush=True)
    model = EmbeddingClassifier("minilm").fit_vectors(TV, y[has])
    model.meta["trained_on"] = (f"reviews/womens-clothing-en titles: {int(has.sum())} reviews with a title out of all "
                                f"rating<=2 and {EN_POS_SAMPLE} sampled rating>=4 (seed 0)")
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", choices=["zh", "en", "both"], default="both")
    ap.add_argument("--out-dir", default=str(MODELS_DIR), help="where --train-default writes the models")
    ap.add_argument("--cache", default=None, help="folder to keep encoded clothing reviews between runs")
    ap.add_argument("--skip-snownlp", action="store_true")
    ap.add_argument("--skip-baselines", action="store_true")
    ap.add_argument("--with-old", action="store_true", help="also train the previous default (LinearNgramClassifier)")
    ap.add_argument("--train-default", action="store_true", help="save the trained models as the shipped defaults")
    ap.add_argument("--json", default=None, help="write results to this JSON file")
    args = ap.parse_args()
    out: dict = {}
    models = {}
    if args.lang in ("zh", "both"):
        models["zh"] = run_zh(args, out)
    if args.lang in ("en", "both"):
        models["en"] = run_en(args, out)
    if args.train_default:
        out_dir = Path(args.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        cmd = f"HF_HUB_OFFLINE=1 python benchmarks/text_sentiment.py --lang {args.lang} --train-default"
        for lang, m in models.items():
            m.meta["train_command"] = cmd
            path = m.save(out_dir / f"sentiment_{lang}.npz")
            print("saved", path, f"{path.stat().st_size / 1e6:.1f} MB")
    print(json.dumps(out, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
