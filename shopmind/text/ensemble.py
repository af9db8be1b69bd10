"""A stacked ensemble of sentiment classifiers, saved as one .npz (no pickle).

Each member's decision value is one input of a logistic regression fitted on a held-out share of the
training data that the members were trained without (blending; optionally the members are then
refitted on all the data and the stacker is kept). Members are any of the package's models with
``to_arrays``/``from_arrays``.

``gate``: the later members are computed only for texts whose first member is unsure
(|decision| < gate); elsewhere they count as undecided (decision 0). This keeps an expensive member
(an encoder) off the texts the cheap first member already decides clearly.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

import numpy as np

from shopmind.text.modelfile import NpzModel, read_meta

__all__ = ["EnsembleClassifier", "member_from_arrays"]


def member_from_arrays(z: Any, where: str = "model"):
    """A model of any saved kind from its arrays (a dict or an open .npz)."""
    kind = json.loads(str(z["meta"])).get("kind")
    if kind == "linear-ngram":
        from shopmind.text.linear import LinearNgramClassifier as cls
    elif kind == "category-ngram":
        from shopmind.text.catlinear import CategoryNgramClassifier as cls
    elif kind == "char-cnn":
        from shopmind.text.charcnn import CharCNNClassifier as cls
    elif kind == "embedding-lr":
        from shopmind.text.embedclf import EmbeddingClassifier as cls
    elif kind == "encoder-lora":
        from shopmind.text.encoderclf import EncoderClassifier as cls
    elif kind == "ensemble":
        cls = EnsembleClassifier
    else:
        raise ValueError(f"{where}: unknown sentiment model kind {kind!r}")
    return cls.from_arrays(z, where)


class EnsembleClassifier(NpzModel):
    """p(positive) = sigmoid(sum_i coef_i * decision_i(text) + intercept)."""

    kind = "ensemble"

    def __init__(self, members: Sequence[Any] = (), coef: Sequence[float] = (), intercept: float = 0.0,
                 meta: dict[str, Any] | None = None, gate: float | None = None) -> None:
        if gate is not None and not gate > 0:
            raise ValueError(f"EnsembleClassifier: gate must be > 0 or None, got {gate!r}")
        self.gate = float(gate) if gate is not None else None
        self.members = list(members)
        self.coef = np.asarray(coef, np.float64)
        self.intercept = float(intercept)
        self.meta = meta or {}

    @staticmethod
    def stack(decisions: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Stacking weights from held-out member decisions (n, m) and labels."""
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1.0).fit(decisions, y)
        return lr.coef_.ravel(), float(lr.intercept_[0])

    @classmethod
    def fit(cls, builders: Sequence[Callable[[np.ndarray], Any]], n: int, y: Sequence[int], texts: Sequence[str],
            hold_share: float = 0.1, seed: int = 0, hold: np.ndarray | None = None,
            refit: bool = False, gate_share: float | None = None) -> "EnsembleClassifier":
        """``builders[i](rows)`` trains member i on those rows of the training data (of ``n`` rows,
        texts ``texts``, labels ``y``). Members are trained on all but a held-out share (``hold``, a
        boolean mask, or a ``hold_share`` random share) and stacked on that share ("blending": the
        stacking weights are exact for the kept members). ``refit=True`` then retrains each member on
        everything (more data, but weights fitted for the 90 % members; twice the training time).
        ``gate_share``: gate the later members to that share of texts (those where the first member's
        |decision| is smallest on the held-out share); the stacker is fitted on the gated decisions."""
        y = np.asarray(list(y), dtype=np.int64)
        if hold is None:
            hold = np.random.default_rng(seed).random(n) < hold_share
        hold = np.asarray(hold, bool)
        if hold.shape != (n,) or hold.all() or not hold.any():
            raise ValueError(f"fit: hold must be a boolean mask of {n} rows with some rows held out and some not")
        rest, held = np.flatnonzero(~hold), np.flatnonzero(hold)
        held_texts = [texts[i] for i in held]
        members = [build(rest) for build in builders]
        D = np.column_stack([m.decision(held_texts) for m in members]).astype(np.float64)
        acc = lambda d: round(float(((d > 0) == y[held]).mean()), 4)  # noqa: E731
        member_acc = [acc(d) for d in D.T]  # before gating
        gate = None
        if gate_share is not None:
            if not 0 < gate_share < 1:
                raise ValueError(f"fit: gate_share must be in (0, 1), got {gate_share!r}")
            gate = float(np.quantile(np.abs(D[:, 0]), gate_share))
            D[np.abs(D[:, 0]) >= gate, 1:] = 0.0
        coef, b = cls.stack(D, y[held])
        if refit:
            members = [build(np.arange(n)) for build in builders]
        return cls(members, coef, b, {"n_held": int(hold.sum()), "n_train": int(n), "refit": refit,
                                      "heldout_accuracy_members": member_acc,
                                      "heldout_accuracy_stacked_in_sample": acc(D @ coef + b),
                                      "heldout_accuracy_stacked_cv5": acc(cls.stack_cv(D, y[held]))},
                   gate=gate)

    @classmethod
    def stack_cv(cls, decisions: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> np.ndarray:
        """Out-of-fold stacked decision values on the held-out share (an honest estimate of the
        stacker's accuracy there: each row is scored by weights fitted without it)."""
        from sklearn.model_selection import StratifiedKFold

        out = np.zeros(len(y))
        for a, b in StratifiedKFold(folds, shuffle=True, random_state=seed).split(decisions, y):
            coef, c = cls.stack(decisions[a], y[a])
            out[b] = decisions[b] @ coef + c
        return out

    def member_decisions(self, texts: Sequence[str]) -> np.ndarray:
        """(n, members) decision values; with a gate, later members are 0 where the first is sure."""
        texts = list(texts)
        if self.gate is None:
            return np.column_stack([m.decision(texts) for m in self.members]).astype(np.float64)
        D = np.zeros((len(texts), len(self.members)), np.float64)
        D[:, 0] = self.members[0].decision(texts)
        unsure = np.flatnonzero(np.abs(D[:, 0]) < self.gate)
        if len(unsure):
            sub = [texts[i] for i in unsure]
            for j, m in enumerate(self.members[1:], 1):
                D[unsure, j] = m.decision(sub)
        return D

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if not self.members:
            raise RuntimeError("EnsembleClassifier: no members")
        return (self.member_decisions(texts) @ self.coef + self.intercept).astype(np.float32)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of positive, shape (n,)."""
        if len(texts) == 0:
            return np.zeros(0, np.float32)
        return (1 / (1 + np.exp(-self.decision(texts).astype(np.float64)))).astype(np.float32)

    # -- persistence: members' arrays under "m<i>." prefixes -------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        meta = {"kind": self.kind, "n_members": len(self.members), "coef": self.coef.tolist(),
                "intercept": self.intercept, **self.meta}
        if self.gate is not None:
            meta["gate"] = self.gate
        arrays = {"meta": np.array(json.dumps(meta, ensure_ascii=False))}
        for i, m in enumerate(self.members):
            arrays.update({f"m{i}.{k}": v for k, v in m.to_arrays().items()})
        return arrays

    @classmethod
    def from_arrays(cls, z: Any, where: str = "model") -> "EnsembleClassifier":
        meta = read_meta(z, "ensemble", where)
        members = []
        for i in range(int(meta.pop("n_members"))):
            prefix = f"m{i}."
            sub = {k[len(prefix):]: z[k] for k in z.keys() if k.startswith(prefix)}
            if "meta" not in sub:
                raise ValueError(f"{where}: ensemble member {i} is missing")
            members.append(member_from_arrays(sub, f"{where} member {i}"))
        coef, b = meta.pop("coef"), float(meta.pop("intercept"))
        return cls(members, coef, b, meta, gate=meta.pop("gate", None))
