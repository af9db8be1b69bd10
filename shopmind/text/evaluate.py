"""Train-on-one-file, test-on-another sentiment evaluation (``shopmind eval sentiment``) and training.

Labels may be 0/1, positive/negative words, or 1-5 star ratings (>= 4 positive, <= 2 negative, 3 dropped).
CSV and parquet inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["read_labelled", "eval_sentiment", "train_sentiment", "binary_labels"]

_POS = {"1", "pos", "positive", "true", "yes", "good"}
_NEG = {"0", "neg", "negative", "false", "no", "bad"}


def _read_table(path: str | Path):
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    name = p.name.lower()
    if name.endswith((".parquet", ".pq")):
        return pd.read_parquet(p)
    if name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        return pd.read_csv(p, sep="\t" if name.endswith(".tsv") else ",")
    raise ValueError(f"{p}: unsupported file type (use .csv, .tsv or .parquet)")


def binary_labels(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """(labels 0/1, mask of rows kept) from 0/1, words, or 1-5 ratings (3 is dropped)."""
    import pandas as pd

    s = pd.Series(values)
    num = pd.to_numeric(s, errors="coerce")
    if num.notna().all():
        uniq = set(num.unique().tolist())
        if uniq <= {0, 1}:
            return num.to_numpy(np.int64), np.ones(len(s), bool)
        if uniq <= {1, 2, 3, 4, 5} or uniq <= {1.0, 2.0, 3.0, 4.0, 5.0}:
            keep = (num != 3).to_numpy()
            return (num >= 4).to_numpy(np.int64), keep
        raise ValueError(f"labels: numbers must be 0/1 or 1-5 ratings, found {sorted(uniq)[:10]}")
    low = s.astype(str).str.strip().str.lower()
    bad = ~low.isin(_POS | _NEG)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"labels: row {i} has {s.iloc[i]!r}; expected 0/1, positive/negative or a 1-5 rating")
    return low.isin(_POS).to_numpy(np.int64), np.ones(len(s), bool)


def read_labelled(path: str | Path, text_col: str, label_col: str) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels of a labelled file; rows with empty text or a neutral rating are dropped."""
    df = _read_table(path)
    for col in (text_col, label_col):
        if col not in df.columns:
            raise ValueError(f"{path}: no column {col!r} (columns: {', '.join(map(str, df.columns))})")
    df = df[df[text_col].notna() & df[label_col].notna()]
    df = df[df[text_col].astype(str).str.strip() != ""]
    y, keep = binary_labels(df[label_col].to_numpy())
    texts = df[text_col].astype(str).to_numpy()[keep].tolist()
    return texts, y[keep]


def _lang_of(texts: list[str]) -> str:
    from shopmind.text.normalize import detect_language

    sample = texts[:: max(1, len(texts) // 500)][:500]
    zh = sum(detect_language(t) == "zh" for t in sample)
    return "zh" if zh * 2 >= len(sample) else "en"


def train_sentiment(texts: list[str], labels: np.ndarray, lang: str | None = None, progress: bool = False):
    """The project's method for the language: n-gram SVM/NB-SVM for Chinese, LR on MiniLM vectors for English."""
    from shopmind.text.embedclf import EmbeddingClassifier
    from shopmind.text.linear import LinearNgramClassifier

    lang = lang or _lang_of(texts)
    if lang == "zh":
        return LinearNgramClassifier().fit(texts, labels)
    if lang == "en":
        return EmbeddingClassifier("minilm").fit(texts, labels, progress=progress)
    raise ValueError(f"train_sentiment: lang must be 'zh' or 'en', got {lang!r}")


def eval_sentiment(train: str | Path | None, test: str | Path, text_col: str, label_col: str,
                   progress: bool = False) -> dict[str, Any]:
    """Train on ``train`` (or use the shipped models when None), report accuracy and macro-F1 on ``test``."""
    from sklearn.metrics import accuracy_score, f1_score

    te_x, te_y = read_labelled(test, text_col, label_col)
    if not te_x:
        raise ValueError(f"{test}: no labelled rows")
    if train is None:
        from shopmind.text.sentiment import default_analyzer

        p = default_analyzer().score(te_x)
        model_name = "default"
    else:
        tr_x, tr_y = read_labelled(train, text_col, label_col)
        model = train_sentiment(tr_x, tr_y, progress=progress)
        p = model.predict_proba(te_x)
        model_name = type(model).__name__
    pred = (np.asarray(p) >= 0.5).astype(int)
    return {
        "accuracy": round(float(accuracy_score(te_y, pred)), 4),
        "macro_f1": round(float(f1_score(te_y, pred, average="macro")), 4),
        "n": int(len(te_y)),
        "model": model_name,
    }
