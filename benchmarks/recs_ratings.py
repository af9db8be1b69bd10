"""RMSE of the biased dot-product rating model vs global-mean and user/item-bias baselines on
MovieLens-100k (random 80/20 split, 3 seeds).  Run:  python benchmarks/recs_ratings.py"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopmind.config import data_dir  # noqa: E402
from shopmind.recommend.rating import eval_ratings  # noqa: E402


def main() -> None:
    folder = data_dir() / "recs/movielens-100k"
    runs = [eval_ratings(folder, seed=s) for s in (0, 1, 2)]
    print("| model | RMSE (mean of 3 splits) | per split | train s |")
    print("|---|---|---|---|")
    for name in runs[0]["models"]:
        r = [x["models"][name]["rmse"] for x in runs]
        t = np.mean([x["models"][name]["train_s"] for x in runs])
        print(f"| {name} | {np.mean(r):.4f} | {', '.join(f'{v:.4f}' for v in r)} | {t:.1f} |")


if __name__ == "__main__":
    main()
