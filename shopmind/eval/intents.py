"""Intent evaluation: accuracy and macro-F1 of an intent model on a Bitext-format test file
(``instruction,intent``), trained on ``train`` when given, else the shipped default model."""

from __future__ import annotations

from pathlib import Path

from shopmind.assistant.intents import IntentModel, default_model, evaluate, read_intent_csv, train_intents


def eval_intents(test: str | Path, train: str | Path | None = None, model: str | Path | None = None) -> dict:
    """{"accuracy", "macro_f1", "n", "model"}: ``train`` trains a fresh model, ``model`` loads a saved
    one, neither uses the default bilingual model."""
    texts, labels = read_intent_csv(test)
    if train is not None:
        m, name = train_intents(train), f"trained on {train}"
    elif model is not None:
        m, name = IntentModel.load(model), str(model)
    else:
        m, name = default_model(), "default"
    res = evaluate(m, texts, labels)
    unknown = sorted(set(labels) - set(m.labels))
    return {**res, "model": name, **({"unknown_intents": unknown} if unknown else {})}
