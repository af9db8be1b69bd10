"""Fine-tune multilingual-e5-small with LoRA adapters for Chinese review sentiment (issue 3).

Trains ``EncoderClassifier`` (shopmind/text/encoderclf.py) on the training share of the Chinese
split (the 80 % train part minus its 10 % validation share, as every other choice in
``text_sentiment.py``), then writes its decision values on the validation share (and, with
``--test``, on the 20 % test split) to ``--decisions`` for stacking.

    HF_HUB_OFFLINE=1 python benchmarks/text_sentiment_encoder.py --out /tmp/enc.npz --epochs 1

The shipped Chinese model (n-gram + encoder, gated stacking), from scratch on 2 cores (~75 min):

    python benchmarks/text_sentiment_encoder.py --train-ngram /tmp/ngram90.npz --recipe --out /tmp/enc.npz \
        --ship /tmp/ngram90.npz --gate-share 0.3 --ship-out shopmind/text/models/sentiment_zh.npz
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from text_sentiment import zh_split, zh_validation_hold  # noqa: E402

from shopmind.text.encoderclf import EncoderClassifier  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="model .npz to write (checkpoints go next to it)")
    ap.add_argument("--decisions", help="decision values .npz to write (validation share; test with --test)")
    ap.add_argument("--recipe", action="store_true", help="train the shipped recipe (encoderclf.RECIPE: all stages)")
    ap.add_argument("--epochs", type=float, default=1.0, help="one stage of this many epochs (without --recipe)")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--seed", type=int, default=0, help="batch order and adapter start values")
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--first-layer", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--limit", type=int, help="train on the first N training reviews only (smoke runs)")
    ap.add_argument("--resume", help="skip training: load this model and only write decisions")
    ap.add_argument("--continue-from", help="train further from this saved model (its settings are kept)")
    ap.add_argument("--test", action="store_true", help="also score the 20 %% test split")
    ap.add_argument("--train-ngram", metavar="NGRAM_NPZ", help="first train the category-ngram model on the same "
                    "training share and save it there")
    ap.add_argument("--ship", metavar="NGRAM_NPZ", help="stack this n-gram model (trained on the same training "
                    "share) with the encoder on the validation share and write the ensemble to --ship-out")
    ap.add_argument("--gate-share", type=float, default=None, help="with --ship: encoder reads this share of reviews")
    ap.add_argument("--ship-out", default=None, help="with --ship: where to write the ensemble .npz")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(2)
    tr_x, tr_y, te_x, te_y, tr_cat, _ = zh_split()
    hold = zh_validation_hold(tr_y)
    fit_rows, val_rows = np.flatnonzero(~hold), np.flatnonzero(hold)
    if args.limit:
        fit_rows = fit_rows[: args.limit]
    if args.train_ngram:
        from shopmind.text.catlinear import CategoryNgramClassifier

        t = time.time()
        ngram = CategoryNgramClassifier().fit([tr_x[i] for i in fit_rows], tr_y[fit_rows], [tr_cat[i] for i in fit_rows])
        ngram.meta["trained_on"] = ("reviews/online-shopping-zh 80% stratified split (seed 0) minus its 10% "
                                    "validation share (seed 1)")
        ngram.save(args.train_ngram)
        print(f"n-gram model trained in {time.time() - t:.0f} s: {args.train_ngram}", flush=True)
    out = Path(args.out)
    if args.resume:
        model = EncoderClassifier.load(args.resume)
    else:
        if args.continue_from:
            model = EncoderClassifier.load(args.continue_from)
        else:
            model = EncoderClassifier(rank=args.rank, first_layer=args.first_layer, max_tokens=args.max_tokens)
        ckpt = out.with_suffix(".ckpt.npz")
        if args.recipe:
            model.fit_recipe([tr_x[i] for i in fit_rows], tr_y[fit_rows], log=lambda s: print(s, flush=True))
        else:
            model.fit([tr_x[i] for i in fit_rows], tr_y[fit_rows], epochs=args.epochs, lr=args.lr, seed=args.seed,
                    log=lambda s: print(s, flush=True), checkpoint=lambda m: m.save(ckpt),
                    warm_start=bool(args.continue_from))
        model.meta["trained_on"] = ("reviews/online-shopping-zh 80% stratified split (seed 0) minus its 10% "
                                    "validation share (seed 1)")
        model.meta["training_command"] = "python benchmarks/text_sentiment_encoder.py " + " ".join(sys.argv[1:])
        model.save(out)
        print(f"saved {out} ({out.stat().st_size / 1e6:.2f} MB)", flush=True)
    if args.ship:
        ship(model, args, tr_x, tr_y, hold)
    if args.decisions:
        res = {}
        t = time.time()
        dv = model.decision([tr_x[i] for i in val_rows])
        res["val"], res["val_y"] = dv, tr_y[val_rows]
        print(f"validation accuracy {((dv > 0) == tr_y[val_rows]).mean():.4f} "
              f"({len(val_rows) / (time.time() - t):.1f} reviews/s)", flush=True)
        if args.test:
            dt = model.decision(te_x)
            res["test"], res["test_y"] = dt, te_y
            print(f"test accuracy {((dt > 0) == te_y).mean():.4f}", flush=True)
        np.savez(args.decisions, **res)


def ship(encoder: EncoderClassifier, args, tr_x, tr_y, hold) -> None:
    """The shipped Chinese model: n-gram + encoder members (both trained on the training share),
    stacked on the validation share with the encoder gated to the reviews the n-gram model is least
    sure about. Members are not refitted, so the stacking weights are exact for them."""
    from shopmind.text.ensemble import EnsembleClassifier
    from shopmind.text.sentiment import load_model

    ngram = load_model(args.ship)
    ens = EnsembleClassifier.fit([lambda rows: ngram, lambda rows: encoder], len(tr_x), tr_y, tr_x, hold=hold,
                                 gate_share=args.gate_share)
    ens.meta["trained_on"] = ("reviews/online-shopping-zh 80% stratified split (seed 0): members on 90 %, "
                              "stacker on its 10 % validation share (seed 1)")
    ens.meta["training_command"] = "python benchmarks/text_sentiment_encoder.py " + " ".join(sys.argv[1:])
    out = Path(args.ship_out)
    ens.save(out)
    print(f"ensemble {out} ({out.stat().st_size / 1e6:.2f} MB): gate {ens.gate}, coef {ens.coef.round(3).tolist()}, "
          f"{ {k: v for k, v in ens.meta.items() if k.startswith('heldout')} }", flush=True)


if __name__ == "__main__":
    main()
