"""Intent classifier: sentence-encoder vectors plus char n-gram TF-IDF into one logistic regression.

The encoder (multilingual e5 by default) carries meaning across Chinese and English; the char n-grams
carry exact wording (typos, order numbers, "发票"). The trained model is saved as one .npz (no pickle):
labels, n-gram vocabulary, idf, weights, and the encoder name it was trained with.
"""

from __future__ import annotations

import csv
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

DATA = Path(__file__).parent / "data"
DEFAULT_MODEL = DATA / "intent_model.npz"
DEFAULT_EXAMPLES = DATA / "intents_default.csv"

#: the 27 Bitext customer-support intents
BITEXT_INTENTS = (
    "cancel_order", "change_order", "place_order", "track_order", "check_cancellation_fee",
    "contact_customer_service", "contact_human_agent", "delivery_options", "delivery_period",
    "complaint", "review", "check_invoice", "get_invoice", "newsletter_subscription",
    "check_payment_methods", "payment_issue", "check_refund_policy", "get_refund", "track_refund",
    "change_shipping_address", "set_up_shipping_address", "create_account", "delete_account",
    "edit_account", "recover_password", "registration_problems", "switch_account",
)
#: shop intents beyond Bitext (contact_human is Bitext's contact_human_agent)
SHOP_INTENTS = (
    "product_question", "product_search", "recommendation_request", "compare_products",
    "chit_chat", "out_of_scope",
)
INTENTS = BITEXT_INTENTS + SHOP_INTENTS

NGRAMS = (1, 4)
FORMAT_VERSION = 1

Encode = Callable[[list[str]], np.ndarray]

_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), lowercase, single spaces: the text both feature kinds see."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def char_ngrams(text: str, lo: int = NGRAMS[0], hi: int = NGRAMS[1]) -> list[str]:
    """Char n-grams inside word boundaries (each word padded with spaces), like sklearn's char_wb."""
    out: list[str] = []
    for w in normalize(text).split(" "):
        w = f" {w} "
        n_w = len(w)
        for n in range(lo, hi + 1):
            if n > n_w:
                break
            out.extend(w[i : i + n] for i in range(n_w - n + 1))
    return out


_enc_lock = threading.Lock()


@lru_cache(maxsize=4)
def _encoder(name: str):
    from shopmind.embed import get_encoder

    return get_encoder(name)


def encoder_fn(name: str = "e5") -> Encode:
    """The query-vector function for encoder ``name`` (shopmind.embed's process-wide instance)."""
    enc = _encoder(name)

    def encode(texts: list[str]) -> np.ndarray:
        with _enc_lock:  # the native e5 engine is not re-entrant
            return enc.encode_queries([normalize(t) or " " for t in texts])

    return encode


@dataclass
class Prediction:
    intent: str
    confidence: float
    ranked: list[tuple[str, float]]  # top labels with probabilities


class IntentModel:
    """Softmax regression over [tf-idf char n-grams | emb_weight * encoder vector]."""

    def __init__(
        self,
        labels: Sequence[str],
        vocab: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        encoder: str = "e5",
        emb_weight: float = 2.0,
    ) -> None:
        self.labels = list(labels)
        self.vocab = {g: i for i, g in enumerate(vocab)}
        self.idf = np.asarray(idf, np.float32)
        self.coef = np.asarray(coef, np.float32)
        self.intercept = np.asarray(intercept, np.float32)
        self.encoder = encoder
        self.emb_weight = float(emb_weight)
        if (self.coef.ndim != 2 or self.coef.shape[0] != len(self.labels) or self.coef.shape[1] <= len(self.vocab)
                or self.intercept.shape != (len(self.labels),)):
            raise ValueError("intent model: weight shapes do not match labels/vocabulary")
        if len(self.idf) != len(self.vocab):
            raise ValueError("intent model: idf length does not match the vocabulary")
        self._encode: Encode | None = None

    # -- features ----------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        return self.coef.shape[1] - len(self.vocab)

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._encode is None:
            self._encode = encoder_fn(self.encoder)
        return self._encode(texts)

    def lexical(self, texts: Sequence[str]) -> sp.csr_matrix:
        return tfidf_matrix(texts, self.vocab, self.idf)

    def features(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> sp.csr_matrix:
        vecs = self.encode(list(texts)) if vectors is None else vectors
        return sp.hstack([self.lexical(texts), sp.csr_matrix(vecs * self.emb_weight)]).tocsr()

    # -- prediction --------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        z = self.features(texts, vectors) @ self.coef.T + self.intercept
        z = np.asarray(z) - np.max(z, axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[str]:
        return [self.labels[i] for i in self.predict_proba(texts, vectors).argmax(1)]

    def classify(self, text: str, top: int = 3, vector: np.ndarray | None = None) -> Prediction:
        """One message: best intent, its probability and the runners-up."""
        p = self.predict_proba([text], None if vector is None else vector[None, :])[0]
        order = np.argsort(-p)[:top]
        ranked = [(self.labels[i], float(p[i])) for i in order]
        return Prediction(ranked[0][0], ranked[0][1], ranked)

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(
            path,
            format_version=np.array(FORMAT_VERSION),
            labels=np.array(self.labels, dtype=str),
            vocab=np.array(vocab, dtype=str),
            idf=self.idf.astype(np.float16),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            encoder=np.array(self.encoder),
            emb_weight=np.array(self.emb_weight),
        )
        return path

    @classmethod
    def load(cls, path: str | Path) -> "IntentModel":
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"intent model not found: {path}")
        with np.load(path, allow_pickle=False) as z:
            if int(z["format_version"]) != FORMAT_VERSION:
                raise ValueError(f"{path}: unsupported intent model format {int(z['format_version'])}")
            return cls(
                labels=[str(x) for x in z["labels"]],
                vocab=[str(x) for x in z["vocab"]],
                idf=z["idf"].astype(np.float32),
                coef=z["coef"].astype(np.float32),
                intercept=z["intercept"],
                encoder=str(z["encoder"]),
                emb_weight=float(z["emb_weight"]),
            )


def tfidf_matrix(texts: Sequence[str], vocab: dict[str, int], idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear-tf x idf char n-gram rows, L2-normalized (unknown n-grams ignored)."""
    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        counts = Counter(g for g in char_ngrams(t) if g in vocab)
        if not counts:
            continue
        idx = np.fromiter((vocab[g] for g in counts), np.int64, len(counts))
        v = (1.0 + np.log(np.fromiter(counts.values(), np.float32, len(counts)))) * idf[idx]
        v /= max(float(np.linalg.norm(v)), 1e-12)
        rows.extend([r] * len(idx))
        cols.extend(idx.tolist())
        vals.extend(v.tolist())
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)), dtype=np.float32)


def fit_vocab(texts: Sequence[str], min_df: int = 1, max_features: int = 60000) -> tuple[list[str], np.ndarray]:
    """N-gram vocabulary (document frequency >= min_df, the most frequent first) and smooth idf."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(set(char_ngrams(t)))
    items = [(g, c) for g, c in df.items() if c >= min_df]
    items.sort(key=lambda x: (-x[1], x[0]))
    items = items[:max_features]
    n = len(texts)
    vocab = [g for g, _ in items]
    idf = np.array([math.log((1 + n) / (1 + c)) + 1.0 for _, c in items], np.float32)
    return vocab, idf


def read_intent_csv(path: str | Path) -> tuple[list[str], list[str]]:
    """(messages, intents) from a Bitext-format CSV: needs ``instruction`` and ``intent`` columns."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"intent data not found: {path}")
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = {"instruction", "intent"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))} (Bitext format: instruction,intent,...)")
        for i, row in enumerate(reader, start=2):
            text, intent = (row.get("instruction") or "").strip(), (row.get("intent") or "").strip()
            if not text or not intent:
                field = "instruction" if not text else "intent"
                raise ValueError(f"{path}: row {i}: empty {field}")
            texts.append(text)
            labels.append(intent)
    if not texts:
        raise ValueError(f"{path}: no rows")
    return texts, labels


def fit(
    texts: Sequence[str],
    labels: Sequence[str],
    encoder: str = "e5",
    vectors: np.ndarray | None = None,
    C: float = 10.0,
    emb_weight: float = 2.0,
    min_df: int = 1,
    seed: int = 0,
    balanced: bool = False,
) -> IntentModel:
    """Train on messages and their intents (vectors: precomputed encoder rows, to save time).

    ``balanced`` weighs every intent equally however many examples it has (the default examples have
    more composed English rows for the Bitext intents than hand-written ones for the shop intents)."""
    from sklearn.linear_model import LogisticRegression

    if len(texts) != len(labels):
        raise ValueError("fit: texts and labels differ in length")
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise ValueError("fit: need at least two intents")
    vocab, idf = fit_vocab(texts, min_df=min_df)
    model = IntentModel(classes, vocab, idf, np.zeros((len(classes), len(vocab) + 1)), np.zeros(len(classes)),
                        encoder=encoder, emb_weight=emb_weight)
    if vectors is None:
        vectors = model.encode(list(texts))
    X = sp.hstack([model.lexical(texts), sp.csr_matrix(vectors * emb_weight)]).tocsr()
    lr = LogisticRegression(C=C, max_iter=3000, random_state=seed, class_weight="balanced" if balanced else None)
    lr.fit(X, np.array(labels))
    order = [list(lr.classes_).index(c) for c in classes]
    model.coef = lr.coef_[order].astype(np.float32)
    model.intercept = lr.intercept_[order].astype(np.float32)
    return model


def train_intents(csv_path: str | Path, out: str | Path | None = None, encoder: str = "e5", **kw) -> IntentModel:
    """Train from a Bitext-format CSV (``instruction,intent,...``); save to ``out`` when given."""
    texts, labels = read_intent_csv(csv_path)
    model = fit(texts, labels, encoder=encoder, **kw)
    if out is not None:
        model.save(out)
    return model


_default_lock = threading.Lock()
_default: IntentModel | None = None


def default_model() -> IntentModel:
    """The shipped model trained on the project's bilingual examples (loaded once per process)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = IntentModel.load(DEFAULT_MODEL)
        return _default


def evaluate(model: IntentModel, texts: Sequence[str], labels: Sequence[str]) -> dict:
    """Accuracy and macro-F1 of ``model`` on labelled messages."""
    from sklearn.metrics import accuracy_score, f1_score

    pred = model.predict(texts)
    return {
        "accuracy": float(accuracy_score(labels, pred)),
        # macro over the intents of the test set: a model with more intents (the default model's shop
        # intents on Bitext) is not averaged over classes the test set does not have; its wrong
        # predictions still lower recall of the true intents
        "macro_f1": float(f1_score(labels, pred, labels=sorted(set(labels)), average="macro", zero_division=0)),
        "n": len(texts),
    }


def stratified_split(labels: Sequence[str], test_size: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) with every intent in the same proportion on both sides."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    tr, te = train_test_split(idx, test_size=test_size, stratify=list(labels), random_state=seed)
    return np.sort(tr), np.sort(te)


#: fit settings of the shipped model, chosen on the project's own data and a Bitext dev half (see
#: benchmarks/results/assistant.md): stronger fit, equal weight per intent, n-grams seen at least twice
DEFAULT_FIT = {"C": 30.0, "emb_weight": 2.0, "min_df": 2, "balanced": True}


def build_default_model(out: str | Path = DEFAULT_MODEL) -> IntentModel:
    """Retrain the shipped model from the bundled examples. Maintenance command (from the repo root):
    ``python -m shopmind.assistant.examples && python -m shopmind.assistant.intents``."""
    return train_intents(DEFAULT_EXAMPLES, out=out, **DEFAULT_FIT)


def iter_examples(path: str | Path = DEFAULT_EXAMPLES) -> Iterable[tuple[str, str]]:
    texts, labels = read_intent_csv(path)
    return zip(texts, labels)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    m = build_default_model()
    print(f"saved {DEFAULT_MODEL} ({len(m.labels)} intents, {len(m.vocab)} n-grams)")
